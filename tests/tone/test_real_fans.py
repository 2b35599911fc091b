"""What real fans wrote, routed by the whole stack (Rasa NLU with tone, the action server, the policy).

The messages below are the ones a brand trying Relais saw escalated or held
although they were kind, plus the very short replies fans send all day. Each
is sent by its own fan through the Messenger webhook; the route is what the
ledger records.
"""

import pytest

from bot.pipeline.tone_history import ToneHistory, ToneMark
from tests.helpers import conversation, messenger_event, outcome, post_signed

pytestmark = pytest.mark.stack

EXAMPLES = [
    # (text, route it gets now: "sent" = answered, "held" = a CM looks at it; never "escalated")
    ("wow not bad :) Thanks If I face any difficulties in future will definitely contact you. :)", "held"),
    ("Thanks @Uber_Support. Have done so now.", "sent"),
    ("Thank you! My friend spotted this.", "sent"),
    ("Putain c'est trop beau votre nouvelle collection 😍", "sent"),
    ("Holy shit these plates are gorgeous", "sent"),
    ("Merci beaucoup pour votre aide, super service !", "sent"),
    ("?", "held"),
    ("👍", "sent"),
    ("ok", "sent"),
    ("merci", "sent"),
    ("❤️", "sent"),
]


@pytest.mark.parametrize("index,text,route", [(i, t, r) for i, (t, r) in enumerate(EXAMPLES)])
async def test_kind_and_short_messages_are_never_escalated(gateway, graph, redis, index, text, route):
    fan, mid = f"fan-kind-{index}", f"m_kind_{index}"
    await post_signed(gateway, messenger_event(text, fan, mid=mid))
    state = await outcome(redis, mid)
    assert state["status"] == route, state["reasons"]
    assert not any(r.startswith(("tone:angry", "flag:", "tone_history:")) for r in state["reasons"])
    if route == "sent":
        [reply] = graph.to(fan)
        assert "membre de notre équipe" not in reply.text and "member of our team" not in reply.text
    else:
        assert not graph.to(fan)  # held: nothing sent, no "a person will answer you"


async def test_angry_fan_is_still_escalated(gateway, graph, redis):
    await post_signed(gateway, messenger_event("Three weeks and STILL no refund, this is a joke!!!", "fan-mad",
                                               mid="m_mad"))
    state = await outcome(redis, "m_mad")
    assert state["status"] == "escalated"
    assert any(r.startswith(("tone:angry", "flag:anger")) for r in state["reasons"])


MILD = "Dommage que le plaid vert soit épuisé"  # somewhat negative, about a product the bot can answer on


async def test_one_mildly_negative_message_is_held(gateway, graph, redis):
    await post_signed(gateway, messenger_event(MILD, "fan-mild", mid="m_mild"))
    state = await outcome(redis, "m_mild")
    assert state["status"] == "held"
    assert any(r.startswith("tone:negative") for r in state["reasons"])


async def test_the_third_negative_message_in_a_row_reaches_a_person(gateway, graph, redis):
    history = ToneHistory(redis)
    for i in range(2):  # the fan's two previous messages were negative too
        await history.add(conversation("fan-gloomy"), ToneMark(f"m_earlier_{i}", "negative", 0.05, 0.7))
    await post_signed(gateway, messenger_event(MILD, "fan-gloomy", mid="m_gloomy"))
    state = await outcome(redis, "m_gloomy")
    assert state["status"] == "escalated"
    assert "tone_history:negative_run:3" in state["reasons"]
    marks = await history.before(conversation("fan-gloomy"), "m_next")
    assert [m.message_id for m in marks] == ["m_gloomy", "m_earlier_1", "m_earlier_0"]
