"""The ``relais`` command: ``up``, ``gateway``, ``worker``, ``try``, ``train``, ``eval``, ``queue``, ``resume``,
``status``, ``dead``, ``cm``, ``lint``, ``schedule``."""

from __future__ import annotations

import argparse
import logging
import sys
import uuid

import aiohttp
from redis.exceptions import ConnectionError as RedisConnectionError

from bot.errors import RelaisError


def _gateway(args: argparse.Namespace) -> int:
    from bot.edge import run_gateway
    from bot.settings import load_settings

    run_gateway(load_settings())  # the connection cap, the listen backlog and uvloop: bot.edge
    return 0


def _worker(args: argparse.Namespace) -> int:
    import uvloop

    from bot.pipeline.runner import serve_worker
    from bot.settings import load_settings

    uvloop.run(serve_worker(load_settings()))
    return 0


def _up(args: argparse.Namespace) -> int:
    from bot.tools.launcher import up

    return up()


def _train(args: argparse.Namespace) -> int:
    from bot.tools.training import ensure_model

    print(ensure_model())
    return 0


def _try(args: argparse.Namespace) -> int:
    from bot.tools.tryit import try_message

    sender = args.sender or str(10**15 + uuid.uuid4().int % 10**15)
    for text in args.text:
        print(f"fan  > {text}")
        state, replies = try_message(text, base_url=args.url.rstrip("/"), sender=sender, platform=args.platform,
                                     wait_s=args.wait)
        for reply in replies:
            print(f"bot  > {reply}")
        status = state.get("status", f"not handled within {args.wait:.0f}s")
        reasons = ", ".join(state.get("reasons", []))
        print(f"       [{status}{': ' + reasons if reasons else ''}]")
    return 0


def _env() -> dict[str, str]:
    from bot.tools.stackenv import local_env

    return local_env()


def _rasa_url(args: argparse.Namespace) -> str:
    return (args.rasa_url or _env().get("RASA_URL") or "http://127.0.0.1:5005").split(",")[0]


def _eval(args: argparse.Namespace) -> int:
    import asyncio
    import json

    from bot.tools import evaluation
    from bot.pipeline.policy import PolicyConfig

    rows = evaluation.read_rows(args.file)
    policy = PolicyConfig.load(args.policy) if args.policy else PolicyConfig.load()
    predictions = asyncio.run(evaluation.predict([r["text"] for r in rows], _rasa_url(args), policy,
                                                 token=_env().get("RASA_TOKEN", "")))
    result = evaluation.evaluate(rows, predictions)
    if args.rows:
        evaluation.write_rows(args.rows, rows, predictions)
    print(json.dumps(result, indent=2) if args.json else evaluation.format_text(result))
    return 0


async def _with_redis(fn):
    """Run ``fn(redis, http_session)`` against ``REDIS_URL`` (default: the embedded Redis of ``relais up``)."""
    import aiohttp
    from redis.asyncio import Redis

    url = _env().get("REDIS_URL") or "redis://127.0.0.1:6380/0"
    redis = Redis.from_url(url)
    try:
        async with aiohttp.ClientSession() as session:
            return await fn(redis, session)
    finally:
        await redis.aclose()


def _resume(args: argparse.Namespace) -> int:
    import asyncio

    from bot.pipeline.cm_queue import CMQueue
    from bot.pipeline.handoff import Handoff

    async def run(redis, session):
        return await Handoff(redis, CMQueue(redis)).resume(args.conversation)

    was_paused = asyncio.run(_with_redis(run))
    print(f"{args.conversation}: " + ("the bot answers again" if was_paused else "was not with a person; "
                                       "the bot answers"))
    return 0


def _queue(args: argparse.Namespace) -> int:
    import asyncio
    import json

    from bot.pipeline.cm_queue import CMQueue

    async def run(redis, session):
        return await CMQueue(redis).cases(args.count, args.conversation)

    for case in asyncio.run(_with_redis(run)):
        print(json.dumps(case, ensure_ascii=False))
    return 0


