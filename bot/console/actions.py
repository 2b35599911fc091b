"""What a CM does to an item, each through the bot's send engine and into the audit log.

* **approve** a held draft: what goes out is the text the CM has in front of
  them, the editor's content — the draft as shown (its greeting and closing
  those of the moment it is approved: « Bonjour » at 9:00 for a draft written
  at 23:00), or as they edited it (then audited as edited, with its diff).
  An approval that does not carry the text the CM saw is refused: a draft is
  never sent unseen;
* **send** a reply — the draft edited, one written from scratch, or a canned
  answer from ``brand.yml`` — after live proofreading: a text with an open
  problem is refused unless the CM chose "send anyway", which is logged with
  the problems;
* **reject** a draft with a reason: the draft is never sent, and the fan is
  still owed an answer, so the conversation stays with a person — the bot
  stays silent (a handoff, as an escalation), and the item moves to "needs a
  person" with an empty editor for the CM to write the reply;
* **assign** to oneself or a colleague; add a private **note** (CMs only,
  never sent) — a colleague named in it (``@hugo``) is notified;
* **resolve**: the conversation goes back to the bot — what ``relais
  resume`` does — credited to the CM who resolved it.

Every text a CM sends has its line endings as the fan's app expects them
(``\n``, never the browser form's ``\r\n``).

A reply after the platform's window for a person (``bot.console.windows``)
is refused before anything is claimed or sent, with the moment it closed.

A held draft is sent at most once: the first CM to send it claims it, and
any other sees who already did. A reply form carries its own id, so a
double click or a resubmitted form sends nothing more.
"""

from __future__ import annotations

import logging
import re
import time
from typing import Any

from aiohttp import web

from bot import redis_keys as keys
from bot.console import display, greeting, proofing, windows
from bot.console.audit import text_diff
from bot.console.auth import CM
from bot.console.context import Console, console_of
from bot.console.i18n import pick_language
from bot.console.inbox import Item
from bot.pipeline.cm_queue import CMQueue
from bot.pipeline.handoff import Handoff

log = logging.getLogger("relais.console.actions")

ACTIONS = ("approve", "send", "reject", "assign", "note", "resolve")
BULK_ACTIONS = ("assign", "resolve")  # what a CM may do to the items selected in a list (never a send)
MAX_BULK = 200
REPLY_ID = re.compile(r"^[A-Za-z0-9_-]{6,40}$")
MENTION = re.compile(r"(?<![\w@])@([A-Za-z0-9_.-]{1,40})")  # "@hugo" in a note
MAX_REPLY = 5000


class Refused(Exception):
    """An action that cannot be done as asked; ``key`` names the message shown to the CM."""

    def __init__(self, status: int, key: str, **values: Any) -> None:
        super().__init__(key)
        self.status, self.key, self.values = status, key, values


def _field(form, name: str, limit: int = MAX_REPLY) -> str:
    value = form.get(name, "")
    return value[:limit] if isinstance(value, str) else ""


def plain_lines(text: str) -> str:
    """``text`` with ``\n`` line endings (a form's textarea posts ``\r\n``)."""
    return text.replace("\r\n", "\n").replace("\r", "\n")


async def _log(console: Console, item: Item, entry: dict[str, Any]) -> None:
    await console.inbox.log_entry(item.conversation, {"at": time.time(), **entry})


