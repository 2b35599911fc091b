"""The ``relais`` command: ``up``, ``gateway``, ``try``, ``train``."""

from __future__ import annotations

import argparse
import logging
import sys
import uuid

from bot.errors import ConfigError


def _gateway(args: argparse.Namespace) -> int:
    from aiohttp import web

    from bot.app import create_app
    from bot.settings import load_settings

    settings = load_settings()
    web.run_app(create_app(settings), host=settings.host, port=settings.port, print=None)
    return 0


def _up(args: argparse.Namespace) -> int:
    from bot.launcher import up

    return up()


def _train(args: argparse.Namespace) -> int:
    from bot.training import ensure_model

    print(ensure_model())
    return 0


def _try(args: argparse.Namespace) -> int:
    from bot.tryit import try_message

    sender = args.sender or f"fan-{uuid.uuid4().hex[:8]}"
    for text in args.text:
        print(f"fan  > {text}")
        state, replies = try_message(text, base_url=args.url.rstrip("/"), sender=sender, wait_s=args.wait)
        for reply in replies:
            print(f"bot  > {reply}")
        status = state.get("status", f"not handled within {args.wait:.0f}s")
        reasons = ", ".join(state.get("reasons", []))
        print(f"       [{status}{': ' + reasons if reasons else ''}]")
    return 0


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(prog="relais", description=__doc__)
    parser.add_argument("-v", "--verbose", action="store_true")
    sub = parser.add_subparsers(dest="command", required=True)
    sub.add_parser("up", help="start the whole stack (Redis, Rasa, actions, gateway)").set_defaults(func=_up)
    sub.add_parser("gateway", help="serve the webhooks and run the workers").set_defaults(func=_gateway)
    sub.add_parser("train", help="train the Rasa model if its data changed").set_defaults(func=_train)
    p = sub.add_parser("try", help="play a fan: send messages to the running gateway, print replies")
    p.add_argument("text", nargs="+")
    p.add_argument("--url", default="http://127.0.0.1:8080")
    p.add_argument("--sender", help="the fan's page-scoped id (default: a new fan)")
    p.add_argument("--wait", type=float, default=30.0)
    p.set_defaults(func=_try)
    args = parser.parse_args(argv)
    logging.basicConfig(level=logging.DEBUG if args.verbose else logging.INFO,
                        format="%(asctime)s %(levelname)s %(name)s: %(message)s")
    try:
        return args.func(args)
    except ConfigError as exc:
        print(f"relais: {exc.public}", file=sys.stderr)
        return 2


if __name__ == "__main__":
    sys.exit(main())
