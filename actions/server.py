"""The action server Relais runs: rasa-sdk's, on 127.0.0.1 only, answering only holders of its token.

rasa-sdk has no authentication of its own, and by default listens on every
interface (``SANIC_HOST`` or ``0.0.0.0``): anyone who reaches the port could
run the brand's actions (look an order up, draft a reply). This entry point
serves the same rasa-sdk application (``rasa_sdk.endpoint.create_app``) with:

* the address fixed to ``127.0.0.1`` — whatever ``SANIC_HOST`` says;
* every request but ``GET /health`` (a liveness probe that says only "ok")
  refused with 401 unless it carries ``Authorization: Bearer <token>``, the
  token being ``RELAIS_ACTIONS_TOKEN`` (compared in constant time). The
  worker sends it on each action call (``bot.pipeline.dialogue.ActionServer``),
  and the Rasa server sends it as the ``headers`` of ``action_endpoint`` in
  ``endpoints.yml``;
* no CORS: no browser page is ever meant to call it.

It refuses to start without ``RELAIS_ACTIONS_TOKEN`` (exit status 2, naming
the setting); ``relais up`` generates one into ``var/stack.env``.

    python -m actions.server --port 5055 [--actions actions]

``ACTION_SERVER_SANIC_WORKERS`` sets rasa-sdk's worker processes, as with
``python -m rasa_sdk``.
"""

from __future__ import annotations

import argparse
import hmac
import os
import sys
from functools import partial

HOST = "127.0.0.1"
TOKEN_SETTING = "RELAIS_ACTIONS_TOKEN"
OPEN_PATHS = frozenset({"/health"})


def authorised(header: str | None, token: str) -> bool:
    """Whether an ``Authorization`` header value carries ``token`` as a bearer token."""
    scheme, _, given = (header or "").partition(" ")
    return scheme.lower() == "bearer" and hmac.compare_digest(given.strip().encode(), token.encode())


def create_app(package: str, token: str):
    """rasa-sdk's Sanic application for ``package``, behind the token check (one per Sanic worker)."""
    from rasa_sdk.endpoint import create_app_for_serve
    from rasa_sdk.executor import ActionExecutor
    from sanic import response

    executor = ActionExecutor()
    executor.register_package(package)
    app = create_app_for_serve(executor, cors_origins=None)

    @app.on_request
    async def require_token(request):
        if request.path in OPEN_PATHS:
            return None
        if not authorised(request.headers.get("Authorization"), token):
            return response.json({"error": "missing or wrong action server token"}, status=401,
                                 headers={"WWW-Authenticate": "Bearer"})
        return None

    return app


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(prog="python -m actions.server", description=__doc__.split("\n")[0])
    parser.add_argument("--port", type=int, default=5055)
    parser.add_argument("--actions", default="actions", help="the package of custom actions")
    args = parser.parse_args(argv)
    token = os.environ.get(TOKEN_SETTING, "").strip()
    if not token:
        print(f"actions.server: missing setting {TOKEN_SETTING} (the token the worker and Rasa send)",
              file=sys.stderr)
        return 2

    from rasa_sdk import utils
    from sanic import Sanic
    from sanic.worker.loader import AppLoader

    utils.configure_colored_logging(os.environ.get("LOG_LEVEL", "INFO"))
    utils.update_sanic_log_level()
    loader = AppLoader(factory=partial(create_app, args.actions, token))
    app = loader.load()
    app.prepare(host=HOST, port=args.port, workers=utils.number_of_sanic_workers(), access_log=False)
    Sanic.serve(primary=app, app_loader=loader)
    return 0


if __name__ == "__main__":
    sys.exit(main())
