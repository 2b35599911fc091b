"""The Send API client against a local Graph API stand-in."""

import aiohttp
import pytest

from bot.errors import SendError
from bot.messages import OutboundReply
from bot.pipeline.delivery import MAX_TEXT, MessengerSender, split_text
from tests.helpers import PAGE_TOKEN


def reply(text="Bonjour !", recipient="fan-1"):
    return OutboundReply("messenger", "page-1", recipient, text, in_reply_to="m1")


@pytest.fixture
async def session():
    async with aiohttp.ClientSession() as s:
        yield s


async def test_send_posts_documented_body(graph, session):
    sender = MessengerSender(session, f"{graph.url}/v21.0", PAGE_TOKEN)
    ids = await sender.send(reply())
    [sent] = graph.sent
    assert ids and ids[0].startswith("m_")
    assert (sent.version, sent.page_id, sent.access_token) == ("v21.0", "page-1", PAGE_TOKEN)
    assert sent.body == {"recipient": {"id": "fan-1"}, "messaging_type": "RESPONSE", "message": {"text": "Bonjour !"}}


async def test_transient_failures_are_retried(graph, session):
    graph.failures = [(500, 1), (429, 4)]
    sender = MessengerSender(session, f"{graph.url}/v21.0", PAGE_TOKEN, backoff_s=0.01)
    await sender.send(reply())
    assert len(graph.sent) == 1


async def test_permanent_failure_is_not_retried(graph, session):
    graph.failures = [(400, 100), (400, 100)]
    sender = MessengerSender(session, f"{graph.url}/v21.0", PAGE_TOKEN, backoff_s=0.01)
    with pytest.raises(SendError) as info:
        await sender.send(reply())
    assert not info.value.retryable
    assert graph.failures == [(400, 100)]  # one call only
    assert graph.sent == []


async def test_bad_token_is_a_permanent_failure(graph, session):
    sender = MessengerSender(session, f"{graph.url}/v21.0", "wrong", backoff_s=0.01)
    with pytest.raises(SendError, match="401"):
        await sender.send(reply())


async def test_unreachable_api_gives_up_after_attempts(session):
    sender = MessengerSender(session, "http://127.0.0.1:9/v21.0", PAGE_TOKEN, attempts=2, backoff_s=0.01)
    with pytest.raises(SendError) as info:
        await sender.send(reply())
    assert info.value.retryable


async def test_long_reply_is_sent_in_parts(graph, session):
    text = ("Une phrase de la réponse. " * 200).strip()
    sender = MessengerSender(session, f"{graph.url}/v21.0", PAGE_TOKEN)
    await sender.send(reply(text))
    assert len(graph.sent) == len(split_text(text)) > 1
    assert all(len(m.text) <= MAX_TEXT for m in graph.sent)
    assert " ".join(m.text for m in graph.sent) == text


def test_split_prefers_paragraphs():
    text = "a" * 1500 + "\n\n" + "b" * 1500
    assert split_text(text) == ["a" * 1500, "b" * 1500]
