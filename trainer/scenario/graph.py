"""`trainer graph`: the scenario as a flow chart in Mermaid, Graphviz DOT or SVG."""

from __future__ import annotations

import shutil
import subprocess

from trainer.scenario.model import Scenario

OUTCOME_COLOURS = {"resolved": "#12b76a", "partial": "#f79009", "referred": "#2e90fa", "escalated": "#f79009",
                   "failed": "#f04438"}
INSTALL_HINT = ("Graphviz's `dot` program is needed for SVG. Install it with `sudo apt-get install graphviz` "
                "(Debian/Ubuntu), `brew install graphviz` (macOS) or `winget install graphviz` (Windows), or "
                "use --format mermaid or --format dot, which need nothing installed.")


class GraphvizMissing(RuntimeError):
    pass


def _edges(s: Scenario):
    """(source, target, label, total points, critical) for every choice and timeout."""
    for node in s.nodes.values():
        for number, choice in enumerate(node.choices, 1):
            yield node.id, choice.next, f"{number}. {choice.id}", sum(choice.points.values()), choice.critical
        if node.timeout is not None:
            t = node.timeout
            yield node.id, t.next, f"timeout {t.seconds:g}s", sum(t.points.values()), t.critical


def _colour(points: int, critical) -> str:
    if critical:
        return "#d92d20"
    return "#12b76a" if points > 0 else "#f04438" if points < 0 else "#98a2b3"


def _label(points: int) -> str:
    return f" ({points:+d})" if points else ""


def _mm(text: str) -> str:
    return text.replace('"', "#quot;").replace("\n", " ")


def to_mermaid(s: Scenario) -> str:
    ids = {ident: f"n{i}" for i, ident in enumerate(list(s.nodes) + list(s.endings))}
    lines = ["flowchart TD"]
    for node in s.nodes.values():
        timed = " ⏱" if node.timeout else ""
        lines.append(f'    {ids[node.id]}["{_mm(node.id)}{timed}"]')
    for ending in s.endings.values():
        lines.append(f'    {ids[ending.id]}(["{_mm(ending.id)}: {ending.outcome}"]):::{ending.outcome}')
    styles = []
    for i, (src, dst, label, points, critical) in enumerate(_edges(s)):
        text = ("⚠ CRITICAL " if critical else "") + label + _label(points)
        lines.append(f'    {ids[src]} -->|"{_mm(text)}"| {ids[dst]}')
        width = "3px" if critical else "1.5px"
        styles.append(f"    linkStyle {i} stroke:{_colour(points, critical)},stroke-width:{width}")
    lines.append(f"    style {ids[s.start]} stroke-width:3px")
    lines.extend(styles)
    for outcome, colour in OUTCOME_COLOURS.items():
        lines.append(f"    classDef {outcome} fill:{colour},color:#ffffff,stroke:{colour}")
    return "\n".join(lines) + "\n"


def _dot(text: str) -> str:
    return '"' + text.replace("\\", "\\\\").replace('"', '\\"').replace("\n", " ") + '"'


def to_dot(s: Scenario) -> str:
    lines = [f"digraph {_dot(s.id)} {{", "    rankdir=TB;", '    node [shape=box, style="rounded", fontname="Helvetica"];',
             '    edge [fontname="Helvetica", fontsize=10];', f"    label={_dot(s.title)};"]
    for node in s.nodes.values():
        extra = ", penwidth=3" if node.id == s.start else ""
        timed = " ⏱" if node.timeout else ""
        lines.append(f"    {_dot(node.id)} [label={_dot(node.id + timed)}{extra}];")
    for ending in s.endings.values():
        colour = OUTCOME_COLOURS.get(ending.outcome, "#667085")
        label = _dot(f"{ending.id} ({ending.outcome})")
        lines.append(f"    {_dot(ending.id)} [label={label}, shape=ellipse, "
                     f'style=filled, fillcolor="{colour}", fontcolor=white];')
    for src, dst, label, points, critical in _edges(s):
        text = ("CRITICAL " if critical else "") + label + _label(points)
        style = ", penwidth=2.5, style=bold" if critical else ""
        lines.append(f'    {_dot(src)} -> {_dot(dst)} [label={_dot(text)}, color="{_colour(points, critical)}"{style}];')
    lines.append("}")
    return "\n".join(lines) + "\n"


def to_svg(s: Scenario) -> str:
    dot = shutil.which("dot")
    if dot is None:
        raise GraphvizMissing(INSTALL_HINT)
    done = subprocess.run([dot, "-Tsvg"], input=to_dot(s), capture_output=True, text=True, timeout=60)
    if done.returncode != 0:
        raise GraphvizMissing(f"Graphviz failed: {done.stderr.strip()}")
    return done.stdout
