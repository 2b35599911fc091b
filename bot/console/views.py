"""The console's pages: sign-in, the three inbox views, a conversation, the stats, the audit log.

Every page is rendered on the server from Jinja2 templates with autoescaping
on: whatever a fan wrote reaches the browser as text, never as markup.
Filters are query parameters, so each view is a URL a CM can bookmark.
"""

from __future__ import annotations

import json
import logging
import time
import uuid
from typing import Any
from urllib.parse import parse_qsl, urlencode

import aiohttp
import aiohttp_jinja2
from aiohttp import web

from bot import redis_keys as keys
from bot.brand import current_brand
from bot.console import actions, auth, away, csrf, display, greeting, signin, stats, throttle, windows
from bot.console.auth import CM
from bot.console.context import console_of
from bot.console.i18n import LANGUAGES, pick_language, translator
from bot.console.inbox import FILTERS, TONE_RANK, VIEWS, Item
from bot.errors import ConfigError
from bot.pipeline.flood import Overflow
from bot.pipeline.profiles import Profiles
from bot.pipeline.thread import ConversationThread

log = logging.getLogger("relais.console.views")

FLASH_KEYS = frozenset({"done_sent", "done_pending", "done_rejected", "done_assigned", "done_noted", "done_resolved"})
OVERFLOW_SHOWN = 200  # messages of a flood shown on its conversation page, oldest first


def _language(request: web.Request) -> str:
    session = request.get(CM)
    return pick_language(session.language if session else "", request.headers.get("Accept-Language", ""))


async def render(request: web.Request, template: str, status: int = 200, **values: Any) -> web.Response:
    language = _language(request)
    session = request.get(CM)
    base = {"t": translator(language), "lang": language, "cm": session, "csrf": session.csrf if session else "",
            "views": VIEWS, "clock": display.clock, "request": request, "view": None,
            "reason": lambda code: display.reason_label(code, language),
            "topic": lambda code: display.intent_label(code, language),
            "counts": await open_counts(console_of(request)) if session and values.get("counts") is None else None}
    return aiohttp_jinja2.render_template(template, request, {**base, **values}, status=status)


async def open_counts(console) -> dict[str, int]:
    """How many items wait in each open view (the numbers in the navigation bar)."""
    async with console.redis.pipeline(transaction=False) as pipe:
        for view in ("escalations", "drafts"):
            pipe.zcard(keys.console_open(view))
        found = await pipe.execute()
    return dict(zip(("escalations", "drafts"), found))


async def counts_api(request: web.Request) -> web.Response:
    return web.json_response(await open_counts(console_of(request)))


# -- signing in ---------------------------------------------------------------------------------
async def login_page(request: web.Request, *, status: int = 200, error: str = "") -> web.Response:
    token = request.cookies.get(csrf.LOGIN_COOKIE) or csrf.new_token()
    response = await render(request, "login.html", status=status, login_csrf=token, error=error)
    response.set_cookie(csrf.LOGIN_COOKIE, token, path="/console/login", httponly=True, samesite="Strict",
                        secure=auth.is_https(request), max_age=3600)
    return response


async def login_form(request: web.Request) -> web.Response:
    return await login_page(request)


async def login(request: web.Request) -> web.Response:
    console = console_of(request)
    form = await request.post()
    name, password, code = (str(form.get(k, ""))[:200] for k in ("name", "password", "code"))
    t = translator(_language(request))
    result = await signin.attempt(console, name=name, password=password, code=code,
                                  address=auth.client_address(request),
                                  device=request.cookies.get(throttle.DEVICE_COOKIE, ""))
    if result.account is None:
        response = await login_page(request, status=result.status, error=t(result.error, **result.values))
        if result.retry_after_s:
            response.headers["Retry-After"] = str(result.retry_after_s)
        return response
    account = result.account
    token = await console.sessions.create(account.name, account.role, account.epoch)
    first = "/console/away" if await away.due(console, account.name) else "/console/inbox/escalations"
    response = web.HTTPSeeOther(first)
    auth.set_session_cookie(request, response, token, console.settings.console_session_max_s)
    response.set_cookie(throttle.DEVICE_COOKIE, result.device, path="/console/login", httponly=True,
                        samesite="Strict", secure=auth.is_https(request), max_age=keys.CONSOLE_DEVICE_TTL_S)
    response.del_cookie(csrf.LOGIN_COOKIE, path="/console/login")
    raise response


async def logout(request: web.Request) -> web.Response:
    await console_of(request).sessions.destroy(request[CM])
    response = web.HTTPSeeOther("/console/login")
    auth.clear_session_cookie(response)
    raise response


