"""Relais as it is deployed — one gateway and N worker processes on 127.0.0.1 — a fan poster that behaves
like Meta, and the per-message tally of what became of a burst of fans' messages.

The tally reads three witnesses and never the pipeline's own counters: the
Graph API stand-in (which replies reached which fan, by the ``metadata`` tag
``relais:<mid>:<part>`` each send carries), the ledger (each message's state)
and the ``relais:outcomes`` stream. Per message it says: answered once,
answered twice, held, escalated, failed, or lost (no final outcome and no
reply), plus the checks that must also hold — a held message got no reply,
an escalated one at most its holding message, a fan's replies arrived in
the order the fan wrote, and no message was recorded twice.
"""

from __future__ import annotations

import asyncio
import itertools
import json
import random
import signal
import subprocess
import time
import urllib.error
import urllib.request
import uuid
from collections import Counter, defaultdict
from dataclasses import asdict, dataclass, field
from pathlib import Path

import aiohttp
from redis.asyncio import Redis
from redis.exceptions import RedisError

from bot import redis_keys as keys
from bot.tools.launcher import APP_BIN, Stack
from bot.tools.training import rasa_env
from tests.helpers import APP_SECRET, DEMO_PAGE_ID, PAGE_TOKEN, VERIFY_TOKEN
from webhooks.messenger import simulate

FINAL = ("sent", "held", "escalated", "failed")
RELAIS = str(APP_BIN / "relais")


# -- what fans ask ----------------------------------------------------------------------------------

_OPENERS = {
    "fr": ["", "Bonjour, ", "Bonsoir, ", "Salut ! ", "Bonjour à vous, ", "Hello, ", "Coucou, ", "Re-bonjour, "],
    "en": ["", "Hi, ", "Hello, ", "Hey there, ", "Good morning, ", "Good evening, ", "Hiya, ", "Hi again, "],
}
_CLOSERS = {
    "fr": ["", " merci", " merci d'avance", " svp", " s'il vous plaît", " bonne journée", " merci beaucoup"],
    "en": ["", " thanks", " thank you", " please", " cheers", " thanks in advance", " many thanks"],
}
_CITIES = ["Lyon", "Bordeaux", "Lille", "Nantes", "Marseille", "Toulouse", "Rennes", "Nice", "Annecy", "Dijon"]
_PRODUCTS = {
    "fr": ["le plaid en lin", "la nappe rayée", "le vase en grès", "la bougie figue", "les serviettes brodées",
           "le jeté de lit gris", "les assiettes bleues", "le torchon à carreaux"],
    "en": ["the linen throw", "the striped tablecloth", "the stoneware vase", "the fig candle",
           "the embroidered napkins", "the grey bedspread", "the blue plates", "the checked tea towel"],
}
_DAYS = {"fr": ["dimanche", "samedi", "lundi", "14 juillet", "lundi de Pâques"],
         "en": ["Sunday", "Saturday", "Monday", "bank holidays", "Easter Monday"]}
