"""Messages that point an author at the real mistake: a misspelt skill, a node whose own name is the typo, a
mood condition no path can meet. Each test asserts the exact line a trainer reads."""

from __future__ import annotations

from hypothesis import given, settings, strategies as st

from trainer.scenario.lint import lint
from trainer.scenario.loader import check_file

SCENARIO = """\
title: Lost referral
category: scheduling
summary: A referral went missing.
character: {name: Rosa Delgado, mood: 40}
skills:
  empathy: {threshold: 70, description: Naming the worry about the specialist.}
nodes:
  greeting:
    says: I was told the referral was sent.
    choices:
      - {id: own-it, text: I'm sorry - let me find out where it is., next: checking, mood: 10, points: {empathy: 2, resolution: 1}, feedback: Owns it., tags: [HEARD:apologize]}
      - {id: deflect, text: The clinic sends those; you'd have to ask them., next: checking, mood: -10, points: {empathy: -1, resolution: -1}, feedback: Passes the problem on., tags: [HEARD:hear]}
  checking:
    says: So where is it?
    choices:
      - {id: found, text: It was sent to the wrong office; I'll resend it now., next: done, points: {resolution: 2, empathy: 1}, feedback: Resolves it., tags: [HEARD:resolve]}
      - {id: again, text: Could you call the clinic yourself and ask them?, next: gave-up, points: {resolution: -1}, feedback: Hands the work back., tags: [HEARD:resolve]}
endings:
  done: {outcome: resolved, summary: The referral is on its way.}
  gave-up: {outcome: partial, summary: Rosa has to chase it herself.}
"""


def diagnostics(write, text: str, severity: str) -> list[str]:
    path = write(text, "lost-referral.yaml")
    scenario, report = check_file(path)
    if scenario is not None:
        lint(scenario, report)
    return [d.format().replace(report.path, "FILE", 1) for d in report.sorted() if d.severity == severity]


def test_the_fixture_is_clean(write):
    assert diagnostics(write, SCENARIO, "error") == []


def test_misspelt_skill_under_skills_is_an_error_naming_the_scored_one(write):
    # today: a warning that the skill is unused, with a hint to add points for the typo; the description of
    # 'empathy' silently lost
    text = SCENARIO.replace("  empathy: {threshold: 70", "  empahty: {threshold: 70")
    assert diagnostics(write, text, "error") == [
        "FILE:6:3: error: skill 'empahty' under 'skills:' gets no points from any choice (did you mean 'empathy'?)\n"
        "  hint: rename it to 'empathy', the skill the choices score, so its settings apply to it"]


def test_a_declared_skill_nobody_scores_and_close_to_nothing_stays_a_warning(write):
    text = SCENARIO.replace("  empathy: {threshold: 70", "  teamwork: {threshold: 70")
    assert diagnostics(write, text, "error") == []
    assert any("no choice gives or takes points for skill 'teamwork'" in w for w in diagnostics(write, text, "warning"))


def test_typo_in_a_node_name_suggests_renaming_the_node(write):
    # two choices go to 'checking', the node is called 'cheking': suggesting 'cheking' to both would spread the typo
    text = SCENARIO.replace("  checking:\n", "  cheking:\n")
    assert diagnostics(write, text, "error") == [
        "FILE:13:3: error: node 'cheking' is never referenced; 2 choices go to 'checking', which does not exist: "
        "rename the node?\n"
        "  hint: rename 'cheking' to 'checking', or if 'checking' is the misspelling, change 'next:' on lines 11, 12 "
        "to 'cheking'"]


def test_typo_in_one_reference_still_suggests_the_node(write):
    text = SCENARIO.replace("next: gave-up", "next: gaveup")
    assert diagnostics(write, text, "error") == [
        "FILE:17:83: error: 'next' names 'gaveup', which is not a node or ending (did you mean 'gave-up'?)"]


def test_mood_condition_no_path_reaches_names_the_choice(write):
    # the mood starts at 40 and is 30, 40 or 50 at 'checking'; the scale allows 80, no path gets there
    text = SCENARIO.replace(
        "      - {id: again,",
        "      - {id: thank, text: Thank you for your patience - it's on its way today., next: done, "
        "when: {mood_at_least: 80}, points: {empathy: 1}, feedback: Warm close., tags: [HEARD:thank]}\n"
        "      - {id: again,")
    warnings = [w for w in diagnostics(write, text, "warning") if "never offered" in w]
    assert warnings == [
        "FILE:17:99: warning: choice 'thank' in node 'checking' is never offered: it needs mood at least 80, and on "
        "every path the mood at 'checking' is between 30 and 50\n"
        "  hint: change the condition, or the mood changes of the choices that lead here"]


def test_mood_condition_some_path_reaches_is_fine(write):
    text = SCENARIO.replace(
        "      - {id: again,",
        "      - {id: thank, text: Thank you for your patience - it's on its way today., next: done, "
        "when: {mood_at_least: 50}, points: {empathy: 1}, feedback: Warm close., tags: [HEARD:thank]}\n"
        "      - {id: again,")
    assert not [w for w in diagnostics(write, text, "warning") if "never offered" in w]


