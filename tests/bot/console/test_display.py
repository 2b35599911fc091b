"""How the conversation page merges the pipeline's thread with what the console recorded: each message once."""

from __future__ import annotations

from bot.console.display import thread
from bot.pipeline.thread import ThreadEntry


def _case(mid: str, text: str, at: float, **extra) -> dict:
    return {"id": f"{int(at * 1000)}-0", "at": at, "message_id": mid, "text": text, **extra}


def test_a_fan_message_in_the_thread_is_shown_as_written_not_as_filed():
    recorded = [ThreadEntry("fan", "Answer me at lea@example.org", 10.0, "m1", "escalated"),
                ThreadEntry("bot", "A person will answer you.", 11.0, "m1", "holding", ("p1",))]
    cases = {"c1": _case("m1", "Answer me at [e-mail]", 10.5, holding_message="A person will answer you.")}
    log = [{"type": "fan", "case": "c1", "at": 10.5}]
    entries = thread(log, cases, {}, recorded)
    assert [(e.who, e.text, e.label) for e in entries] == [
        ("fan", "Answer me at lea@example.org", "escalated"), ("bot", "A person will answer you.", "holding")]


def test_a_case_the_thread_does_not_hold_is_shown_from_the_cm_queue_once():
    cases = {"c1": _case("m1", "Où est ma commande ?", 10.0, holding_message="Une personne va vous répondre."),
             "c2": _case("m1", "Où est ma commande ?", 12.0)}  # the same message filed again
    log = [{"type": "fan", "case": "c1", "at": 10.0}, {"type": "fan", "case": "c2", "at": 12.0}]
    entries = thread(log, cases, {}, [])
    assert [(e.who, e.label) for e in entries] == [("fan", ""), ("bot", "holding")]


def test_a_holding_message_already_in_the_thread_is_not_shown_again_from_its_case():
    recorded = [ThreadEntry("bot", "A person will answer you.", 11.0, "m1", "holding")]
    cases = {"c1": _case("m1", "hello?", 10.0, holding_message="A person will answer you.")}
    entries = thread([{"type": "fan", "case": "c1", "at": 10.0}], cases, {}, recorded)
    assert [(e.who, e.label) for e in entries] == [("fan", ""), ("bot", "holding")]


def test_a_cm_reply_is_shown_once_with_who_sent_it_and_a_pending_one_once_delivered():
    recorded = [ThreadEntry("fan", "hello?", 10.0, "m1", "escalated"),
                ThreadEntry("cm", "Hello Léa, here is your refund.", 21.0, "m1.cm-aaaaaa", "human", ("p2",)),
                ThreadEntry("cm", "Anything else?", 31.0, "m1.cm-bbbbbb", "human", ("p3",)),
                ThreadEntry("cm", "Sent by a colleague's gateway.", 41.0, "m1.cm-cccccc", "human", ("p4",))]
    log = [{"type": "cm", "by": "alice", "text": "Hello Léa, here is your refund.", "status": "sent", "at": 20.0,
            "message_id": "m1.cm-aaaaaa"},
           {"type": "cm", "by": "bob", "text": "Anything else?", "status": "pending", "at": 30.0,
            "message_id": "m1.cm-bbbbbb"},
           {"type": "note", "by": "bob", "text": "She called.", "at": 35.0}]
    entries = thread(log, {}, {}, recorded)
    assert [(e.who, e.by, e.label, e.text) for e in entries] == [
        ("fan", "", "escalated", "hello?"),
        ("cm", "alice", "sent", "Hello Léa, here is your refund."),
        ("cm", "bob", "sent", "Anything else?"),  # was pending when sent, delivered since
        ("note", "bob", "", "She called."),
        ("cm", "", "sent", "Sent by a colleague's gateway."),  # only the thread knows it
    ]