_CORES = {
    "fr": {
        "opening_hours": ["vous êtes ouverts le {day} ?", "quels sont vos horaires le {day} ?",
                          "la boutique de {city} ouvre à quelle heure ?",
                          "à quelle heure fermez-vous ce soir à {city} ?",
                          "est-ce que le magasin de {city} est ouvert le {day} ?"],
        "delivery": ["combien coûte la livraison à {city} ?", "la livraison prend combien de temps ?",
                     "vous livrez en Belgique ?", "c'est quoi les frais de port pour {city} ?",
                     "la livraison express c'est combien ?", "vous livrez en point relais près de {city} ?"],
        "returns_refunds": ["comment retourner {product} ?", "je peux échanger {product} ?",
                            "j'ai combien de jours pour faire un retour ?",
                            "le remboursement arrive sous combien de temps ?",
                            "je voudrais renvoyer {product}, comment faire ?"],
        "payment_methods": ["vous acceptez PayPal ?", "je peux payer en trois fois ?",
                            "on peut régler avec une carte cadeau ?", "vous prenez l'American Express ?",
                            "quels moyens de paiement acceptez-vous ?"],
        "store_location": ["vous avez une boutique à {city} ?", "où se trouve votre magasin de {city} ?",
                           "quelle est l'adresse de la boutique de {city} ?",
                           "il y a un magasin Maison Brindille vers {city} ?"],
        "promo_codes": ["mon code promo ne marche pas", "c'est quand les soldes ?",
                        "vous avez un code de réduction ?", "comment avoir la remise newsletter ?",
                        "je peux cumuler deux codes promo ?"],
        "product_availability": ["{product} est de nouveau en stock ?", "vous avez encore {product} ?",
                                 "quand est-ce que {product} revient en stock ?",
                                 "{product} est disponible à {city} ?"],
    },
    "en": {
        "opening_hours": ["are you open on {day}?", "what are your opening hours on {day}?",
                          "what time does the {city} shop open?", "when does the {city} boutique close tonight?",
                          "is the {city} store open on {day}?"],
        "delivery": ["how much is delivery to {city}?", "how long does delivery take?",
                     "do you deliver to Belgium?", "what are the shipping costs to {city}?",
                     "how much is express delivery?", "can I get it delivered to a pick-up point in {city}?"],
        "returns_refunds": ["how do I return {product}?", "can I exchange {product}?",
                            "how many days do I have to send something back?", "how long does a refund take?",
                            "I'd like to return {product}, how does it work?"],
        "payment_methods": ["do you take PayPal?", "can I pay in instalments?", "can I pay with a gift card?",
                            "do you accept American Express?", "which payment methods do you accept?"],
        "store_location": ["do you have a shop in {city}?", "where is your {city} boutique?",
                           "what's the address of the {city} store?", "is there a Maison Brindille shop near {city}?"],
        "promo_codes": ["my promo code doesn't work", "when are the sales?", "do you have a discount code?",
                        "how do I get the newsletter discount?", "can I use two promo codes at once?"],
        "product_availability": ["is {product} back in stock?", "do you still have {product}?",
                                 "when will {product} be back in stock?", "is {product} available in {city}?"],
    },
}
TOPICS = tuple(_CORES["fr"])


def faq_questions(count: int, seed: int = 7) -> list[tuple[str, str, str]]:
    """``count`` distinct FAQ questions ``(language, topic, text)``, French and English, every topic."""
    rng = random.Random(seed)
    out: list[tuple[str, str, str]] = []
    seen: set[str] = set()
    langs = itertools.cycle(("fr", "en"))
    topics = itertools.cycle(TOPICS)
    tries = 0
    while len(out) < count:
        tries += 1
        if tries > count * 200:
            raise ValueError(f"cannot build {count} distinct questions")
        lang, topic = next(langs), next(topics)
        if tries % 3 == 0:
            topic = rng.choice(TOPICS)
        core = rng.choice(_CORES[lang][topic]).format(city=rng.choice(_CITIES), product=rng.choice(_PRODUCTS[lang]),
                                                      day=rng.choice(_DAYS[lang]))
        opener = rng.choice(_OPENERS[lang])
        text = opener + (core[0].upper() + core[1:] if not opener or opener.endswith("! ") else core)
        text += rng.choice(_CLOSERS[lang])
        if text in seen:
            continue
        seen.add(text)
        out.append((lang, topic, text))
    return out


def new_psid() -> str:
    return str(10**15 + random.randrange(10**15))


@dataclass
class FanMessage:
    sender: str
    mid: str
    text: str
    index: int  # its place among the fan's messages

    @property
    def conversation(self) -> str:
        return f"messenger:{DEMO_PAGE_ID}:{self.sender}"


def burst(singles: int, multi_fans: int = 0, per_multi: int = 3, seed: int = 11) -> list[list[FanMessage]]:
    """Fans and what each writes: ``singles`` fans with one question, ``multi_fans`` with ``per_multi``."""
    questions = iter(faq_questions(singles + multi_fans * per_multi, seed=seed))
    run = uuid.uuid4().hex[:8]
    fans: list[list[FanMessage]] = []
    for i in range(singles + multi_fans):
        sender = new_psid()
        n = 1 if i < singles else per_multi
        fans.append([FanMessage(sender, f"m_{run}_{i}_{k}", next(questions)[2], k) for k in range(n)])
    return fans


# -- the poster: Meta's side of the webhook ---------------------------------------------------------

