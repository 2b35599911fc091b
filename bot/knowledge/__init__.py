"""The brand's structured facts and what fans' messages say about them.

* :mod:`bot.knowledge.facts` — delivery zones, boutiques and their hours, public holidays (``brand.yml``);
* :mod:`bot.knowledge.mentions` — the country, boutique, day or date a message names;
* :mod:`bot.knowledge.sentences` — answers built from those facts, in French and English.
"""

from bot.knowledge.facts import Boutique, Knowledge, Zone, load_knowledge
from bot.knowledge.mentions import Mentions, find

__all__ = ["Boutique", "Knowledge", "Mentions", "Zone", "find", "load_knowledge"]
