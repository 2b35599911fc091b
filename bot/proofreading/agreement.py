"""French agreement checks between neighbouring words, from Grammalecte's lexicon.

* **determiner and noun** — « une restaurant », « la prévisions », « du
  films »: no reading of the noun shares the determiner's gender and number.
  Grammalecte leaves many of these alone when the noun is also a verb form
  (« restaurant », a participle); here the noun readings are compared, and a
  determiner that can also be a pronoun (« le », « la », « les ») is only
  judged before a word that cannot be a verb. A compound or a prefixed word
  the lexicon does not know takes its head's gender (« une café-bar »,
  « une microalbum »).
* **number and noun** — « 5 personne », « dans 15 seconde », « quatre
  étoile »: after a whole number from 2 to 999 (years and dates excepted) or
  a number written in words, a noun is plural; after 1, 0 or « zéro »,
  singular (« zéro défaut »);
* **article and first name** — « la musique du John Maher »: French puts no
  article before a person's first name;
* **article and date** — « la 7 novembre », « les 12/11/2036 »: a day takes
  « le », and « du » where « de » introduces it (« à partir de 17 novembre »);
  « des chants du 1973 »: a year on its own takes « de ».

The suggestion is the determiner of the noun's gender and number (« un
restaurant », « les prévisions », with « l’ », « cet », « mon » before a
vowel), or the noun with an « s ».
"""

from __future__ import annotations

import re
from collections.abc import Callable

from bot.proofreading.base import Issue
from bot.proofreading.hunspell import PREFIXES, WORD
from bot.proofreading.messages import say, translations

# Determiner families: masculine singular, feminine singular, masculine plural, feminine plural.
FAMILIES = [("un", "une", "des", "des"), ("le", "la", "les", "les"), ("ce", "cette", "ces", "ces"),
            ("mon", "ma", "mes", "mes"), ("ton", "ta", "tes", "tes"), ("son", "sa", "ses", "ses"),
            ("du", "de la", "des", "des"), ("au", "à la", "aux", "aux"), ("notre", "notre", "nos", "nos"),
            ("votre", "votre", "vos", "vos"), ("leur", "leur", "leurs", "leurs"),
            ("quel", "quelle", "quels", "quelles"), ("cet", "cette", "ces", "ces")]
MONTHS = frozenset("janvier février mars avril mai juin juillet août septembre octobre novembre décembre".split())
# Numbers written in words (2 and more), after which a noun is plural.
NUMBER_WORDS = frozenset("""deux trois quatre cinq six sept huit neuf dix onze douze treize quatorze quinze seize
vingt trente quarante cinquante soixante cent cents mille plusieurs""".split())
_VOWEL = re.compile(r"(?i)^[aeiouyàâäéèêëîïôöùûüœh]")
_WHOLE_NUMBER = re.compile(r"(?:^|[\s(])(\d{1,3})[\s\u00a0\u202f]+$")
_MONTH = r"(?:janvier|f[ée]vrier|mars|avril|mai|juin|juillet|ao[uû]t|septembre|octobre|novembre|d[ée]cembre)"
_DAY = r"(?:1er|\d{1,2}|premier|deux|trois|quatre|cinq|six|sept|huit|neuf|onze|douze|treize|quatorze|quinze|seize|" \
       r"(?:dix|vingt|trente)(?:-(?:et-)?[a-z]+)?(?:[\s\u00a0]et[\s\u00a0]un)?)"
# « la 7 novembre », « les dix-neuf octobre », « la 12/11/2036 »: a day is « le 7 novembre ».
_DAY_ARTICLE = re.compile(rf"(?i)\b(la|les)[\s\u00a0]+(?=(?:{_DAY}[\s\u00a0]+{_MONTH}\b|\d{{1,2}}/\d{{1,2}}/\d{{2,4}}\b))")
# « à partir de 17 novembre »: a day takes « du » (« du 17 novembre »), never « de » alone.
_DAY_OF = re.compile(rf"(?i)\b(de)[\s\u00a0]+(?={_DAY}[\s\u00a0]+{_MONTH}\b)")
# « la collection du 2024 . », « des tasses des 1990 en grès »: a year alone is « de 2024 ».
_YEAR_ARTICLE = re.compile(r"(?i)\b(du|des)[\s\u00a0]+(?=(?:1[5-9]|20)\d\d[\s\u00a0]*"
                           r"(?:$|[.,;:!?)»]|(?:à|au|aux|sur|de|d’|d\'|en|dans|par|et|ou|s’il)\b))")
_DATE_BEFORE = re.compile(r"(?i)\b(?:le|du|au|dès le|depuis le)[\s\u00a0]+\d{1,3}[\s\u00a0\u202f]+$")


