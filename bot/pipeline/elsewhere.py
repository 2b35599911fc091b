"""A conversation answered outside Relais: the bot steps back there until a CM hands it back.

Two things prove that a person (or another app) is answering a fan
somewhere else: the platform's copy of a message the brand's account sent
that Relais did not send (on Messenger, an echo without our ``metadata``,
from Meta Business Suite's inbox or another app), and a platform refusing a
send because another app controls the thread. Either way the conversation
is marked as owned by a person (``bot.pipeline.handoff``, so the bot drafts
nothing and sends no holding message there), the disclosure is due again
when the bot is back, and the CMs are told where it was answered.
"""

from __future__ import annotations

import logging
import time

from redis.asyncio import Redis

from bot import redis_keys as keys
from bot.pipeline.cm_queue import CMQueue
from bot.pipeline.handoff import Handoff

log = logging.getLogger("relais.elsewhere")



async def mark_handled_elsewhere(redis: Redis, conversation_id: str, where: str, *,
                                 message_id: str = "", detail: str = "") -> bool:
    """Pause the bot for the conversation and record where it was answered; False if it already was."""
    queue = CMQueue(redis)
    new = await Handoff(redis, queue).begin(conversation_id, [f"handled_elsewhere:{where}"])
    await redis.delete(keys.conversation(conversation_id, "disclosed"))
    platform, _, rest = conversation_id.partition(":")
    account, _, sender = rest.partition(":")
    await queue.add("handled_elsewhere", {"conversation": conversation_id, "platform": platform,
                                          "account_id": account, "sender_id": sender, "message_id": message_id,
                                          "where": where, "detail": detail, "at": time.time(),
                                          "reasons": [f"handled_elsewhere:{where}"]})
    log.info("a conversation was answered elsewhere (%s); the bot steps back there", where)
    return new
