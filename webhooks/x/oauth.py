"""OAuth 2.0 with PKCE for a brand's X account: the authorisation URL, the code exchange, the refresh.

``relais x connect`` builds the URL (``authorize_url``) with a fresh
``state`` and S256 code challenge, the operator approves in a browser, X
redirects to the gateway's X webhook path, which only shows that the
authorisation arrived; the operator pastes that page's address back into
the terminal and the code is exchanged with the verifier only the terminal
holds (``exchange``). Access tokens last two hours; ``refresh`` trades the
refresh token (``offline.access``) for new ones — X rotates the refresh
token each time, so only one process may refresh an account at once
(``webhooks.x.tokens``).
"""

from __future__ import annotations

import asyncio
import base64
import hashlib
import secrets
import time
from dataclasses import dataclass
from typing import Any
from urllib.parse import parse_qs, urlencode, urlparse

import aiohttp

from bot.errors import ForbiddenError, SendError

SCOPES = ("dm.read", "dm.write", "tweet.read", "users.read", "offline.access")
DEFAULT_AUTHORIZE_URL = "https://x.com/i/oauth2/authorize"


@dataclass(frozen=True, slots=True)
class Tokens:
    access_token: str
    refresh_token: str
    expires_at: float
    scope: str = ""
    user_id: str = ""
    username: str = ""

    def expiring(self, within_s: float) -> bool:
        return self.expires_at - time.time() < within_s

    def as_dict(self) -> dict[str, Any]:
        return {"access_token": self.access_token, "refresh_token": self.refresh_token,
                "expires_at": self.expires_at, "scope": self.scope, "user_id": self.user_id,
                "username": self.username}

    def __repr__(self) -> str:  # never the tokens
        return f"Tokens(user_id={self.user_id!r}, expires_at={self.expires_at:.0f})"


@dataclass(frozen=True, slots=True)
class Authorisation:
    url: str
    state: str
    verifier: str


def pkce_pair() -> tuple[str, str]:
    """(code verifier, S256 code challenge)."""
    verifier = secrets.token_urlsafe(64)[:96]
    challenge = base64.urlsafe_b64encode(hashlib.sha256(verifier.encode()).digest()).rstrip(b"=").decode()
    return verifier, challenge


def authorize_url(client_id: str, redirect_uri: str, authorize_base: str = DEFAULT_AUTHORIZE_URL) -> Authorisation:
    verifier, challenge = pkce_pair()
    state = secrets.token_urlsafe(24)
    query = urlencode({"response_type": "code", "client_id": client_id, "redirect_uri": redirect_uri,
                       "scope": " ".join(SCOPES), "state": state, "code_challenge": challenge,
                       "code_challenge_method": "S256"})
    return Authorisation(f"{authorize_base}?{query}", state, verifier)


def code_from_redirect(redirected_to: str, state: str) -> str:
    """The ``code`` of the address X redirected the browser to; ForbiddenError on a wrong state or a refusal."""
    query = parse_qs(urlparse(redirected_to.strip()).query)
    if query.get("error"):
        raise ForbiddenError(f"X refused the authorisation: {query['error'][0][:100]}")
    if query.get("state", [""])[0] != state:
        raise ForbiddenError("the address does not belong to this authorisation (state differs)")
    code = query.get("code", [""])[0]
    if not code:
        raise ForbiddenError("the address carries no authorisation code")
    return code


class OAuthClient:
    """The token endpoint (``POST /2/oauth2/token``) and ``GET /2/users/me``."""

    def __init__(self, api_base: str, client_id: str, client_secret: str = "", timeout_s: float = 10.0) -> None:
        self.api_base = api_base.rstrip("/")
        self.client_id = client_id
        self.client_secret = client_secret
        self.timeout = aiohttp.ClientTimeout(total=timeout_s)

    async def _token(self, session: aiohttp.ClientSession, form: dict[str, str]) -> Tokens:
        auth = aiohttp.BasicAuth(self.client_id, self.client_secret) if self.client_secret else None
        form = {**form, "client_id": self.client_id}
        try:
            async with session.post(f"{self.api_base}/2/oauth2/token", data=form, auth=auth,
                                    timeout=self.timeout) as resp:
                data = await resp.json(content_type=None)
                status = resp.status
        except (aiohttp.ClientError, asyncio.TimeoutError, ValueError) as exc:
            raise SendError(f"X token endpoint unreachable ({type(exc).__name__})", retryable=True) from None
        if status != 200 or not isinstance(data, dict) or not data.get("access_token"):
            error = data.get("error") if isinstance(data, dict) else None
            raise SendError(f"X token endpoint answered HTTP {status} {str(error or '')[:80]}".strip(),
                            retryable=status >= 500 or status == 429)
        return Tokens(str(data["access_token"]), str(data.get("refresh_token") or form.get("refresh_token") or ""),
                      time.time() + float(data.get("expires_in") or 7200), str(data.get("scope") or ""))

    async def exchange(self, session: aiohttp.ClientSession, code: str, verifier: str, redirect_uri: str) -> Tokens:
        tokens = await self._token(session, {"grant_type": "authorization_code", "code": code,
                                             "redirect_uri": redirect_uri, "code_verifier": verifier})
        return await self.identify(session, tokens)

    async def refresh(self, session: aiohttp.ClientSession, tokens: Tokens) -> Tokens:
        fresh = await self._token(session, {"grant_type": "refresh_token", "refresh_token": tokens.refresh_token})
        return Tokens(fresh.access_token, fresh.refresh_token, fresh.expires_at, fresh.scope or tokens.scope,
                      tokens.user_id, tokens.username)

    async def identify(self, session: aiohttp.ClientSession, tokens: Tokens) -> Tokens:
        """The account the tokens belong to (``GET /2/users/me``)."""
        async with session.get(f"{self.api_base}/2/users/me", timeout=self.timeout,
                               headers={"Authorization": f"Bearer {tokens.access_token}"}) as resp:
            data = await resp.json(content_type=None)
            if resp.status != 200 or not isinstance(data, dict) or not isinstance(data.get("data"), dict):
                raise SendError(f"X /2/users/me answered HTTP {resp.status}", retryable=False)
        user = data["data"]
        return Tokens(tokens.access_token, tokens.refresh_token, tokens.expires_at, tokens.scope,
                      str(user.get("id") or ""), str(user.get("username") or ""))