async def _send(console: Console, item: Item, cm: str, text: str, *, action: str, reply_id: str,
                send_anyway: bool, source: str, ui_language: str = "fr", shown: str | None = None
                ) -> dict[str, Any]:
    """Send ``text`` as the CM's reply; ``shown``: the draft as the CM was shown it (greeting of now), what an
    edit is measured against."""
    text = plain_lines(text).strip()
    if not text:
        raise Refused(400, "empty_reply")
    if len(text) > MAX_REPLY:
        raise Refused(400, "reply_too_long")
    case = item.case
    if not case:
        raise Refused(410, "not_found")
    window = await windows.person_verdict(console, item)
    if not window.allowed:  # the send engine would refuse it too: say so before anything is claimed
        log.info("CM reply not sent: %s", window.reason)
        raise Refused(409, "window_refused", closed=display.clock(window.closes_at or 0), reason=window.reason)
    language = item.language if item.language in ("fr", "en") else "fr"
    issues = await proofing.problems(console, text, language, ui_language=ui_language)
    if issues and not send_anyway:
        raise Refused(422, "open_problems", n=len(issues), issues=issues, text=text)
    draft_item = item.kind == "draft"
    if draft_item:
        taken_by = await console.inbox.claim_send(item.id, cm)
        if taken_by:
            raise Refused(409, "already_sent", name=taken_by)
        message_id = f"{case['message_id']}.cm-draft"
    else:
        message_id = f"{case['message_id']}.cm-{reply_id}"
    outcome = await console.sender.send(case, text, message_id, cm)
    if outcome.status in ("failed", "busy") and draft_item:
        await console.inbox.release_send(item.id)
    draft = str(case.get("draft") or "")
    base = plain_lines(shown).strip() if shown is not None else draft
    details = {"kind": item.kind, "language": language, "draft": draft, "text": text,
               "diff": text_diff(base, text) if draft_item or draft else "", "source": source,
               "status": outcome.status, "platform_ids": list(outcome.platform_ids), "reason": outcome.reason}
    if issues:
        details["send_anyway"] = True
        details["issues"] = [{"word": i["word"], "message": i["message"]} for i in issues]
    if outcome.status in ("sent", "pending") and not item.first_answer_at:
        details["first_answer_s"] = round(time.time() - item.opened_at, 1)
    audit_id = await console.audit.record(cm, action, item.id, item.conversation, **details)
    if issues:
        await console.audit.record(cm, "send_anyway", item.id, item.conversation, issues=details["issues"],
                                   text=text)
    if outcome.status == "busy":
        raise Refused(409, "busy")
    if outcome.status == "failed":
        raise Refused(502, "send_failed", reason=outcome.reason)
    await _log(console, item, {"type": "cm", "by": cm, "text": text, "status": outcome.status, "audit": audit_id,
                               "message_id": message_id})
    if details["diff"]:
        await _log(console, item, {"type": "action", "by": cm, "action": "edit", "diff": details["diff"]})
    await console.inbox.answered(item)
    if draft_item:
        await console.inbox.close(item.id, "edited" if details["diff"] else "approved", cm)
    await console.events.publish({"type": "handled" if draft_item else "item", "id": item.id, "by": cm})
    return {"status": outcome.status, "platform_ids": list(outcome.platform_ids)}


async def _greeted_now(console: Console, item: Item, draft: str) -> str:
    """The draft as the CM was shown it: its greeting and closing those of now (``bot.console.greeting``)."""
    first_name = (await console.redis.get(keys.profile(item.platform, str(item.case.get("sender_id", ""))))
                  or b"").decode()
    language = item.language if item.language in ("fr", "en") else "fr"
    return greeting.for_now(draft, language, first_name or None, console.clock(), console.settings.brand_file)