# Words that, before a hyphen, qualify the noun after them (« demi-heure », « arrière-boutique »), beside the
# spelling's PREFIXES (« mini-jupe »).
_JOINED_PREFIXES = frozenset({"demi", "vice", "ex", "non", "sous", "sur", "après", "avant", "arrière",
                              "grand", "grande", "mi", "pseudo", "quasi", "contre", "entre", "haut", "basse", "bas"})


def _head(word: str) -> str | None:
    """The word a compound or a prefixed word takes its gender from: « café » of « café-bar », « album » of
    « microalbum », « jupe » of « mini-jupe »."""
    if "-" in word:
        parts = word.split("-")
        return parts[-1] if parts[0] in PREFIXES or parts[0] in _JOINED_PREFIXES else parts[0]
    prefix = next((p for p in PREFIXES if word.startswith(p) and len(word) > len(p) + 2), None)
    return word[len(prefix):] if prefix else None


def readings(morphs: list[str], prefix: str) -> list[list[str]]:
    out = []
    for morph in morphs:
        tags = morph.split("/")[1] if morph.count("/") >= 2 else morph
        if tags.startswith(prefix) or (prefix == ":G:D" and tags.startswith(":G:R:D")):
            out.append(tags.split(";")[0].split(":"))
    return out


def gender_number(parts: list[str]) -> tuple[str, str]:
    flags = [p for p in parts if p in ("m", "f", "e", "s", "p", "i")]
    gender = next((p for p in flags if p in "mfe"), "e")
    number = next((p for p in flags if p in "spi"), "i")
    return gender, number


def agree(a: tuple[str, str], b: tuple[str, str]) -> bool:
    return ("e" in (a[0], b[0]) or a[0] == b[0]) and ("i" in (a[1], b[1]) or a[1] == b[1])


def _determiner_for(determiner: str, noun: str, gender: str, number: str) -> str | None:
    lower = determiner.lower()
    for family in FAMILIES:
        if lower in family:
            index = (2 if number == "p" else 0) + (1 if gender == "f" else 0)
            fix = family[index]
            if _VOWEL.match(noun) and number != "p":
                fix = {"le": "l’", "la": "l’", "ce": "cet", "ma": "mon", "ta": "ton", "sa": "son",
                       "de la": "de l’", "à la": "à l’"}.get(fix, fix)
            return fix if determiner[:1].islower() else fix[:1].upper() + fix[1:]
    return None


