"""Messenger webhook bodies → neutral messages, one event at a time.

Meta batches events of several pages in one delivery (``entry[]``, each with
``messaging[]``) and redelivers the whole delivery until it gets a 200, so one
event of an unexpected shape must never fail the batch: it is skipped,
counted by reason and logged without its content. Only an envelope that is
not a Messenger delivery at all is refused (400, naming the problem).

Accepted as Meta documents them: ``sender.id`` or ``sender.user_ref``
(a fan who came through the chat plugin; no reply is possible before they
get a page-scoped id, so it is skipped), integer or string timestamps
(one that is not a date — negative, infinite, absurdly large — is kept as 0),
``message.reply_to``, ``postback.referral``, quick replies, attachments and
our own sends echoed back (``is_echo`` with the ``metadata`` tag we set).

Stickers arrive as an ``image`` attachment whose payload has a ``sticker_id``
(also given as ``message.sticker_id``). The like button's thumbs-up (three
sizes: 369239263222822, 369239343222814, 369239383222810) becomes a message of
kind ``like`` with text "👍"; any other sticker one of kind ``sticker``. Both
carry the sticker id as ``payload``; neither is an attachment for a person to
look at.

Conversation Routing (Meta's successor to the Handover Protocol, Relais
being the Page's default app): an echo without our tag was written by a
person in Meta Business Suite's inbox (``app_id`` 263902037430900, or none)
or sent by another app. It becomes a message marked ``answered_elsewhere``
(``payload``: ``business_suite`` or ``app:<id>``), without text, which the
pipeline turns into a pause of the bot for that conversation.
Events without a sender (checkbox-plugin opt-ins, ``app_roles``, policy
enforcement) and deliveries for Instagram are answered 200 and ignored.
Ids are the strings of digits Meta sends (JSON numbers are turned into
strings); text that is not valid Unicode (lone surrogates) has those code
points replaced by U+FFFD.
"""

from __future__ import annotations

import hashlib
import logging
import math
import re
from typing import Any

from bot.channels import ANSWERED_ELSEWHERE, WebhookBatch
from bot.errors import PayloadError
from bot.messages import LIKE, STICKER, Echo, InboundMessage
from webhooks.messenger.handover import PAGE_INBOX_APP_ID  # Meta Business Suite's inbox

log = logging.getLogger("relais.webhooks.messenger")

PLATFORM = "messenger"
MAX_EVENTS = 1000  # Meta sends at most 1,000 events in one delivery
ECHO_TAG_PREFIX = "relais:"
_SURROGATES = re.compile("[\ud800-\udfff]")
_DIGITS = re.compile(r"[0-9]{1,32}")
_MAX_ID = 10**32  # more digits than any Meta id
_TIMESTAMP = re.compile(r"[0-9]{1,16}")
_MAX_TIMESTAMP_MS = 2**53  # beyond this a timestamp is not a date (and no longer fits a float)
_MAX_TAG = 1000  # Meta's limit on a send's ``metadata``
LIKE_STICKERS = frozenset({"369239263222822", "369239343222814", "369239383222810"})  # small, medium, large
_IGNORED_EVENTS = ("delivery", "read", "reaction", "optin", "referral", "account_linking", "pass_thread_control",
                   "take_thread_control", "request_thread_control", "app_roles", "policy_enforcement",
                   "game_play", "standby", "handover", "message_edit")


class _Skip(Exception):
    """One event Relais does not answer; the reason is what is counted and logged."""

    def __init__(self, reason: str) -> None:
        super().__init__(reason)
        self.reason = reason


def clean_text(value: str) -> str:
    """Lone surrogates (invalid Unicode that JSON can carry) replaced by U+FFFD."""
    return _SURROGATES.sub("\ufffd", value)


def _id(value: Any, what: str) -> str:
    """A Meta id: a string of digits, or a JSON integer (not a boolean) turned into one."""
    if isinstance(value, bool):
        raise _Skip(f"{what}_not_an_id")
    if isinstance(value, int) and 0 < value < _MAX_ID:
        value = str(value)
    if isinstance(value, str) and _DIGITS.fullmatch(value) and value.strip("0"):
        return value
    raise _Skip(f"{what}_not_an_id")