async def perform(request: web.Request, item: Item, action: str, form=None) -> tuple[str, dict[str, Any]]:
    """Do ``action`` on ``item`` for the signed-in CM → (message key, details); raises Refused. ``form``: the
    action's fields, when not the request's own form (an action on several items at once)."""
    console = console_of(request)
    cm = request[CM].name
    form = await request.post() if form is None else form
    if item.status != "open" and action not in ("note",):
        if item.sent_by and action in ("approve", "send"):
            raise Refused(409, "already_sent", name=item.sent_by)
        raise Refused(409, "handled_by", name=item.handled_by, outcome=item.outcome)
    if action in ("approve", "send"):
        reply_id = _field(form, "reply_id", 40)
        if not REPLY_ID.match(reply_id):
            raise Refused(400, "bad_form")
        if action == "approve":
            if item.kind != "draft" or not str(item.case.get("draft") or "").strip():
                raise Refused(400, "no_draft")
            if "text" not in form:  # the text the CM saw travels with the approval: none, nothing is sent
                raise Refused(400, "open_first")
            text = plain_lines(_field(form, "text", MAX_REPLY + 1)).strip()
            draft = plain_lines(str(item.case["draft"])).strip()
            greeted = await _greeted_now(console, item, draft)
            if text in (draft, greeted):  # as written, or with the greeting and closing of now: approved as is
                shown = text
                if "draft" in (item.case.get("truncated") or []):  # kept cut at the longest reply: edit it first
                    raise Refused(400, "reply_too_long")
                source = "draft"
            else:  # the CM edited the draft before approving: their text goes out, audited as edited
                action, source, shown = "send", "edit", greeted
        else:
            text, source = _field(form, "text", MAX_REPLY + 1), _field(form, "source", 20) or "edit"
            shown = None
        result = await _send(console, item, cm, text, action=action, reply_id=reply_id, shown=shown,
                             send_anyway=form.get("send_anyway") == "1", source=source,
                             ui_language=pick_language(request[CM].language,
                                                       request.headers.get("Accept-Language", "")))
        return ("done_sent" if result["status"] == "sent" else "done_pending"), result
    if action == "reject":
        reason = _field(form, "reason", 500).strip()
        if item.kind != "draft":
            raise Refused(400, "no_draft")
        if not reason:
            raise Refused(400, "reject_reason")
        taken_by = await console.inbox.claim_send(item.id, f"rejected:{cm}")
        if taken_by:
            raise Refused(409, "already_sent", name=taken_by)
        await console.audit.record(cm, "reject", item.id, item.conversation, kind=item.kind, reason=reason,
                                   language=item.language, draft=str(item.case.get("draft") or ""))
        await _log(console, item, {"type": "action", "by": cm, "action": "reject", "text": reason})
        # The fan is still owed an answer: a person keeps the conversation (the bot stays silent) and writes it.
        await Handoff(console.redis, CMQueue(console.redis)).begin(item.conversation, ["draft_rejected"])
        target = await console.inbox.reject_to_person(item, cm)
        await console.events.publish({"type": "handled", "id": item.id, "by": cm,
                                      "conversation": item.conversation})
        await console.events.publish({"type": "item", "view": "escalations", "id": target,
                                      "conversation": item.conversation})
        return "done_rejected", {"item": target}
    if action == "assign":
        to = _field(form, "to", 40).strip()
        to = cm if to in ("", "me") else to
        if not await console.accounts.get(to):
            raise Refused(400, "no_such_cm", name=to)
        await console.inbox.assign(item.id, to)
        await console.audit.record(cm, "assign", item.id, item.conversation, to=to)
        await _log(console, item, {"type": "action", "by": cm, "action": "assign", "text": to})
        await console.events.publish({"type": "item", "id": item.id, "by": cm})
        return "done_assigned", {"to": to}
    if action == "note":
        text = _field(form, "text", 2000).strip()
        if not text:
            raise Refused(400, "empty_note")
        mentioned = [name for name in dict.fromkeys(MENTION.findall(text))
                     if name != cm and await console.accounts.get(name)]
        await console.audit.record(cm, "note", item.id, item.conversation, text=text, mentions=mentioned)
        await _log(console, item, {"type": "note", "by": cm, "text": text})
        for name in mentioned:  # "@hugo": hugo is told now if a page of his is open, and by the list until he looks
            await console.inbox.mention(item.id, name, cm)
            await console.events.publish({"type": "mention", "id": item.id, "to": name, "by": cm})
        return "done_noted", {"mentions": mentioned}
    if action == "resolve":
        await console.inbox.close(item.id, "resolved", cm)  # first: the hand-back below is then this CM's
        if item.kind == "escalation":
            await Handoff(console.redis, CMQueue(console.redis)).resume(item.conversation)
        await console.audit.record(cm, "resolve", item.id, item.conversation, kind=item.kind)
        await _log(console, item, {"type": "action", "by": cm, "action": "resolve"})
        await console.events.publish({"type": "handled", "id": item.id, "by": cm})
        return "done_resolved", {}
    raise Refused(404, "not_found")
