"""The routing policy: which drafts are sent, held or escalated, and why."""

import pytest
import yaml

from bot.pipeline.analysis import Analysis
from bot.errors import ConfigError
from bot.pipeline.policy import DEFAULT_POLICY_FILE, ESCALATE, HOLD, SEND, Context, PolicyConfig, decide

CFG = PolicyConfig.load()


def tone(label="neutral", flags=(), **scores):
    base = {"angry": 0.02, "negative": 0.03, "neutral": 0.9, "positive": 0.05}
    base.update(scores)
    return {"label": label, "scores": base, "flags": {f: True for f in flags}}


def analysis(text="Vous ouvrez à quelle heure ?", intent="opening_hours", confidence=0.95, language="fr",
             **kwargs):
    return Analysis(text, intent, confidence, language, **kwargs)


def test_calm_confident_question_is_sent():
    decision = decide(analysis(tone=tone()), Context(), CFG)
    assert decision.route == SEND
    assert "intent:opening_hours" in decision.reasons


@pytest.mark.parametrize("kwargs,reason", [
    (dict(tone=tone("angry", angry=0.8, neutral=0.1)), "tone:angry:0.80"),
    (dict(tone=tone("negative", negative=0.9, neutral=0.05)), "tone:negative:0.90"),
    (dict(tone=tone(flags=["insult"])), "flag:insult"),
    (dict(tone=tone(flags=["threat"])), "flag:threat"),
    (dict(tone=tone(flags=["crisis"])), "flag:crisis"),
    (dict(tone=tone(flags=["press"])), "flag:press"),
    (dict(intent="ask_human"), "intent:ask_human"),
    (dict(intent="out_of_scope"), "intent:out_of_scope"),
    (dict(intent="nlu_fallback", confidence=0.3), "intent:nlu_fallback"),
    (dict(confidence=0.3), "low_confidence:0.30"),
    (dict(language="es"), "language:es"),
    (dict(attachments=("image",)), "attachment:image"),
    (dict(text="regardez https://example.com/photo"), "link"),
    (dict(text="a" * 700), "long_message:700"),
])
def test_escalation_reasons(kwargs, reason):
    decision = decide(analysis(**kwargs), Context(), CFG)
    assert decision.route == ESCALATE
    assert reason in decision.reasons


def test_repetition_and_pending_handoff_escalate():
    assert decide(analysis(), Context(repeated=True), CFG).reasons == ["repeated"]
    assert decide(analysis(), Context(with_human=True), CFG).reasons == ["conversation_with_human"]


def test_every_reason_is_recorded():
    decision = decide(analysis(intent="insult", tone=tone("angry", flags=["insult", "threat"], angry=0.9)),
                      Context(repeated=True), CFG)
    assert {"intent:insult", "tone:angry:0.90", "flag:insult", "flag:threat", "repeated"} <= set(decision.reasons)


@pytest.mark.parametrize("kwargs,reason", [
    (dict(confidence=0.6), "unsure_intent:0.60"),
    (dict(tone=tone("negative", negative=0.5, neutral=0.4)), "tone:negative:0.50"),
    (dict(has_draft=False), "no_draft"),
])
def test_doubtful_drafts_are_held(kwargs, reason):
    decision = decide(analysis(**kwargs), Context(), CFG)
    assert decision.route == HOLD
    assert reason in decision.reasons


def test_thresholds_come_from_the_file(tmp_path):
    doc = yaml.safe_load(DEFAULT_POLICY_FILE.read_text())
    doc["escalate"]["tone_angry_min"] = 0.95
    path = tmp_path / "policy.yml"
    path.write_text(yaml.safe_dump(doc))
    lenient = PolicyConfig.load(path)
    a = analysis(tone=tone("neutral", angry=0.5, neutral=0.45))
    assert decide(a, Context(), CFG).route == ESCALATE
    assert decide(a, Context(), lenient).route == SEND


@pytest.mark.parametrize("section,key,value,message", [
    ("escalate", "tone_angry_min", 1.5, "between 0 and 1"),
    ("escalate", "max_chars", "long", "must be int"),
    ("hold", "tone_negative_min", None, "must be float"),
])
def test_bad_policy_values_are_named(tmp_path, section, key, value, message):
    doc = yaml.safe_load(DEFAULT_POLICY_FILE.read_text())
    doc[section][key] = value
    with pytest.raises(ConfigError, match=f"{section}.{key}.*{message}"):
        PolicyConfig.from_dict(doc)


def test_missing_policy_key_is_named():
    doc = yaml.safe_load(DEFAULT_POLICY_FILE.read_text())
    del doc["escalate"]["intents"]
    with pytest.raises(ConfigError, match="escalate.intents"):
        PolicyConfig.from_dict(doc)
