"""French checks a spelling dictionary cannot make and Grammalecte leaves to the writer.

Each word is a correct word; it is wrong where it stands:

* **a capital in the middle of a sentence** on a common word (« ajouter à ma
  Liste ») — French capitalises names, not nouns. A run of capitalised words
  is a name or a title (« Maison Brindille », « Flow Espagnol ») and is left
  alone, as are words capitalised by convention (Madame, Monsieur, l’État),
  but not a grammar word or a verb after a lower-case word (« jouer Sur
  Zvooq », « qui Est à deux pas »), a preposition before a lower-case
  determiner (« Yutaka Ozaki Sur ma liste »), nor the noun that announces a
  title (« la Chanson Virales »), nor a work's noun before its author (« la
  Musique de Michael Wittig »);
* **a compass point in a place's name** (« Caroline du nord ») → « Nord »;
* **a sentence starting in lower case** (the safe fixes capitalise drafts,
  this reports it in text a person typed);
* **« ou » for « où »** before « est », « sont », « se trouve »… (« ou est ma
  commande ? »);
* **« a » for « à »**: the verb *avoir* needs a subject; it cannot follow an
  infinitive (« ajouter a »), a preposition, or stand before an infinitive, a
  name or a number (« a faire », « a Lyon », « a 10 h »), nor before a
  determiner in a clause that already has its verb (« J’aimerais ajouter
  cette piste a ma liste »);
* **a past participle for an infinitive** after « s’il vous plaît », in an
  order's second verb (« Trouver et joué ») or after a verb's « à », « pour »,
  « sans » (« m’aider à trouvé ») — Grammalecte covers the modals;
* **« avoir besoins »** — the locution keeps « besoin » singular; other set
  phrases whose words exist but not in that form (« à partie de », « en court
  de livraison », « à proximités », « fruit de mer », « dans des environs »,
  « 2 heures ou demie », « 11 heures au soir », « 8 heures le soir », « une
  table par 7 personnes », « sous ma liste », « ajouter… de ma liste »,
  « quelque chose de genre »), and compound nouns joined by « de » (« liste en
  lecture », « numéro à commande »);
* **a letter on its own** (« trouver e spectacle », « maintenant n Caroline »):
  a word cut short, with the grammar words it may be cut from, the likeliest
  between its neighbours first; « a », « à », « y » and units after a number
  (« 10 h ») are words.

Word classes come from Grammalecte's lexicon (its spell checker's
morphologies), loaded once with the Grammalecte backend.
"""

from __future__ import annotations

import re
from collections.abc import Callable

from bot.proofreading.base import Issue
from bot.proofreading.hunspell import WORD
from bot.proofreading.messages import say, translations
from bot.proofreading.ngrams import END, START, TARGETS, french_model, tokens
from bot.proofreading.names import WORKS

# Nouns French writes with a capital by convention: forms of address, institutions, compass regions.
CONVENTIONAL_CAPITALS = frozenset({
    "monsieur", "madame", "mademoiselle", "messieurs", "mesdames", "mesdemoiselles", "maître", "docteur",
    "état", "église", "république", "saint", "sainte", "nord", "sud", "est", "ouest", "internet",
})
# Words after which « a » is the verb avoir (its subject), and words opening a clause that may have one.
SUBJECTS = frozenset({"il", "elle", "on", "y", "qui", "ça", "cela", "ce", "tout", "chacun", "chacune", "personne",
                      "rien", "quelqu’un", "quelqu'un", "ne", "n", "lui", "nous", "vous", "leur", "en", "où"})
CLAUSE_OPENERS = frozenset({"qui", "que", "qu", "dont", "où", "si", "quand", "lorsque", "parce", "comme", "car",
                            "mais", "il", "elle", "on", "ils", "elles", "et", "ou", "puis", "donc", "alors",
                            "sinon", "quoi", "lequel", "laquelle", "lesquels", "lesquelles"})
# Forms of « avoir » before « besoin »: the locution « avoir besoin de » keeps « besoin » singular.
AVOIR = frozenset({"ai", "as", "a", "avons", "avez", "ont", "avais", "avait", "avions", "aviez", "avaient",
                   "aurai", "auras", "aura", "aurons", "aurez", "auront", "aurais", "aurait", "aurions",
                   "auriez", "auraient", "aie", "ait", "ayons", "ayez", "aient", "avoir", "eu"})
