"""Authoring commands: new, graph (parsed structurally), analyze --random."""

from __future__ import annotations

import json
import re
import shutil

import pytest

from tests.conftest import doc_example
from trainer.cli import cli


@pytest.fixture
def example(write):
    return write(doc_example(), "spouse.yaml")


def test_new_writes_a_starter_that_validates_strictly_and_plays(runner, tmp_path):
    result = runner.invoke(cli, ["new", "billing-dispute", "--category", "billing", "--dir", str(tmp_path / "mine")])
    assert result.exit_code == 0, result.output
    path = tmp_path / "mine" / "billing-dispute.yaml"
    text = path.read_text()
    assert text.startswith("# yaml-language-server: $schema=scenario.schema.json")
    assert (tmp_path / "mine" / "scenario.schema.json").exists()
    assert "category: billing" in text and text.count("#") > 5  # commented for a first-time author
    assert runner.invoke(cli, ["validate", "--strict", str(path)]).exit_code == 0
    data = json.loads(runner.invoke(cli, ["analyze", str(path), "--format", "json"]).output)
    assert data["best"]["passed"] and not data["worst"]["passed"] and not data["pass_with_critical_error"]


def test_new_refuses_to_overwrite_and_bad_slugs(runner, tmp_path):
    args = ["new", "x1", "--category", "privacy", "--dir", str(tmp_path)]
    assert runner.invoke(cli, args).exit_code == 0
    again = runner.invoke(cli, args)
    assert again.exit_code == 1 and "already exists" in again.output
    assert runner.invoke(cli, ["new", "bad name", "--category", "privacy"]).exit_code == 2
    assert runner.invoke(cli, ["new", "ok", "--category", "nonsense"]).exit_code == 2


def parse_mermaid(text: str):
    nodes, edges, classes = {}, [], {}
    for line in text.splitlines()[1:]:
        line = line.strip()
        if m := re.fullmatch(r'(\w+)\["(.+?)"\]', line):
            nodes[m[1]] = ("node", m[2])
        elif m := re.fullmatch(r'(\w+)\(\["(.+?)"\]\):::(\w+)', line):
            nodes[m[1]] = ("ending", m[2])
            classes[m[1]] = m[3]
        elif m := re.fullmatch(r'(\w+) -->\|"(.+?)"\| (\w+)', line):
            edges.append((m[1], m[2], m[3]))
    return nodes, edges, classes


def test_graph_mermaid_structure(runner, example):
    text = runner.invoke(cli, ["graph", str(example)]).output
    assert text.startswith("flowchart TD")
    nodes, edges, classes = parse_mermaid(text)
    names = {label.split(":")[0].replace(" ⏱", ""): key for key, (_, label) in nodes.items()}
    assert set(names) == {"opening", "verify", "not-on-file", "resolved-well", "caller-hangs-up", "disclosed"}
    assert classes[names["disclosed"]] == "failed" and classes[names["resolved-well"]] == "resolved"
    assert len(edges) == 9  # 8 choices + 1 timeout
    critical = [label for _, label, _ in edges if "CRITICAL" in label]
    assert len(critical) == 2
    assert (names["not-on-file"], "timeout 45s<br>de-escalation -1", names["caller-hangs-up"]) in edges
    # by id, with the condition and the points skill by skill (not summed)
    assert (names["not-on-file"], "offer-route<br>if checked<br>empathy +2, de-escalation +1, resolution +2, "
            "teach-back +1", names["resolved-well"]) in edges
    assert (names["not-on-file"], "policy-wall<br>if mood < 70<br>empathy -2, de-escalation -2",
            names["caller-hangs-up"]) in edges
    assert "%% edges: the choice's id (attempts show choices in their own order)" in text
    assert sum(line.strip().startswith("linkStyle") for line in text.splitlines()) == 9


def parse_dot(text: str):
    nodes = dict(re.findall(r'^\s+"([^"]+)" \[label="[^"]*"(.*?)\];$', text, re.M))
    edges = re.findall(r'^\s+"([^"]+)" -> "([^"]+)" \[label="([^"]*)", color="(#[0-9a-f]{6})"', text, re.M)
    return nodes, edges


def test_graph_dot_structure(runner, example):
    text = runner.invoke(cli, ["graph", str(example), "--format", "dot"]).output
    assert text.startswith('digraph "spouse" {') and text.rstrip().endswith("}")
    nodes, edges = parse_dot(text)
    assert "shape=ellipse" in nodes["disclosed"] and "#f04438" in nodes["disclosed"]
    assert "penwidth=3" in nodes["opening"]  # the start node stands out
    by_label = {label: (src, dst, colour) for src, dst, label, colour in edges}
    assert by_label[r"warm-opening\nempathy +1"] == ("opening", "verify", "#12b76a")
    assert by_label[r"policy-wall\nif mood < 70\nempathy -2, de-escalation -2"] == (
        "not-on-file", "caller-hangs-up", "#f04438")
    assert by_label[r"offer-route\nif checked\nempathy +2, de-escalation +1, resolution +2, teach-back +1"][1] == (
        "resolved-well")
    assert by_label[r"open-his-file\nempathy +1, privacy -1"][2] == "#f79009"  # a gain and a loss: not summed to 0
    assert by_label[r"CRITICAL read-results\nprivacy -5"][1] == "disclosed"
    assert by_label["explain-again"] == ("not-on-file", "not-on-file", "#98a2b3")
    assert r"edges: the choice's id (attempts show choices in their own order), its 'when:' condition" in text


def test_graph_shows_every_kind_of_condition(runner, write):
    text = (doc_example().replace("when: {flags: [checked]}", "when: {flags: [checked], not_flags: [warned], "
                                  "mood_at_least: 20}"))
    out = runner.invoke(cli, ["graph", str(write(text, "spouse.yaml")), "--format", "dot"]).output
    assert r'[label="offer-route\nif mood ≥ 20, checked, not warned\nempathy +2' in out


def test_graph_svg_without_graphviz_says_how_to_install(runner, example, monkeypatch):
    monkeypatch.setattr(shutil, "which", lambda name: None)
    result = runner.invoke(cli, ["graph", str(example), "--format", "svg"])
    assert result.exit_code == 1 and "apt-get install graphviz" in result.output and "Traceback" not in result.output


@pytest.mark.skipif(shutil.which("dot") is None, reason="Graphviz not installed")
def test_graph_svg_with_graphviz(runner, example):
    assert "<svg" in runner.invoke(cli, ["graph", str(example), "--format", "svg"]).output


def test_analyze_random_is_seeded_and_reports_coverage(runner, example):
    args = ["analyze", str(example), "--random", "300", "--seed", "4", "--format", "json"]
    first = json.loads(runner.invoke(cli, args).output)["random"]
    second = json.loads(runner.invoke(cli, args).output)["random"]
    assert first == second
    assert first["node_coverage"] == 100.0 and first["choice_coverage"] == 100.0
    assert sum(first["endings"].values()) + first["unfinished"] == 300
    assert sum(b["count"] for b in first["score_histogram"]) == sum(first["endings"].values())
    text = runner.invoke(cli, ["analyze", str(example), "--random", "50", "--seed", "1"]).output
    assert "score distribution:" in text and "coverage: nodes" in text
