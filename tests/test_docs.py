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
    assert "0 error(s), 0 warning(s)" in result.output


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
    missing = required - seen - {"choice.clears", "timeout.critical", "timeout.mood", "timeout.text",
                                 "when.mood_at_least", "when.not_flags", "ending.narration",
                                 "node.shuffle",
                                 "translation_of"}  # a translation needs its original: see 'Languages and translations'
    assert not missing, f"the documented example never shows: {sorted(missing)}"
    assert keys(Condition, "when.") & seen


def test_format_doc_lists_every_top_level_key():
    text = (ROOT / "docs" / "scenario-format.md").read_text(encoding="utf-8")
    for f in dataclasses.fields(Scenario):
        if "kind" in f.metadata:
            assert f"`{f.name}`" in text, f.name
