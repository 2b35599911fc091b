"""``relais proofread``: a text checked as a draft would be, from the command line.

The text (an argument, or standard input) goes through the shipped
proofreader — safe fixes, the current brand's words accepted, the fan's first
name if given — and what is left is printed, one problem a line: whether it
**blocks** (a mistake: a draft with it is held) or is **advice** (shown, no
reason on its own to hold a draft), the word in context, the message and the
suggestions. ``--json`` prints the problems as the CM queue stores them. The
exit status is 1 when a problem blocks, 0 otherwise, so a script can
proofread a text before putting it in ``brand.yml``.
"""

from __future__ import annotations

import json
import sys
from typing import TextIO


def proofread(text: str, language: str, first_name: str | None = None, *, as_json: bool = False,
              proofreader=None, out: TextIO | None = None) -> int:
    """Print what the proofreader finds in ``text``; 1 when something blocks, else 0."""
    from bot.proofreading.service import Proofreader

    proofreader = proofreader or Proofreader.from_env()
    out = out or sys.stdout
    checked = proofreader.check_sync(text, language, first_name)
    if as_json:
        json.dump({"text": checked.text, "backend": checked.backend,
                   "issues": [i.as_dict(checked.text) for i in checked.issues]}, out, ensure_ascii=False, indent=2)
        out.write("\n")
    else:
        if checked.text != text:
            out.write(f"after safe fixes: {checked.text}\n")
        for issue in checked.issues:
            severity = "blocking" if issue.blocking else "advice"
            hint = f" → {', '.join(issue.suggestions[:3])}" if issue.suggestions else ""
            out.write(f"{severity:<8}  {issue.marked(checked.text)}  {issue.message}{hint}\n")
        out.write(f"{len(checked.blocking)} blocking, {len(checked.advice)} advice ({checked.backend})\n")
    return 1 if checked.blocking else 0