async def set_language(request: web.Request) -> web.Response:
    form = await request.post()
    language = str(form.get("language", ""))
    if language not in LANGUAGES:
        raise web.HTTPBadRequest(text="language must be fr or en")
    await console_of(request).accounts.set_language(request[CM].name, language)
    back = str(form.get("back", ""))
    raise web.HTTPSeeOther(back if back.startswith("/console/") and "//" not in back else "/console/")


# -- the inbox ------------------------------------------------------------------------------------
def _filters(request: web.Request) -> dict[str, str]:
    return {k: request.query.get(k, "").strip()[:100] for k in FILTERS if request.query.get(k, "").strip()}


def _row(item: Item, console, language: str, me: str, left: windows.WindowLeft) -> dict[str, Any]:
    case = item.case
    return {"item": item, "badge": display.badge(item, left, language, console.clock()), "window": left,
            "preview": display.masked(str(case.get("text", "")), case.get("mentions")),
            "has_draft": bool(str(case.get("draft") or "").strip()), "reply_id": uuid.uuid4().hex[:16],
            "others": [v for v in item.viewers if v != me], "unread": me not in item.seen_by,
            "mentioned_by": item.mentions.get(me, ""),
            "target": display.target(item, console.settings.console_first_reply_target_s, language, console.clock())}


PAGE_SIZE = 50  # rows of an inbox page


def _page(request: web.Request) -> int:
    raw = request.query.get("page", "1")
    return max(1, min(int(raw), 100_000)) if raw.isdigit() else 1