FIRST_ALWAYS_BEST = """\
title: First is best
category: billing
summary: The best answer is always listed first.
character: {name: Ana Ruiz}
nodes:
  one:
    says: Hello.
    choices:
      - {id: good, text: "A kind answer that helps", next: two, points: {empathy: 2}, feedback: Good., tags: [a]}
      - {id: poor, text: "A curt answer that helps less", next: two, points: {empathy: -1}, feedback: No., tags: [a]}
  two:
    says: And then?
    choices:
      - {id: good2, text: "Another kind answer here", next: done, points: {resolution: 2}, feedback: Good., tags: [a]}
      - {id: poor2, text: "Another curt answer there", next: done, points: {resolution: -1}, feedback: No., tags: [a]}
endings:
  done: {outcome: resolved, summary: Done.}
"""


def test_no_advice_about_file_position_when_the_choices_are_shuffled(write):
    """Every attempt shows a shuffled node's choices in its own order: 'always the first' is no strategy
    a trainee can use there, so there is nothing to vary in the file."""
    from trainer.scenario.lint import lint

    scenario, report = check_file(write(FIRST_ALWAYS_BEST))
    lint(scenario, report)
    assert not [d for d in report.diagnostics if "first answer" in d.message or "vary where" in d.hint]


def test_position_advice_names_the_nodes_that_keep_file_order(write):
    from trainer.scenario.lint import lint

    scenario, report = check_file(write(FIRST_ALWAYS_BEST.replace("  two:\n", "  two:\n    shuffle: false\n")))
    lint(scenario, report)
    found = [d for d in report.diagnostics if "first answer" in d.message]
    assert found and "shuffle: false" in found[0].hint and found[0].hint.endswith(": two")


def test_a_choice_is_named_by_its_id_never_by_its_position(write):
    text = FIRST_ALWAYS_BEST.replace('      - {id: poor, text: "A curt answer that helps less", next: two,',
                                     '      - {text: "A curt answer that helps less", nxt: two,')
    text = text.replace("{id: good2,", "{id: good2, moood: 1,")
    found = [d.format() for d in check_file(write(text))[1].errors]
    assert not [f for f in found if "choices[" in f]
    assert any("choice 'c2' is missing required key 'next'" in f for f in found)
    assert any("unknown key 'moood' in choice 'good2'" in f for f in found)


def test_a_file_in_another_language_than_its_language_key_is_warned(tmp_path):
    """A Spanish file with no `language:` (English by default) is named as Spanish, and the other way round;
    the bundled library, a Portuguese-speaking interpreter scene included, is left alone."""
    from pathlib import Path

    root = Path(__file__).resolve().parent.parent / "scenarios"
    spanish = (root / "es" / "espera-de-dos-horas.yaml").read_text(encoding="utf-8")
    untagged = tmp_path / "espera.yaml"
    untagged.write_text("\n".join(l for l in spanish.splitlines() if not l.startswith(("language:", "translation_of:"))),
                        encoding="utf-8")
    scenario, report = check_file(untagged)
    lint(scenario, report)
    found = [d.format() for d in report.warnings if d.code == "language"]
    assert found == [f"{report.path}:1:1: warning: the text looks written in Spanish (es), but it has no "
                     "'language:', so it is taken as English (en)\n"
                     "  hint: if it is, write 'language: es' at the top (a translation also needs 'translation_of:')"]
    english = (root / "waiting-room-delay.yaml").read_text(encoding="utf-8")
    mislabelled = tmp_path / "waiting.yaml"
    mislabelled.write_text(english.replace("\ntitle:", "\nlanguage: es\ntitle:", 1), encoding="utf-8")
    scenario, report = check_file(mislabelled)
    lint(scenario, report)
    assert any("looks written in English (en), but its language is Spanish (es)" in d.message
               for d in report.warnings if d.code == "language")
    for path in sorted(root.glob("*.yaml")) + sorted((root / "es").glob("*.yaml")):
        scenario, report = check_file(path)
        lint(scenario, report)
        assert not [d for d in report.warnings if d.code == "language"], path


@settings(max_examples=300, deadline=None)
@given(st.lists(st.sampled_from([*"the que don't it's qué está usted ¿¡—…12_\u00a0\u2028\t\n'’ÉÍİKß",
                                   "The", "que", "don't", "I'm", "USTED", "ı"]), max_size=60).map("".join))
def test_the_language_check_counts_every_word_the_word_pattern_finds(text):
    """The language check cuts a scenario's text into pieces at ASCII separators before matching words (for
    speed); the common words it counts are still exactly those the word pattern finds in the whole text."""
    from collections import Counter

    from trainer.scenario.detect import _LANGUAGES_OF, _WORD, STOPWORDS, common_words

    expected = dict.fromkeys(STOPWORDS, 0)
    for word, times in Counter(_WORD.findall(text.lower().replace("’", "'"))).items():
        for code in _LANGUAGES_OF.get(word, ()):
            expected[code] += times
    assert common_words(text) == expected
