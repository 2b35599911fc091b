"""The dialogue Relais runs: the rules Rasa is trained on, one rasa-sdk action call, slots in Redis."""

import socket

import aiohttp
import pytest
import yaml

from bot.errors import ConfigError
from bot.pipeline.dialogue import ActionServer, Dialogue, Rules, Slots
from bot.pipeline.rasa_client import RasaClient
from bot.settings import ROOT
from tests.helpers import conversation

RULES = ROOT / "nlu_data" / "rules.yml"
STORIES = ROOT / "tests" / "rasa" / "test_stories.yml"


def test_rules_map_every_intent_to_its_action():
    rules = Rules.load(RULES)
    assert rules.next_action("order_tracking") == "action_order_status"
    assert rules.next_action("opening_hours") == "action_draft_reply"
    assert rules.next_action("an_intent_nobody_trained") == "action_draft_reply"  # the core fallback


def test_the_rules_run_here_are_the_ones_rasas_test_stories_check():
    rules = Rules.load(RULES)
    checked = 0
    for story in yaml.safe_load(STORIES.read_text(encoding="utf-8"))["stories"]:
        steps = story["steps"]
        for step, following in zip(steps, steps[1:]):
            if "intent" in step and "action" in following:
                assert rules.next_action(step["intent"]) == following["action"], story["story"]
                checked += 1
    assert checked >= 10


def test_a_rule_this_runner_cannot_execute_is_refused_at_start_up(tmp_path):
    path = tmp_path / "rules.yml"
    path.write_text(yaml.safe_dump({"rules": [{"rule": "two turns", "steps": [
        {"intent": "greet"}, {"action": "action_draft_reply"}, {"intent": "thank"}, {"action": "action_draft_reply"}]}]}))
    with pytest.raises(ConfigError, match="two turns"):
        Rules.load(path)
    path.write_text(yaml.safe_dump({"rules": [{"rule": "conditional", "condition": [{"slot_was_set": [{"x": 1}]}],
                                               "steps": [{"intent": "greet"}, {"action": "action_draft_reply"}]}]}))
    with pytest.raises(ConfigError, match="conditional"):
        Rules.load(path)


@pytest.mark.stack
async def test_one_action_call_drafts_the_answer_and_keeps_the_slots(rasa_stack, redis):
    async with aiohttp.ClientSession() as session:
        rasa = RasaClient(session, rasa_stack.rasa_url, rasa_stack.token)
        dialogue = Dialogue(ActionServer(session, rasa_stack.actions_url, ROOT / "domain.yml",
                                         token=rasa_stack.actions_token), Rules.load(RULES), Slots(redis))
        conv = conversation("fan-dialogue")
        parse = await rasa.parse("où en est ma commande BR-204518 ?")
        draft = await dialogue.draft(conv, parse, {"language": "fr"})
        assert "BR-204518" in draft.text and draft.meta["intent"] == "order_tracking"
        slots = await Slots(redis).get(conv)
        assert (slots["order_number"], slots["language"], slots["topic"]) == ("BR-204518", "fr", "order_tracking")
        assert isinstance(slots["replied_at"], float)  # the next reply does not greet again
        english = await dialogue.draft(conv, await rasa.parse("what are your opening hours?"), {"language": "en"})
        assert "Monday to Saturday" in english.text
        assert (await Slots(redis).get(conv))["language"] == "en"


@pytest.mark.stack
async def test_rasas_api_needs_the_token(rasa_stack):
    async with aiohttp.ClientSession() as session:
        async with session.post(f"{rasa_stack.rasa_url}/model/parse", json={"text": "Bonjour"}) as resp:
            assert resp.status == 401
        async with session.get(f"{rasa_stack.rasa_url}/conversations/someone/tracker") as resp:
            assert resp.status == 401
        async with session.post(f"{rasa_stack.rasa_url}/model/parse", params={"token": rasa_stack.token},
                                json={"text": "Bonjour"}) as resp:
            assert resp.status == 200


def _non_loopback_address() -> str | None:
    with socket.socket(socket.AF_INET, socket.SOCK_DGRAM) as s:
        try:
            s.connect(("10.255.255.255", 1))  # no packet is sent: this only picks the outgoing interface
            address = s.getsockname()[0]
        except OSError:
            return None
    return None if address.startswith("127.") else address


@pytest.mark.stack
def test_rasa_and_the_action_server_listen_on_loopback_only(rasa_stack):
    address = _non_loopback_address()
    if address is None:
        pytest.skip("this machine has no non-loopback IPv4 address to try")
    for url in (rasa_stack.rasa_url, rasa_stack.actions_url):
        port = int(url.rsplit(":", 1)[1].split("/")[0])
        with pytest.raises(OSError):
            socket.create_connection((address, port), timeout=1).close()