def _status(args: argparse.Namespace) -> int:
    import asyncio
    import json

    from bot.tools.status import gather, format_text

    report = asyncio.run(_with_redis(lambda redis, session: gather(redis)))
    print(json.dumps(report, indent=2) if args.json else format_text(report))
    return 0


def _dead(args: argparse.Namespace) -> int:
    import asyncio
    import json

    from bot.pipeline.queue import InboundQueue

    async def run(redis, session):
        queue = InboundQueue(redis)
        if args.requeue:
            return [{"requeued": entry_id, "found": await queue.requeue_dead(entry_id)} for entry_id in args.requeue]
        return await queue.dead_letters(args.count)

    rows = asyncio.run(_with_redis(run))
    for row in rows:
        print(json.dumps(row, ensure_ascii=False))
    if args.requeue and not all(r["found"] for r in rows):
        return 1
    return 0


def _cm_password(name: str) -> str | None:
    """A password typed twice on a terminal, or one line on stdin; None when the two differ."""
    import getpass

    if not sys.stdin.isatty():
        return sys.stdin.readline().rstrip("\n")
    password = getpass.getpass(f"password for {name}: ")
    if getpass.getpass("again: ") != password:
        print("relais: the passwords differ", file=sys.stderr)
        return None
    return password


def _cm_operator() -> str:
    """Who ran ``relais cm``, as the audit log names them."""
    import getpass

    try:
        user = getpass.getuser()
    except (KeyError, OSError):
        user = "unknown"
    return f"{user} (relais cm)"


def _cm(args: argparse.Namespace) -> int:
    """CM accounts of the console, one change at a time: ``add`` (refuses a name that exists), ``passwd``,
    ``role``, ``totp``, ``disable``, ``enable``, ``list``. Each change is audited and signs the account out."""
    import asyncio

    from bot.console.accounts import AccountError, Accounts, name_taken
    from bot.console.audit import AuditLog
    from bot.console.totp import provisioning_uri

    by = _cm_operator()

    def run(change):
        return asyncio.run(_with_redis(lambda redis, session: change(Accounts(redis, audit=AuditLog(redis)))))

    def signed_out(ended: int) -> str:
        return f"; {ended} session(s) ended" if ended else ""

    command = args.cm_command
    if command in ("add", "passwd"):  # before asking for a password that would not be used
        exists = run(lambda accounts: accounts.exists(args.name))
        if command == "add" and exists:
            raise name_taken(args.name)
        if command == "passwd" and not exists:
            raise AccountError(f"no account {args.name}")
    if command in ("add", "passwd"):
        password = _cm_password(args.name)
        if password is None:
            return 2
        if command == "passwd":
            ended = run(lambda accounts: accounts.set_password(args.name, password, by=by))
            print(f"{args.name}: new password set{signed_out(ended)}")
            return 0
        secret = run(lambda accounts: accounts.add(args.name, password, role=args.role, totp=args.totp, by=by))
        print(f"{args.name}: {args.role} account ready; sign in at /console")
        if secret:
            print(f"second factor: add this to an authenticator app: {provisioning_uri(args.name, secret)}")
        return 0
    if command == "role":
        ended = run(lambda accounts: accounts.set_role(args.name, args.role, by=by))
        print(f"{args.name}: now {args.role}{signed_out(ended)}")
        account = run(lambda accounts: accounts.get(args.name))
        if account is not None and account.is_admin and not account.has_totp:
            print(f"{args.name} has no second factor, and an admin cannot sign in without one: "
                  f"run `relais cm totp {args.name}`")
        return 0
    if command == "totp":
        secret, ended = run(lambda accounts: accounts.set_totp(args.name, not args.off, by=by))
        if secret:
            print(f"{args.name}: new second factor (the previous one no longer works){signed_out(ended)}")
            print(f"add this to an authenticator app: {provisioning_uri(args.name, secret)}")
        else:
            print(f"{args.name}: second factor off{signed_out(ended)}")
        return 0
    if command in ("disable", "enable"):
        found = run(lambda accounts: getattr(accounts, command)(args.name, by=by))
        done = "disabled, signed out everywhere" if command == "disable" else "enabled"
        print(f"{args.name}: " + (done if found else "no such account"))
        return 0 if found else 1
    for account in run(_accounts):
        print(f"{account.name}\t{account.role}\t{'disabled' if account.disabled else 'active'}"
              f"\t{'totp' if account.has_totp else '-'}")
    return 0


