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

The CM console (``bot/console/``) owns these:

=========================================  ==========  =================================================
key                                         type        lifetime / owner
=========================================  ==========  =================================================
``relais:console:accounts``                 set         names of CM accounts; ``relais cm add`` / ``disable``
``relais:console:account:<name>``           hash        until disabled: role, Argon2id hash, TOTP secret,
                                                        language, ``away_seen_at`` (digest last read)
``relais:console:session:<sha256>``         string      ``console_session_s`` idle (renewed per request)
``relais:console:sessions:<name>``          set         a CM's session keys; emptied when disabled
``relais:console:fails:account:<name>``     string      15 minutes: failed sign-ins of one account
``relais:console:fails:ip:<address>``       string      15 minutes: failed sign-ins from one address
``relais:console:cursor``                   string      last CM-queue entry indexed (console's index)
``relais:console:sync``                     string      2 s: one process indexes the CM queue at a time
``relais:console:open:<view>``              zset        open items of ``escalations`` / ``drafts``, by
                                                        tone then age; removed when handled
``relais:console:handled``                  zset        items handled, by time; pruned after 7 days
``relais:console:item:<id>``                hash        an inbox item: until handled, then 7 days (its
                                                        ``viewer:<cm>`` fields: who has it open, 2 minutes)
``relais:console:conv:{<c>}``               list        30 days: the conversation's cases, CM replies, notes
``relais:console:escalation:{<c>}``         string      the conversation's open escalation item; until resolved
``relais:console:audit``                    stream      MAXLEN 100,000: every CM action, with its diff
``relais:console:events``                   stream      MAXLEN 10,000: live updates for every gateway
``relais:worker:console-<host>-<pid>``      string      while the console holds a conversation's lease
                                                        (the lease looks alive to the workers)
=========================================  ==========  =================================================

The X channel (``webhooks/x/``) owns these; the limiter's keys share the hash tag ``{x}`` of its
one Lua script:

=========================================  ==========  =================================================
``relais:x:{x}:<owner>:<window>``           zset        send times of ``account:<id>`` or ``app``; the
                                                        longest window after the last send (24 h)
``relais:x:{x}:slot:<send tag>``            string      a reserved send time; until that send reaches
                                                        X, at most 1 hour past the reserved time
``relais:x:{x}:pause:<account>``            string      until X's ``x-rate-limit-reset`` after a 429
``relais:x:token:<account>``                string      the account's OAuth 2.0 tokens, Fernet-encrypted;
                                                        until ``relais x connect`` replaces them
``relais:x:token:<account>:refresh``        string      30 s: one process refreshes them at a time
``relais:x:alive``                          string      no TTL: when X events were last known to flow
                                                        (workers stamp it each minute; a replay starts
                                                        there after downtime)
``relais:x:replay``                         string      60 s: one process asks X for a replay at a time
=========================================  ==========  =================================================

The X channel also writes ``relais:{q}:seen:x:<dm_event_id>`` (above, same TTL) for each DM it
sends, so X's ``dm.sent`` copy of it is dropped by the inbound dedupe.

Conversation tone history (``bot/pipeline/tone_history.py`` owns it; the routing policy reads it):

=========================================  ==========  =================================================
``relais:conv:{<c>}:tone``                  list        the tone label and angry / negative scores of the
                                                        conversation's last 5 messages, newest first;
                                                        ``TONE_HISTORY_TTL_S`` (6 hours) after the last one
=========================================  ==========  =================================================

Messaging window and disclosure (``bot/pipeline/window.py`` and ``bot/pipeline/disclosure.py`` own them;
the send engine reads the first before every send):

=========================================  ==========  =================================================
``relais:conv:{<c>}:last_fan``              string      when the fan last wrote (ms since the epoch, only
                                                        ever raised); ``LAST_FAN_TTL_S`` (30 days, past
                                                        any platform's window) after that message
``relais:conv:{<c>}:disclosed``             string      when the bot last said it is a bot; 30 days,
                                                        deleted when a person takes the conversation
=========================================  ==========  =================================================

Conversation thread (``bot/pipeline/thread.py`` owns it: the responder adds fan messages, the send
engine the replies it delivered; the CM console reads it behind its sign-in):

=========================================  ==========  =================================================
``relais:thread:{<c>}``                     list        the conversation's last 200 messages (fan, bot,
                                                        CM) as sent, personal data included; never
                                                        logged; ``THREAD_TTL_S`` (30 days) after the
                                                        last one
=========================================  ==========  =================================================

Hold acknowledgements (``bot/pipeline/acknowledgement.py`` owns them: the responder schedules one when it
holds a draft, each worker's acknowledgement task sends those due, the console drops one a CM handled):

=========================================  ==========  =================================================
``relais:{ack}:due``                        zset        member ``<conversation> <message id>``, score =
                                                        when it is due (a claim moves it a minute on);
                                                        removed once sent, skipped or handled by a CM
``relais:{ack}:items``                      hash        field removed with its zset member: the held
                                                        message's language, time and send attempts
``relais:conv:{<c>}:acknowledged``          string      the last acknowledgement sent there (no other
                                                        until a CM answers); ``MESSAGE_TTL_S`` (7 days),
                                                        deleted when a CM handles a held draft of it
=========================================  ==========  =================================================
"""

from __future__ import annotations

CONVERSATION_TTL_S = 30 * 24 * 3600
MESSAGE_TTL_S = 7 * 24 * 3600
PROFILE_TTL_S = 24 * 3600
HANDOFF_TTL_S = 14 * 24 * 3600
TONE_HISTORY_TTL_S = 6 * 3600  # conversation tone history
LAST_FAN_TTL_S = 30 * 24 * 3600  # messaging window: the fan's last message time
THREAD_TTL_S = 30 * 24 * 3600  # conversation thread
ACK_DUE = "relais:{ack}:due"  # hold acknowledgements
ACK_ITEMS = "relais:{ack}:items"

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
    """``lock``, ``done``, ``handled``, ``slots``, ``recent``, ``parked`` or ``tone`` of one conversation."""
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


# -- the CM console -----------------------------------------------------------------------------

CONSOLE_ACCOUNTS = "relais:console:accounts"
CONSOLE_CURSOR = "relais:console:cursor"
CONSOLE_SYNC = "relais:console:sync"
CONSOLE_HANDLED = "relais:console:handled"
CONSOLE_AUDIT = "relais:console:audit"
CONSOLE_EVENTS = "relais:console:events"
CONSOLE_HANDLED_TTL_S = 7 * 24 * 3600
CONSOLE_LOGIN_WINDOW_S = 15 * 60
CONSOLE_VIEWING_TTL_S = 120


def console_account(name: str) -> str:
    return f"relais:console:account:{name}"


def console_session(token_hash: str) -> str:
    return f"relais:console:session:{token_hash}"


def console_sessions_of(name: str) -> str:
    return f"relais:console:sessions:{name}"


def console_fails(kind: str, who: str) -> str:
    """Failed sign-ins of one ``account`` or from one ``ip``."""
    return f"relais:console:fails:{kind}:{who}"


def console_open(view: str) -> str:
    return f"relais:console:open:{view}"


def console_item(item_id: str) -> str:
    return f"relais:console:item:{item_id}"


def console_conversation(conversation_id: str) -> str:
    return f"relais:console:conv:{{{conversation_id}}}"


def console_escalation(conversation_id: str) -> str:
    return f"relais:console:escalation:{{{conversation_id}}}"



# -- conversation thread ------------------------------------------------------------------------

def thread(conversation_id: str) -> str:
    return f"relais:thread:{{{conversation_id}}}"


# -- X channel ----------------------------------------------------------------------------------

X_ALIVE = "relais:x:alive"
X_REPLAY_LOCK = "relais:x:replay"
X_TOKEN_LOCK_TTL_S = 30


def x_rate(what: str) -> str:
    """``slot:<tag>``, ``pause:<account>`` or ``<owner>:<window>`` of the X send limiter."""
    return f"relais:x:{{x}}:{what}"


def x_token(account_id: str) -> str:
    return f"relais:x:token:{account_id}"


def x_token_lock(account_id: str) -> str:
    return f"relais:x:token:{account_id}:refresh"
