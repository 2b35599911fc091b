"""What the CM reads next to each problem, in French and in English.

The CM may not write the language of the draft (an English-speaking CM
reviewing a French reply, or the reverse), so every problem carries its
explanation in both; :meth:`bot.proofreading.base.Issue.as_dict` gives both
and ``message`` is the one in the draft's language.

Grammalecte explains its grammar rules in French only: the English text is
the rule family's (agreement, confusion, conjugation…), with Grammalecte's own
French explanation kept in ``message``.
"""

from __future__ import annotations

from bot.proofreading.base import Issue

MESSAGES: dict[str, dict[str, str]] = {
    "spelling": {"fr": "Mot inconnu : « {word} »", "en": "Unknown word: “{word}”"},
    "accent": {"fr": "Accent manquant ou en trop : « {word} »", "en": "Missing or wrong accent: “{word}”"},
    "capital": {"fr": "Majuscule inattendue au milieu de la phrase : « {word} »",
                "en": "Unexpected capital letter in the middle of a sentence: “{word}”"},
    "name_capital": {"fr": "Un nom de lieu prend une majuscule : « {word} »",
                     "en": "A place name takes a capital letter: “{word}”"},
    "sentence_start": {"fr": "Une phrase commence par une majuscule : « {word} »",
                       "en": "A sentence starts with a capital letter: “{word}”"},
    "a_for_à": {"fr": "« a » est le verbe avoir ; la préposition s’écrit « à »",
                "en": "“a” is the verb avoir (has); the preposition is written “à”"},
    "ou_for_où": {"fr": "« ou » marque un choix ; le lieu s’écrit « où »",
                  "en": "“ou” means “or”; “where” is written “où”"},
    "determiner": {"fr": "Accord : « {determiner} » et « {word} » n’ont pas le même genre ou nombre",
                   "en": "Agreement: “{determiner}” and “{word}” differ in gender or number"},
    "plural": {"fr": "Après {number}, « {word} » se met au pluriel",
               "en": "After {number}, “{word}” takes the plural"},
    "context": {"fr": "« {word} » ne va pas ici : « {suggestion} » ?",
                "en": "“{word}” does not fit here: “{suggestion}”?"},
    "infinitive": {"fr": "Un ordre se donne à l’infinitif : « {fix} » plutôt que « {word} »",
                   "en": "An instruction takes the infinitive: “{fix}”, not the participle “{word}”"},
    "besoin": {"fr": "« avoir besoin » : « besoin » reste au singulier",
               "en": "In “avoir besoin”, “besoin” stays singular"},
    "locution": {"fr": "Expression figée : « {fix} »", "en": "Set phrase: “{fix}”"},
    "lone_letter": {"fr": "Lettre isolée : « {word} » (un mot tronqué ?)",
                    "en": "A letter on its own: “{word}” (a cut-off word?)"},
    "title_start": {"fr": "Un titre commence par une majuscule : « {word} »",
                    "en": "A title starts with a capital letter: “{word}”"},
    "title_small": {"fr": "Dans un titre anglais, les petits mots s’écrivent en minuscules : « {word} »",
                    "en": "In an English title, short grammar words take lower case: “{word}”"},
    "title_word": {"fr": "Dans un titre anglais, chaque mot plein prend une majuscule : « {word} »",
                   "en": "In an English title, each main word takes a capital: “{word}”"},
    "before_name": {"fr": "Pas d’article devant un prénom : « {fix} {name} »",
                    "en": "No article before a first name: “{fix} {name}”"},
    "singular": {"fr": "Après {number}, « {word} » reste au singulier",
                 "en": "After {number}, “{word}” stays singular"},
    "date_article": {"fr": "Devant une date, on écrit « {fix} » : « {fix} {date} »",
                     "en": "Before a date, French writes “{fix}”: “{fix} {date}”"},
    "ans_for_dans": {"fr": "« {word} » sans nombre devant : « {fix} » ?",
                     "en": "“{word}” (years) with no number before it: “{fix}” (in)?"},
    "score_scale": {"fr": "Une note s’écrit « {score} {fix} {scale} »",
                    "en": "A score is written “{score} {fix} {scale}” (out of)"},
    "number_gender": {"fr": "Un nombre est masculin : « {fix} »", "en": "A number is masculine in French: “{fix}”"},
    "degree": {"fr": "Devant un adjectif, le superlatif s’écrit « {fix} {adjective} »",
               "en": "Before an adjective, the superlative is “{fix} {adjective}” (most)"},
    "score_article": {"fr": "Devant une note, on écrit « {fix} » : « {fix} 4 sur 5 »",
                      "en": "Before a score, French writes “{fix}”: “{fix} 4 sur 5”"},
    "score_given": {"fr": "Une note se donne à quelque chose : « {fix} {noun} »",
                    "en": "A score is given to something: “{fix} {noun}” (to the)"},
    "superlative": {"fr": "Après son nom, le superlatif prend l’article : « {fix} plus {adjective} »",
                    "en": "After its noun, a superlative takes the article: “{fix} plus {adjective}”"},
    "place": {"fr": "On écrit « {fix} {place} »", "en": "French writes “{fix} {place}” (to/in a country or region)"},
    "elision": {"fr": "Élision : « {fix} »", "en": "Elision: “{fix}”"},
    "missing_noun": {"fr": "« {word} » devant « {next} » : il manque un nom, ou un autre mot était voulu",
                     "en": "“{word}” before “{next}”: a noun is missing, or another word was meant"},
    "noun_les": {"fr": "Entre deux noms, on écrit « des » : « {word} » ?",
                 "en": "Between two nouns French writes “des” (of the), not “{word}”"},
    "partitive": {"fr": "Devant « {noun} », complément du verbe : « des »",
                  "en": "Before “{noun}”, the verb's object, French writes “des” (some)"},
    "count_article": {"fr": "Devant « {count} », l’article est au pluriel",
                      "en": "Before “{count}”, the article is plural"},
    "before_verb": {"fr": "« de » devant le verbe « {verb} » : un pronom était voulu ?",
                    "en": "“de” before the verb “{verb}”: a pronoun (se, ne…) was meant?"},
    "which_ones": {"fr": "« {question} … » demande lesquels : « les »",
                   "en": "“{question} …” asks which ones: “les” (the)"},
    "est_for_et": {"fr": "« est » est le verbe être ; devant « {pronoun} », « et » ?",
                   "en": "“est” is the verb être (is); before “{pronoun}”, “et” (and)?"},
    "subject_infinitive": {"fr": "« {word} » devant l’infinitif « {verb} » : un autre mot était voulu ?",
                           "en": "“{word}” before the infinitive “{verb}”: another word was meant?"},
    "et_month": {"fr": "Devant un mois, on écrit « en {month} »", "en": "Before a month, French writes “en {month}”"},
    "decade": {"fr": "Une décennie s’écrit « {fix} années… »", "en": "A decade is written “{fix} années…”"},
    "title_article": {"fr": "Devant l’article d’un titre anglais, on écrit « {fix} »",
                      "en": "Before an English title's article, French writes “{fix}”"},
    "contraction": {"fr": "Article contracté : « {fix} »", "en": "Contracted article: “{fix}”"},
    "name_number": {"fr": "Devant « {name} » : « {fix} »", "en": "Before “{name}”, French writes “{fix}”"},
    "book_title": {"fr": "Devant un titre, le livre : « le livre »", "en": "Before a title, the book: “le livre”"},
    "plural_name": {"fr": "Après un nom au pluriel, l’adjectif s’accorde : « {word}s »",
                    "en": "After a plural name, the adjective takes the plural: “{word}s”"},
    "repeated": {"fr": "« {word} » écrit deux fois", "en": "“{word}” written twice"},
    "verb_after_determiner": {"fr": "Après « {determiner} », un nom est attendu ; « {word} » est un verbe",
                              "en": "After “{determiner}” a noun is due; “{word}” is a verb"},
    "named_plural": {"fr": "Devant « {noun} », qui porte un nom : « des »",
                     "en": "Before “{noun}”, which bears a name: “des” (of the)"},
    "work_of": {"fr": "Une œuvre est « de » son auteur : « {work} de … »",
                "en": "A work is “de” (by) its author: “{work} de …”"},
    "pas_for_par": {"fr": "« pas » devant « {name} » : « par » ?", "en": "“pas” (not) before “{name}”: “par” (by)?"},
    "english_word": {"fr": "Mot anglais « {word} » : « {fix} » ?", "en": "English word “{word}”: French “{fix}”?"},
    "grammar": {"fr": "{detail}", "en": "Grammar: {family}"},
    "english": {"fr": "{family} : {detail}", "en": "{detail}"},
}

