"""YAML syntax errors read as plain words with the fix: the exact line a trainer sees for each common mistake."""

from __future__ import annotations


import pytest

from trainer.scenario.loader import check_file

STOPPED = "; reading stopped here: the rest of the file is checked once this is fixed"

HEAD = """\
title: Lost referral
category: scheduling
summary: A referral went missing.
character: {name: Rosa Delgado}
nodes:
  start:
    says: I was told the referral was sent.
    choices:
"""
END = """\
endings:
  done: {outcome: resolved, summary: Sorted.}
"""


def only_error(write, body: str) -> str:
    path = write(HEAD + body + END, "lost-referral.yaml")
    scenario, report = check_file(path)
    assert scenario is None
    found = [d.format() for d in report.sorted() if d.severity == "error"]
    assert len(found) == 1, found
    return found[0].replace(report.path, "FILE", 1)


def test_unquoted_colon_in_feedback_says_to_quote_it(write):
    # the repro: today "mapping values are not allowed in this context"
    msg = only_error(write, """\
      - text: Let me look into that for you right now.
        feedback: Good (HEARD: resolve)
        next: done
""")
    assert msg == ("FILE:10:30: error: YAML syntax: the text after 'feedback:' contains ': ', which YAML reads as "
                   "the start of another key\n"
                   "  hint: put the text in quotes: feedback: \"Good (HEARD: resolve)\"" + STOPPED)


def test_misplaced_list_item_is_shown_against_the_item_above(write):
    # the repro: today "did not find expected '-' indicator"
    msg = only_error(write, """\
      - text: Let me look into that for you right now.
        next: done
       - text: Referrals take a while.
        next: done
""")
    assert msg == ("FILE:11:8: error: YAML syntax: this line is indented 7 spaces but the list item on line 9 is "
                   "indented 6: list items under 'choices:' line up\n"
                   "  hint: indent it 6 spaces, like line 9" + STOPPED)


def test_list_item_indented_too_little(write):
    msg = only_error(write, """\
      - text: Let me look into that for you right now.
        next: done
     - text: Referrals take a while.
       next: done
""")
    assert msg == ("FILE:11:6: error: YAML syntax: this line is indented 5 spaces but the list item on line 9 is "
                   "indented 6: list items under 'choices:' line up\n"
                   "  hint: indent it 6 spaces, like line 9" + STOPPED)


def test_key_of_a_list_item_at_the_dash(write):
    msg = only_error(write, """\
      - text: Let me look into that for you right now.
      next: done
""")
    assert msg == ("FILE:10:7: error: YAML syntax: this line is indented 6 spaces and does not start with '- ', so "
                   "it is neither a new item of the list under 'choices:' nor part of the item on line 9\n"
                   "  hint: indent it 8 spaces like 'text:' on line 9 to make it part of that item, or start it "
                   "with '- ' to make it a new item" + STOPPED)


def test_key_indented_deeper_than_the_one_above(write):
    msg = only_error(write, """\
      - text: Let me look into that for you right now.
          next: done
""")
    assert msg == ("FILE:10:15: error: YAML syntax: this line is indented 10 spaces but 'text:' on the line above "
                   "starts 8 spaces in, so YAML reads it as more of the text of 'text'\n"
                   "  hint: indent it 8 spaces like 'text:'; if it really goes on with that text, put the whole "
                   "text in quotes" + STOPPED)


def test_key_indented_less_than_its_neighbours(write):
    path = write("title: T\ncategory: billing\nnodes:\n  start:\n    says: Hello.\n   narration: A quiet desk.\n")
    msg = check_file(path)[1].errors[0].format()
    assert msg.endswith(":6:4: error: YAML syntax: this line is indented 3 spaces but the line above is indented 4: "
                        "the keys of one mapping line up\n"
                        "  hint: indent it 4 spaces like the line above, or 2 spaces like 'start:' on line 4"
                        + STOPPED)


def test_tab_indentation(write):
    msg = only_error(write, """\
      - text: Let me look into that for you right now.
      \tnext: done
""")
    assert msg == ("FILE:10:7: error: YAML syntax: this line is indented with a tab, and YAML only accepts spaces\n"
                   "  hint: replace the tab with spaces (most editors can insert spaces when Tab is pressed)"
                   + STOPPED)


@pytest.mark.parametrize("text, what", [
    ("@home visit booked", "a reserved character"),
    ("`urgent` referral", "a reserved character"),
    ("% of the fee", "a directive"),
    ("[sighs] Fine.", "a list"),
    ("{name} is here", "a mapping"),
    ("- not that again", "a list item"),
    ("| see below", "a block of text"),
    ("& another thing", "an anchor"),
])
def test_text_starting_with_a_special_character_must_be_quoted(write, text, what):
    msg = only_error(write, f"""\
      - text: {text}
        next: done
""")
    assert msg == (f"FILE:9:15: error: YAML syntax: text starting with '{text[0]}' must be in quotes (YAML reads "
                   f"'{text[0]}' as {what})\n"
                   f"  hint: put the text in quotes: - text: \"{text}\"" + STOPPED)


