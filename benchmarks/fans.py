"""Fans' conversations written by testers who never saw the code: replayed on a running stack, then judged.

The conversations live in ``benchmarks/fan_conversations/<date>.yml``. Their
authors were given only ``brand.yml`` and a fan's situation; the files are
never used to train, tune or write a rule (a new file is written for each
measurement, so what is measured is text nothing was fitted to). Each has an
``id``, a ``language``, a ``platform`` (``messenger`` or ``x``), the
``situation`` and the fan's ``turns``.

Two steps, with a judge in between:

1. ``replay`` posts each turn as a signed delivery to the running stack
   (``scripts/up`` in sandbox mode, as ``relais try`` does: a fresh fan per
   conversation, the next turn once the previous one has its outcome) and
   writes every turn's outcome (sent, held, escalated, with reasons) and the
   replies the fan got to a transcript (JSON).
2. A judge who reads only ``brand.yml`` and the transcript writes a verdict
   per turn — ``good``, ``minor`` (usable but flawed) or ``bad`` (wrong,
   off-topic, wrongly routed, or a silence the fan would mind) — with its
   reason, to a YAML file: ``{conversation id: [{turn: 1, verdict: good,
   reason: "…"}, …]}``.
3. ``tally`` prints the table by language and platform, and the bad turns'
   reasons.

    .venv/app/bin/python -m benchmarks.fans replay [--file F] --out transcript.json
    .venv/app/bin/python -m benchmarks.fans tally transcript.json verdicts.yml
"""

from __future__ import annotations

import argparse
import json
import sys
import time
import uuid
from collections import Counter, defaultdict
from pathlib import Path

import yaml

FOLDER = Path(__file__).resolve().parent / "fan_conversations"
VERDICTS = ("good", "minor", "bad")


def newest() -> Path:
    files = sorted(FOLDER.glob("*.yml"))
    if not files:
        raise SystemExit(f"no conversations in {FOLDER}")
    return files[-1]


def load(path: Path) -> list[dict]:
    conversations = (yaml.safe_load(path.read_text(encoding="utf-8")) or {}).get("conversations") or []
    for c in conversations:
        missing = {"id", "language", "platform", "turns"} - set(c)
        if missing:
            raise SystemExit(f"{path}: conversation {c.get('id', '?')} misses {sorted(missing)}")
    return conversations


def replay(conversations: list[dict], base_url: str, wait_s: float, settle_s: float) -> list[dict]:
    """Every conversation, turn by turn, on the running stack; what became of each turn. After a turn's
    outcome the fan reads for ``settle_s`` before writing again, and what reaches them meanwhile (a note
    sent a moment after a draft was held) belongs to that turn."""
    from bot.tools.tryit import read_outbox, try_message  # the stack's own delivery, as ``relais try`` posts it

    out = []
    for c in conversations:
        sender = str(10**15 + uuid.uuid4().int % 10**15)
        turns = []
        for text in c["turns"]:
            started = time.monotonic()
            # the sandbox outbox hands each reply over once: what comes back is what this turn brought
            state, replies = try_message(text, base_url=base_url, sender=sender, platform=c["platform"], wait_s=wait_s)
            if settle_s:
                time.sleep(settle_s)
                replies += read_outbox(base_url, c["platform"], sender)
            turns.append({"fan": text, "status": state.get("status", "no outcome"),
                          "reasons": state.get("reasons") or [], "replies": replies,
                          "seconds": round(time.monotonic() - started, 2)})
        out.append({**{k: c[k] for k in ("id", "language", "platform")}, "situation": c.get("situation", ""),
                    "turns": turns})
        print(f"{c['id']}: " + ", ".join(t["status"] for t in turns), flush=True)
    return out


def tally(transcript: list[dict], verdicts: dict) -> str:
    rows: dict[tuple[str, str], Counter] = defaultdict(Counter)
    bad: list[str] = []
    missing = 0
    for c in transcript:
        given = {int(v["turn"]): v for v in verdicts.get(c["id"]) or []}
        for i, _ in enumerate(c["turns"], start=1):
            v = given.get(i)
            if v is None or v.get("verdict") not in VERDICTS:
                missing += 1
                continue
            for key in ((c["language"], "all"), ("all", c["platform"]), ("all", "all")):
                rows[key][v["verdict"]] += 1
            if v["verdict"] == "bad":
                bad.append(f"  {c['id']} turn {i}: {v.get('reason', '')}")
    lines = ["| | turns | good | good + minor | bad |", "|---|---|---|---|---|"]
    for key in sorted(rows, key=lambda k: (k == ("all", "all"), k)):
        n = sum(rows[key].values())
        label = " / ".join(part for part in key if part != "all") or "all"
        lines.append(f"| {label} | {n} | {100 * rows[key]['good'] / n:.0f} % | "
                     f"{100 * (rows[key]['good'] + rows[key]['minor']) / n:.0f} % | {rows[key]['bad']} "
                     f"({100 * rows[key]['bad'] / n:.0f} %) |")
    if missing:
        lines.append(f"\n{missing} turn(s) without a verdict")
    return "\n".join(lines + (["", "bad turns:"] + bad if bad else []))


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    sub = parser.add_subparsers(dest="command", required=True)
    play = sub.add_parser("replay", help="replay the conversations on the running stack")
    play.add_argument("--file", type=Path, help="conversations (default: the newest file)")
    play.add_argument("--base-url", default="http://127.0.0.1:8080")
    play.add_argument("--wait", type=float, default=30.0, help="seconds a turn may take")
    play.add_argument("--settle", type=float, default=3.0, help="seconds the fan reads before the next turn")
    play.add_argument("--out", type=Path, required=True)
    count = sub.add_parser("tally", help="the table of a judged transcript")
    count.add_argument("transcript", type=Path)
    count.add_argument("verdicts", type=Path)
    args = parser.parse_args()
    if args.command == "replay":
        path = args.file or newest()
        transcript = replay(load(path), args.base_url, args.wait, args.settle)
        args.out.write_text(json.dumps(transcript, ensure_ascii=False, indent=1), encoding="utf-8")
        print(f"{sum(len(c['turns']) for c in transcript)} turns of {len(transcript)} conversations from {path.name} "
              f"→ {args.out}")
    else:
        print(tally(json.loads(args.transcript.read_text(encoding="utf-8")),
                    yaml.safe_load(args.verdicts.read_text(encoding="utf-8")) or {}))
    return 0


if __name__ == "__main__":
    sys.exit(main())
