"""Prometheus metrics, shared by the gateway and the worker processes.

With ``PROMETHEUS_MULTIPROC_DIR`` set (``relais up`` sets it), every process
of the machine writes its counters there and the gateway's ``/metrics``
adds them up (prometheus-client's multiprocess mode); without it, each
process reports its own. Queue figures are read from Redis at each scrape.
Labels never carry text from fans: reasons are cut to their kind.
"""

from __future__ import annotations

import os

from prometheus_client import CollectorRegistry, Counter, Gauge, Histogram, generate_latest
from prometheus_client import multiprocess

_FAST = (0.001, 0.0025, 0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1.0, 2.5)
_SLOW = (0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1.0, 2.5, 5.0, 10.0, 30.0, 60.0)

DELIVERIES = Counter("relais_webhook_deliveries_total", "Webhook POSTs by platform and answer",
                     ["platform", "status"])
SKIPPED_EVENTS = Counter("relais_webhook_events_skipped_total", "Webhook events skipped, by reason",
                         ["platform", "reason"])
ENQUEUE_SECONDS = Histogram("relais_enqueue_seconds", "Time to enqueue one webhook delivery", buckets=_FAST)
MESSAGES = Counter("relais_messages_total", "Messages handled, by route", ["route"])
REASONS = Counter("relais_route_reasons_total", "Why messages were held or escalated", ["reason"])
FAN_WAIT_SECONDS = Histogram("relais_fan_wait_seconds", "From the fan's message to our reply", buckets=_SLOW)
RASA_SECONDS = Histogram("relais_rasa_seconds", "Rasa NLU parse latency", buckets=_SLOW)
RASA_ERRORS = Counter("relais_rasa_errors_total", "Rasa parses that failed")
ACTION_SECONDS = Histogram("relais_action_seconds", "Action server latency", buckets=_SLOW)
ACTION_ERRORS = Counter("relais_action_errors_total", "Action server calls that failed")
SEND_SECONDS = Histogram("relais_send_seconds", "Platform send latency", ["platform"], buckets=_SLOW)
SENDS = Counter("relais_sends_total", "Platform sends by result", ["platform", "status"])
DEAD_LETTERS = Counter("relais_dead_letters_total", "Entries moved to the dead letters")
ENTRY_FAILURES = Counter("relais_entry_failures_total", "Entries whose processing raised")


def reason_kind(reason: str) -> str:
    """``proofreading:mesage`` → ``proofreading``: labels name the kind, never the words."""
    return reason.split(":", 1)[0][:40]


def render(queue_stats=None, workers_alive: int | None = None) -> bytes:
    """The text exposition of every process's metrics plus the queue's figures."""
    if os.environ.get("PROMETHEUS_MULTIPROC_DIR"):
        registry = CollectorRegistry()
        multiprocess.MultiProcessCollector(registry)
        out = generate_latest(registry)
    else:
        from prometheus_client import REGISTRY

        out = generate_latest(REGISTRY)
    live = CollectorRegistry()
    if queue_stats is not None:
        for name, doc, value in (
            ("relais_queue_depth", "Entries in the inbound stream", queue_stats.depth),
            ("relais_queue_pending", "Entries taken by a worker, not yet acknowledged", queue_stats.pending),
            ("relais_queue_lag_seconds", "Age of the oldest entry in the stream", queue_stats.oldest_age_s),
            ("relais_queue_delayed", "Messages waiting for a retry or an echo", queue_stats.delayed),
            ("relais_dead_letters", "Entries in the dead letters", queue_stats.dead),
        ):
            Gauge(name, doc, registry=live).set(value)
    if workers_alive is not None:
        Gauge("relais_workers_alive", "Worker processes that sent a heartbeat", registry=live).set(workers_alive)
    return out + generate_latest(live)


def mark_process_dead(pid: int) -> None:
    if os.environ.get("PROMETHEUS_MULTIPROC_DIR"):
        multiprocess.mark_process_dead(pid)