# Set phrases whose words exist on their own but not in this form: (pattern, the phrase as written).
LOCUTIONS = (
    (re.compile(r"(?i)\bà[\s\u00a0]+(partie)[\s\u00a0]+(?:de|du|des|d[’'])"), "partir"),
    (re.compile(r"(?i)\bà[\s\u00a0]+(proximités)\b"), "proximité"),
    (re.compile(r"(?i)\ben[\s\u00a0]+(court)\b(?![-\s\u00a0]*(?:métrage|terme|circuit))"), "cours"),
    (re.compile(r"(?i)\b(fruit)[\s\u00a0]+de[\s\u00a0]+mer\b"), "fruits"),
    (re.compile(r"(?i)\bdans[\s\u00a0]+(des|ces|ses)[\s\u00a0]+environs\b"), "les"),  # « dans les environs de… »
    # « une table par 7 personnes »: a table, a room, a meal is « pour » its guests (« par personne » is a rate).
    (re.compile(r"(?i)\b(par)[\s\u00a0]+(?:\d+|deux|trois|quatre|cinq|six|sept|huit|neuf|dix|douze|vingt)"
                r"[\s\u00a0]+(?:personnes|convives|invités|adultes)\b"), "pour"),
    (re.compile(r"(?i)\btables?[\s\u00a0]+(par)[\s\u00a0]+(?:\d+|deux|trois|quatre|cinq|six|sept|huit|neuf|dix|"
                r"douze|vingt)\b(?![\s\u00a0]*(?:€|euros?|personnes|convives|invités|adultes))"), "pour"),
    (re.compile(r"(?i)\b(sous)[\s\u00a0]+(?:la|ma|ta|sa|votre|notre|leur|cette|une)[\s\u00a0]+liste\b"), "sur"),
    (re.compile(r"(?i)\bquelque[\s\u00a0]+chose[\s\u00a0]+(de)[\s\u00a0]+genre\b"), "du"),  # « …du genre »
    # « Ajouter ce plaid de ma liste »: one adds « à » a list (and removes « de » it).
    (re.compile(r"(?i)\bajout\w*\b[^.!?;,\n]*?[\s\u00a0](de)[\s\u00a0]+(?:la|ma|ta|sa|votre|notre|leur|cette)"
                r"[\s\u00a0]+liste\b"), "à"),
    (re.compile(r"(?i)\b(ou)[\s\u00a0]+demie?\b"), "et"),  # « 2 heures ou demie »: « et demie »
    # « à 11 heures au soir », « 5 heures de matin »: the hour of the morning or evening is « du ».
    (re.compile(r"(?i)(?:\d|\b[a-zé]+)[\s\u00a0]*(?:h|heures?)[\s\u00a0]+(au|de|à|en|le)"
                r"[\s\u00a0]+(?:soir|matin)\b"), "du"),
)
# Compound nouns joined by « de » (« liste de lecture », « frais de port »): another short word in its place
# (« liste en lecture », « numéro à commande », « frais du port ») is a slip.
COMPOUNDS = {"liste": "lecture|souhaits|cadeaux|naissance|mariage|attente", "frais": "port|livraison|retour",
             "numéros?": "commande|suivi|téléphone|client", "délais?": "livraison|paiement|rétractation",
             "modes?": "paiement|livraison", "moyens?": "paiement", "adresses?": "livraison|facturation",
             "bons?": "commande|réduction|livraison", "codes?": "réduction", "cartes?": "crédit|fidélité",
             "points?": "vente|retrait", "salles?": "cinéma|bains", "service": "livraison",
             "guide": "tailles", "suivi": "commande|colis"}
LOCUTIONS += tuple(
    (re.compile(rf"(?i)\b(?:{head})[\s\u00a0]+(?!(?:de|des|du)\b)([^\W\d_]{{1,3}})[\s\u00a0]+(?:{tail})\b"), "de")
    for head, tail in COMPOUNDS.items())
