"""A held draft that waits too long for a CM: the fan gets one short acknowledgement, once.

Real Redis, real workers (each running its acknowledgement task), the real console for the CM's
actions and the fake Graph API. The brand's delay is cut to a fraction of a second
(``hold_acknowledgement.after_s``) and the workers' clock is fixed (``Responder.clock``) for the
staffed hours: nothing here waits ten minutes or for a Saturday night.
"""

from __future__ import annotations

import asyncio
import dataclasses
import datetime as dt
import re
import time
from zoneinfo import ZoneInfo

import aiohttp
import pytest
import yaml
from aiohttp import ClientSession, CookieJar
from prometheus_client import REGISTRY

from bot import redis_keys as keys
from bot.brand import DEFAULT_BRAND_FILE, load_brand, validate
from bot.console.accounts import Accounts
from bot.console.sending import ConsoleSender
from bot.errors import ConfigError
from bot.messages import InboundMessage
from bot.pipeline.acknowledgement import HoldAcknowledgements, ack_id, schedule
from bot.pipeline.analysis import Analysis
from bot.pipeline.cm_queue import CMQueue
from bot.pipeline.dialogue import Draft
from bot.pipeline.handoff import Handoff
from bot.pipeline.ledger import Ledger
from bot.pipeline.policy import HOLD, Decision
from bot.pipeline.queue import Delivery, InboundQueue
from bot.pipeline.thread import ConversationThread
from bot.proofreading.typography import apply_safe_fixes
from bot.voice import HOLDING, moment
from tests.bot.console.conftest import PASSWORD, item_id_for, start_gateway
from tests.conftest import stack_settings
from tests.helpers import (DEMO_PAGE_ID, close_client, conversation, fan, make_settings, messenger, messenger_event,
                           outcome, post_signed, serve, start_worker, wait_until)

PARIS = ZoneInfo("Europe/Paris")
WEDNESDAY_MORNING = dt.datetime(2027, 3, 10, 10, 0, tzinfo=PARIS).timestamp()  # the team is there
SATURDAY_NIGHT = dt.datetime(2027, 3, 13, 23, 0, tzinfo=PARIS).timestamp()  # back on Monday 15 March, 9:00
DELAY = 0.2
SETTLE = 1.2  # several turns of the acknowledgement task (every 0.25 s with the tests' heartbeat)
STAFFED = {"fr": "Merci pour votre message : notre équipe le lit et vous répond ici très vite.",
           "en": "Thank you for your message: our team is reading it and will reply here very soon."}
AWAY = {"fr": "Merci pour votre message : nous l'avons bien reçu. Notre équipe vous répondra lundi 15 mars à "
              "partir de 9 h.",
        "en": "Thank you for your message: we have received it. Our team will reply on Monday 15 March from 9 am."}
DISCLOSURE_FR = "Vous échangez avec l’assistant automatique de Maison Brindille."


def with_delay(brand, after_s: float):
    return dataclasses.replace(brand, hold_acknowledgement=dataclasses.replace(brand.hold_acknowledgement,
                                                                               after_s=after_s))


def counted(result: str) -> float:
    return REGISTRY.get_sample_value("relais_hold_acknowledgements_total", {"result": result}) or 0.0


@pytest.fixture
async def workers(redis, redis_url, graph):
    """Start workers whose responder reads ``brand`` and whose clock says ``clock``."""
    running = []

    async def start(brand, clock: float = WEDNESDAY_MORNING):
        worker = await start_worker(make_settings(redis_url), {"messenger": messenger(graph.url)})
        worker.worker.responder.brand = lambda: brand
        worker.worker.responder.clock = lambda: clock
        running.append(worker)
        return worker.worker
    yield start
    for worker in running:
        await worker.stop()


