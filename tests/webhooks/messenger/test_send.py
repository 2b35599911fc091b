"""The Messenger Send API client against a local Graph API stand-in: what each answer proves."""

import aiohttp
import pytest

from bot.channels import DELIVERED, REFUSED, UNKNOWN
from bot.messages import OutboundReply
from tests.helpers import PAGE_TOKEN, messenger
from webhooks.messenger.send import classify


def reply(text="Bonjour !", recipient="1000000000000001", tag="m1:0"):
    return OutboundReply("messenger", "100000000000001", recipient, text, in_reply_to="m1", tag=tag)


@pytest.fixture
async def channel(graph):
    ch = messenger(graph.url)
    async with aiohttp.ClientSession() as session:
        ch.open(session)
        yield ch


async def test_send_posts_the_documented_body_with_our_tag(channel, graph):
    result = await channel.send(reply())
    [sent] = graph.sent
    assert result.status == DELIVERED and result.platform_message_id.startswith("m_")
    assert (sent.version, sent.page_id, sent.access_token) == ("v21.0", "100000000000001", PAGE_TOKEN)
    assert sent.body == {"recipient": {"id": "1000000000000001"}, "messaging_type": "RESPONSE",
                         "message": {"text": "Bonjour !", "metadata": "relais:m1:0"}}


async def test_a_graph_error_is_a_refusal_and_says_whether_to_retry(channel, graph):
    graph.failures = [(500, 1), (400, 100)]
    transient = await channel.send(reply())
    permanent = await channel.send(reply())
    assert (transient.status, transient.retryable) == (REFUSED, True)
    assert (permanent.status, permanent.retryable) == (REFUSED, False)
    assert graph.sent == []


async def test_throttling_carries_the_platforms_retry_after(channel, graph):
    graph.failures = [(429, 613)]
    graph.retry_after = "7"
    result = await channel.send(reply())
    assert (result.status, result.retryable, result.retry_after_s) == (REFUSED, True, 7.0)


async def test_an_expired_token_blocks_the_account(graph):
    ch = messenger(graph.url, page_access_token="expired")
    async with aiohttp.ClientSession() as session:
        ch.open(session)
        result = await ch.send(reply())
    assert result.status == REFUSED and result.account_blocked and not result.retryable


async def test_a_timeout_after_the_request_was_taken_is_unknown_not_refused(graph):
    graph.failures = ["timeout"]
    graph.hang_s = 3
    ch = messenger(graph.url, send_timeout_s=0.5)
    async with aiohttp.ClientSession() as session:
        ch.open(session)
        result = await ch.send(reply())
    assert result.status == UNKNOWN
    assert len(graph.sent) == 1  # it did reach the fan


async def test_a_connection_reset_after_the_request_is_unknown(channel, graph):
    graph.failures = ["reset"]
    result = await channel.send(reply())
    assert result.status == UNKNOWN and len(graph.sent) == 1


async def test_an_unreachable_api_is_a_retryable_refusal():
    ch = messenger("http://127.0.0.1:9")
    async with aiohttp.ClientSession() as session:
        ch.open(session)
        result = await ch.send(reply())
    assert (result.status, result.retryable) == (REFUSED, True)


@pytest.mark.parametrize("status,data,expected", [
    (200, {"message_id": "m_1"}, (DELIVERED, False, False)),
    (200, {}, (UNKNOWN, False, False)),
    (502, None, (UNKNOWN, False, False)),
    (400, {"error": {"code": 190}}, (REFUSED, False, True)),
    (400, {"error": {"code": 4}}, (REFUSED, True, False)),
    (503, {"error": {"code": 2}}, (REFUSED, True, False)),
    (400, {"error": {"code": 551}}, (REFUSED, False, False)),
])
def test_every_answer_is_classified(status, data, expected):
    result = classify(status, data, None)
    assert (result.status, result.retryable, result.account_blocked) == expected