# A letter standing alone is a word cut short, except these (« il y a », « à », « a ») and units after a number.
_LONE_LETTER = re.compile(r"(?<![\w’'.\-/@#])([b-df-hj-np-tv-xz]|e)(?![\w’'.\-/@)])")
_NUMBER_BEFORE = re.compile(r"\d[\s\u00a0\u202f]*$")
# The polite formula after which an order follows, in the infinitive or the imperative.
_PLEASE = re.compile(r"(?i)s[’']il\s+(?:vous|te)\s+pla[iî]t[\s\u00a0]*$")
_INVERTED_SUBJECT = re.compile(r"(?i)-(?:t-)?(?:je|tu|il|elle|on|nous|vous|ils|elles)$")
# Grammar words no name is made of: capitalised after a lower-case word, they are a slip (« jouer Sur
# Zvooq », « qui Est à deux pas »). Articles are not among them: a title may open with one (« à La Vie en rose »).
CAPITAL_SLIPS = frozenset({"de", "sur", "dans", "pour", "par", "avec", "sous", "chez", "vers", "entre", "et", "ou",
                           "où", "est", "sont", "plus", "moins", "très", "que", "qui", "mais", "donc", "car", "ni",
                           "aussi", "ainsi", "puis", "alors", "encore", "déjà"})
# « Pays de Galles », « Côte d’Ivoire », « Parc des Princes »: « de » and a capital go on a name.
_NAME_GOES_ON = re.compile(r"[\s\u00a0]+(?:(?:de|du|des)[\s\u00a0]+(?:la[\s\u00a0]+|l[’'])?|d[’'])[A-ZÀ-ÖØ-Þ]")
_NAME_WENT_ON = re.compile(r"[A-ZÀ-ÖØ-Þ][^\W\d_]*[\s\u00a0]+(?:de|du|des)[\s\u00a0]+(?:la[\s\u00a0]+|l[’'])?$|"
                           r"[A-ZÀ-ÖØ-Þ][^\W\d_]*[\s\u00a0]+d[’']$")
# Compass points that, after a place's name and « du », are part of the name (« Caroline du Nord »).
_COMPASS = frozenset({"nord", "sud", "ouest"})
# Prepositions that, capitalised before a lower-case determiner or number, cannot open a name's next word.
_PREPOSITIONS = frozenset({"sur", "dans", "pour", "par", "avec", "sous", "chez", "vers", "entre"})
_DETERMINERS = frozenset({"le", "la", "les", "l’", "l'", "un", "une", "ce", "cet", "cette", "ces", "mon", "ma", "mes",
                          "ton", "ta", "tes", "son", "sa", "ses", "notre", "nos", "votre", "vos", "leur", "leurs",
                          "du", "au", "aux"})
# « ou est… », « ou se trouve… »: after "or", these verbs ask "where".
_WHERE_VERBS = frozenset({"est", "sont", "était", "étaient", "sera", "seront", "se", "s", "habitez", "trouve"})
# What may open a sentence or a quotation, after which a capital is expected.
_OPENERS = re.compile(r"(?:^|[.!?…][\s\u00a0\u202f]+|[:;\n«“\"(\[—–•*-][\s\u00a0\u202f]*|^\s*)$")
# Where a sentence starts (and so a capital is due): the text's start, a line's, after . ! ? …
_SENTENCE_START = re.compile(r"(?:^|[.!?…][\s\u00a0\u202f]+|\n[\s\u00a0\u202f]*)$|^\s*$")


def _completions(letter: str, before: str, after: str) -> tuple[str, ...]:
    """The short grammar words a lone letter may be cut from (« e » → « le », « de », « en »…), the likeliest
    between its neighbours first, by the French n-gram model."""
    model = french_model()
    options = [w for w in TARGETS if len(w) == 2 and letter in w and w.isalpha()]
    previous = [t for _, _, t in tokens(before)][-1:]
    following = [t for _, _, t in tokens(after)][:1]
    left = model.word(previous[0], False) if previous else START
    right = model.word(following[0], False) if following else END
    return tuple(sorted(options, key=lambda w: -model.score(left, w, right))[:3])


def _after_subject(previous) -> bool:
    """The word before « a » is its subject (« il », « qui ») or an elided « n’ », « qu’ »: « a » is the verb."""
    p_word = previous[2].lower() if previous is not None else ""
    return p_word in SUBJECTS or p_word.endswith(("’", "'"))


def _joined(text: str, end: int, start: int) -> bool:
    """Only spaces between two words: they may be one name."""
    return not text[end:start].strip()