async def hold(worker, text: str, name: str, mid: str, language: str, draft: str = "Bonjour !") -> InboundMessage:
    """The fan's message held for a CM by the worker's own responder, as the pipeline holds one."""
    message = InboundMessage("messenger", mid, DEMO_PAGE_ID, fan(name), text, int(time.time() * 1000))
    responder = worker.responder
    await responder.outbox.window.note(message)
    analysis = Analysis(text, "opening_hours", 0.9, language)
    await responder._hold(Delivery("0-1", 1, message), analysis, Draft([draft], {"language": language}),
                          Decision(HOLD, ["staffed:approve_first"]), "token")
    return message


async def acknowledgements(graph, name: str, settle: float = SETTLE) -> list[str]:
    await asyncio.sleep(settle)
    return [m.text for m in graph.to(name)]


@pytest.mark.parametrize("language, clock, expected", [
    ("fr", WEDNESDAY_MORNING, STAFFED["fr"]), ("en", WEDNESDAY_MORNING, STAFFED["en"]),
    ("fr", SATURDAY_NIGHT, AWAY["fr"]), ("en", SATURDAY_NIGHT, AWAY["en"]),
    ("es", WEDNESDAY_MORNING, STAFFED["en"]),  # a language the brand does not serve: English
])
async def test_a_held_draft_gets_one_acknowledgement_in_the_fans_language_after_the_delay(
        workers, graph, redis, language, clock, expected):
    worker = await workers(with_delay(load_brand(), DELAY), clock)
    name = f"fan-ack-{language}-{int(clock)}"
    sent_before = counted("sent")
    held_at = time.perf_counter()
    await hold(worker, "Bonjour, vous êtes ouverts ?", name, f"m_{name}", language)
    await asyncio.sleep(DELAY / 2)
    assert graph.to(name) == []  # not before the delay
    [first] = await graph.wait_for(name, 1, timeout=5)
    assert first.received_at - held_at >= DELAY
    lang = "en" if language == "es" else language
    brand = load_brand()
    shaped = apply_safe_fixes(brand.shape(expected, lang, kind=HOLDING, at=moment(brand, clock, None)), lang)
    assert first.text.endswith(shaped)  # greeting, note, closing and signature: the brand's one voice
    assert first.text.startswith(DISCLOSURE_FR if language == "fr" else "You are chatting with")  # first bot message
    assert await acknowledgements(graph, name) == [first.text]  # once
    assert counted("sent") == sent_before + 1
    state = await Ledger(redis).state_of(conversation(name), ack_id(f"m_{name}"))
    assert state["status"] == "sent" and state["plan"]["sent_ids"]
    [entry] = [e for e in await ConversationThread(redis).last(conversation(name)) if e.who == "bot"]
    assert entry.text == first.text and entry.route == "holding"  # the console's thread shows it
    assert await redis.zcard(keys.ACK_DUE) == 0 and await redis.hlen(keys.ACK_ITEMS) == 0


async def test_a_delay_of_0_sends_nothing(workers, graph, redis):
    worker = await workers(with_delay(load_brand(), 0))
    await hold(worker, "Bonjour ?", "fan-ack-off", "m_ack_off", "fr")
    assert await redis.zcard(keys.ACK_DUE) == 0
    assert await acknowledgements(graph, "fan-ack-off") == []


async def signed_in(url: str) -> tuple[ClientSession, str]:
    session = ClientSession(base_url=url, cookie_jar=CookieJar(unsafe=True))
    page = await (await session.get("/console/login")).text()
    token = re.search(r'name="csrf" value="([^"]+)"', page).group(1)
    resp = await session.post("/console/login", data={"name": "alice", "password": PASSWORD, "csrf": token},
                              allow_redirects=False)
    assert resp.status == 303
    inbox = await (await session.get("/console/inbox/drafts")).text()
    return session, re.search(r'<meta name="csrf-token" content="([^"]+)"', inbox).group(1)


