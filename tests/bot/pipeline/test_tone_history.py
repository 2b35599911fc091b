"""The conversation's tone history in Redis: newest first, short, expiring, each message once."""

from bot import redis_keys as keys
from bot.pipeline.tone_history import KEEP, ToneHistory, ToneMark


def tone(label, angry=0.05, negative=0.05):
    return {"label": label, "scores": {"angry": angry, "negative": negative, "neutral": 0.5, "positive": 0.4}}


async def test_marks_come_back_newest_first_without_the_current_message(redis):
    history = ToneHistory(redis)
    for i, label in enumerate(["positive", "neutral", "negative"]):
        await history.add("c1", ToneMark.of(f"m{i}", tone(label, negative=0.1 * i)))
    marks = await history.before("c1", "m3")
    assert [m.label for m in marks] == ["negative", "neutral", "positive"]
    assert marks[0].negative == 0.2 and marks[0].negative_tone and marks[2].friendly
    assert [m.message_id for m in await history.before("c1", "m2")] == ["m1", "m0"]  # a message handled again


async def test_a_message_handled_twice_is_recorded_once(redis):
    history = ToneHistory(redis)
    await history.add("c2", ToneMark.of("m1", tone("angry", angry=0.9)))
    await history.add("c2", ToneMark.of("m1", tone("angry", angry=0.9)))
    assert await redis.llen(keys.conversation("c2", "tone")) == 1


async def test_the_history_is_short_and_expires(redis):
    history = ToneHistory(redis, ttl_s=120)
    for i in range(KEEP + 3):
        await history.add("c3", ToneMark.of(f"m{i}", tone("neutral")))
    key = keys.conversation("c3", "tone")
    assert await redis.llen(key) == KEEP
    assert 0 < await redis.ttl(key) <= 120
    assert keys.TONE_HISTORY_TTL_S == 6 * 3600  # the documented lifetime


async def test_a_very_short_message_never_counts_as_negative(redis):
    history = ToneHistory(redis)
    await history.add("c4", ToneMark.of("m1", tone("angry", angry=0.6), short_kind="question"))
    [mark] = await history.before("c4", "m2")
    assert mark.label == "neutral" and mark.angry == 0.6


async def test_entries_of_another_shape_are_ignored(redis):
    await redis.lpush(keys.conversation("c5", "tone"), b"not json", b'{"x": 1}')
    await ToneHistory(redis).add("c5", ToneMark.of("m1", tone("positive")))
    assert [m.label for m in await ToneHistory(redis).before("c5", "m2")] == ["positive"]
