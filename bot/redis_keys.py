"""The Redis key schema: every key Relais writes, who owns it and how long it lives.

Keys used together in one Lua script share a hash tag (the part in ``{}``),
so the same scripts run on Redis Cluster: the queue's keys are all tagged
``{q}``, a conversation's keys are tagged with the conversation id.

=====================================  ==========  =====================================================
key                                     type        lifetime / owner
=====================================  ==========  =====================================================
``relais:{q}:inbound``                  stream      entries deleted by the worker that acknowledges them
``relais:{q}:seen:<platform>:<mid>``    string      ``dedup_ttl_s`` (7 days, longer than any redelivery)
``relais:{q}:seq:<conversation>``       string      30 days, renewed by each message of the conversation
``relais:{q}:delayed``                  zset        member removed when it is due (scheduler)
``relais:{q}:delayed:items``            hash        field removed with its zset member
``relais:{q}:dead``                     stream      MAXLEN 10,000; ``relais dead`` lists and requeues
``relais:conv:{<c>}:lock``              string      the lease, ``lock_ttl_ms``, renewed each heartbeat
``relais:conv:{<c>}:done``              string      30 days: highest seq handled with all before it
``relais:conv:{<c>}:handled``           zset        30 days: seqs handled above ``done``
``relais:conv:{<c>}:slots``             hash        30 days after it last changed: what the conversation remembers
``relais:conv:{<c>}:recent``            hash        the policy's repeat window after the last message
``relais:conv:{<c>}:parked``            zset        30 days: messages waiting for a retry or an echo
``relais:handoff:{<c>}``                string      14 days, or until ``relais resume``
``relais:msg:{<c>}:<mid>``              hash        7 days: one message's state (ledger)
``relais:echo:<platform>:<tag>``        string      7 days: the platform confirmed this send
``relais:profile:<platform>:<user>``    string      24 hours: the fan's first name ("" when unknown)
``relais:blocked:<platform>:<account>`` string      until the account's credentials change
``relais:workers``                      zset        member = consumer, score = last heartbeat; pruned
``relais:worker:<consumer>``            string      3 heartbeats: that worker's status
``relais:outcomes`` / ``relais:failed`` stream      MAXLEN 100,000
``relais:alerts``                       stream      MAXLEN 10,000: what an operator must act on
``relais:cm:queue``                     stream      MAXLEN 100,000: cases for the CMs
``relais:sandbox:outbox:<p>:<user>``    list        1 hour (sandbox mode only)
=====================================  ==========  =====================================================
"""

from __future__ import annotations

CONVERSATION_TTL_S = 30 * 24 * 3600
MESSAGE_TTL_S = 7 * 24 * 3600
PROFILE_TTL_S = 24 * 3600
HANDOFF_TTL_S = 14 * 24 * 3600

INBOUND = "relais:{q}:inbound"
DELAYED = "relais:{q}:delayed"
DELAYED_ITEMS = "relais:{q}:delayed:items"
DEAD = "relais:{q}:dead"
GROUP = "relais-workers"
WORKERS = "relais:workers"
OUTCOMES = "relais:outcomes"
FAILED = "relais:failed"
ALERTS = "relais:alerts"
CM_QUEUE = "relais:cm:queue"


def seen(platform: str, message_id: str) -> str:
    return f"relais:{{q}}:seen:{platform}:{message_id}"


def seq(conversation_id: str) -> str:
    return f"relais:{{q}}:seq:{conversation_id}"


def conversation(conversation_id: str, what: str) -> str:
    """``lock``, ``done``, ``handled``, ``slots``, ``recent`` or ``parked`` of one conversation."""
    return f"relais:conv:{{{conversation_id}}}:{what}"


def handoff(conversation_id: str) -> str:
    return f"relais:handoff:{{{conversation_id}}}"


def message(conversation_id: str, message_id: str) -> str:
    return f"relais:msg:{{{conversation_id}}}:{message_id}"


def echo(platform: str, tag: str) -> str:
    return f"relais:echo:{platform}:{tag}"


def profile(platform: str, user_id: str) -> str:
    return f"relais:profile:{platform}:{user_id}"


def blocked(platform: str, account_id: str) -> str:
    return f"relais:blocked:{platform}:{account_id}"


def worker(consumer: str) -> str:
    return f"relais:worker:{consumer}"


def outbox(platform: str, user_id: str) -> str:
    return f"relais:sandbox:outbox:{platform}:{user_id}"
