"""The French text the n-gram model is counted from: manual pages, interface strings, package descriptions."""

import zipfile

from bot.proofreading.corpus import count, french, interface, langpacks, package_descriptions, roff
from bot.proofreading.ngrams import CAP, NUM, normalise, number_word, sentences


def words(text):
    return [w for s in sentences(text) for w in s]


def test_a_manual_page_reads_as_prose_without_macros_or_examples():
    page = ('.\\" a comment\n.TH LS 1 "Septembre 2022"\n.SH NOM\nls \\- Afficher le contenu de répertoires\n.PP\n'
            "Afficher les informations des \\fIFICHIER\\fPs du répertoire courant.\n.nf\nls \\-l /tmp\n.fi\n"
            ".B Attention\nles entrées sont triées\\ .\n")
    text = roff(page)
    assert "comment" not in text and "/tmp" not in text and "\\f" not in text
    assert "afficher le contenu de répertoires" in " ".join(words(text))
    assert ["attention"] in list(sentences(text)) and "les entrées sont triées" in text


def test_an_interface_string_loses_its_access_key_and_reads_its_placeholder_as_a_name():
    assert words(interface("_Ajouter %s à la liste de lecture")) == ["ajouter", CAP, "à", "la", "liste", "de",
                                                                     "lecture"]
    assert words(interface("Supprimer { $count } messages")) == ["supprimer", CAP, "messages"]
    assert words(interface("&Enregistrer sous…")) == ["enregistrer", "sous"]


def test_a_placeholder_opening_a_string_is_counted_as_a_name(tmp_path):
    vocabulary, unigrams, *_ = count([interface("%s a été ajouté à la liste.")] * 3)
    assert unigrams[CAP] == 3 and "xplaceholder" not in vocabulary


def test_english_left_untranslated_is_not_counted():
    assert not french("for now please refer to the documentation of this tool".split())
    assert french("le pointeur de la souris est à gauche".split())
    assert french("il a dit qu' on viendrait".split())  # « on » and « a » are French too
    vocabulary, unigrams, *_ = count(["This is the English page for the tool. Ceci est la page en français."] * 2)
    assert "page" in vocabulary and unigrams["english"] == 0 and unigrams["ceci"] == 2


def test_package_descriptions_give_their_summary_and_their_paragraphs(tmp_path):
    index = tmp_path / "deb.debian.org_debian_dists_bookworm_main_i18n_Translation-fr"
    index.write_text("Package: relais\nDescription-md5: 0123\nDescription-fr: robot de conversation pour les marques\n"
                     " Relais répond aux messages des fans.\n .\n Il vérifie l'orthographe des réponses.\n\n"
                     "Package: autre\nDescription-md5: 4567\nDescription-fr: autre paquet\n autre texte\n",
                     encoding="utf-8")
    documents = list(package_descriptions(tmp_path))
    assert len(documents) == 2
    assert list(sentences(documents[0]))[:2] == [["robot", "de", "conversation", "pour", "les", "marques"],
                                                 ["relais", "répond", "aux", "messages", "des", "fans"]]


def test_mozilla_language_packs_give_their_strings(tmp_path):
    pack = tmp_path / "langpack-fr@test.xpi"
    with zipfile.ZipFile(pack, "w") as z:
        z.writestr("localization/fr/a.ftl", "# commentaire\nplay-button = Lire\n    .title = Lire { $name } sur "
                                            "votre appareil\n")
        z.writestr("chrome/fr/b.properties", "# c\nsaved=Le fichier %S a été enregistré\n")
        z.writestr("chrome/fr/c.dtd", '<!ENTITY add.label "Ajouter à la liste">\n')
    found = [words(t) for t in langpacks([str(pack)])]
    assert ["lire", CAP, "sur", "votre", "appareil"] in found and ["ajouter", "à", "la", "liste"] in found
    assert ["le", "fichier", CAP, "a", "été", "enregistré"] in found and not any("commentaire" in w for w in found)


def test_numbers_in_words_are_numbers():
    assert number_word("dix-neuf") and number_word("vingt-et-un") and number_word("deux")
    assert not number_word("un") and not number_word("une") and not number_word("et")
    assert normalise("dix-neuf", first=False) == NUM and normalise("Quatre", first=True) == NUM
    assert normalise("une", first=False) == "une"
