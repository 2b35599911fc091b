"""The routing policy: which drafts are sent, held or escalated, and why."""

import pytest
import yaml

from bot.pipeline.analysis import ACKNOWLEDGEMENT, QUESTION, Analysis, short_kind
from bot.pipeline.tone_history import ToneMark
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
    a = analysis(tone=tone("neutral", angry=0.6, neutral=0.35))
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


# -- swearing out of delight, very short messages, conversation tone -------------------------------


def marks(*labels):
    return tuple(ToneMark(f"m{i}", label) for i, label in enumerate(labels))


def test_swearing_out_of_delight_is_answered():
    happy = {**tone("positive", flags=["profanity"], positive=0.6, neutral=0.1), "delight": 0.87}
    decision = decide(analysis("Holy shit these plates are gorgeous", intent="compliment", language="en",
                               tone=happy), Context(), CFG)
    assert decision.route == SEND and "profanity_of_delight" in decision.reasons


def test_swearing_that_is_not_delight_still_escalates():
    flat = {**tone("positive", flags=["profanity"], positive=0.6), "delight": 0.3}  # "help me find my damn invoice"
    assert "flag:profanity" in decide(analysis(tone=flat), Context(), CFG).reasons
    happy_insult = {**tone("positive", flags=["profanity", "insult"], positive=0.8, neutral=0.1), "delight": 0.9}
    assert decide(analysis(tone=happy_insult), Context(), CFG).route == ESCALATE  # an insult is never delight


@pytest.mark.parametrize("text,kind", [
    ("?", QUESTION), ("👍", ACKNOWLEDGEMENT), ("ok", ACKNOWLEDGEMENT), ("merci", ACKNOWLEDGEMENT),
    ("❤️", ACKNOWLEDGEMENT), ("Merci beaucoup !", ACKNOWLEDGEMENT), ("@brand 🙏🙏", ACKNOWLEDGEMENT),
    ("ok ?", QUESTION), ("👎", ""), ("🙄", ""), ("nul", ""), ("toujours rien", ""),
    ("Thanks, I'll have a look at the tracking tonight", ""),
])
def test_short_message_kinds(text, kind):
    assert short_kind(text) == kind


@pytest.mark.parametrize("text", ["?", "👍", "ok", "merci", "❤️"])
def test_short_messages_are_never_escalated_for_tone_or_unclear_intent(text):
    odd = tone("angry", angry=0.6, neutral=0.2)
    for intent, confidence in (("nlu_fallback", 0.3), ("delivery", 0.2)):
        decision = decide(analysis(text, intent=intent, confidence=confidence, tone=odd), Context(), CFG)
        assert decision.route == HOLD, (intent, decision)
        assert any(r.startswith("short_message:") for r in decision.reasons)
    acknowledged = decide(analysis(text, intent="goodbye", confidence=0.45, tone=odd), Context(), CFG)
    assert acknowledged.route == (HOLD if text == "?" else SEND)  # "Have a lovely day!" answers "👍", not "?"


def test_a_thank_you_is_answered():
    decision = decide(analysis("merci", intent="thank", confidence=0.9, tone=tone("positive", positive=0.9)),
                      Context(), CFG)
    assert decision.route == SEND and "short_message:acknowledgement" in decision.reasons


def test_a_short_message_to_a_person_stays_with_the_person():
    decision = decide(analysis("👍", intent="thank", tone=tone()), Context(with_human=True), CFG)
    assert decision.route == ESCALATE and decision.reasons == ["conversation_with_human"]


def test_one_curt_message_after_friendly_ones_is_held_not_escalated():
    curt = tone("angry", angry=0.6, neutral=0.3)
    alone = decide(analysis(tone=curt), Context(), CFG)
    assert alone.route == ESCALATE
    after = decide(analysis(tone=curt), Context(tone_history=marks("positive", "neutral", "positive")), CFG)
    assert after.route == HOLD
    assert "tone_history:after_friendly:3" in after.reasons and "tone:angry:0.60" in after.reasons


@pytest.mark.parametrize("history", [marks("positive"), marks("positive", "negative", "positive")])
def test_curt_after_too_few_or_mixed_messages_is_escalated(history):
    decision = decide(analysis(tone=tone("angry", angry=0.6, neutral=0.3)), Context(tone_history=history), CFG)
    assert decision.route == ESCALATE


def test_friendly_history_does_not_soften_flags_or_fury():
    history = Context(tone_history=marks("positive", "positive", "positive"))
    assert decide(analysis(tone=tone("neutral", flags=["insult"])), history, CFG).route == ESCALATE
    assert decide(analysis(tone=tone("angry", angry=0.9, neutral=0.05)), history, CFG).route == ESCALATE


def test_three_negative_messages_in_a_row_escalate_even_when_mild():
    mild = tone("negative", negative=0.5, neutral=0.4)
    assert decide(analysis(tone=mild), Context(tone_history=marks("negative")), CFG).route == HOLD
    decision = decide(analysis(tone=mild), Context(tone_history=marks("negative", "angry", "positive")), CFG)
    assert decision.route == ESCALATE
    assert "tone_history:negative_run:3" in decision.reasons


def test_a_calm_message_after_negative_ones_is_not_escalated_for_them():
    decision = decide(analysis(tone=tone()), Context(tone_history=marks("negative", "negative", "angry")), CFG)
    assert decision.route == SEND


