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


LEGEND = ("edges: the choice's id (attempts show choices in their own order), its 'when:' condition, "
          "and its points per skill")


def _condition(when) -> str:
    """A choice's `when:` in a few words: 'if mood ≥ 60, verified, not warned'."""
    if when is None:
        return ""
    parts = []
    if when.mood_at_least is not None:
        parts.append(f"mood ≥ {when.mood_at_least}")
    if when.mood_below is not None:
        parts.append(f"mood < {when.mood_below}")
    parts.extend(when.flags)
    parts.extend(f"not {flag}" for flag in when.not_flags)
    return "if " + ", ".join(parts)


def _points(s: Scenario, points) -> str:
    """Points skill by skill in the scenario's skill order, never summed: 'empathy +2, privacy -1'."""
    order = list(s.skills)
    items = sorted((k for k, v in points.items() if v), key=lambda k: order.index(k) if k in order else len(order))
    return ", ".join(f"{k} {points[k]:+d}" for k in items)


def _edges(s: Scenario):
    """(source, target, label lines, points, critical) for every choice and timeout."""
    for node in s.nodes.values():
        options = list(node.choices) + ([node.timeout] if node.timeout is not None else [])
        for option in options:
            name = f"timeout {option.seconds:g}s" if option is node.timeout else option.id
            lines = [("CRITICAL " if option.critical else "") + name, _condition(option.when),
                     _points(s, option.points)]
            yield node.id, option.next, [line for line in lines if line], option.points, option.critical


def _colour(points, critical) -> str:
    """Red for a critical error; otherwise green for gains only, red for losses only, amber for both."""
    if critical:
        return "#d92d20"
    gains, losses = any(v > 0 for v in points.values()), any(v < 0 for v in points.values())
    return "#f79009" if gains and losses else "#12b76a" if gains else "#f04438" if losses else "#98a2b3"


def _mm(text: str) -> str:
    return text.replace('"', "#quot;").replace("\n", " ")


def to_mermaid(s: Scenario) -> str:
    ids = {ident: f"n{i}" for i, ident in enumerate(list(s.nodes) + list(s.endings))}
    lines = ["flowchart TD", f"    %% {LEGEND}"]
    for node in s.nodes.values():
        timed = " ⏱" if node.timeout else ""
        lines.append(f'    {ids[node.id]}["{_mm(node.id)}{timed}"]')
    for ending in s.endings.values():
        lines.append(f'    {ids[ending.id]}(["{_mm(ending.id)}: {ending.outcome}"]):::{ending.outcome}')
    styles = []
    for i, (src, dst, label, points, critical) in enumerate(_edges(s)):
        text = "<br>".join(_mm(part) for part in label)
        lines.append(f'    {ids[src]} -->|"{"⚠ " if critical else ""}{text}"| {ids[dst]}')
        width = "3px" if critical else "1.5px"
        styles.append(f"    linkStyle {i} stroke:{_colour(points, critical)},stroke-width:{width}")
    lines.append(f"    style {ids[s.start]} stroke-width:3px")
    lines.extend(styles)
    for outcome, colour in OUTCOME_COLOURS.items():
        lines.append(f"    classDef {outcome} fill:{colour},color:#ffffff,stroke:{colour}")
    return "\n".join(lines) + "\n"


def _dot(text: str) -> str:
    return '"' + text.replace("\\", "\\\\").replace('"', '\\"').replace("\n", " ") + '"'


def _dot_lines(parts) -> str:
    """A DOT string with a line break between the parts."""
    return '"' + "\\n".join(_dot(part)[1:-1] for part in parts) + '"'


def to_dot(s: Scenario) -> str:
    lines = [f"digraph {_dot(s.id)} {{", "    rankdir=TB;", '    node [shape=box, style="rounded", fontname="Helvetica"];',
             '    edge [fontname="Helvetica", fontsize=10];', f"    label={_dot_lines([s.title, LEGEND])};"]
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
        text = _dot_lines(label)  # one line each: id, condition, points
        style = ", penwidth=2.5, style=bold" if critical else ""
        lines.append(f'    {_dot(src)} -> {_dot(dst)} [label={text}, color="{_colour(points, critical)}"{style}];')
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