def _timestamp(value: Any) -> int:
    """Milliseconds since the epoch, as a JSON integer, float or string of digits; 0 when unknown
    (not a number, negative, or too large to be a date)."""
    if isinstance(value, bool):
        return 0
    if isinstance(value, str) and _TIMESTAMP.fullmatch(value):
        value = int(value)
    if isinstance(value, float) and math.isfinite(value):
        value = int(value)
    if isinstance(value, int) and 0 <= value < _MAX_TIMESTAMP_MS:
        return value
    return 0


def _text(value: Any, what: str) -> str:
    if value is None:
        return ""
    if not isinstance(value, str):
        raise _Skip(f"{what}_not_a_string")
    return clean_text(value)


def _party(event: dict[str, Any], key: str) -> Any:
    """``event[key]["id"]`` when ``event[key]`` is an object; None otherwise."""
    party = event.get(key)
    return party.get("id") if isinstance(party, dict) else None


def _echo(event: dict[str, Any], msg: dict[str, Any]) -> Echo | InboundMessage:
    """Our own send (our tag in ``metadata``), or the page's reply written elsewhere."""
    page = _id(_party(event, "sender"), "sender")
    recipient = _id(_party(event, "recipient"), "recipient")
    mid = clean_text(msg.get("mid"))[:200] if isinstance(msg.get("mid"), str) else ""
    tag = msg.get("metadata")
    if isinstance(tag, str) and tag.startswith(ECHO_TAG_PREFIX) and len(tag) <= _MAX_TAG:
        return Echo(PLATFORM, page, recipient, clean_text(tag[len(ECHO_TAG_PREFIX):]), mid)
    if not mid.strip():
        raise _Skip("echo_without_mid")
    app_id = msg.get("app_id")
    app = str(app_id) if isinstance(app_id, (int, str)) and not isinstance(app_id, bool) and str(app_id) else ""
    where = "business_suite" if app in ("", PAGE_INBOX_APP_ID) else f"app:{clean_text(app)[:40]}"
    return InboundMessage(PLATFORM, mid, page, recipient, "", _timestamp(event.get("timestamp")),
                          kind=ANSWERED_ELSEWHERE, payload=where)


def _attachments(msg: dict[str, Any]) -> tuple[tuple[str, ...], tuple[str, ...]]:
    raw = msg.get("attachments") or []
    if not isinstance(raw, list):
        raise _Skip("attachments_not_a_list")
    kinds, links = [], []
    for item in raw[:50]:
        if not isinstance(item, dict):
            continue
        kind = item.get("type")
        kinds.append(clean_text(kind)[:32] if isinstance(kind, str) else "unknown")
        url = (item.get("payload") or {}).get("url") if isinstance(item.get("payload"), dict) else None
        if kind == "fallback" and isinstance(url, str):
            links.append(clean_text(url)[:2000])
    return tuple(kinds), tuple(links)


def _sticker_id(value: Any) -> str | None:
    """A sticker id: a JSON integer or a string of digits; None for anything else."""
    if isinstance(value, bool):
        return None
    if isinstance(value, int) and 0 < value < _MAX_ID:
        return str(value)
    return value if isinstance(value, str) and _DIGITS.fullmatch(value) and value.strip("0") else None


def _sticker(msg: dict[str, Any]) -> str | None:
    """The sticker a message is, when it is only that: ``message.sticker_id`` or its attachment's."""
    raw = msg.get("attachments")
    items = [item for item in raw if isinstance(item, dict)] if isinstance(raw, list) else []
    found = _sticker_id(msg.get("sticker_id"))
    for item in items:
        payload = item.get("payload")
        found = found or (_sticker_id(payload.get("sticker_id")) if isinstance(payload, dict) else None)
    if found is None or len(items) > 1 or any(item.get("type") != "image" for item in items):
        return None
    return found


def _message(event: dict[str, Any], sender: str, page: str, timestamp: int) -> InboundMessage:
    msg = event["message"]
    if not isinstance(msg, dict):
        raise _Skip("message_not_an_object")
    mid = msg.get("mid")
    if not isinstance(mid, str) or not mid.strip():
        raise _Skip("message_without_mid")
    mid = clean_text(mid)[:200]
    text = _text(msg.get("text"), "text")
    kinds, links = _attachments(msg)
    reply_to = msg.get("reply_to")
    reply_mid = reply_to.get("mid") if isinstance(reply_to, dict) else None
    reply_mid = clean_text(reply_mid)[:200] if isinstance(reply_mid, str) else None
    quick = msg.get("quick_reply")
    if isinstance(quick, dict) and isinstance(quick.get("payload"), str):
        return InboundMessage(PLATFORM, mid, page, sender, text, timestamp, kind="quick_reply",
                              payload=clean_text(quick["payload"])[:1000], attachments=kinds, links=links,
                              reply_to=reply_mid)
    sticker = None if text.strip() else _sticker(msg)
    if sticker in LIKE_STICKERS:
        return InboundMessage(PLATFORM, mid, page, sender, "👍", timestamp, kind=LIKE, payload=sticker,
                              reply_to=reply_mid)
    if sticker is not None:
        return InboundMessage(PLATFORM, mid, page, sender, "", timestamp, kind=STICKER, payload=sticker,
                              attachments=(STICKER,), reply_to=reply_mid)
    if not text and not kinds:
        raise _Skip("message_without_content")
    return InboundMessage(PLATFORM, mid, page, sender, text, timestamp, attachments=kinds, links=links,
                          reply_to=reply_mid)