def test_tone_section_of_the_policy_file_is_optional_and_checked():
    doc = yaml.safe_load(DEFAULT_POLICY_FILE.read_text())
    doc["tone"] = {"negative_run": 2}
    assert PolicyConfig.from_dict(doc).negative_run == 2
    doc["tone"] = {"negative_runs": 2}
    with pytest.raises(ConfigError, match="tone may only set"):
        PolicyConfig.from_dict(doc)
    doc["tone"] = {"curt_angry_max": 3.0}
    with pytest.raises(ConfigError, match="tone.curt_angry_max.*between 0 and 1"):
        PolicyConfig.from_dict(doc)


def test_far_from_everything_the_bot_knows_goes_to_a_person_whatever_diets_confidence():
    far = decide(analysis("Le match de foot était nul hier", confidence=0.99, tone=tone(),
                          scope={"similarity": 0.21, "nearest_intent": "opening_hours"}), Context(), CFG)
    assert far.route == ESCALATE and "out_of_domain:0.21" in far.reasons


def test_a_little_closer_is_out_of_domain_only_when_diet_is_unsure_too():
    near = {"similarity": 0.34, "nearest_intent": "delivery"}
    assert decide(analysis(confidence=0.97, tone=tone(), scope=near), Context(), CFG).route == SEND
    assert "out_of_domain:0.34" in decide(analysis(confidence=0.8, tone=tone(), scope=near), Context(), CFG).reasons


@pytest.mark.parametrize("kwargs", [dict(text="👍"), dict(text="/opening_hours"), dict(scope=None)])
def test_short_messages_payloads_and_parses_without_scope_are_never_out_of_domain(kwargs):
    kwargs.setdefault("scope", {"similarity": 0.05, "nearest_intent": "greet"})
    decision = decide(analysis(intent="thank", tone=tone(), **kwargs), Context(), CFG)
    assert not any(r.startswith("out_of_domain") for r in decision.reasons)


def test_a_thank_you_diet_is_fairly_sure_of_is_answered_when_its_tone_is_clearly_positive():
    thanks = analysis("Merci beaucoup pour votre aide, super service !", intent="thank", confidence=0.56)
    assert decide(thanks, Context(), CFG).route == HOLD  # no tone: unsure intent
    happy = Analysis(thanks.text, "thank", 0.56, "fr", tone=tone("positive", positive=0.92, neutral=0.05))
    decision = decide(happy, Context(), CFG)
    assert decision.route == SEND and "positive_thanks:0.92" in decision.reasons
    assert decide(Analysis(thanks.text, "delivery", 0.56, "fr", tone=happy.tone), Context(), CFG).route == HOLD


def test_a_happy_message_out_of_domain_is_held_not_escalated():
    far = {"similarity": 0.2, "nearest_intent": "contact"}
    happy = decide(analysis(confidence=0.6, scope=far, tone=tone("positive", positive=0.86, neutral=0.1)),
                   Context(), CFG)
    assert happy.route == HOLD and "out_of_domain:0.20" in happy.reasons
    assert decide(analysis(confidence=0.6, scope=far, tone=tone()), Context(), CFG).route == ESCALATE


def test_a_clearly_kind_message_read_as_a_complaint_is_held_not_escalated():
    kind = analysis("wow not bad :) Thanks, if I face any difficulties I will contact you", intent="complaint",
                    confidence=0.6, language="en", tone=tone("positive", positive=0.9))
    decision = decide(kind, Context(), CFG)
    assert decision.route == HOLD and "kind_but_unplaced:complaint" in decision.reasons


def test_a_complaint_that_is_not_clearly_kind_is_still_escalated():
    for t in (tone("neutral", positive=0.5), tone("positive", flags=("anger",), positive=0.9)):
        assert decide(analysis("c'est la troisième fois que j'écris", intent="complaint", tone=t),
                      Context(), CFG).route == ESCALATE


def test_a_holding_sentence_is_never_sent_alone():
    """The brand file had no answer: the draft only says a person will reply. Sent alone, that promise would
    have no case behind it; it is escalated (case first, then the holding message)."""
    decision = decide(analysis("Vous avez encore le plaid Lune en vert ?", "product_availability", tone=tone(),
                               answers=False), Context(), CFG)
    assert decision.route == ESCALATE and decision.reasons[0] == "no_answer"


def test_a_holding_sentence_a_cm_reviews_anyway_stays_held():
    decision = decide(analysis(confidence=0.6, tone=tone(), answers=False), Context(), CFG)
    assert decision.route == HOLD  # a person reads it before anything is sent: the promise is kept


@pytest.mark.parametrize("text,kind", [
    ("J'ai été débitée 2 fois pour ma commande BR-204518", "payment_problem"),
    ("Where is my order? the bowl arrived broken", "order_problem_reported"),
])
def test_a_reported_problem_goes_to_a_person_whatever_the_intent(text, kind):
    decision = decide(analysis(text, "order_tracking", 0.99, tone=tone()), Context(), CFG)
    assert decision.route == ESCALATE
    assert any(r.startswith(kind + ":") for r in decision.reasons)


def test_beside_a_person_only_a_sure_routine_answer_goes_out():
    beside = Context(with_human=True, answers_beside_person=True)
    sure = decide(analysis(tone=tone()), beside, CFG)
    assert sure.route == SEND and sure.reasons[0] == "answered_beside_person"
    unsure = decide(analysis(confidence=0.6, tone=tone()), beside, CFG)
    assert unsure.route == ESCALATE and unsure.reasons[0] == "conversation_with_human"  # joins the person's case
    angry = decide(analysis(tone=tone("angry", angry=0.8, neutral=0.1)), beside, CFG)
    assert angry.route == ESCALATE
    live = decide(analysis(tone=tone()), Context(with_human=True), CFG)  # a person chatting from their inbox
    assert live.route == ESCALATE and live.reasons == ["conversation_with_human"]
