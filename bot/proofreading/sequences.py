"""Grammar words in an order French never writes: each word exists, the pair does not.

* **an elision left out** — « de années », « que on », « je ai »: « de », « le »,
  « la », « je », « me », « te », « se », « ne », « que » lose their vowel
  before a vowel (« d’années », « qu’on »), « si » before « il » (« s’il »); an
  h, a y, « onze », « oui » and « la une » keep it;
* **a determiner before a preposition or a conjunction** — « ce roman en cours
  des sur 6 », « la série son un », « les frais du et »: a determiner opens a
  noun phrase, its noun is missing (« son » after « de » is the noun, « piste
  de son des années 1970 »; « le », « la », « les » joined to a verb by a hyphen
  are pronouns: « donne-le à Paul »); and « de » before « à », two prepositions
  in a row (« une table pour de à la City Tavern »);
* **« les » straight after a noun** — « un horaire les séances », « une
  mélodie les Derek Watkins »: between a noun and the noun or name it
  governs, French writes « des »;
* **« de » before a plural noun after a verb that takes its object directly**
  — « Trouver de films », « Écoutons de trucs »: « des » (« de » stays after a
  negation, « pas de films », « sans faire de problèmes », and before an
  adjective, « de bonnes chansons »;
  verbs built with « de », « changer de », « jouer de », are not judged);
* **a decade's article** — « Chansons ses années 1990 », « de années 1950 »:
  « des années 1990 », « les années 1990 »;
* **a singular article before a count** — « pour le 11 semaines à venir »:
  « les » (a date, « le 11 novembre », is the date rules');
* **« de » before a verb that is only conjugated** — « Où de situe la
  Belgique »: a pronoun was meant (« se situe »);
* **« quelles sont des… »** — the question asks for the ones there are:
  « quelles sont les prévisions »;
* **« est » before a stressed pronoun** — « pour mon grand-père est moi »:
  « et moi » (« c’est moi », « qui est lui » stand);
* **a subject pronoun before an infinitive** — « Ouvrir iTunes il jouer… »:
  « et » (an inverted subject, « doit on porter », is a hyphen's problem);
* **« et » before a month** — « Quel temps fera-t-il et novembre »: « en
  novembre » (« en janvier et février » stands);
* **an article not contracted** — « donner 4 points à le bien commun »: « au »,
  « du », « aux », « des » (« le », « les » before a verb are pronouns: « à le
  faire »);
* **a grammar word typed twice** — « à À Twist in the Tale »;
* **a verb where a determiner wants its noun** — « Donner une nota de 2 »:
  « nota » is only the verb *noter*; the dictionary's nouns near it are
  suggested (« note »);
* **an English word beside a number** — « Cowansburg our 10 heures », « pour 4
  in Oklahoma »: the French word it stands for (« pour », « en »).

Word classes come from Grammalecte's lexicon (its ``getMorph`` morphologies);
the suggestions where several words may have been meant are ranked by the
French n-gram model, the likeliest between the neighbours first. The articles
and prepositions around names and titles are :mod:`bot.proofreading.names`'.
"""

from __future__ import annotations

import re
from collections.abc import Callable

from bot.proofreading.base import Issue
from bot.proofreading.confusion import candidates
from bot.proofreading.messages import explained
from bot.proofreading.ngrams import french_model, number_word, one_letter_away, tokens

_ELIDED = {"de": "d", "le": "l", "la": "l", "je": "j", "me": "m", "te": "t", "se": "s", "ne": "n", "que": "qu"}
_VOWEL = re.compile(r"[aeiouéèêëâàîïôöûùüœæ]")
# Words a vowel opens that take no elision (« le onze », « la une »), and grammar words elision is not about
# (« de à » is two prepositions).
_NO_ELISION = frozenset({"onze", "onzième", "oui", "ouate", "ouistiti", "uhlan", "ululement", "à", "ô"})
# Determiners after which a noun (or its adjective) is due, never a preposition or a conjunction.
_DETERMINERS = frozenset({"le", "la", "les", "des", "du", "au", "aux", "cet", "cette", "ces", "mon", "ma", "mes",
                          "ton", "ta", "tes", "son", "sa", "ses", "notre", "nos", "votre", "vos", "leurs"})