async def _rows(request: web.Request) -> tuple[str, list[dict[str, Any]], dict[str, str], dict[str, int]]:
    """The rows of one page of a view (``?page=``), or the one row of ``?id=`` (a live update: what changed
    only); and the pager: page, pages, total."""
    view = request.match_info["view"]
    if view not in VIEWS:
        raise web.HTTPNotFound(text=f"no view {view!r} (views: {', '.join(VIEWS)})")
    console = console_of(request)
    await console.inbox.sync(console.events.publish)
    filters = _filters(request)
    me, page, only = request[CM].name, _page(request), request.query.get("id", "")[:80]
    pager = {"page": page, "pages": 1, "total": 0}
    if only:  # one row, if it belongs to this view as filtered
        item = await console.inbox.item(only)
        items = [item] if item is not None and item.view == view and item.matches(filters, me) else []
    elif filters.get("q"):  # a search looks through every conversation, not only this view's
        items = [i for i in await console.inbox.search(filters["q"])
                 if i.matches({k: v for k, v in filters.items() if k != "q"}, me)]
    elif view == "escalations" or filters:  # ordered or filtered as a whole, then paged
        items = await console.inbox.items(view, filters, me, limit=100_000)
    else:  # the view's own order: only this page is read
        pager["total"] = await console.inbox.count(view)
        items = await console.inbox.items(view, None, me, limit=PAGE_SIZE, offset=(page - 1) * PAGE_SIZE)
    left = await windows.windows_for(console, items)
    if view == "escalations" and not filters.get("q") and not only:
        items = windows.needs_person_order(items, left)
    if not only and not pager["total"]:
        pager["total"] = len(items)
        items = items[(page - 1) * PAGE_SIZE:page * PAGE_SIZE]
    pager["pages"] = max(1, -(-pager["total"] // PAGE_SIZE))
    language = _language(request)
    rows = [_row(i, console, language, me, left[i.id]) for i in items]
    for row, score in zip(rows, await console.inbox.scores(view, [r["item"].id for r in rows])):
        row["score"] = score if score is not None else ""  # where a live update puts a new row
    return view, rows, filters, pager


async def inbox(request: web.Request) -> web.Response:
    console = console_of(request)
    if await away.due(console, request[CM].name):  # the first visit since the team left
        raise web.HTTPSeeOther("/console/away")
    view, rows, filters, pager = await _rows(request)
    bulk_done = request.query.get("bulk") if request.query.get("bulk") in actions.BULK_ACTIONS else ""
    flash = translator(_language(request))(f"bulk_{bulk_done}", count=int(request.query.get("count", "0") or 0)
                                           if request.query.get("count", "").isdigit() else 0) if bulk_done else ""
    names = [a.name for a in await console.accounts.active()]
    counts = await open_counts(console)
    return await render(request, "inbox.html", view=view, rows=rows, filters=filters, names=names,
                        tones=list(TONE_RANK), platforms=sorted(console.channels), counts=counts,
                        query=request.query_string, pager=pager, page_size=PAGE_SIZE,
                        page_query=lambda n: "?" + urlencode({**filters, "page": n}), flash=flash)


async def inbox_rows(request: web.Request) -> web.Response:
    view, rows, _, _ = await _rows(request)
    return await render(request, "rows.html", view=view, rows=rows, counts={}, single="id" in request.query)


# -- a conversation ---------------------------------------------------------------------------------
def _canned(case: dict[str, Any], language: str, first_name: str | None, brand_file: str) -> list[dict[str, str]]:
    try:
        brand = current_brand(brand_file)
    except (ConfigError, OSError):
        return []
    out = []
    for intent in sorted(brand.answers):
        if intent in brand.short_answers:
            continue
        text = brand.compose(intent, language, first_name)
        if text:
            out.append({"intent": intent, "text": text})
    return out


async def fan_name(console, item: Item) -> str:
    """The fan's first name as their platform gives it (asked once a day, cached: ``bot.pipeline.profiles``);
    "" when unknown — in sandbox mode the platform is never asked."""
    case = item.case
    sender, account = str(case.get("sender_id", "")), str(case.get("account_id", ""))
    if not sender:
        return ""
    profiles = Profiles(console.redis, console.channels, enabled=not console.settings.sandbox)
    try:
        return await profiles.first_name(item.platform, account, sender) or ""
    except (aiohttp.ClientError, TimeoutError, OSError) as exc:  # a platform's failure only leaves no name
        log.info("no profile for a fan: %s", type(exc).__name__)
        return (await console.redis.get(keys.profile(item.platform, sender)) or b"").decode()


async def _thread(console, item: Item) -> list[display.Entry]:
    """The item's conversation as the CM reads it (``display.thread``)."""
    entries = await console.inbox.conversation_log(item.conversation)
    case_ids = [e["case"] for e in entries if e.get("type") == "fan" and e.get("case")]
    cases = await console.inbox.cases(case_ids[-100:])
    recorded = await ConversationThread(console.redis).last(item.conversation)
    in_thread = {e.message_id for e in recorded}
    ledger = {}
    for case in cases.values():
        if case.get("message_id", "") not in in_thread:  # a case from before the thread was recorded
            ledger[case.get("message_id", "")] = await console.sender.state(item.conversation,
                                                                            case.get("message_id", ""))
    return display.thread(entries, cases, ledger, recorded)


async def thread_part(request: web.Request) -> web.Response:
    """The conversation's thread alone: what an open conversation page swaps in when the fan writes again."""
    console = console_of(request)
    item = await console.inbox.item(request.match_info["item"])
    if item is None:
        raise web.HTTPNotFound(text="no such item")
    first_name = await fan_name(console, item)
    return await render(request, "thread.html", item=item, thread=await _thread(console, item),
                        first_name=first_name, counts={})


async def item_page(request: web.Request, *, status: int = 200, flash: str = "", flash_values: dict | None = None,
                    text: str | None = None, issues: list | None = None) -> web.Response:
    console = console_of(request)
    item = await console.inbox.item(request.match_info["item"])
    if item is None:
        return await render(request, "missing.html", status=404)
    cm = request[CM].name
    await console.inbox.mark_viewing(item.id, cm)
    await console.events.publish({"type": "viewing", "id": item.id, "by": cm})
    overflow = Overflow(console.redis)  # a flood over the sender's limit: kept for the CM, never answered
    overflow_count = await overflow.count(item.conversation)
    case = item.case
    language = item.language if item.language in ("fr", "en") else "fr"
    first_name = await fan_name(console, item)
    viewers = [v for v in item.viewers if v != cm]
    if not flash and request.query.get("done") in FLASH_KEYS:
        flash = request.query["done"]
    ui = _language(request)
    left = (await windows.windows_for(console, [item]))[item.id]
    verdict = await windows.person_verdict(console, item)
    return await render(
        request, "item.html", status=status, item=item, case=case, evidence=case.get("evidence") or {},
        thread=await _thread(console, item), first_name=first_name, language=language,
        overflow=await overflow.messages(item.conversation, 0, OVERFLOW_SHOWN) if overflow_count else [],
        overflow_count=overflow_count,
        canned=_canned(case, language, first_name or None, console.settings.brand_file),
        names=[a.name for a in await console.accounts.active()], viewers=viewers,
        badge=display.badge(item, left, ui, console.clock()), window=left, can_send=verdict.allowed,
        target=display.target(item, console.settings.console_first_reply_target_s, ui, console.clock()),
        closed_at=display.clock(verdict.closes_at or 0) if not verdict.allowed else "",
        last_fan=display.clock(left.last_fan_at),
        reply_id=uuid.uuid4().hex[:16], flash=flash, flash_values=flash_values or {},
        text=greeting.for_now(str(case.get("draft") or ""), language, first_name or None, console.clock(),
                              console.settings.brand_file) if text is None else text, issues=issues or [],
        issues_json=json.dumps(issues or [], ensure_ascii=False))


async def item_action(request: web.Request) -> web.Response:
    console = console_of(request)
    action = request.match_info["action"]
    if action not in actions.ACTIONS:
        raise web.HTTPNotFound(text=f"no action {action!r}")
    item = await console.inbox.item(request.match_info["item"])
    if item is None:
        raise web.HTTPNotFound(text="no such item")
    wants_json = auth.wants_json(request)
    try:
        key, details = await actions.perform(request, item, action)
    except actions.Refused as refused:
        if wants_json:
            values = {k: v for k, v in refused.values.items() if k != "text"}
            return web.json_response({"error": refused.key, **values}, status=refused.status)
        return await item_page(request, status=refused.status, flash=refused.key,
                               flash_values={k: v for k, v in refused.values.items() if k not in ("issues", "text")},
                               text=refused.values.get("text"), issues=refused.values.get("issues"))
    if wants_json:
        return web.json_response({"done": key, **details})
    if details.get("item"):  # a rejected draft: on to the conversation, where the CM writes the reply
        raise web.HTTPSeeOther(f"/console/item/{details['item']}?done={key}#edit")
    raise web.HTTPSeeOther(f"/console/item/{item.id}?done={key}")


async def bulk(request: web.Request) -> web.Response:
    """Assign or resolve the items selected in a list, each as if done on its own page; back to the list."""
    console = console_of(request)
    form = await request.post()
    action = str(form.get("action", ""))
    if action not in actions.BULK_ACTIONS:
        raise web.HTTPBadRequest(text=f"action must be one of {', '.join(actions.BULK_ACTIONS)}")
    ids = [str(i)[:80] for i in form.getall("ids", [])][:actions.MAX_BULK]
    done = 0
    for item_id in dict.fromkeys(ids):
        item = await console.inbox.item(item_id)
        if item is None:
            continue
        try:
            await actions.perform(request, item, action, form)
        except actions.Refused:
            continue  # handled meanwhile by someone else: the others still are
        done += 1
    back = str(form.get("back", ""))
    back = back if back.startswith("/console/inbox/") and "//" not in back else "/console/inbox/escalations"
    if auth.wants_json(request):
        return web.json_response({"done": action, "count": done})
    path, _, query = back.split("#")[0].partition("?")
    kept = [(k, v) for k, v in parse_qsl(query) if k not in ("bulk", "count")]
    raise web.HTTPSeeOther(path + "?" + urlencode(kept + [("bulk", action), ("count", done)]))


async def viewing(request: web.Request) -> web.Response:
    console = console_of(request)
    item_id = request.match_info["item"]
    if not await console.redis.exists(keys.console_item(item_id)):
        raise web.HTTPNotFound(text="no such item")
    await console.inbox.mark_viewing(item_id, request[CM].name)
    await console.events.publish({"type": "viewing", "id": item_id, "by": request[CM].name})
    return web.json_response({"ok": True})


# -- the team's numbers and the audit log -----------------------------------------------------------
async def stats_page(request: web.Request) -> web.Response:
    return await render(request, "stats.html", stats=await stats.today(console_of(request).redis))


async def stats_api(request: web.Request) -> web.Response:
    return web.json_response(await stats.today(console_of(request).redis))


async def audit_page(request: web.Request) -> web.Response:
    entries = await console_of(request).audit.recent(200)
    return await render(request, "audit.html", entries=entries, now=time.time())


async def events(request: web.Request) -> web.StreamResponse:
    """The page's live updates, for as long as its session lives."""
    console = console_of(request)
    session = request[CM]
    return await console.events.stream_to(request, still_signed_in=lambda: console.sessions.alive(session))


async def home(request: web.Request) -> web.Response:
    due = await away.due(console_of(request), request[CM].name)
    raise web.HTTPSeeOther("/console/away" if due else "/console/inbox/escalations")


async def away_page(request: web.Request) -> web.Response:
    """What happened while the team was away (the console opens on it once per closing)."""
    language = _language(request)
    digest = await away.digest_for(console_of(request), request[CM].name, language)
    return await render(request, "away.html", digest=digest)