@pytest.fixture
async def console(redis, redis_url, graph):
    await Accounts(redis).add("alice", PASSWORD)
    client = await start_gateway(redis_url, graph)
    graph.webhook = client
    session, token = await signed_in(str(client.make_url("")).rstrip("/"))
    yield session, token
    await session.close()
    graph.webhook = None
    await close_client(client, timeout_s=5)


@pytest.mark.parametrize("action, form, cm_sends", [
    ("approve", {"text": "Nous ouvrons le dimanche de 11 h à 18 h."}, True),  # approval carries the text seen
    ("reject", {"reason": "nothing to answer"}, False),
])
async def test_none_when_a_cm_handled_the_draft_before_the_delay(workers, graph, redis, console, action, form,
                                                                  cm_sends):
    session, token = console
    worker = await workers(with_delay(load_brand(), 3.0))
    name = f"fan-ack-cm-{action}"
    answer = "Nous ouvrons le dimanche de 11 h à 18 h."
    await hold(worker, "Vous ouvrez le dimanche ?", name, f"m_{name}", "fr", draft=answer)
    item = await item_id_for(redis, f"m_{name}")
    resp = await session.post(f"/console/item/{item}/{action}", data={"reply_id": "r1r1r1r1", "csrf": token, **form},
                              headers={"Accept": "application/json"})
    assert resp.status == 200, await resp.text()
    assert await redis.zcard(keys.ACK_DUE) == 0  # the console dropped it
    assert await acknowledgements(graph, name, settle=3.0 + SETTLE) == ([answer] if cm_sends else [])


async def test_a_cm_reply_the_console_has_not_closed_yet_stops_it(workers, graph, redis):
    """The console closes the item only once its reply went out: an acknowledgement due meanwhile is skipped."""
    worker = await workers(with_delay(load_brand(), 1.0))
    message = await hold(worker, "Vous ouvrez le dimanche ?", "fan-ack-race", "m_ack_race", "fr")
    async with aiohttp.ClientSession() as http:
        channel = messenger(graph.url)
        channel.open(http)
        sender = ConsoleSender(redis, InboundQueue(redis), {"messenger": channel})
        [case] = await CMQueue(redis).cases(conversation=message.conversation_id)
        assert (await sender.send(case, "Oui, de 11 h à 18 h.", "m_ack_race.cm-draft", "alice")).status == "sent"
    answered = counted("answered")
    assert await acknowledgements(graph, "fan-ack-race") == ["Oui, de 11 h à 18 h."]

    async def skipped_as_answered():  # the due entry is looked at once its second has passed
        return counted("answered") == answered + 1 and await redis.zcard(keys.ACK_DUE) == 0

    await wait_until(skipped_as_answered, timeout=15)


async def test_none_once_a_person_took_the_conversation_over(workers, graph, redis):
    worker = await workers(with_delay(load_brand(), 0.4))
    message = await hold(worker, "Bonjour ?", "fan-ack-taken", "m_ack_taken", "fr")
    await Handoff(redis, CMQueue(redis)).begin(message.conversation_id, ["ask_human"])
    assert await acknowledgements(graph, "fan-ack-taken") == []


async def test_two_workers_racing_send_each_acknowledgement_once(workers, graph, redis):
    brand = with_delay(load_brand(), DELAY)
    a, b = await workers(brand), await workers(brand)
    names = [f"fan-ack-race-{i}" for i in range(8)]
    for i, name in enumerate(names):
        await hold(a if i % 2 else b, "Bonjour ?", name, f"m_{name}", "fr")
    # Besides both workers' own tasks, two more claim at the same moment.
    extra = [HoldAcknowledgements.for_worker(a), HoldAcknowledgements.for_worker(b)]
    await asyncio.sleep(DELAY)
    await asyncio.gather(*(e.send_due() for e in extra for _ in range(3)))
    await asyncio.sleep(SETTLE)
    assert {name: len(graph.to(name)) for name in names} == dict.fromkeys(names, 1)


