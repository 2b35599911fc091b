"""What a fan reports going wrong, read from their words: money taken wrongly, an order that went wrong.

A routine answer to such a message is worse than none: "good news, your
order has shipped" to a fan who was charged twice tells them nobody read
it. Two kinds of report are recognised, in French and English, whatever
intent NLU gave the message:

* **payment** — money taken wrongly or not given back: charged or debited
  twice (or more), a refund not received or still awaited, a card or a
  payment declined, money taken for an order that never came. These are
  payment disputes: only a person can look at the bank's side, and a fan
  who is not answered goes to their bank (a chargeback).
* **order** — the goods themselves: an item that arrived broken, damaged or
  stained, an item missing from the parcel, the wrong item or size, a
  parcel marked delivered that the fan never got, a parcel lost. (A parcel
  that has simply not arrived yet is a question the order's status
  answers, not a report of a problem.)

The words are matched on the text folded to lower case without accents
(``é`` → ``e``), so "débité", "debite" and "DÉBITÉ" read the same; each
pattern needs the wrong itself (twice, not received, broken), not just the
topic (a payment, a refund, a parcel): "how can I pay?" or "can I get a
refund?" report nothing.
"""

from __future__ import annotations

import re
import unicodedata

PAYMENT, ORDER = "payment_problem", "order_problem_reported"

_W = r"(?:\S+\s+)"  # one word and the space after it

_PAYMENT = [
    # charged / debited / billed twice or more
    # ("payer en 3 fois" is paying in instalments: "en" before the count is no report)
    rf"\b(?:debit|prelev|factur|encaiss|pay|charg)\w*\s+{_W}{{0,4}}(?<!en )(?:deux|2|trois|3|plusieurs)\s*(?:fois|x)\b",
    r"\b(?:double|deux|2|plusieurs)\s+(?:debits?|prelevements?|paiements?|facturations?|transactions?)\b",
    rf"\b(?:charged|billed|debited|taken|paid|charging|billing)\s+{_W}{{0,4}}(?:twice|two times|2 times|three times"
    r"|double|2x)\b",
    r"\bdouble[- ]?(?:charged|charge|billed|billing|payment|debit)\b",
    r"\b(?:charged|billed)\s+(?:me\s+)?(?:two|2|three|3)\s+times\b",
    # a refund not received / still awaited
    rf"\b(?:pas|jamais|toujours pas|toujours rien|rien|aucun)\s+{_W}{{0,3}}(?:recu|eu|vu|touche)\s+{_W}{{0,3}}"
    r"(?:de\s+)?rembourse",
    rf"\brembourse\w*\s+{_W}{{0,5}}(?:pas|jamais|toujours pas|toujours rien)\s+{_W}{{0,2}}"
    r"(?:recu|arrive|eu|vu|effectue|fait|passe|tombe|verse)",
    rf"\b(?:attends?|attendons|j'attends|attente)\s+{_W}{{0,3}}(?:mon|le|un|du|votre|d'un)\s+rembourse",
    r"\b(?:toujours|jamais)\s+(?:pas\s+)?(?:ete\s+)?rembourse",
    rf"\b(?:no|never|not|haven't|have not|hasn't|has not|didn't|did not|still not|yet to)\s+{_W}{{0,3}}"
    r"(?:received|got|gotten|seen|had|get|receive)\s+(?:\S+\s+){0,2}refund",
    rf"\brefund\w*\s+{_W}{{0,5}}(?:not|never|still not|hasn't|has not|haven't|isn't|is not|wasn't)\s+{_W}{{0,2}}"
    r"(?:arrived|received|come|came|been|processed|shown|showed|appeared|gone)",
    rf"\b(?:waiting|waited|wait)\s+{_W}{{0,3}}(?:for\s+)?(?:my|a|the|your)\s+refund",
    r"\bstill\s+(?:no|waiting)\b.{0,25}\brefund",
    # a card or payment declined or refused
    rf"\b(?:carte|paiement|cb|virement|transaction)\s+{_W}{{0,2}}(?:a ete\s+|est\s+|etait\s+)?"
    r"(?:refusee?s?|rejetee?s?|declinee?s?|bloquee?s?)\b",
    rf"\b(?:card|payment|transaction)\s+{_W}{{0,2}}(?:was\s+|is\s+|got\s+|keeps\s+(?:getting\s+)?)?"
    r"(?:declined|rejected|refused|failed|failing|bounced)\b",
    # money taken for an order that did not go through
    r"\b(?:debite|preleve|paye)e?s?\b.{0,50}\b(?:pas|jamais|aucune?)\b.{0,25}\b(?:commande|colis|confirmation)\b",
    r"\b(?:charged|paid|debited|taken)\b.{0,50}\b(?:no|never|didn't|did not|without)\b.{0,25}"
    r"\b(?:order|confirmation|parcel|package|email)\b",
]

