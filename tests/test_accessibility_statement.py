"""The accessibility statement (issue #27 item 4): docs/accessibility.md is generated from the same data the
/accessibility page shows, and its WCAG 2.1 AA table covers every level A and AA success criterion once."""

from __future__ import annotations

from tests.conftest import ROOT
from trainer.web.html import conformance

# WCAG 2.1: 30 level A and 20 level AA success criteria
WCAG21_A_AA = """1.1.1 1.2.1 1.2.2 1.2.3 1.2.4 1.2.5 1.3.1 1.3.2 1.3.3 1.3.4 1.3.5 1.4.1 1.4.2 1.4.3 1.4.4 1.4.5 1.4.10
1.4.11 1.4.12 1.4.13 2.1.1 2.1.2 2.1.4 2.2.1 2.2.2 2.3.1 2.4.1 2.4.2 2.4.3 2.4.4 2.4.5 2.4.6 2.4.7 2.5.1 2.5.2 2.5.3
2.5.4 3.1.1 3.1.2 3.2.1 3.2.2 3.2.3 3.2.4 3.3.1 3.3.2 3.3.3 3.3.4 4.1.1 4.1.2 4.1.3""".split()


def test_the_doc_is_the_generated_statement():
    doc = (ROOT / "docs" / "accessibility.md").read_text(encoding="utf-8")
    assert doc == conformance.as_markdown(), "run: python -m trainer.web.html.conformance > docs/accessibility.md"


def test_the_table_has_every_a_and_aa_criterion_once_with_a_status_and_remarks():
    numbers = [c.number for c in conformance.CRITERIA]
    assert numbers == WCAG21_A_AA
    levels = [c.level for c in conformance.CRITERIA]
    assert levels.count("A") == 30 and levels.count("AA") == 20
    statuses = {conformance.SUPPORTS, conformance.PARTIALLY, conformance.DOES_NOT, conformance.NOT_APPLICABLE}
    assert all(c.status in statuses and c.remarks.strip() for c in conformance.CRITERIA)


def test_the_statement_is_honest_about_the_terminal_and_the_timers():
    doc = conformance.as_markdown()
    assert "/terminal does not conform" in doc
    timing = next(c for c in conformance.CRITERIA if c.number == "2.2.1")
    assert timing.status == conformance.PARTIALLY and "supervisor" in timing.remarks