@dataclass
class PostStats:
    acks: list[float] = field(default_factory=list)  # seconds, POST → 200, final attempt only
    statuses: Counter = field(default_factory=Counter)  # every answer, by status (0: no answer)
    retries: int = 0
    gave_up: int = 0

    @property
    def server_errors(self) -> int:
        """5xx answers other than 503 (a 503 with Retry-After is the documented back-pressure)."""
        return sum(n for s, n in self.statuses.items() if s >= 500 and s != 503)


class Poster:
    """Posts signed deliveries to the gateway and, like Meta, redelivers until it gets a 200: after a
    503 no sooner than its ``Retry-After``, after anything else with backoff, for up to ``give_up_s``."""

    def __init__(self, base_url: str, secret: str = APP_SECRET, *, give_up_s: float = 90.0,
                 max_retry_after_s: float = 10.0) -> None:
        self.url = base_url.rstrip("/") + "/webhooks/messenger"
        self.secret = secret
        self.give_up_s = give_up_s
        self.max_retry_after_s = max_retry_after_s
        self.stats = PostStats()
        self.session: aiohttp.ClientSession | None = None
        self.posted_at: dict[str, float] = {}  # mid → perf_counter of its first POST

    async def __aenter__(self) -> "Poster":
        self.session = aiohttp.ClientSession(connector=aiohttp.TCPConnector(limit=0))
        return self

    async def __aexit__(self, *exc) -> None:
        assert self.session is not None
        await self.session.close()

    def body(self, messages: list[FanMessage]) -> tuple[bytes, dict[str, str]]:
        events = [simulate.text_event(m.text, m.sender, mid=m.mid) for m in messages]
        return simulate.signed(simulate.delivery(*events), self.secret)

    async def post(self, messages: list[FanMessage], raw: tuple[bytes, dict[str, str]] | None = None) -> int:
        """Deliver until acknowledged; the final status (200, or the last one seen when giving up)."""
        assert self.session is not None
        data, headers = raw or self.body(messages)
        deadline = time.monotonic() + self.give_up_s
        delay = 0.25
        now = time.perf_counter()
        for m in messages:
            self.posted_at.setdefault(m.mid, now)
        while True:
            started = time.perf_counter()
            retry_after = None
            try:
                async with self.session.post(self.url, data=data, headers=headers,
                                             timeout=aiohttp.ClientTimeout(total=20)) as resp:
                    await resp.read()
                    status = resp.status
                    raw_after = resp.headers.get("Retry-After")
                    retry_after = float(raw_after) if raw_after and raw_after.replace(".", "", 1).isdigit() else None
            except (aiohttp.ClientError, asyncio.TimeoutError):
                status = 0
            self.stats.statuses[status] += 1
            if status == 200:
                self.stats.acks.append(time.perf_counter() - started)
                return status
            if status == 503 and retry_after is None:
                self.stats.statuses["503_without_retry_after"] += 1
            wait = max(delay, min(retry_after or 0.0, self.max_retry_after_s))
            if time.monotonic() + wait > deadline:
                self.stats.gave_up += 1
                return status
            self.stats.retries += 1
            await asyncio.sleep(wait)
            delay = min(delay * 2, 5.0)

    async def post_fan(self, messages: list[FanMessage], sem: asyncio.Semaphore | None = None) -> None:
        """One fan's messages, one delivery each, in the order the fan wrote them."""
        for m in messages:
            if sem is None:
                await self.post([m])
            else:
                async with sem:
                    await self.post([m])

    async def post_all(self, fans: list[list[FanMessage]], concurrency: int = 50,
                       fans_per_s: float | None = None) -> None:
        """Every fan at once (at most ``concurrency`` POSTs in flight), or ``fans_per_s`` fans starting each second."""
        sem = asyncio.Semaphore(concurrency)

        async def fan(i: int, messages: list[FanMessage]) -> None:
            if fans_per_s:
                await asyncio.sleep(i / fans_per_s)
            await self.post_fan(messages, sem)

        await asyncio.gather(*(fan(i, f) for i, f in enumerate(fans)))


# -- the deployment -----------------------------------------------------------------------------------