def _postback(event: dict[str, Any], sender: str, page: str, timestamp: int) -> InboundMessage:
    postback = event["postback"]
    if not isinstance(postback, dict):
        raise _Skip("postback_not_an_object")
    payload = _text(postback.get("payload"), "postback_payload")[:1000]
    title = _text(postback.get("title"), "postback_title")[:1000]
    if not payload and not title:
        raise _Skip("postback_without_payload")
    mid = postback.get("mid")
    if not isinstance(mid, str) or not mid.strip():
        # Older postbacks carry no mid: derive a stable one so redeliveries still collapse.
        digest = hashlib.sha256(f"{sender}|{timestamp}|{payload}".encode("utf-8", "replace")).hexdigest()[:24]
        mid = f"pb-{digest}"
    return InboundMessage(PLATFORM, clean_text(mid)[:200], page, sender, title or payload, timestamp,
                          kind="postback", payload=payload or None)


def _event(event: Any, batch: WebhookBatch) -> None:
    if not isinstance(event, dict):
        raise _Skip("event_not_an_object")
    msg = event.get("message")
    if isinstance(msg, dict) and msg.get("is_echo"):
        echo = _echo(event, msg)
        if isinstance(echo, Echo):
            batch.echoes.append(echo)
        else:
            batch.messages.append(echo)
        return
    sender_obj = event.get("sender")
    if not isinstance(sender_obj, dict):
        raise _Skip("event_without_sender")
    if "id" not in sender_obj:
        raise _Skip("sender_user_ref" if "user_ref" in sender_obj else "sender_without_id")
    sender = _id(sender_obj.get("id"), "sender")
    page = _id(_party(event, "recipient"), "recipient")
    timestamp = _timestamp(event.get("timestamp"))
    if "message" in event:
        batch.messages.append(_message(event, sender, page, timestamp))
    elif "postback" in event:
        batch.messages.append(_postback(event, sender, page, timestamp))
    else:
        # Meta spells some of them with a hyphen ("policy-enforcement")
        kind = next((k for k in _IGNORED_EVENTS if k in event or k.replace("_", "-") in event), "unknown_event")
        raise _Skip(kind)


def parse_delivery(body: Any) -> WebhookBatch:
    """Every answerable event of every ``entry[]`` of a Messenger delivery, in order.

    Raises PayloadError (→ 400) only when the body is not a delivery at all.
    """
    batch = WebhookBatch()
    if not isinstance(body, dict):
        raise PayloadError("body must be a JSON object")
    kind = body.get("object")
    if kind == "instagram":
        batch.skip("instagram_delivery")
        return batch
    if kind != "page":
        raise PayloadError("object must be 'page'")
    entries = body.get("entry")
    if not isinstance(entries, list):
        raise PayloadError("entry must be a list")
    events: list[Any] = []
    for entry in entries:
        if not isinstance(entry, dict):
            batch.skip("entry_not_an_object")
            continue
        messaging = entry.get("messaging")
        if messaging is None:
            batch.skip("entry_without_messaging")  # changes[] feeds, standby, …
            continue
        if not isinstance(messaging, list):
            batch.skip("messaging_not_a_list")
            continue
        events.extend(messaging)
    if len(events) > MAX_EVENTS:
        raise PayloadError(f"too many events in one delivery ({len(events)} > {MAX_EVENTS})")
    for event in events:
        try:
            _event(event, batch)
        except _Skip as skip:
            batch.skip(skip.reason)
    if batch.skipped:
        log.info("skipped %s", ", ".join(f"{n} {reason}" for reason, n in sorted(batch.skipped.items())))
    return batch
