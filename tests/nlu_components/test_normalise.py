from nlu_components.normalise import caps_ratio, fold, platform_noise, soften


def test_fold_undoes_shouting_elongation_accents_and_leet():
    assert fold("Vous êtes des NUUUULS !!!!") == "vous etes des nuls !"
    assert fold("c0nnard") == "connard"
    assert fold("Ça m’énerve") == "ca m'enerve"
    assert fold("f***") == "f*"


def test_fold_maps_every_leet_digit():
    assert fold("1 étoile") == "i etoile"  # lexicon patterns are written against this form


def test_soften_keeps_some_intensity():
    assert soften("NOOOON!!!!") == "noon!!"
    assert soften("commande 204518") == "commande 00"  # any number looks the same


def test_caps_ratio():
    assert caps_ratio("OÙ EST MA COMMANDE") > 0.9
    assert caps_ratio("Où est ma commande BR-204518") < 0.3
    assert caps_ratio("OK") == 0.0  # too short to call it shouting


def test_platform_noise_drops_handles_links_and_retweets():
    assert platform_noise("@MaisonBrindille merci ! https://t.co/Ab12 @claire") == "merci !"
    assert platform_noise("RT @user Trois familles font don =&gt; http @user") == "Trois familles font don =>"
    assert platform_noise("see www.example.com/page ok") == "see ok"
    assert platform_noise("write to a@b.com") == "write to a@b.com"  # an e-mail is not a handle


def test_platform_noise_keeps_the_words_of_hashtags():
    assert platform_noise("Loved it #NeverAgain #best_day") == "Loved it Never Again best day"


def test_platform_noise_shortens_emoji_runs_and_drops_modifiers():
    assert platform_noise("Trop beau 😍😍😍😍😍") == "Trop beau 😍😍"
    assert platform_noise("👍🏽👍🏽👍🏽") == "👍👍"
    assert platform_noise("❤️") == "❤"