# (Prepositions that are nouns too are left: « des vers », « des sous », « le pour et le contre », « les sans
# papiers »; and « la une » of a newspaper.)
_NOT_AFTER_DETERMINER = frozenset({"à", "de", "sur", "dans", "en", "avec", "chez", "et", "ou", "le", "la", "les",
                                   "un", "des", "du", "au", "aux"})
# « la il pleut » is « là », not an elision; « qu’il », « s’il » are.
_PRONOUNS = frozenset({"il", "ils", "elle", "elles", "on"})
# After these, « du » before a pronoun is the participle « dû » (« j’ai du le sentir »).
_AVOIR = frozenset({"ai", "as", "a", "avons", "avez", "ont", "avoir", "aurait", "aurais", "aurai"})
# After these « son » is the noun (« une piste de son », « le son du film »).
_BEFORE_SOUND = frozenset({"de", "du", "le", "un", "ce", "mon", "ton", "son", "au", "notre", "votre", "leur"})
# Determiners that open a noun phrase « les » cannot follow (« un horaire les séances »).
PHRASE_OPENERS = frozenset({"un", "une", "l'", "le", "la", "ce", "cet", "cette", "mon", "ma", "ton", "ta", "son",
                             "sa", "notre", "votre", "leur"})
_DECADE_ARTICLE = re.compile(r"(?i)(?<![\w’'-])(ses|ces|mes|tes|nos|vos|leurs|sa|ma|ta|de|le|la)[\s\u00a0]+"
                             r"(?=années[\s\u00a0]+(?:19|20)?\d0\b)")
_MONTHS = frozenset("janvier février mars avril mai juin juillet août septembre octobre novembre décembre".split())
_BEING = frozenset({"sont", "seront", "étaient", "furent", "est", "sera", "était"})
_STRESSED = frozenset({"moi", "toi", "lui", "eux"})
# Before « est moi » these make « est » the verb: « c’est moi », « qui est lui ».
_IS_SUBJECTS = frozenset({"c'", "ce", "qui", "ça", "cela", "ceci", "il", "elle", "on", "celui", "celle", "tout"})
_SUBJECT_PRONOUNS = {"il": "et", "elle": "et", "ils": "et", "elles": "et", "on": "en"}
_QUESTION_WORDS = frozenset({"comment", "pourquoi", "où", "quand", "que", "qu'", "si", "combien"})
# Grammar words never written twice in a row (« nous nous », « vous vous » are: a pronoun and its reflexive).
# « un un » is a score (« attribuer un un »).
_NOT_TWICE = frozenset({"à", "de", "le", "la", "les", "des", "du", "et", "en", "pour", "sur", "dans", "au", "aux",
                        "par", "avec"})
# Determiners that are never pronouns (« le », « la », « les », « leur », « ce » are: « je la nota », « ce fut »).
_NOUN_DUE = frozenset({"un", "une", "des", "du", "au", "aux", "mon", "ma", "mes", "ton", "ta", "tes", "son", "sa",
                       "ses", "cet", "cette", "ces", "notre", "votre", "nos", "vos", "leurs"})
# English words typed beside a number where French has a preposition: (word, the French word).
_ENGLISH_BESIDE_NUMBER = {"our": "pour", "in": "en", "at": "à"}
_CONTRACTED = {("à", "le"): "au", ("à", "les"): "aux", ("de", "le"): "du", ("de", "les"): "des"}
# « pas de films », « sans faire de problèmes »: after these, « de » is the negation's.
_NEGATION = re.compile(r"(?i)\b(?:pas|plus|jamais|point|guère|rien|aucun|aucune|sans|ni)\b")
QUANTITY_WORDS = frozenset({"pas", "plus", "jamais", "peu", "beaucoup", "trop", "combien", "moins", "assez",
                             "tant", "autant", "nombre", "plein"})


