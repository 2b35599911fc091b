"""One exception base for Relais; the web edge translates each subclass to an HTTP status.

    RelaisError                 500  anything Relais raises on purpose
    ├── ConfigError             500  a bad or missing setting, at start-up (names the key)
    ├── SignatureError          401  a webhook not signed by the platform
    ├── ForbiddenError          403  well formed but not allowed (no secret configured, bad token)
    ├── PayloadError            400  a body that is not the platform's documented JSON
    ├── SlowClientError         408  a body that did not arrive in time (the connection is closed)
    ├── RateLimitError          429  too many requests of a kind; ``Retry-After`` says when to retry
    ├── OverloadError           503  cannot take the request now; ``Retry-After`` says when to retry
    ├── SendError               502  a platform refused a reply (tools that send directly)
    ├── RasaError               502  the Rasa server or the action server failed
    └── LeaseLost               409  another worker holds the conversation (bot.pipeline.delivery)
"""

from __future__ import annotations


class RelaisError(Exception):
    """Base of every error Relais raises on purpose.

    ``status`` is the HTTP status the web edge answers with when the error
    escapes a request handler; ``public`` is the message shown to the caller
    (never any secret or personal data).
    """

    status: int = 500

    def __init__(self, public: str) -> None:
        super().__init__(public)
        self.public = public


class ConfigError(RelaisError):
    """A setting is missing or invalid; raised at start-up, naming the key."""

    status = 500


class SignatureError(RelaisError):
    """A webhook whose signature is missing, malformed or wrong."""

    status = 401


class ForbiddenError(RelaisError):
    """A request that is well formed but not allowed (wrong verify token, no secret configured)."""

    status = 403


class PayloadError(RelaisError):
    """A webhook body that is not the JSON the platform documents."""

    status = 400


class SlowClientError(RelaisError):
    """A request whose body did not arrive whole in time; the connection is closed after the answer."""

    status = 408
    close_connection = True


class RateLimitError(RelaisError):
    """Too many requests of one kind from one client, or from everyone; retry after ``retry_after_s``."""

    status = 429

    def __init__(self, public: str, *, retry_after_s: int = 60) -> None:
        super().__init__(public)
        self.retry_after_s = retry_after_s


class OverloadError(RelaisError):
    """The gateway cannot take the request in time; the platform should redeliver later."""

    status = 503

    def __init__(self, public: str, *, retry_after_s: int = 5) -> None:
        super().__init__(public)
        self.retry_after_s = retry_after_s


class SendError(RelaisError):
    """The platform refused or failed to take a reply.

    ``retryable`` tells the worker whether trying again may succeed
    (network errors, 429 and 5xx) or not (4xx such as an expired token).
    """

    status = 502

    def __init__(self, public: str, *, retryable: bool) -> None:
        super().__init__(public)
        self.retryable = retryable


class RasaError(RelaisError):
    """The Rasa server could not be reached or answered with an error."""

    status = 502