async def _accounts(accounts) -> list:
    return [a for a in [await accounts.get(n) for n in await accounts.names()] if a is not None]


def _lint(args: argparse.Namespace) -> int:
    import asyncio
    from pathlib import Path

    from bot.tools.lint import DEFAULT_BRAND_FILE, DEFAULT_DOMAIN_FILE, lint

    count, problems = asyncio.run(lint(Path(args.brand or DEFAULT_BRAND_FILE), Path(args.domain or DEFAULT_DOMAIN_FILE)))
    for problem in problems:
        print(problem)
    print(f"lint: {count} texts checked, {len(problems)} problem(s)", file=sys.stderr)
    return 1 if problems else 0


def _proofread(args: argparse.Namespace) -> int:
    from bot.proofreading.command import proofread

    text = " ".join(args.text) if args.text else sys.stdin.read()
    return proofread(text, args.language, args.first_name, as_json=args.json)


def _schedule(args: argparse.Namespace) -> int:
    import datetime as dt

    from bot.brand import load_brand
    from bot.tools.schedule import schedule

    brand = load_brand(args.brand)
    print("\n".join(schedule(brand, now=dt.datetime.now(dt.timezone.utc), at=args.at, language=args.language)))
    return 0


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(prog="relais", description=__doc__)
    parser.add_argument("-v", "--verbose", action="store_true")
    sub = parser.add_subparsers(dest="command", required=True)
    sub.add_parser("up", help="start the whole stack (Redis, Rasa, actions, gateway)").set_defaults(func=_up)
    sub.add_parser("gateway", help="serve the webhooks (enqueue only)").set_defaults(func=_gateway)
    sub.add_parser("worker", help="one worker process: NLU, drafts, decisions, sends").set_defaults(func=_worker)
    sub.add_parser("train", help="train the Rasa model if its data changed").set_defaults(func=_train)
    p = sub.add_parser("try", help="play a fan: send messages to the running gateway, print replies")
    p.add_argument("text", nargs="+")
    p.add_argument("--url", default="http://127.0.0.1:8080")
    p.add_argument("--sender", help="the fan's id on the platform (default: a new fan)")
    p.add_argument("--platform", help="channel to play (default: the first registered one)")
    p.add_argument("--wait", type=float, default=30.0)
    p.set_defaults(func=_try)
    p = sub.add_parser("eval", help="precision, recall, F1 and confusion of intent / tone / route on a CSV or JSONL")
    p.add_argument("file")
    p.add_argument("--rasa-url", help="Rasa server (default: $RASA_URL or http://127.0.0.1:5005)")
    p.add_argument("--policy", help="policy file (default: policy.yml)")
    p.add_argument("--json", action="store_true", help="machine-readable output")
    p.add_argument("--rows", metavar="OUT.jsonl", help="also write one JSON line per row: its route and why")
    p.set_defaults(func=_eval)
    p = sub.add_parser("resume", help="give a conversation back to the bot after a person handled it")
    p.add_argument("conversation", help="conversation id: PLATFORM:ACCOUNT_ID:USER_ID")
    p.add_argument("--rasa-url")
    p.set_defaults(func=_resume)
    p = sub.add_parser("queue", help="print the CM queue (newest first), one JSON case per line")
    p.add_argument("--count", type=int, default=20)
    p.add_argument("--conversation")
    p.set_defaults(func=_queue)
    p = sub.add_parser("status", help="queue depth, lag, workers, retries, dead letters, blocked accounts")
    p.add_argument("--json", action="store_true")
    p.set_defaults(func=_status)
    p = sub.add_parser("dead", help="list the dead letters, or put some back on the queue")
    p.add_argument("--count", type=int, default=50)
    p.add_argument("--requeue", nargs="+", metavar="ID", help="dead letter ids to requeue")
    p.set_defaults(func=_dead)
    p = sub.add_parser("cm", help="CM accounts of the console: add, passwd, role, totp, disable, enable, list")
    cm = p.add_subparsers(dest="cm_command", required=True)
    q = cm.add_parser("add", help="create a CM account (refused if the name exists); the password is asked for")
    q.add_argument("name")
    q.add_argument("--role", choices=["cm", "admin"], default="cm")
    q.add_argument("--totp", action="store_true",
                   help="require a one-time code from an authenticator app (always on for an admin)")
    q = cm.add_parser("passwd", help="set a new password (asked for); ends the account's sessions")
    q.add_argument("name")
    q = cm.add_parser("role", help="make an account an admin or a cm; ends its sessions")
    q.add_argument("name")
    q.add_argument("role", choices=["admin", "cm"])
    q = cm.add_parser("totp", help="give an account a new second factor (or --off); ends its sessions")
    q.add_argument("name")
    q.add_argument("--off", action="store_true", help="remove the second factor (not for an admin)")
    q = cm.add_parser("disable", help="disable an account and end its sessions")
    q.add_argument("name")
    q = cm.add_parser("enable", help="let a disabled account sign in again")
    q.add_argument("name")
    cm.add_parser("list", help="every account, its role and state")
    p.set_defaults(func=_cm)
    p = sub.add_parser("lint", help="proofread every text of brand.yml and domain.yml, in every language")
    p.add_argument("--brand", help="brand file (default: brand.yml)")
    p.add_argument("--domain", help="Rasa domain (default: domain.yml)")
    p.set_defaults(func=_lint)
    p = sub.add_parser("proofread", help="proofread a text as a draft is: what blocks, what is advice (exit 1: blocks)")
    p.add_argument("text", nargs="*", help="the text (default: standard input)")
    p.add_argument("--language", choices=["fr", "en"], default="fr")
    p.add_argument("--first-name", help="the fan's first name, never flagged")
    p.add_argument("--json", action="store_true", help="the problems as the CM queue stores them")
    p.set_defaults(func=_proofread)
    p = sub.add_parser("schedule", help="the CM team's next openings and closings, and the next public holidays")
    p.add_argument("--at", metavar="'YYYY-MM-DD HH:MM'", help="is the team there then? (the brand's time zone)")
    p.add_argument("--language", choices=["fr", "en"], help="default: the brand's first language")
    p.add_argument("--brand", help="brand file (default: $RELAIS_BRAND_FILE or brand.yml)")
    p.set_defaults(func=_schedule)
    from bot.tools.x_account import add_parser as add_x_parser

    add_x_parser(sub)
    args = parser.parse_args(argv)
    logging.basicConfig(level=logging.DEBUG if args.verbose else logging.INFO,
                        format="%(asctime)s %(levelname)s %(name)s: %(message)s")
    try:
        return args.func(args)
    except RelaisError as exc:
        print(f"relais: {exc.public}", file=sys.stderr)
        return 2
    except (OSError, RedisConnectionError, aiohttp.ClientConnectionError) as exc:
        print(f"relais: cannot reach a service ({exc}); is the stack up (scripts/up)?", file=sys.stderr)
        return 2


if __name__ == "__main__":
    sys.exit(main())
