"""``relais proofread``: a text checked as a draft is, what blocks and what is advice, and the exit status."""

import io
import json

from bot.proofreading.command import proofread
from bot.tools import cli


def test_blocking_and_advice_are_printed_and_a_mistake_exits_1(shipped):
    out = io.StringIO()
    status = proofread("c'est pas grave, votre colis est deja parti.", "fr", proofreader=shipped, out=out)
    lines = out.getvalue().splitlines()
    assert status == 1
    assert lines[0] == "after safe fixes: C’est pas grave, votre colis est deja parti."
    assert lines[1].startswith("advice") and lines[2].startswith("blocking") and "⟦deja⟧" in lines[2]
    assert lines[2].endswith("→ déjà") and lines[-1] == "1 blocking, 1 advice (hunspell+grammalecte)"


def test_advice_alone_exits_0(shipped):
    assert proofread("C’est pas grave, on s’en occupe.", "fr", proofreader=shipped, out=io.StringIO()) == 0
    assert proofread("Thank you, Julie!", "en", "Julie", proofreader=shipped, out=io.StringIO()) == 0


def test_the_command_line_prints_the_problems_as_the_queue_stores_them(capsys):
    assert cli.main(["proofread", "--json", "--first-name", "Ysaline", "Merci", "Ysaline", "pour", "votre",
                     "mesage."]) == 1
    printed = json.loads(capsys.readouterr().out)
    [issue] = printed["issues"]
    assert printed["text"] == "Merci Ysaline pour votre mesage."
    assert (issue["word"], issue["severity"], issue["suggestions"][0]) == ("mesage", "blocking", "message")
