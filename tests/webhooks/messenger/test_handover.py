"""Passing an escalation to the Page Inbox: off by default, and Conversation Routing's refusal recorded."""

from __future__ import annotations

import aiohttp
import pytest

from bot.errors import ConfigError
from tests.helpers import DEMO_PAGE_ID, fan, messenger
from webhooks.messenger import MessengerChannel


async def hand_over(graph, **settings) -> str:
    async with aiohttp.ClientSession() as session:
        channel = messenger(graph.url, **settings)
        channel.open(session)
        return await channel.hand_to_person(DEMO_PAGE_ID, fan("fan-inbox"))


async def test_off_by_default_nothing_is_asked(graph):
    assert await hand_over(graph) == ""
    assert graph.handovers == []


async def test_a_page_with_conversation_routing_refuses_and_that_is_recorded(graph):
    note = await hand_over(graph, pass_to_inbox=True)
    assert note.startswith("handover_disabled: Handover Protocol APIs disabled (code 10)")
    assert graph.handovers == [{"recipient": {"id": fan("fan-inbox")}, "target_app_id": "263902037430900",
                                "metadata": "relais:escalated"}]


async def test_a_page_on_the_handover_protocol_passes_the_thread(graph):
    graph.handover_protocol = True
    assert await hand_over(graph, pass_to_inbox=True) == "passed_to_page_inbox"


async def test_other_refusals_and_an_unreachable_api_never_raise(graph):
    graph.token = "another-token"
    assert (await hand_over(graph, pass_to_inbox=True)).startswith("handover_failed: HTTP 401 code 190")
    async with aiohttp.ClientSession() as session:
        channel = messenger("http://127.0.0.1:9", pass_to_inbox=True)
        channel.open(session)
        assert (await channel.hand_to_person(DEMO_PAGE_ID, "1")).startswith("handover_failed: ")


def test_the_setting_is_read_and_checked():
    env = {"MESSENGER_APP_SECRET": "s", "MESSENGER_VERIFY_TOKEN": "v", "MESSENGER_PAGE_ACCESS_TOKEN": "t"}
    assert MessengerChannel.from_env(env).pass_to_inbox is False
    assert MessengerChannel.from_env({**env, "MESSENGER_PASS_TO_INBOX": "true"}).pass_to_inbox is True
    with pytest.raises(ConfigError, match="MESSENGER_PASS_TO_INBOX"):
        MessengerChannel.from_env({**env, "MESSENGER_PASS_TO_INBOX": "sometimes"})
