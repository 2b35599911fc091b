"""The shape of every reply: greeting on the first reply only, by time of day, thanks once, one person."""

import datetime as dt

from bot.brand import load_brand
from bot.voice import HOLDING, SMALL_TALK, Moment, moment, person_problems

BRAND = load_brand()


def test_first_reply_has_greeting_thanks_closing_and_signature():
    text = BRAND.shape("Nos boutiques ouvrent à 10 h.", "fr", first_name="Julie", at=Moment(dt.time(9, 30), True))
    assert text == ("Bonjour Julie,\n\nMerci pour votre message. Nos boutiques ouvrent à 10 h.\n\n"
                    "Belle journée à vous !\nL'équipe Maison Brindille")


def test_later_replies_keep_closing_and_signature_only():
    text = BRAND.shape("Our boutiques open at 10 am.", "en", at=Moment(dt.time(9, 30), False))
    assert text == "Our boutiques open at 10 am.\n\nHave a lovely day!\nThe Maison Brindille team"


def test_evening_greeting_and_closing_after_six():
    text = BRAND.shape("Oui.", "fr", at=Moment(dt.time(18, 5), True))
    assert text.startswith("Bonsoir,\n\n") and "Belle soirée à vous !" in text
    assert BRAND.shape("Oui.", "fr", at=Moment(dt.time(17, 55), True)).startswith("Bonjour,")


def test_a_body_that_thanks_is_not_thanked_again():
    text = BRAND.compose("partnership", "fr")
    assert text.count("Merci") == 1


def test_small_talk_has_no_thanks_nor_closing():
    text = BRAND.shape("Avec plaisir !", "fr", kind=SMALL_TALK, at=Moment(dt.time(11, 0), True))
    assert text == "Bonjour,\n\nAvec plaisir !\n\nL'équipe Maison Brindille"


def test_holding_messages_have_the_same_shape():
    text = BRAND.shape(BRAND.holding_text("complaint", "en"), "en", kind=HOLDING, at=Moment(dt.time(11, 0), True))
    assert text.startswith("Hello,\n\nThank you for your message. We are truly sorry")
    assert text.endswith("The Maison Brindille team")


def test_a_conversation_starts_again_after_hours_of_silence():
    paris_noon = dt.datetime(2026, 12, 1, 12, 0, tzinfo=dt.timezone.utc).timestamp()
    assert moment(BRAND, paris_noon, None).first_reply
    assert not moment(BRAND, paris_noon, paris_noon - 600).first_reply
    assert moment(BRAND, paris_noon, paris_noon - 7 * 3600).first_reply
    assert moment(BRAND, paris_noon, None).local_time == dt.time(13, 0)  # Europe/Paris in winter


def test_person_check_finds_the_wrong_person_outside_quotes():
    assert person_problems("Je peux vérifier cela pour vous.", "fr", "nous") == ["Je"]
    assert person_problems("Cliquez sur « Me prévenir ».", "fr", "nous") == []
    assert person_problems("I can check that for you.", "en", "we") == ["I"]
    assert person_problems('Click on "Let me know".', "en", "we") == []
    assert person_problems("Nous pouvons vérifier.", "fr", "je") == ["Nous"]


def test_every_brand_text_speaks_as_nous_and_we():
    texts = [t for by_lang in BRAND.answers.values() for t in by_lang.items()]
    texts += [(l, t) for l, v in BRAND.holding.items() for t in v.values()]
    for language, text in texts:
        assert person_problems(text, language, BRAND.person[language]) == [], text


def test_a_reply_to_a_fan_with_a_problem_keeps_its_signature_but_not_its_cheerful_closing():
    from bot.proofreading.typography import apply_safe_fixes
    from bot.voice import without_closing

    evening = Moment(dt.time(21, 0), True)
    shaped = apply_safe_fixes(BRAND.shape("Un membre de notre équipe lit votre message.", "fr", at=evening), "fr")
    assert "Belle soirée" in shaped
    plain = without_closing(BRAND, shaped, "fr")
    assert "Belle soirée" not in plain and plain.endswith("L’équipe Maison Brindille")
    assert plain.startswith("Bonsoir")
    assert without_closing(BRAND, "Sans formule.", "fr") == "Sans formule."
