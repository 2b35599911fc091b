"""The Redis key schema: every key Relais writes, who owns it and how long it lives.

Keys used together in one Lua script share a hash tag (the part in ``{}``),
so the same scripts run on Redis Cluster: the queue's keys are all tagged
``{q}``, a conversation's keys are tagged with the conversation id.

Every key expires except those of ``WITHOUT_TTL`` (at the end of this
module), each bounded otherwise as its row says: a length cap, entries
removed once done, or one per open item, account or worker. A cap drops the
oldest handled (resolved) entries first; an open CM case is never dropped.

=====================================  ==========  =====================================================
key                                     type        lifetime / owner
=====================================  ==========  =====================================================
``relais:{q}:inbound``                  stream      entries deleted by the worker that acknowledges them
``relais:{q}:seen:<platform>:<mid>``    string      ``dedup_ttl_s`` (7 days, longer than any redelivery;
                                                        renewed by each X delivery of the id)
``relais:{checks}:<platform>:<who>``    string      a platform check's count (``who``: ``all`` or
                                                        ``client:<address>``); one minute from the first
``relais:{q}:seq:<conversation>``       string      30 days, renewed by each message of the conversation
``relais:{q}:rate:<conversation>``      string      the sender's messages in the current window;
                                                        ``sender_window_s`` (60 s) from its first one
``relais:{q}:flood:<conversation>``     string      the sender is over its limit and was told once;
                                                        ``FLOOD_QUIET_S`` (1 hour) after the last
                                                        message over the limit
``relais:{q}:overflow:<conversation>``  list        every message over the limit, for the CM; the
                                                        newest ``OVERFLOW_KEEP`` (100,000); 30 days
                                                        after the last one
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
``relais:cm:queue``                     stream      cases for the CMs: the newest ``CM_QUEUE_MAX``
                                                        (100,000), oldest trimmed first, but never one the
                                                        console has not indexed (after its cursor); each
                                                        text of a case at most 5,000 characters
``relais:sandbox:outbox:<p>:<user>``    list        1 hour (sandbox mode only)
=====================================  ==========  =====================================================

The CM console (``bot/console/``) owns these:

=========================================  ==========  =================================================
key                                         type        lifetime / owner
=========================================  ==========  =================================================
``relais:console:accounts``                 set         names of CM accounts; ``relais cm add`` / ``disable``
``relais:console:account:<name>``           hash        until disabled: role, Argon2id hash, TOTP secret,
                                                        language, ``away_seen_at`` (digest last read)
``relais:console:session:<sha256>``         string      ``console_session_idle_s`` idle (renewed by what a
                                                        CM does, not by the page's background requests),
                                                        never past ``console_session_max_s`` after sign-in
``relais:console:sessions:<name>``          set         a CM's session keys; ``console_session_max_s``
                                                        after the last sign-in; emptied when the account
                                                        is disabled or its password, role or TOTP changes
``relais:console:fails:account:<name>``     string      15 minutes: failed password checks of one account
``relais:console:fails:ip:<address>``       string      15 minutes: failed password checks from one address
                                                        (an IPv6 client: its /64)
``relais:console:{signin}:account:<name>``  string      sign-in throttle: the account's next free slot (ms
                                                        since the epoch); expires when the bucket is full
``relais:console:{signin}:ip:<address>``    string      the same for one client address (IPv6: its /64)
``relais:console:{signin}:device:<sha256>`` string      the same for one browser's device lane
``relais:console:device:<sha256>``          string      ``CONSOLE_DEVICE_TTL_S`` (30 days) after the last
                                                        sign-in from that browser: its account's name
``relais:console:totp:<name>``              string      ``CONSOLE_TOTP_STEP_TTL_S`` (2 minutes): the last
                                                        TOTP time step accepted (codes are single-use)
``relais:console:cursor``                   string      last CM-queue entry indexed (console's index);
                                                        ``CONSOLE_CURSOR_TTL_S`` (7 days) after the last
                                                        sync, then a console starts from the last 7 days
``relais:console:sync``                     string      2 s: one process indexes the CM queue at a time
``relais:console:open:<view>``              zset        open items of ``escalations`` / ``drafts``, by
                                                        tone then age; removed when handled: one member
                                                        per open item, and an open item is never dropped
``relais:console:handled``                  zset        items handled, by time: 7 days, at most the
                                                        newest ``CONSOLE_HANDLED_MAX`` (100,000); past
                                                        either the oldest go first, with their item
``relais:console:item:<id>``                hash        an inbox item: no TTL while open (never dropped;
                                                        its size is capped: its newest 100 case ids, its
                                                        first 20 reasons), then 7 days once handled, or
                                                        less past the handled cap (its ``viewer:<cm>``
                                                        fields: who has it open, 2 minutes)
``relais:console:case:<id>``                string      the item's latest case (JSON, bounded as the CM
                                                        queue bounds it): lives as long as its item
``relais:console:conv:{<c>}``               list        the conversation's cases, CM replies, notes: the
                                                        newest ``CONSOLE_CONV_MAX`` (500); 30 days
``relais:console:escalation:{<c>}``         string      the conversation's open escalation item; no TTL,
                                                        deleted when that item is handled
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
sends, so X's ``dm.sent`` copy of it is dropped by the inbound dedupe; each X delivery renews the
``seen`` key of every id it carries (``Channel.renews_dedupe``).

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
CM_QUEUE_MAX = 100_000  # CM-queue entries kept once the console indexed them (bot/pipeline/cm_queue.py)


def seen(platform: str, message_id: str) -> str:
    return f"relais:{{q}}:seen:{platform}:{message_id}"


def check_count(platform: str, who: str) -> str:
    """One window's count of a platform's subscription checks (``bot/ratelimit.py``)."""
    return f"relais:{{checks}}:{platform}:{who}"


def seq(conversation_id: str) -> str:
    return f"relais:{{q}}:seq:{conversation_id}"


FLOOD_QUIET_S = 3600  # a flood's one case and one line hold until its sender is this long under the limit
OVERFLOW_KEEP = 100_000  # messages over the limit kept per conversation


def sender(what: str, conversation_id: str) -> str:
    """``rate``, ``flood`` or ``overflow`` of one sender's limit at intake (``bot/pipeline/flood.py``)."""
    return f"relais:{{q}}:{what}:{conversation_id}"


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
CONSOLE_HANDLED_MAX = 100_000  # handled items kept at most (the oldest go first)
CONSOLE_CONV_MAX = 500  # entries of a conversation's console log
CONSOLE_CURSOR_TTL_S = 7 * 24 * 3600  # the index cursor after the last sync; how far back a console starts
CONSOLE_LOGIN_WINDOW_S = 15 * 60
CONSOLE_VIEWING_TTL_S = 120
CONSOLE_DEVICE_TTL_S = 30 * 24 * 3600  # a browser's sign-in lane, after its last sign-in
CONSOLE_TOTP_STEP_TTL_S = 120  # past the last moment a code of the remembered step is valid


