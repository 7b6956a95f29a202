"""The documentation's examples are real: the complete example validates cleanly and plays."""

from __future__ import annotations

from tests.conftest import ROOT, doc_example
from trainer.cli import cli
from trainer.scenario.model import Scenario, Choice, Node, Ending, Timeout, Condition
import dataclasses


def test_complete_example_validates_strictly(runner, write):
    path = write(doc_example(), "example.yaml")
    result = runner.invoke(cli, ["validate", "--strict", str(path)])
    assert result.exit_code == 0, result.output
    assert "0 errors, 0 warnings" in result.output


def test_complete_example_uses_every_key_of_the_format():
    import yaml

    data = yaml.safe_load(doc_example())
    seen = set(data)
    for node in data["nodes"].values():
        seen |= {f"node.{k}" for k in node}
        for choice in node.get("choices", []):
            seen |= {f"choice.{k}" for k in choice}
            seen |= {f"when.{k}" for k in choice.get("when", {})}
        seen |= {f"timeout.{k}" for k in node.get("timeout", {})}
    for ending in data["endings"].values():
        seen |= {f"ending.{k}" for k in ending}

    def keys(cls, prefix=""):
        return {prefix + f.name for f in dataclasses.fields(cls) if "kind" in f.metadata}

    required = (keys(Scenario) | keys(Node, "node.") | keys(Choice, "choice.") | keys(Ending, "ending.")
                | keys(Timeout, "timeout."))
    missing = required - seen - {"characters",  # one file has `character` or `characters`: the second is
                                 # shown in "Several characters", and test_doc_scene_snippets_load loads it
                                 "choice.clears", "timeout.critical", "timeout.mood", "timeout.text",
                                 "when.mood_at_least", "when.not_flags", "ending.narration",
                                 "node.shuffle",
                                 "translation_of",  # a translation needs its original: see 'Languages and translations'
                                 "form_of"}  # so does a form: see 'Parallel forms'
    assert not missing, f"the documented example never shows: {sorted(missing)}"
    assert keys(Condition, "when.") & seen


def test_format_doc_lists_every_top_level_key():
    text = (ROOT / "docs" / "scenario-format.md").read_text(encoding="utf-8")
    for f in dataclasses.fields(Scenario):
        if "kind" in f.metadata:
            assert f"`{f.name}`" in text, f.name


def _section_yaml(heading: str) -> list[str]:
    text = (ROOT / "docs" / "scenario-format.md").read_text(encoding="utf-8")
    section = text.split(heading, 1)[1].split("\n### ", 1)[0]
    import re

    return re.findall(r"```yaml\n(.*?)```", section, re.S)


def test_doc_scene_snippets_load(write):
    """The documented `characters:` block and `says` list, put into a scenario, load and say what the
    documentation says they say."""
    import textwrap

    from trainer.play.engine import compiled_for
    from trainer.scenario.loader import check_file

    characters = _section_yaml("### Several characters")[0]
    says = _section_yaml("### Lines: who says what, and when")[0]
    text = ("title: T\ncategory: team-care\nsummary: S\n" + characters + "nodes:\n  start:\n"
            "    says: Hello.\n    choices:\n"
            "      - {id: promise, text: This week., next: update, sets: [promised], points: {resolution: 1}}\n"
            "      - {id: ring, text: I'll ring them., next: update, sets: [called-brightwater]}\n"
            "      - {id: wait, text: Let me see., next: update}\n"
            "  update:\n" + textwrap.indent(says, "    ") +
            "    choices: [{id: done, text: Done., next: end}]\nendings:\n  end: {outcome: resolved, summary: S}\n")
    scenario, report = check_file(write(text))
    assert scenario is not None, [d.format() for d in report.diagnostics]
    assert scenario.character.id == "tomas" and scenario.character.mood == 30
    heard = {}
    for choice in ("promise", "ring", "wait"):
        session = compiled_for(scenario).start()
        session.choose_id(choice)
        heard[choice] = session.said()
    assert heard["promise"][0] == "" and heard["promise"][1].startswith("This week, you said.")
    assert heard["ring"] == ("jen", "Brightwater referrals, this is Jen. If it's a missing referral, we log every "
                                    "fax we get.")
    assert heard["wait"] == ("", "So? When am I seeing them?")  # mood 30 is in the default bands' 'angry'