# Harper lint kinds, named for a French-speaking CM.
HARPER_KINDS = {
    "Spelling": "Orthographe", "Typo": "Faute de frappe", "Grammar": "Grammaire", "Agreement": "Accord",
    "Capitalization": "Majuscules", "Punctuation": "Ponctuation", "Formatting": "Mise en forme",
    "Miscellaneous": "Anglais", "Usage": "Usage", "Eggcorn": "Confusion", "Malapropism": "Confusion",
    "BoundaryError": "Mots collés ou séparés", "Regionalism": "Variante régionale",
}

# Grammalecte rule families (its error's ``sType``), named for an English-speaking CM.
GRAMMALECTE_FAMILIES = {
    "gn": "agreement in gender or number", "conf": "confusion between similar words",
    "conj": "conjugation", "ppas": "past participle agreement", "infi": "infinitive or participle",
    "imp": "imperative", "inte": "question form", "neg": "negation", "vmode": "verb mood",
    "sgpl": "singular or plural", "maj": "capital letters", "mc": "compound word", "elid": "elision",
    "ocr": "likely typing error", "bs": "wording", "pleo": "redundant wording", "gr": "grammar",
}


def say(kind: str, language: str, **fields: str) -> str:
    """The message of ``kind`` in ``language`` (French for ``fr``, English otherwise)."""
    texts = MESSAGES[kind]
    return texts["fr" if language == "fr" else "en"].format(**fields)


def translations(kind: str, **fields: str) -> tuple[tuple[str, str], ...]:
    """The message of ``kind`` in every language the CM console speaks."""
    return tuple((language, text.format(**fields)) for language, text in MESSAGES[kind].items())


def explained(start: int, end: int, word: str, kind: str, fixes: tuple[str, ...], /, *, backend: str = "relais-fr",
              rule: str | None = None, **fields: str) -> Issue:
    """The problem ``kind`` on ``word`` (``text[start:end]``), its message in French — the language of the text
    Relais's French rules check — and in every language of the CM console, its fixes ranked."""
    return Issue(start, end, word, say(kind, "fr", **fields), tuple(fixes), rule or kind, backend,
                 translations(kind, **fields))


def harper_translations(detail: str, kind: str) -> tuple[tuple[str, str], ...]:
    return translations("english", detail=detail, family=HARPER_KINDS.get(kind, "Anglais"))


def grammalecte_translations(detail: str, family: str) -> tuple[tuple[str, str], ...]:
    return translations("grammar", detail=detail, family=GRAMMALECTE_FAMILIES.get(family, "grammar"))