async def test_each_due_acknowledgement_is_claimed_by_one_claimer_only(redis):
    brand = with_delay(load_brand(), 1)
    for i in range(40):
        message = InboundMessage("messenger", f"m_claim_{i}", DEMO_PAGE_ID, fan(f"fan-claim-{i}"), "Allô ?", 1)
        await schedule(redis, message, "fr", brand, now=time.time() - 5)
    claimers = [HoldAcknowledgements(redis, Ledger(redis), {}, consumer=f"w{i}", batch=7) for i in range(4)]
    claims = await asyncio.gather(*(c.claim() for c in claimers for _ in range(3)))
    members = [m for claim in claims for m in claim]
    assert len(members) == len(set(members)) == 40
    assert await claimers[0].claim() == []  # claimed: not due again before a minute


async def test_a_send_begun_by_a_worker_that_died_is_never_repeated(workers, graph, redis):
    worker = await workers(with_delay(load_brand(), 0.5))
    message = await hold(worker, "Bonjour ?", "fan-ack-died", "m_ack_died", "fr")
    ack = dataclasses.replace(message, message_id=ack_id(message.message_id), text="")
    await Ledger(redis).set_state(ack, status="sending", texts=["…"])  # claimed, then the worker stopped mid-send
    duplicates = counted("duplicate")
    assert await acknowledgements(graph, "fan-ack-died") == []
    assert counted("duplicate") == duplicates + 1


async def test_a_second_held_message_gets_none_until_a_cm_answered(workers, graph, redis):
    worker = await workers(with_delay(load_brand(), DELAY))
    name = "fan-ack-twice"
    await hold(worker, "Bonjour, une question", name, "m_twice_1", "fr")
    await hold(worker, "Vous êtes là ?", name, "m_twice_2", "fr")  # held before the first was acknowledged
    await graph.wait_for(name, 1, timeout=5)
    await hold(worker, "Allô ?", name, "m_twice_3", "fr")  # held after it
    assert len(await acknowledgements(graph, name)) == 1
    async with aiohttp.ClientSession() as http:  # a CM answers the first message
        channel = messenger(graph.url)
        channel.open(http)
        [case] = [c for c in await CMQueue(redis).cases(conversation=conversation(name))
                  if c["message_id"] == "m_twice_1"]
        await ConsoleSender(redis, InboundQueue(redis), {"messenger": channel}).send(
            case, "Bien sûr, nous vous écoutons.", "m_twice_1.cm-draft", "alice")
    await hold(worker, "Et pour la livraison ?", name, "m_twice_4", "fr")  # a new wait: acknowledged again
    texts = await acknowledgements(graph, name)
    assert len(texts) == 3 and texts[1] == "Bien sûr, nous vous écoutons."
    brand = load_brand()
    at = moment(brand, WEDNESDAY_MORNING, WEDNESDAY_MORNING)  # the bot wrote to this fan today: no greeting
    assert texts[2] == apply_safe_fixes(brand.shape(STAFFED["fr"], "fr", kind=HOLDING, at=at), "fr")
    assert not texts[2].startswith(DISCLOSURE_FR)  # the disclosure was said once, in the first


async def test_scheduling_is_once_per_held_message(redis):
    brand = with_delay(load_brand(), 60)
    message = InboundMessage("messenger", "m_sched", DEMO_PAGE_ID, fan("fan-sched"), "Hello?", 1)
    assert await schedule(redis, message, "en", brand)
    assert not await schedule(redis, message, "en", brand)  # the same message held again after a crash
    assert await redis.zcard(keys.ACK_DUE) == 1


# -- the brand file --------------------------------------------------------------------------------------

def brand_data(section) -> dict:
    data = yaml.safe_load(DEFAULT_BRAND_FILE.read_text(encoding="utf-8"))
    if section is None:
        data.pop("hold_acknowledgement", None)
    else:
        data["hold_acknowledgement"] = section
    return data