def console_account(name: str) -> str:
    return f"relais:console:account:{name}"


def console_session(token_hash: str) -> str:
    return f"relais:console:session:{token_hash}"


def console_sessions_of(name: str) -> str:
    return f"relais:console:sessions:{name}"


def console_fails(kind: str, who: str) -> str:
    """Failed sign-ins of one ``account`` or from one ``ip``."""
    return f"relais:console:fails:{kind}:{who}"


def console_signin_slots(kind: str, who: str) -> str:
    """The sign-in throttle's bucket of one ``account``, ``ip`` or ``device`` (one Lua script: tag ``{signin}``)."""
    return f"relais:console:{{signin}}:{kind}:{who}"


def console_device(token_hash: str) -> str:
    return f"relais:console:device:{token_hash}"


def console_totp_step(name: str) -> str:
    return f"relais:console:totp:{name}"


def console_open(view: str) -> str:
    return f"relais:console:open:{view}"


def console_item(item_id: str) -> str:
    return f"relais:console:item:{item_id}"


def console_case(item_id: str) -> str:
    """An item's latest case, beside the item (the item's hash stays small)."""
    return f"relais:console:case:{item_id}"


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


# -- bounds -------------------------------------------------------------------------------------

# The keys that live without a TTL, as glob patterns: each is bounded otherwise, as its row in the
# tables above says (a length cap, entries removed once done, one per open item, account or worker);
# a console item and its case only while the item is open. Every other key Relais writes expires.
WITHOUT_TTL = (
    INBOUND, DELAYED, DELAYED_ITEMS, DEAD, WORKERS, OUTCOMES, FAILED, ALERTS, CM_QUEUE, ACK_DUE, ACK_ITEMS,
    blocked("*", "*"),
    CONSOLE_ACCOUNTS, console_account("*"), console_open("*"), CONSOLE_HANDLED, console_item("*"),
    console_case("*"), console_escalation("*"), CONSOLE_AUDIT, CONSOLE_EVENTS,
    X_ALIVE, x_token("*"),
)