class Agreement:
    name = "relais-fr"
    languages = frozenset({"fr"})

    def __init__(self, morph: Callable[[str], list[str]]) -> None:
        self._morph = morph

    def check_sync(self, text: str, *, skip: Callable[[int, int, str], bool] | None = None) -> list[Issue]:
        tokens = [(m.start(), m.end(), m.group(0)) for m in WORD.finditer(text)]
        issues = self._date_articles(text, skip)
        for index, (start, end, word) in enumerate(tokens):
            if skip is not None and skip(start, end, word):
                continue
            if word[:1].isupper() and index > 0:
                issue = self._before_name(text, tokens[index - 1], (start, end, word), tokens[index + 1:index + 4])
                if issue is not None:
                    issues.append(issue)
                continue
            if not word[:1].islower() or "-" in word and self._morph(word):
                continue
            issue = self._participle(text, tokens, index)
            if issue is not None:
                issues.append(issue)
                continue
            noun = self._nouns(word)
            if not noun:
                continue
            previous = tokens[index - 1] if index > 0 else None
            adjacent = previous is not None and text[previous[1]:start].strip() == ""
            if adjacent and not readings(self._morph(word), ":G"):
                issue = self._determiner(text, previous, (start, end, word), noun,
                                         tokens[index - 2][2] if index > 1 else None)
                if issue is not None:
                    issues.append(issue)
                    continue
            # After a number, « personne », « point » are the nouns, never the grammar words.
            issue = self._after_number(text, (start, end, word), noun,
                                       previous[2] if adjacent and previous is not None else None)
            if issue is not None:
                issues.append(issue)
        return issues

    def _date_articles(self, text: str, skip: Callable[[int, int, str], bool] | None) -> list[Issue]:
        """« la 7 novembre » → « le », « de 17 novembre » → « du », « du 1973 » → « de »: the article a date
        takes."""
        issues = []
        for pattern, fix in ((_DAY_ARTICLE, "le"), (_DAY_OF, "du"), (_YEAR_ARTICLE, "de")):
            for match in pattern.finditer(text):
                start, end, article = match.start(1), match.end(1), match.group(1)
                if skip is not None and skip(start, end, article):
                    continue
                fixed = fix if article[:1].islower() else fix.capitalize()
                date = re.match(r"\S+(?:[\s\u00a0]+\S+)?", text[match.end():]).group(0)
                if pattern is _YEAR_ARTICLE or "/" in date.split()[0]:
                    date = date.split()[0]
                fields = {"fix": fixed, "date": date}
                issues.append(Issue(start, end, article, say("date_article", "fr", **fields), (fixed,),
                                    "date_article", self.name, translations("date_article", **fields)))
        return issues

    def _participle(self, text: str, tokens, index: int) -> Issue | None:
        """« un ouvrage intitulée », « la liste de cadeaux préparé »: a participle or adjective after its noun
        takes the noun's gender and number — the noun's, or its complement's (« liste de cadeaux »)."""
        start, end, word = tokens[index]
        morphs = self._morph(word)
        forms = readings(morphs, ":V")
        if not forms or not all("Q" in parts for parts in forms) or readings(morphs, ":G"):
            return None
        heads = self._heads(text, tokens, index)
        if not heads:
            return None
        forms = [gender_number(parts) for parts in forms]
        if any(agree(form, head) for form in forms for _, head in heads):
            return None
        lemma = morphs[0].split("/")[0].lstrip(">")
        stem = lemma[:-2] + "é" if lemma.endswith("er") else word.rstrip("s").removesuffix("e")
        fixes = tuple(dict.fromkeys(  # one form per noun it may agree with, the nearest noun's first
            f for _, head in heads for f in (stem + ending for ending in ("", "e", "s", "es"))
            if f != word and any(agree(gender_number(parts), head) and gender_number(parts)[0] != "e"
                                 for parts in readings(self._morph(f), ":V") if "Q" in parts)))
        if not fixes:
            return None
        fields = {"determiner": heads[0][0], "word": word}
        return Issue(start, end, word, say("determiner", "fr", **fields), fixes[:2], "participle_agreement",
                     self.name, translations("determiner", **fields))

    def _heads(self, text: str, tokens, index: int) -> list[tuple[str, tuple[str, str]]]:
        """The nouns a word right after a noun phrase may agree with, nearest first: « ouvrage » in « un
        ouvrage (créatif) », « cadeaux » and « liste » in « la liste de cadeaux »; none when the word does
        not follow a noun announced by its determiner."""
        def split(position: int) -> tuple[str | None, str]:
            head, _, rest = tokens[position][2].replace("'", "’").rpartition("’")
            return (head.lower() + "’" if head else None), rest

        def nouns(word: str) -> list[tuple[str, str]]:
            return [gender_number(p) for p in readings(self._morph(word), ":N")]

        position = index - 1
        if position > 0 and self._adjacent(text, tokens, position, index) and \
                any("A" in parts for parts in readings(self._morph(split(position)[1]), ":")) and \
                self._adjacent(text, tokens, position - 1, position) and nouns(split(position - 1)[1]):
            position -= 1  # one adjective between: « un ouvrage créatif intitulé »
        heads: list[tuple[str, tuple[str, str]]] = []
        while position >= 0 and self._adjacent(text, tokens, position, position + 1):
            elided, noun = split(position)
            if not noun[:1].islower() or not nouns(noun) or readings(self._morph(noun), ":W") or \
                    readings(self._morph(noun), ":G"):
                return []  # « les plus connues »: an adverb, not a noun
            heads += [(noun, n) for n in nouns(noun)]
            before = elided or (split(position - 1)[1].lower() if position > 0 else "")
            if before in ("de", "d’", "des", "du") and position >= 2 and len(heads) < 4 and \
                    self._adjacent(text, tokens, position - 1, position):
                position -= 2  # « la liste de cadeaux »: the noun the complement belongs to
                continue
            return heads if before in ("l’", "de", "d’", "des", "du") or readings(self._morph(before), ":G:D") \
                else []
        return []

    @staticmethod
    def _adjacent(text: str, tokens, left: int, right: int) -> bool:
        return text[tokens[left][1]:tokens[right][0]].strip() == ""

    def _article_here(self, before: str | None, others: list[str]) -> bool:
        """« à la listes », « trouver les ouvrage »: after a preposition or a verb, « la », « les » before a
        word that is no infinitive are articles, not object pronouns (those stand before their own verb)."""
        if before is None or any(":Y" in m for m in others):
            return False
        if before.lower() == "a":
            return True  # « a la listes »: after avoir, or « à » typed without its accent, an article
        tags = [m.split("/")[1] for m in self._morph(before.lower()) if m.count("/") >= 2]
        return bool(tags) and (all(t.startswith(":G:R") for t in tags) or
                               all(t.startswith(":V") and ":Q" not in t for t in tags))

    def _before_name(self, text: str, previous, current, following=()) -> Issue | None:
        """« la musique du John Maher », « une piste des Jennifer Paull »: no article before a first name;
        nor « des » before one person's full name (« des Yutaka Ozaki »), which a plural name would end
        in « s » (« des Rolling Stones », « des Îles Vierges »); nor « en » before a person's full name (« des
        morceaux en Pete Townshend »): a person is not a place."""
        p_start, p_end, article = previous
        start, end, name = current
        if article not in ("du", "des", "en") or text[p_end:start].strip():
            return None
        morphs = self._morph(name)
        first_name = bool(morphs) and all(":M1" in m for m in morphs)
        if article == "en":
            surname = following[0] if following else None
            if not first_name or surname is None or text[end:surname[0]].strip() or not surname[2][:1].isupper():
                return None
        if not first_name:
            run, last = [name], end  # a first name and nothing else (« du Nord », « des Alpes » are not)
            for f_start, f_end, f_word in following:
                if text[last:f_start].strip() or not f_word[:1].isupper():
                    break
                run.append(f_word)
                last = f_end
            if article != "des" or len(run) < 2 or run[-1].endswith(("s", "x")) or \
                    any(readings(self._morph(w.lower()), ":N") for w in run):
                return None
        fields = {"fix": "de", "name": name}
        return Issue(p_start, p_end, article, say("before_name", "fr", **fields), ("de",), "article_before_name",
                     self.name, translations("before_name", **fields))

    def _nouns(self, word: str) -> list[tuple[str, str]]:
        """The gender and number of ``word`` as a noun; a compound or a prefixed word the lexicon does not know
        takes its head's (« café-bar » as « café », « microalbum » as « album »)."""
        found = readings(self._morph(word), ":N")
        if not found and not self._morph(word):
            head = _head(word)
            found = readings(self._morph(head), ":N") if head else []
        return [gender_number(p) for p in found]

    def _determiner(self, text: str, previous, current, nouns, before: str | None = None) -> Issue | None:
        d_start, _, determiner = previous
        start, end, word = current
        if determiner[:1].isupper() and not re.search(r"(?:^|[.!?…:;«\"(])\s*$", text[:d_start]):
            return None  # inside a capitalised title
        morphs = self._morph(determiner.lower())
        dets = [gender_number(p) for p in readings(morphs, ":G:D")]
        if not dets:
            return None
        others = self._morph(word)
        adjectives = [gender_number(p) for p in readings(others, ":A")]
        can_be_pronoun = any(":O" in m for m in morphs)
        is_verb = any(m.split("/")[1].startswith(":V") for m in others if m.count("/") >= 2)
        if can_be_pronoun and is_verb and not self._article_here(before, others):
            return None  # « je la titre » is not an agreement error
        if determiner.lower().startswith("quel") and any(">être/" in m or ">avoir/" in m for m in others):
            return None  # « quelle est… », « quel a été… »: the verb, not a noun
        if any(agree(d, n) for d in dets for n in nouns + adjectives):
            return None
        gender, number = nouns[0]
        fix = _determiner_for(determiner, word, gender, number)
        suggestions = (f"{fix}{word}" if fix.endswith("’") else f"{fix} {word}",) if fix else ()
        if any(n == "p" for _, n in dets) and all(n == "s" for _, n in nouns) and not word.endswith(("s", "x")):
            suggestions += (f"{determiner} {word}s",)  # « les ouvrage » → « l’ouvrage » or « les ouvrages »
        fields = {"determiner": determiner, "word": word}
        return Issue(d_start, end, text[d_start:end], say("determiner", "fr", **fields), suggestions,
                     "determiner_agreement", self.name, translations("determiner", **fields))

    def _after_number(self, text: str, current, nouns, word_before: str | None) -> Issue | None:
        start, end, word = current
        before = text[:start]
        number = _WHOLE_NUMBER.search(before)
        if number is None and word_before is not None and word_before.lower() == "zéro":
            return self._singular(current, nouns, "zéro")
        if number is None and word_before is not None and word_before.lower() in NUMBER_WORDS:
            written = word_before.lower()
        elif number is not None:
            written = number.group(1)
            if int(written) in (0, 1) and not re.search(r"[\d,.]\s*[01][\s\u00a0\u202f]+$", before):
                return self._singular(current, nouns, written)
            if int(written) < 2 or _DATE_BEFORE.search(before):
                return None
        else:
            return None
        if word in MONTHS or any(n != "s" for _, n in nouns) or len(word) < 3:
            return None
        fields = {"word": word, "number": written}
        return Issue(start, end, word, say("plural", "fr", **fields), (word + ("x" if word.endswith("eau") else "s"),),
                     "number_agreement", self.name, translations("plural", **fields))

    def _singular(self, current, nouns, number: str = "1") -> Issue | None:
        """« 1 étoiles », « zéro étoiles »: after 1 or 0, a noun that is only plural takes the singular."""
        start, end, word = current
        if not nouns or any(n != "p" for _, n in nouns) or not word.endswith(("s", "x")) or len(word) < 4:
            return None
        fields = {"word": word, "number": number}
        return Issue(start, end, word, say("singular", "fr", **fields), (word[:-1],), "number_agreement",
                     self.name, translations("singular", **fields))