def relais_env(*, redis_url: str, rasa_url: str, rasa_token: str, actions_url: str, graph_url: str, port: int,
               page_token: str = PAGE_TOKEN, actions_token: str = "", **extra: str) -> dict[str, str]:
    """The environment of ``relais gateway`` and ``relais worker`` for a private deployment."""
    env = {k: v for k, v in rasa_env().items()
           if not k.startswith(("RELAIS_", "MESSENGER_", "RASA_", "GRAPH_API_")) and k != "REDIS_URL"}
    env.update({
        "RASA_TELEMETRY_ENABLED": "false",
        "REDIS_URL": redis_url,
        "RASA_URL": rasa_url,
        "RASA_TOKEN": rasa_token,
        "RELAIS_ACTION_URL": actions_url,
        "RELAIS_ACTIONS_TOKEN": actions_token,
        "RELAIS_HOST": "127.0.0.1",
        "RELAIS_PORT": str(port),
        "RELAIS_CHANNELS": "messenger",
        "RELAIS_SANDBOX": "false",
        "MESSENGER_APP_SECRET": APP_SECRET,
        "MESSENGER_VERIFY_TOKEN": VERIFY_TOKEN,
        "MESSENGER_PAGE_ACCESS_TOKEN": page_token,
        "GRAPH_API_BASE": graph_url,
    })
    env.update({k: str(v) for k, v in extra.items()})
    return env


class Deployment:
    """``relais gateway`` and ``relais worker`` processes, each logging to ``log_dir/<name>.log``."""

    def __init__(self, env: dict[str, str], log_dir: Path) -> None:
        self.env = env
        self.log_dir = log_dir
        self.stack = Stack(env, log_dir=log_dir)
        self.base_url = f"http://127.0.0.1:{env['RELAIS_PORT']}"
        self._count = 0

    def proc(self, name: str) -> subprocess.Popen:
        return next(c.proc for c in reversed(self.stack.children) if c.name == name)

    def alive(self) -> dict[str, int]:
        return self.stack.pids()

    @property
    def workers(self) -> list[str]:
        return [n for n in self.stack.pids() if n.startswith("worker")]

    def start_gateway(self, timeout_s: float = 60, name: str = "gateway") -> str:
        """A gateway process (several share the port, as ``relais up`` runs them); its base URL once up."""
        self.stack.start(name, [RELAIS, "gateway"])
        deadline = time.monotonic() + timeout_s
        while True:
            if self.proc(name).poll() is not None:
                raise RuntimeError(f"gateway exited: {self.tail(name)}")
            try:
                with urllib.request.urlopen(self.base_url + "/healthz", timeout=2):
                    return self.base_url
            except (urllib.error.URLError, OSError):
                if time.monotonic() > deadline:
                    raise RuntimeError(f"gateway not up within {timeout_s}s: {self.tail(name)}") from None
                time.sleep(0.2)

    def start_worker(self, **env: str) -> str:
        """A new worker process; its name is also its consumer name in the group."""
        self._count += 1
        name = f"worker-{self._count}"
        self.stack.start(name, [RELAIS, "worker"], {**self.env, "RELAIS_CONSUMER": name,
                                                     **{k: str(v) for k, v in env.items()}})
        return name

    async def wait_ready(self, redis: Redis, names: list[str], timeout_s: float = 120) -> None:
        """Until each named worker has announced itself in Redis (its pipeline is loaded)."""
        deadline = time.monotonic() + timeout_s
        while True:
            missing = []
            for name in names:
                if self.proc(name).poll() is not None:
                    raise RuntimeError(f"{name} exited: {self.tail(name)}")
                try:
                    raw = await redis.get(keys.worker(name))
                except RedisError:
                    raw = None
                if raw is None or json.loads(raw).get("status") != "ok":
                    missing.append(name)
            if not missing:
                return
            if time.monotonic() > deadline:
                raise RuntimeError(f"{', '.join(missing)} not ready within {timeout_s}s")
            await asyncio.sleep(0.2)

    def kill(self, name: str, sig: int = signal.SIGKILL, timeout_s: float = 20) -> None:
        proc = self.proc(name)
        if proc.poll() is None:
            proc.send_signal(sig)
            try:
                proc.wait(timeout=timeout_s)
            except subprocess.TimeoutExpired:
                proc.kill()
                proc.wait()

    def stop_workers(self) -> None:
        for name in self.workers:
            self.proc(name).send_signal(signal.SIGTERM)
        for name in [c.name for c in self.stack.children if c.name.startswith("worker")]:
            self.kill(name, signal.SIGTERM)

    def stop(self) -> None:
        self.stack.stop()
        left = self.alive()
        assert not left, f"processes left running: {left}"

    def tail(self, name: str, chars: int = 3000) -> str:
        path = self.log_dir / f"{name}.log"
        return path.read_text(errors="replace")[-chars:] if path.exists() else "(no log)"

    def grep(self, word: str, names: list[str] | None = None, limit: int = 20) -> list[str]:
        out = []
        for path in sorted(self.log_dir.glob("*.log")):
            if names and path.stem not in names:
                continue
            for line in path.read_text(errors="replace").splitlines():
                if word in line:
                    out.append(f"{path.stem}: {line}")
        return out[-limit:]


