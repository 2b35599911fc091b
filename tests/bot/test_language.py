import pytest

from bot.language import detect_language


@pytest.mark.parametrize("text", [
    "Bonjour, vous êtes ouverts le dimanche ?",
    "slt c koi les frais de livraison stp",
    "ou est ma commande svp",
    "Je voudrais retourner un plaid",
    "MERCI !!!",
])
def test_french(text):
    assert detect_language(text) == "fr"


@pytest.mark.parametrize("text", [
    "Hi, where is my order?",
    "do u ship to belgium pls",
    "Thanks a lot, have a nice day",
    "I want to return a candle",
    "WHERE IS MY REFUND",
])
def test_english(text):
    assert detect_language(text) == "en"


def test_no_sign_falls_back_to_brand_default():
    assert detect_language("👍", default="fr") == "fr"
    assert detect_language("BR-204518", default="en") == "en"


@pytest.mark.parametrize("text,language", [
    ("Thanks @Uber_Support. Have done so now.", "en"),  # "so", "now" are in no word list
    ("Holy shit these plates are gorgeous", "en"),
    ("trop beau 😍", "fr"),
    ("Génial, livraison rapide", "fr"),
    ("Gorgeous colours, super quality", "en"),
])
def test_character_models_decide_when_the_word_lists_cannot(text, language):
    assert detect_language(text) == language


def test_a_short_message_keeps_the_conversations_language():
    from bot.language import detect

    for text in ("bye!", "ok cool", "cheers", "BR-204518", "👍"):
        assert detect(text, "en") == ("en", False), text
    assert detect("merci", "fr") == ("fr", False)


def test_a_longer_message_is_followed_when_the_fan_switches():
    from bot.language import detect

    assert detect("Merci ! Et quels sont vos horaires d'ouverture à Lyon ?", "en") == ("fr", True)
    assert detect("and do you ship to Switzerland?", "fr") == ("en", True)
    assert detect("Hola, ¿dónde está mi pedido? Lo necesito para el viernes", "fr")[0] == "es"


def test_one_language_clearly_dominating_decides():
    assert detect_language("Hi, is the Brume cup in stock in your Lyon boutique?") == "en"