def word_classes(morph: Callable[[str], list[str]], word: str) -> list[str]:
    """The word classes Grammalecte's lexicon gives ``word`` (« :N:m:p », « :V1_it_q__a:Y »…), one per reading."""
    return [m.split("/", 2)[1] for m in morph(word) if m.count("/") >= 2]


def _clause(before: str) -> str:
    """The clause ``before`` ends with: what follows its last sentence mark or comma."""
    return re.split(r"[.!?…;,\n]", before)[-1]


class SequenceRules:
    name = "relais-fr"
    languages = frozenset({"fr"})

    def __init__(self, morph: Callable[[str], list[str]], suggest: Callable[[str], list[str]] | None = None) -> None:
        self._morph = morph  # Grammalecte's spell checker getMorph: ">trouver/:V1_it_q__a:Y/*", ...
        self._suggest = suggest  # the spelling dictionary's suggestions for a word (Hunspell's)

    def _tags(self, word: str) -> list[str]:
        return word_classes(self._morph, word)

    def _noun(self, word: str) -> bool:
        """Only a noun or an adjective, and a noun among them (« horaire », « séances »)."""
        tags = self._tags(word)
        return bool(tags) and all(":N" in t or ":A" in t for t in tags) and any(":N" in t for t in tags)

    def _plural_noun(self, word: str) -> bool:
        """A plural noun and nothing else (« films »; not « bonnes », an adjective too)."""
        tags = self._tags(word)
        return bool(tags) and all(":N" in t and ":p" in t and ":A" not in t for t in tags)

    def _direct_verb(self, word: str) -> bool:
        """A verb, and only a verb, that takes its object directly and never with « de » or « à »."""
        tags = self._tags(word)
        if not tags or not all(t.startswith(":V") and ":Q" not in t for t in tags):
            return False  # a participle (« un délai estimé de livraison ») is an adjective there
        flags = [t[4:].split(":")[0] for t in tags]  # « it_q__a »: intransitive, transitive, indirect…
        return all(len(f) > 2 and f[1] == "t" and f[2] != "n" for f in flags)

    def _conjugated_only(self, word: str) -> bool:
        tags = self._tags(word)
        return bool(tags) and all(t.startswith(":V") and ":Y" not in t and ":Q" not in t for t in tags)

    def _infinitive_only(self, word: str) -> bool:
        tags = self._tags(word)
        return bool(tags) and all(":Y" in t for t in tags)

    def _verb(self, word: str) -> bool:
        return any(t.startswith(":V") for t in self._tags(word))

    def check_sync(self, text: str, *, skip: Callable[[int, int, str], bool] | None = None) -> list[Issue]:
        words = list(tokens(text))
        issues = self._patterns(text)
        decades = {i.start for i in issues}
        for index, (start, end, token) in enumerate(words):
            lower = token.lower()
            previous = words[index - 1][2] if index > 0 else ""
            before = words[index - 2][2] if index > 1 else ""
            following = words[index + 1] if index + 1 < len(words) else None
            opening = index == 0 or re.fullmatch(r"[.!?…]+", previous) is not None
            if following is None or start in decades or not token[:1].islower() and not opening:
                continue  # a capital inside a sentence: a name's or a title's word
            f_start, f_end, after = following
            hyphened = text[start - 1:start] == "-"
            if lower in _ELIDED or lower == "si" and after.lower() in ("il", "ils"):
                issue = self._elision(text, start, token, following)
                if issue is not None:
                    issues.append(issue)
                    continue
            if lower in _DETERMINERS and after.lower() in _NOT_AFTER_DETERMINER and not hyphened and \
                    not (lower in ("le", "la", "les") and after.lower() in ("le", "la", "les")) and \
                    not (lower == "son" and previous.lower() in _BEFORE_SOUND) or \
                    lower == "de" and after.lower() in ("à", "au", "aux"):
                if lower == "du" and previous.lower() in _AVOIR:  # « j’ai du le sentir »: the participle « dû »
                    issues.append(explained(start, end, token, "missing_noun", ("dû",), word=token, next=after))
                else:
                    issues.append(self._ranked(start, end, token, "missing_noun", previous, after,
                                               {"word": token, "next": after}))
            elif lower == "les" and previous[:1].islower() and any(":N" in t for t in self._tags(previous)) and \
                    before.lower() in PHRASE_OPENERS and (after[:1].isupper() or self._noun(after.lower())):
                issues.append(explained(start, end, token, "noun_les", ("des",), word=token))
            elif lower == "de" and after[:1].islower() and self._direct_verb(previous.lower()) and \
                    self._plural_noun(after.lower()) and not _NEGATION.search(_clause(text[:start])):
                issues.append(explained(start, end, token, "partitive", ("des",), noun=after))
            elif lower in ("le", "la", "un", "une") and _count(after) and index + 2 < len(words) and \
                    words[index + 2][2].lower() not in _MONTHS and self._plural_count(words[index + 2][2]):
                fix = "les" if lower in ("le", "la") else "des"
                issues.append(explained(start, end, token, "count_article", (fix,), word=token,
                                          count=f"{after} {words[index + 2][2]}"))
            elif lower == "de" and after.isalpha() and after.islower() and self._conjugated_only(after) and \
                    previous.lower() not in QUANTITY_WORDS:  # « plus de maques »: a noun mistyped
                issues.append(self._ranked(start, end, token, "before_verb", previous, after, {"verb": after},
                                           options=("se", "ne", "le", "ce")))
            elif lower in ("des", "ses", "ces") and previous.lower() in _BEING and \
                    re.fullmatch(r"quel(?:le)?s?", before.lower()):
                issues.append(explained(start, end, token, "which_ones", ("les",), question=f"{before} {previous}"))
            elif lower == "est" and after.lower() in _STRESSED and previous.lower() not in _IS_SUBJECTS:
                issues.append(explained(start, end, token, "est_for_et", ("et",), pronoun=after))
            elif lower in _SUBJECT_PRONOUNS and self._infinitive_only(after.lower()) and not hyphened and \
                    not self._verb(previous.lower()) and previous.lower() not in _QUESTION_WORDS and \
                    previous.lower() != "t'":  # « doit t’elle fournir »: an inverted subject, mis-hyphened
                issues.append(explained(start, end, token, "subject_infinitive", (_SUBJECT_PRONOUNS[lower],),
                                          word=token, verb=after))
            elif lower == "et" and after.lower() in _MONTHS and previous.lower() not in _MONTHS and \
                    not previous[:1].isdigit() and previous.lower() not in ("de", "mi", "d'", "entre"):
                issues.append(explained(start, end, token, "et_month", ("en",), month=after))
            else:
                issue = self._more(text, words, index)
                if issue is not None:
                    issues.append(issue)
        if skip is not None:
            issues = [i for i in issues if not skip(i.start, i.end, i.word)]
        return sorted(issues, key=lambda i: i.start)

    def _more(self, text: str, words, index: int) -> Issue | None:
        """The orders of :meth:`check_sync` around nouns and numbers: an article not contracted, a word typed
        twice, a verb where a noun is due, an English word beside a number."""
        start, end, token = words[index]
        lower = token.lower()
        previous = words[index - 1][2] if index > 0 else ""
        f_start, f_end, after = words[index + 1]
        then = words[index + 2][2] if index + 2 < len(words) else ""
        if (lower, after) in _CONTRACTED and then.islower() and self._tags(then) and not self._verb(then):
            fix = _CONTRACTED[lower, after]
            return explained(start, f_end, text[start:f_end], "contraction", (fix,), fix=fix)
        if lower == after.lower() and lower in _NOT_TWICE and not text[end:f_start].strip():
            return explained(start, f_end, text[start:f_end], "repeated", (token,), word=lower)
        if lower in _NOUN_DUE and lower != "sa" and after.islower() and len(after) > 2 and \
                self._conjugated_only(after):  # (« sa manquent »: « ça », Grammalecte's and the n-grams' call)
            compound = f"{after}-{then}"
            if then.islower() and any(":N" in t for t in self._tags(compound)):
                end_of_then = words[index + 2][1]  # « du couvre feu »: the compound noun, its hyphen left out
                return explained(f_start, end_of_then, text[f_start:end_of_then], "verb_after_determiner",
                                   (compound,), word=after, determiner=token)
            # The dictionary's suggestions and the words a letter away that are nouns, the commonest first.
            near = set(self._suggest(after) if self._suggest else []) | one_letter_away(after)
            nouns = [s for s in near if s != after and s.isalpha() and any(":N" in t for t in self._tags(s))]
            # A letter typed too many first (« défit » → « défi »), then the commonest.
            fixes = sorted(nouns, key=lambda s: (len(s) != len(after) - 1, -french_model().count(s), s))[:3]
            if not fixes:
                return None
            return explained(f_start, f_end, after, "verb_after_determiner", tuple(fixes), word=after,
                               determiner=token)
        if lower in _ENGLISH_BESIDE_NUMBER and token.islower() and (
                lower == "our" and after.isdigit() or lower != "our" and previous.isdigit() and after[:1].isupper()):
            fix = _ENGLISH_BESIDE_NUMBER[lower]
            return explained(start, end, token, "english_word", (fix,), word=token, fix=fix)
        return None

    def _elision(self, text: str, start: int, token: str, following) -> Issue | None:
        f_start, f_end, after = following
        if not (after.isalpha() and after.islower() and _VOWEL.match(after)) or after in _NO_ELISION or \
                after in _PRONOUNS and token.lower() not in ("que", "si") or \
                text[start + len(token):f_start].strip() or not self._morph(after) or \
                token.lower() in ("le", "la") and after in ("un", "une"):
            return None
        head = _ELIDED.get(token.lower(), "s")
        head = head if token[:1].islower() else head.capitalize()
        fix = f"{head}’{after}"
        return explained(start, f_end, text[start:f_end], "elision", (fix,), fix=fix)

    def _plural_count(self, word: str) -> bool:
        tags = self._tags(word.lower())
        return bool(tags) and all(":N" in t and ":p" in t for t in tags)

    def _patterns(self, text: str) -> list[Issue]:
        issues = []
        for match in _DECADE_ARTICLE.finditer(text):
            word = match.group(1)
            fixes = ("des", "les") if word[:1].islower() else ("Des", "Les")
            issues.append(explained(match.start(1), match.end(1), word, "decade", fixes, fix=fixes[0]))
        return issues

    def _ranked(self, start: int, end: int, token: str, kind: str, previous: str, after: str, fields: dict,
                options: tuple[str, ...] | None = None) -> Issue:
        """The problem on ``token``, with the grammar words the n-gram model finds likeliest in its place."""
        model = french_model()
        left = model.word(previous, not previous) if previous else "<s>"
        right = model.word(after, False)
        ranked = sorted(options or candidates(token.lower()), key=lambda o: -model.score(left, o, right))[:3]
        fixes = tuple(f if token[:1].islower() else f[:1].upper() + f[1:] for f in ranked)
        return explained(start, end, token, kind, fixes, **fields)

    async def check(self, text: str, language: str) -> list[Issue]:
        return self.check_sync(text)


def _count(word: str) -> bool:
    """A count of two or more, in figures or in words."""
    return word.isdigit() and int(word) >= 2 or number_word(word.lower())