def rss_kb(pid: int) -> int | None:
    """Resident memory of a process (``VmRSS`` in /proc/<pid>/status), in kB."""
    try:
        for line in Path(f"/proc/{pid}/status").read_text().splitlines():
            if line.startswith("VmRSS:"):
                return int(line.split()[1])
    except OSError:
        return None
    return None


# -- the tally -----------------------------------------------------------------------------------------

@dataclass
class Tally:
    messages: int = 0
    answered_once: int = 0
    answered_twice: int = 0
    held: int = 0
    escalated: int = 0
    failed: int = 0
    lost: int = 0
    unfinished: int = 0  # a reply went out but no final outcome was recorded
    held_with_reply: int = 0
    escalated_with_answer: int = 0  # more than the holding message
    sent_without_reply: int = 0
    recorded_twice: int = 0
    unrecorded: int = 0  # final in the ledger, absent from relais:outcomes
    out_of_order: int = 0  # fans whose replies arrived in another order than their messages
    late: int = 0  # handled after a successor (marked arrived_late)
    statuses: dict = field(default_factory=dict)
    reasons: dict = field(default_factory=dict)  # reasons of the messages not answered, by reason
    examples: dict = field(default_factory=dict)  # check → a few message ids with their state

    def line(self) -> str:
        keys_ = ("messages", "answered_once", "answered_twice", "held", "escalated", "failed", "lost", "unfinished",
                 "held_with_reply", "escalated_with_answer", "sent_without_reply", "recorded_twice", "unrecorded",
                 "out_of_order", "late")
        return " ".join(f"{k}={getattr(self, k)}" for k in keys_)

    def problems(self) -> dict[str, int]:
        """Every check that must be 0."""
        names = ("answered_twice", "lost", "unfinished", "held_with_reply", "escalated_with_answer",
                 "sent_without_reply", "recorded_twice", "unrecorded", "out_of_order")
        return {k: getattr(self, k) for k in names if getattr(self, k)}

    def as_dict(self) -> dict:
        return asdict(self)


def _replies(sent, mids: set[str]) -> dict[str, list]:
    out: dict[str, list] = defaultdict(list)
    for order, message in enumerate(sent):
        tag = message.metadata
        if not tag.startswith("relais:"):
            continue
        mid, _, part = tag[len("relais:"):].rpartition(":")
        if mid in mids:
            out[mid].append((order, part))
    return out


async def states(redis: Redis, fans: list[list[FanMessage]]) -> dict[str, dict]:
    out: dict[str, dict] = {}
    all_messages = [m for fan in fans for m in fan]
    for i in range(0, len(all_messages), 200):
        chunk = all_messages[i:i + 200]
        async with redis.pipeline(transaction=False) as pipe:
            for m in chunk:
                pipe.hgetall(keys.message(m.conversation, m.mid))
            raw = await pipe.execute()
        for m, fields in zip(chunk, raw):
            state = {}
            for k, v in fields.items():
                try:
                    state[k.decode()] = json.loads(v)
                except ValueError:
                    state[k.decode()] = v.decode()
            out[m.mid] = state
    return out