class FrenchRules:
    name = "relais-fr"
    languages = frozenset({"fr"})

    def __init__(self, morph: Callable[[str], list[str]]) -> None:
        self._morph = morph  # Grammalecte's spell checker getMorph: ">liste/:N:f:s/*", ...

    def _tags(self, word: str) -> list[str]:
        return [m.split("/", 2)[1] if m.count("/") >= 2 else m for m in self._morph(word)]

    def _is(self, word: str, *tags: str) -> bool:
        return any(tag in t for t in self._tags(word) for tag in tags)

    def _only(self, word: str, tag: str) -> bool:
        tags = self._tags(word)
        return bool(tags) and all(tag in t for t in tags)

    def _common(self, word: str) -> bool:
        """A common word (noun, verb, adjective, grammar word), not a name."""
        tags = self._tags(word)
        return bool(tags) and not any(t.startswith(":M") for t in tags)

    def check_sync(self, text: str, *, skip: Callable[[int, int, str], bool] | None = None) -> list[Issue]:
        tokens = [(m.start(), m.end(), m.group(0)) for m in WORD.finditer(text)]
        issues: list[Issue] = []
        for index, (start, end, word) in enumerate(tokens):
            if skip is not None and skip(start, end, word):
                continue
            starts_sentence = bool(_SENTENCE_START.search(text[:start]))
            may_be_capital = starts_sentence or bool(_OPENERS.search(text[:start]))
            previous = tokens[index - 1] if index > 0 else None
            following = tokens[index + 1] if index + 1 < len(tokens) else None
            if starts_sentence and word[0].islower() and word.isalpha():
                fix = word[0].upper() + word[1:]
                issues.append(Issue(start, end, word, say("sentence_start", "fr", word=fix), (fix,),
                                    "sentence_start", self.name, translations("sentence_start", word=fix)))
            elif not may_be_capital and self._stray_capital(word, start, previous, following, text):
                fix = word.lower()
                issues.append(Issue(start, end, word, say("capital", "fr", word=word), (fix,), "capital",
                                    self.name, translations("capital", word=word)))
            if word in _COMPASS and previous is not None and previous[2] == "du" and index > 1 and \
                    tokens[index - 2][2][:1].isupper() and _joined(text, tokens[index - 2][1], previous[0]):
                fix = word.capitalize()  # « Caroline du nord » → « Caroline du Nord »: part of the name
                issues.append(Issue(start, end, word, say("name_capital", "fr", word=fix), (fix,), "capital",
                                    self.name, translations("name_capital", word=fix)))
            if word.lower() == "a" and self._preposition_wanted(previous, following, starts_sentence, text, end):
                fix = "À" if word == "A" else "à"
                issues.append(Issue(start, end, word, say("a_for_à", "fr"), (fix,), "a_for_à", self.name,
                                    translations("a_for_à")))
            elif word.lower() == "ou" and following is not None and (
                    re.split(r"[-’']", following[2].lower())[0] in _WHERE_VERBS
                    or starts_sentence and _INVERTED_SUBJECT.search(following[2])):
                fix = "Où" if word[0].isupper() else "où"
                issues.append(Issue(start, end, word, say("ou_for_où", "fr"), (fix,), "ou_for_où", self.name,
                                    translations("ou_for_où")))
            infinitive = self._infinitive_wanted(word, previous, text, start)
            if infinitive:
                issues.append(Issue(start, end, word, say("infinitive", "fr", word=word, fix=infinitive),
                                    (infinitive,), "participle_for_infinitive", self.name,
                                    translations("infinitive", word=word, fix=infinitive)))
            if word.lower() == "besoins" and previous is not None and \
                    re.split(r"[’']", previous[2].lower())[-1] in AVOIR:
                issues.append(Issue(start, end, word, say("besoin", "fr"), (word[:-1],), "avoir_besoin",
                                    self.name, translations("besoin")))
        return issues + self._locutions(text, skip) + self._lone_letters(text, skip)

    @staticmethod
    def _locutions(text: str, skip) -> list[Issue]:
        issues = []
        for pattern, fix in LOCUTIONS:
            for match in pattern.finditer(text):
                start, end, word = match.start(1), match.end(1), match.group(1)
                if skip is not None and skip(start, end, word):
                    continue
                fixed = fix if word[:1].islower() else fix.capitalize()
                phrase = match.group(0)[:start - match.start()] + fixed + match.group(0)[end - match.start():]
                issues.append(Issue(start, end, word, say("locution", "fr", fix=phrase), (fixed,), "locution",
                                    "relais-fr", translations("locution", fix=phrase)))
        return issues

    @staticmethod
    def _lone_letters(text: str, skip) -> list[Issue]:
        issues = []
        for match in _LONE_LETTER.finditer(text):
            start, end, letter = match.start(1), match.end(1), match.group(1)
            before, after = text[:start], text[end:]
            if _NUMBER_BEFORE.search(before) or not re.search(r"[^\W\d_][\s\u00a0]+$", before) or \
                    not re.match(r"[\s\u00a0]+[^\W\d_]", after) or skip is not None and skip(start, end, letter):
                continue  # « 10 h », a list's « b) », an initial: only a letter between two words is judged
            issues.append(Issue(start, end, letter, say("lone_letter", "fr", word=letter),
                                _completions(letter, before, after), "lone_letter", "relais-fr",
                                translations("lone_letter", word=letter)))
        return issues

    def _infinitive_wanted(self, word: str, previous, text: str, start: int) -> str | None:
        """« S’il vous plaît joué… », « Trouver et joué… », « m’aider à trouvé… »: a past participle with no
        auxiliary where an order's or a preposition's infinitive stands; the infinitive, or None."""
        if not word[:1].islower() or previous is None:
            return None
        morphs = [m for m in self._morph(word) if m.count("/") >= 2]
        if not morphs or not all(":Q" in m.split("/")[1] for m in morphs):
            return None
        lemma = morphs[0].split("/")[0].lstrip(">")
        if _PLEASE.search(text[:start]):
            return lemma  # « S’il vous plaît joué… »
        if previous[2].lower() in ("à", "pour", "sans") and word.endswith("é") and lemma.endswith("er"):
            verb = WORD.findall(text[:previous[0]])[-1:]
            if verb and self._is(re.split(r"[’']", verb[0].lower())[-1], ":V"):
                return lemma  # « m’aider à trouvé » — a verb's preposition, then the infinitive
        if previous[2].lower() == "et":
            before = WORD.findall(re.split(r"[.!?…\n;]", text[:previous[0]])[-1])
            verbs = [w for w in before if self._is(w.lower(), ":V")]
            if verbs and self._only(verbs[0].lower(), ":Y") and before and before[0] == verbs[0]:
                return lemma  # « Trouver et joué » — an order in the infinitive, its second verb alike
        return None

    def _stray_capital(self, word: str, start: int, previous, following, text: str) -> bool:
        if len(word) < 2 or not (word[0].isupper() and word[1:].islower()) or "-" in word or "’" in word:
            return False
        lower = word.lower()
        after_lower = previous is not None and previous[2][:1].islower() and _joined(text, previous[1], start)
        if lower == "est" and after_lower and previous[2].lower() in SUBJECTS | CLAUSE_OPENERS:
            return True  # « un restaurant qui Est à deux pas »: the verb, not the East
        if lower in CONVENTIONAL_CAPITALS or not self._common(lower) or self._is(word, ":M"):
            return False
        if any(m.lstrip(">")[:1].isupper() for m in self._morph(word)):
            return False  # the lexicon knows it as a name (« en Suisse », « au Japon »)
        if after_lower and (lower in CAPITAL_SLIPS or self._only(lower, ":V")):
            return True  # « jouer Sur Zvooq », « je veux Voir… »: no name starts with these
        if after_lower and previous[2].lower() in _DETERMINERS and self._is(lower, ":N") and \
                following is not None and following[2][:1].isupper() and \
                _joined(text, start + len(word), following[0]):
            return True  # « la Chanson Virales », « le Titre Difficult Loves »: the noun before a title
        if lower in _PREPOSITIONS and following is not None and following[2][:1].islower() and \
                _joined(text, start + len(word), following[0]) and self._is(following[2].lower(), ":D", ":B"):
            return True  # « la chanson des Yutaka Ozaki Sur ma liste »: the name has ended, the sentence goes on
        went_on = _NAME_WENT_ON.search(text[:start])
        if went_on is not None and _OPENERS.search(text[:went_on.start()]):
            went_on = None  # « Écouter de la Musique »: the sentence's first word opens no name
        if lower in WORKS and previous is not None and previous[2] in _DETERMINERS and \
                self._by_a_person(text[start + len(word):]):
            return True  # « la Musique de Michael Wittig »: a work's noun before its author is no name
        if _NAME_GOES_ON.match(text[start + len(word):]) or went_on is not None:
            return False  # « au Pays de Galles », « le Parc des Princes »: a name built on common nouns
        for neighbour in (previous, following):
            if neighbour is None or not neighbour[2][:1].isupper():
                continue
            if not (_joined(text, neighbour[1], start) if neighbour is previous
                    else _joined(text, start + len(word), neighbour[0])):
                continue  # a number or a mark between them (« Sara 1 Point »): not one name
            if neighbour is previous and _OPENERS.search(text[:neighbour[0]]):
                continue  # the sentence's first word: its capital says nothing
            return False  # part of a capitalised run: a name or a title
        return True

    def _by_a_person(self, after: str) -> bool:
        """``after`` opens with « de » and a first name or a capitalised word no French lexicon knows (« de
        Michael Wittig », « de Too Poetic »), not a common noun (« Parc des Princes », « Pays de Galles »)."""
        match = re.match(r"[\s\u00a0]+(?:de|d[’'])[\s\u00a0]*([A-ZÀ-ÖØ-Þ][^\W\d_]+)", after)
        if match is None:
            return False
        name = match.group(1)
        return self._is(name, ":M1") or not self._tags(name) and not self._tags(name.lower())

    def _preposition_wanted(self, previous, following, starts_sentence: bool, text: str, end: int) -> bool:
        if re.match(r"[\s\u00a0]+\d", text[end:]):
            return not self._has_subject(previous, text[end:])  # « a 10 h », not « il a 3 commandes »
        if following is None:
            return False
        f_start, _, f_word = following
        if text[f_start - 1:f_start] == "-":
            return False  # "a-t-il"
        if text[end - 1:end] == "A" and not starts_sentence and f_word[:1].isupper() and not self._tags(f_word):
            return False  # « A Very Cellular Song »: an English title's article
        if self._only(f_word.lower(), ":Y"):
            return True  # "a faire"
        if _after_subject(previous):
            return False  # « il a », « qui a », « n’a »: the verb
        p_word = previous[2].lower() if previous is not None else ""
        if f_word[:1].isupper() and (not self._common(f_word.lower()) or self._is(f_word, ":M")):
            return True  # « a Lyon », « a Weldona », « a Saint-Pierre »: a place or a name after the preposition
        if previous is None or starts_sentence:
            return starts_sentence and self._is(f_word.lower(), ":D")  # « A ma liste » opening a sentence
        if self._only(p_word, ":Y") or self._only(p_word, ":R"):
            return True  # « ajouter a », « jusque a »
        return self._is(f_word.lower(), ":D") and self._verb_already(text[:previous[0]])

    def _has_subject(self, previous, after: str) -> bool:
        """« il a 3 commandes », « mon fils a 12 ans », « le colis a 2 jours de retard »: before a number,
        « a » is the verb after its subject (a pronoun, or a noun when no hour follows: « la livraison a 10 h »
        is « à »), and always before an age."""
        if re.match(r"[\s\u00a0]+\d+[\s\u00a0]+ans?\b", after):
            return True
        if previous is None:
            return False
        if _after_subject(previous):
            return True
        p_word = previous[2].lower()
        hour = re.match(r"[\s\u00a0]+\d+(?:[:h.]\d*)?[\s\u00a0]*(?:h\b|heures?\b|[:h]\d)", after)
        return hour is None and self._is(p_word, ":N") and not self._only(p_word, ":V")

    def _verb_already(self, before: str) -> bool:
        """The clause so far already has its verb (« Ajouter cette piste … », « J’aimerais ajouter cette
        piste … ») and opens no other clause: « a » there cannot be a second verb, it is « à »."""
        clause = re.split(r"[.!?…\n,;:]", before)[-1]
        words = WORD.findall(clause)
        if not words or any(re.split(r"[’']", w.lower())[0] in CLAUSE_OPENERS or w.lower() in SUBJECTS
                            for w in words):
            return False
        if self._is(words[0].lower(), ":Y") or self._only(words[0].lower(), ":E"):
            return True  # an order
        for w in words:
            verb = re.split(r"[’']", w.lower())[-1]
            tags = self._tags(verb)
            if tags and all(t.startswith(":V") and ":Q" not in t for t in tags):
                return True  # a conjugated verb or an infinitive, and nothing else it could be
        return False
