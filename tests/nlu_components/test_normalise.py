from nlu_components.normalise import caps_ratio, fold, soften


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