def test_undefined_alias_or_text_starting_with_a_star(write):
    msg = only_error(write, """\
      - text: *sorry
        next: done
""")
    assert msg == ("FILE:9:15: error: YAML syntax: '*sorry' refers to an anchor '&sorry' that is not defined "
                   "above it\n"
                   "  hint: define '&sorry' before this line; if this is text, put it in quotes: - text: \"*sorry\""
                   + STOPPED)


def test_apostrophe_inside_single_quotes(write):
    msg = only_error(write, """\
      - text: 'I don't have it'
        next: done
""")
    assert msg == ("FILE:9:22: error: YAML syntax: the text after 'text:' goes on after its closing quote (')\n"
                   "  hint: use the other quotes around the whole text: - text: \"I don't have it\"" + STOPPED)


def test_quote_never_closed(write):
    msg = only_error(write, """\
      - text: "I can check that
        next: done
""")
    assert msg == ('FILE:9:15: error: YAML syntax: the quote (") that starts this text is never closed\n'
                   '  hint: end the text with "' + STOPPED)


def test_colon_inside_a_flow_mapping(write):
    msg = only_error(write, """\
      - {id: check, text: Sure: one moment, next: done}
""")
    assert msg == ("FILE:9:31: error: YAML syntax: the text after 'text:' inside {…} contains ': ', which YAML "
                   "reads as the start of another key\n"
                   "  hint: put that text in quotes: text: \"Sure: one moment\"" + STOPPED)


def test_unclosed_bracket(write):
    path = write("title: [Lost referral\ncategory: billing\n")
    msg = check_file(path)[1].errors[0].format()
    assert msg.endswith(":1:8: error: YAML syntax: the '[' here starts a list that is never closed with ']'\n"
                        "  hint: close it with ']'; if it is text, put it in quotes: title: \"[Lost referral\""
                        + STOPPED)


def test_key_without_its_colon(write):
    path = write("title: Lost referral\nsummary\ncategory: billing\n")
    msg = check_file(path)[1].errors[0].format()
    assert msg.endswith(":2:1: error: YAML syntax: this line has no ':' after its key\n"
                        "  hint: add a ':' after 'summary', e.g. summary: …, or join the line to the text above it"
                        + STOPPED)


def test_duplicate_key(write):
    path = write("title: Lost referral\ncategory: billing\ntitle: Again\n")
    found = [d.format() for d in check_file(path)[1].errors if "duplicate" in d.message]
    assert found[0].endswith(":3:1: error: duplicate key 'title' (first defined at line 1)\n"
                             "  hint: a key can appear only once here: remove or rename one of them")


def test_quoted_form_keeps_double_quotes_inside(write):
    msg = only_error(write, """\
      - text: Sure.
        feedback: Good: you said "we" not "they"
        next: done
""")
    assert msg.endswith("hint: put the text in quotes: feedback: 'Good: you said \"we\" not \"they\"'" + STOPPED)


def test_every_mangled_line_gets_a_located_plain_message(write):
    """Break lines of a bundled scenario the ways people do (a stray ': ', a tab, a special character, an
    indent off by one): each gives one located error that names the fix, never a traceback."""
    import random

    from conftest import ROOT

    source = (ROOT / "scenarios" / "spouse-wants-results.yaml").read_text(encoding="utf-8").split("\n")
    rng = random.Random(17)
    mangled = 0
    for _ in range(300):
        lines = list(source)
        k = rng.randrange(1, len(lines))
        line, pos = lines[k], rng.randrange(len(lines[k]) + 1)
        lines[k] = rng.choice([line[:pos] + ": " + line[pos:], " " + line, line[1:], "\t" + line,
                               line[:pos] + rng.choice("[]{}&*|>'\"%@`?-") + line[pos:]])
        scenario, report = check_file(write("\n".join(lines), "spouse-wants-results.yaml"))
        syntax = [d for d in report.errors if d.code == "yaml"]
        if syntax:
            mangled += 1
            assert len(syntax) == 1 and syntax[0].loc.line >= 1 and syntax[0].hint.endswith(STOPPED[2:])
    assert mangled > 100


def test_comma_inside_a_flow_mapping_is_explained(write):
    path = write(HEAD + "      - {id: ask, text: Hello, how can I help, next: done}\n" + END, "lost-referral.yaml")
    scenario, report = check_file(path)
    assert scenario is None
    assert [d.format().replace(report.path, "FILE", 1) for d in report.errors] == [
        "FILE:9:32: error: unknown key 'how can I help' in choice 'ask': a comma inside {…} ends the text of 'text', "
        "so YAML reads the rest as a key\n"
        "  hint: put the text in quotes: text: \"Hello, how can I help\""]


def test_an_unknown_key_close_to_a_real_one_still_gets_a_did_you_mean(write):
    path = write(HEAD + "      - {id: ask, text: Hello, nxt: done}\n" + END, "lost-referral.yaml")
    found = [d.format() for d in check_file(path)[1].errors]
    assert any("unknown key 'nxt' in choice 'ask' (did you mean 'next'?)" in f for f in found)