_ORDER = [
    # arrived broken, damaged, stained …
    r"\b(?:est|sont|etait|etaient|a ete|ont ete|arrive|arrivee|arrives|arrivees|recu|recue|recus|recues)\s+"
    r"(?:\S+\s+){0,2}(?:casse|brise|abime|endommage|fele|fissure|ebreche|dechire|tache|raye|cabosse"
    r"|defectueu)\w*",
    r"\b(?:arrive|recu|livre|colis|commande)\w*\s+(?:\S+\s+){0,2}avec\s+(?:un|une|des|deux|trois|le|la|les)\s+"
    r"(?:\S+\s+){0,2}(?:casse|brise|abime|endommage|fele|fissure|ebreche|dechire|tache|raye|cabosse)\w*",
    r"\b(?:arrived|came|received|delivered|got)\s+(?:\S+\s+){0,2}with\s+(?:a|an|two|three|some|the)\s+"
    r"(?:\S+\s+){0,1}(?:broken|damaged|cracked|chipped|shattered|torn|stained|dented)\b",
    r"\b(?:arrived|came|was|were|is|are|got it|received it|delivered)\s+(?:\S+\s+){0,2}(?:broken|damaged|cracked"
    r"|chipped|shattered|smashed|torn|ripped|stained|scratched|dented|crushed|faulty|defective|in pieces)\b",
    r"\b(?:broken|damaged|cracked|chipped|shattered|smashed|torn|stained|faulty|defective)\s+(?:\S+\s+)?"
    r"(?:on arrival|when it arrived|in the (?:box|parcel|package)|item|items|plate|plates|glass|glasses|vase|mug"
    r"|mugs|bowl|lamp|candle|throw|sheet|sheets)\b",
    # missing from the parcel, the wrong item
    r"\b(?:il manque|il me manque|manquant|manquante|manquants|manquantes|pas dans le colis|absent du colis)\b",
    r"\bmissing\s+(?:from|in)\s+(?:my|the|our)\s+(?:order|parcel|package|box|delivery)\b",
    r"\b(?!(?:what|anything|something|nothing|who|which|that|it)\b)\w+\s+(?:is|was|are|were)\s+missing\b(?!\s+from the "
    r"(?:catalogue|catalog|site|website|shop))",
    r"\bmissing\s+(?:item|items|piece|pieces|part|parts)\b",
    r"\b(?:wasn't|was not|weren't|were not|isn't|is not|aren't|are not)\s+in\s+(?:the|my)\s+"
    r"(?:box|parcel|package|order|delivery)\b",
    r"\b(?:mauvais|mauvaise|pas le bon|pas la bonne|pas les bons|pas les bonnes)\s+(?:\S+\s+)?"
    r"(?:article|produit|taille|couleur|coloris|modele|colis|commande|reference)\b",
    r"\b(?:erreur|erreurs)\s+(?:dans|sur)\s+(?:ma|la|notre)\s+commande\b",
    r"\bwrong\s+(?:\S+\s+)?(?:item|items|product|size|colour|color|model|order|parcel|package|thing)\b",
    r"\b(?:not|isn't|is not|wasn't|was not)\s+what i (?:ordered|bought|paid for)\b",
    # marked delivered but never received, lost
    r"\b(?:indique|marque|note|affiche|annonce)\w*\s+(?:\S+\s+){0,2}(?:comme\s+)?livre\w*\b.{0,40}"
    r"\b(?:pas|jamais|rien)\b",
    r"\blivre\w*\s+(?:\S+\s+){0,2}(?:mais|pourtant)\b.{0,30}\b(?:pas|jamais|rien)\b",
    r"\b(?:colis|commande|paquet)\s+(?:\S+\s+){0,2}(?:perdu|egare|vole)\w*\b",
    r"\b(?:says|said|shows|showed|marked|tracking says)\s+(?:\S+\s+){0,3}delivered\b.{0,40}"
    r"\b(?:not|never|didn't|did not|haven't|no)\b",
    r"\bdelivered\s+(?:\S+\s+){0,2}but\b.{0,30}\b(?:not|never|didn't|did not|haven't|no)\b",
    r"\b(?:parcel|package|order)\s+(?:\S+\s+){0,2}(?:was\s+|is\s+|got\s+|has been\s+)?(?:lost|stolen)\b",
]

_PAYMENT_RE = [re.compile(p) for p in _PAYMENT]
_ORDER_RE = [re.compile(p) for p in _ORDER]


def fold(text: str) -> str:
    """Lower case, accents removed, typographic apostrophes straightened, spaces collapsed."""
    decomposed = unicodedata.normalize("NFKD", text.lower().replace("’", "'").replace("œ", "oe"))
    return " ".join("".join(c for c in decomposed if not unicodedata.combining(c)).split())


def reported(text: str) -> list[str]:
    """The kinds of problem the message reports (``payment_problem``, ``order_problem_reported``), each with
    the words that show it: ``["payment_problem:debitee 2 fois"]``."""
    folded = fold(text)
    out = []
    for kind, patterns in ((PAYMENT, _PAYMENT_RE), (ORDER, _ORDER_RE)):
        for pattern in patterns:
            found = pattern.search(folded)
            if found:
                out.append(f"{kind}:{found.group(0).strip()[:60]}")
                break
    return out
