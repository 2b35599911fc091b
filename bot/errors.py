"""One exception base for Relais; the web edge translates each subclass to an HTTP status."""

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