async def settle(redis: Redis, fans: list[list[FanMessage]], timeout_s: float) -> float:
    """Wait until every message has a final outcome and nothing is queued or delayed; seconds waited."""
    started = time.monotonic()
    while time.monotonic() - started < timeout_s:
        try:
            current = await states(redis, fans)
            done = all(s.get("status") in FINAL for s in current.values())
            if done and await redis.xlen(keys.INBOUND) == 0 and await redis.zcard(keys.DELAYED) == 0:
                return time.monotonic() - started
        except RedisError:
            pass
        await asyncio.sleep(0.25)
    return time.monotonic() - started


async def tally(redis: Redis, graph, fans: list[list[FanMessage]]) -> Tally:
    messages = [m for fan in fans for m in fan]
    mids = {m.mid for m in messages}
    replies = _replies(graph.sent, mids)
    current = await states(redis, fans)
    recorded: Counter = Counter()
    last = "-"
    while True:
        batch = await redis.xrange(keys.OUTCOMES, min=last, count=1000)
        if not batch:
            break
        for entry_id, fields in batch:
            mid = fields.get(b"message_id", b"").decode()
            if mid in mids:
                recorded[mid] += 1
        last = "(" + batch[-1][0].decode()
        if len(batch) < 1000:
            break
    t = Tally(messages=len(messages))
    statuses: Counter = Counter()

    def example(check: str, m: FanMessage) -> None:
        t.examples.setdefault(check, [])
        if len(t.examples[check]) < 3:
            s = current.get(m.mid, {})
            t.examples[check].append({"mid": m.mid, "status": s.get("status"), "reasons": s.get("reasons"),
                                      "replies": len(replies.get(m.mid, [])), "recorded": recorded[m.mid],
                                      "last_error": s.get("last_error"), "plan": s.get("plan")})

    reasons: Counter = Counter()
    for m in messages:
        state = current.get(m.mid, {})
        status = state.get("status") or "none"
        statuses[status] += 1
        if status != "sent":
            reasons.update(str(r) for r in state.get("reasons") or [])
        parts = Counter(part for _, part in replies.get(m.mid, []))
        n_replies = sum(parts.values())
        twice = any(n > 1 for n in parts.values())
        if twice:
            t.answered_twice += 1
            example("answered_twice", m)
        if "arrived_late" in (state.get("reasons") or []):
            t.late += 1
        if status in FINAL:
            if recorded[m.mid] == 0:
                t.unrecorded += 1
                example("unrecorded", m)
            elif recorded[m.mid] > 1:
                t.recorded_twice += 1
                example("recorded_twice", m)
        if status == "sent":
            if n_replies == 0:
                t.sent_without_reply += 1
                example("sent_without_reply", m)
            elif not twice:
                t.answered_once += 1
        elif status == "held":
            t.held += 1
            if n_replies:
                t.held_with_reply += 1
                example("held_with_reply", m)
        elif status == "escalated":
            t.escalated += 1
            kind = (state.get("plan") or {}).get("kind") if isinstance(state.get("plan"), dict) else None
            if n_replies and kind != "holding":
                t.escalated_with_answer += 1
                example("escalated_with_answer", m)
        elif status == "failed":
            t.failed += 1
        elif n_replies:
            t.unfinished += 1
            example("unfinished", m)
        else:
            t.lost += 1
            example("lost", m)
    for fan in fans:
        if len(fan) < 2:
            continue
        firsts = [min(o for o, _ in replies[m.mid]) for m in fan if replies.get(m.mid)]
        if firsts != sorted(firsts):
            t.out_of_order += 1
            example("out_of_order", fan[0])
    t.statuses = dict(statuses)
    t.reasons = dict(reasons.most_common())
    return t


async def outcome_count(redis: Redis) -> int:
    try:
        return int(await redis.xlen(keys.OUTCOMES))
    except RedisError:
        return -1


async def wait_outcomes(redis: Redis, at_least: int, timeout_s: float) -> int:
    """Until ``relais:outcomes`` holds ``at_least`` entries (or the time is up); how many it holds."""
    deadline = time.monotonic() + timeout_s
    n = await outcome_count(redis)
    while n < at_least and time.monotonic() < deadline:
        await asyncio.sleep(0.05)
        n = await outcome_count(redis)
    return n
