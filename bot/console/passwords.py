"""Password hashes: Argon2id, checked off the event loop, a few at a time.

Each check costs 64 MiB of memory and a noticeable slice of a core
(``argon2-cffi``'s RFC 9106 low-memory profile). The gateway that serves the
console also acknowledges the platforms' webhooks, so checks run in worker
threads, at most ``RELAIS_CONSOLE_HASH_CONCURRENCY`` at once (default 2) in
each gateway process. At most ``RELAIS_CONSOLE_HASH_QUEUE`` more (default 8)
wait for their turn; past that a sign-in is answered 503 with
``Retry-After`` at once instead of queueing behind the others.
"""

from __future__ import annotations

import asyncio
import functools

from argon2 import PasswordHasher
from argon2.exceptions import InvalidHashError, VerificationError, VerifyMismatchError

HASHER = PasswordHasher()  # Argon2id, RFC 9106 low-memory profile
BUSY_RETRY_AFTER_S = 2


class Busy(Exception):
    """Too many password checks already running or waiting in this process: try again shortly."""

    def __init__(self, retry_after_s: int = BUSY_RETRY_AFTER_S) -> None:
        super().__init__("too many sign-ins being checked; try again in a moment")
        self.retry_after_s = retry_after_s


@functools.lru_cache(maxsize=1)
def dummy_hash() -> str:
    """Checking against this when the account does not exist costs the same time as a real check,
    so the answer's timing does not tell which names exist."""
    return HASHER.hash("relais-console-no-such-account")


def _matches(hashed: str, password: str) -> bool:
    try:
        return HASHER.verify(hashed, password)
    except (VerifyMismatchError, VerificationError, InvalidHashError):
        return False


class PasswordChecker:
    """Argon2 checks in threads, ``concurrency`` at once and ``max_waiting`` waiting; Busy beyond."""

    def __init__(self, concurrency: int = 2, max_waiting: int = 8) -> None:
        self.concurrency = concurrency
        self.max_waiting = max_waiting
        self._running = asyncio.Semaphore(concurrency)
        self._waiting = 0

    async def matches(self, hashed: str, password: str) -> bool:
        """Whether ``password`` is the one ``hashed`` was made from; Busy when the queue is full."""
        if self._running.locked() and self._waiting >= self.max_waiting:
            raise Busy()
        self._waiting += 1
        try:
            await self._running.acquire()
        finally:
            self._waiting -= 1
        try:
            return await asyncio.to_thread(_matches, hashed, password)
        finally:
            self._running.release()

    async def matches_any_account(self, password: str) -> bool:
        """The same work as a real check, against an account that does not exist (always False)."""
        hashed = await asyncio.to_thread(dummy_hash)
        await self.matches(hashed, password)
        return False

    @staticmethod
    def needs_rehash(hashed: str) -> bool:
        return HASHER.check_needs_rehash(hashed)

    @staticmethod
    async def hash(password: str) -> str:
        return await asyncio.to_thread(HASHER.hash, password)