def test_the_shipped_brand_acknowledges_after_10_minutes_in_french_and_english():
    settings = load_brand().hold_acknowledgement
    assert settings.after_s == 600
    assert settings.text("fr", True) == ("fr", STAFFED["fr"]) and settings.text("en", False)[0] == "en"


def test_after_minutes_defaults_to_10_and_0_turns_it_off():
    texts = {lang: {"staffed": STAFFED[lang], "away": "Merci !" if lang == "fr" else "Thanks!"} for lang in STAFFED}
    assert validate(brand_data(texts), "b.yml").hold_acknowledgement.after_s == 600
    assert validate(brand_data({"after_minutes": 0}), "b.yml").hold_acknowledgement.after_s == 0
    assert validate(brand_data(None), "b.yml").hold_acknowledgement is None


@pytest.mark.parametrize("section, key", [
    ({"after_minutes": "ten"}, "hold_acknowledgement.after_minutes"),
    ({"after_minutes": -1}, "hold_acknowledgement.after_minutes"),
    ({"after_minutes": 5, "fr": {"staffed": "Merci."}, "en": {"staffed": "Thanks.", "away": "Thanks."}},
     "hold_acknowledgement.fr.away missing"),  # the brand has staffed hours: the away text is needed
    ({"after_minutes": 5, "fr": {"staffed": "Merci.", "away": "Merci."}}, "hold_acknowledgement.en.staffed missing"),
    ({"after_minutes": 5, "delay": 3}, "hold_acknowledgement.delay is not a known key"),
    ({"fr": {"staffed": "Merci.", "later": "x"}}, "hold_acknowledgement.fr.later is not a known key"),
    ({"fr": {"staffed": "Merci pour ton message.", "away": "Merci."}, "en": {"staffed": "Thanks.", "away": "Ok."}},
     "hold_acknowledgement.fr.staffed: addresses the fan as « tu »"),
    (["Merci."], "hold_acknowledgement must be a dict"),
])
def test_a_mistake_in_the_section_fails_the_load_and_names_its_key(section, key):
    with pytest.raises(ConfigError, match=re.escape(key)):
        validate(brand_data(section), "b.yml")


# -- through the whole pipeline --------------------------------------------------------------------------

@pytest.mark.stack
@pytest.mark.parametrize("text, language", [("Bonjour, vous êtes ouverts le dimanche ?", "fr"),
                                            ("Hello, are you open on Sundays?", "en")])
async def test_a_draft_held_by_the_pipeline_is_acknowledged_in_the_language_the_fan_wrote(
        redis, redis_url, rasa_stack, graph, text, language):
    settings = stack_settings(redis_url, rasa_stack)
    client = await serve(settings, {"messenger": messenger(graph.url)})
    graph.webhook = client
    running = await start_worker(settings, {"messenger": messenger(graph.url)}, brand_file=rasa_stack.brand_file)
    brand = load_brand(rasa_stack.brand_file)
    approve_first = dataclasses.replace(with_delay(brand, DELAY),
                                        staffing=dataclasses.replace(brand.staffing, mode="approve_first"))
    running.worker.responder.brand = lambda: approve_first
    running.worker.responder.clock = lambda: WEDNESDAY_MORNING
    name = f"fan-ack-stack-{language}"
    try:
        resp = await post_signed(client, messenger_event(text, name, mid=f"m_{name}"))
        assert resp.status == 200
        state = await outcome(redis, f"m_{name}")
        assert state["status"] == "held"
        [ack] = await graph.wait_for(name, 1, timeout=10)
        at = moment(brand, WEDNESDAY_MORNING, None)
        assert ack.text.endswith(apply_safe_fixes(brand.shape(STAFFED[language], language, kind=HOLDING, at=at),
                                                  language))
        assert len(await acknowledgements(graph, name)) == 1
    finally:
        graph.webhook = None
        await running.stop()
        await close_client(client)
