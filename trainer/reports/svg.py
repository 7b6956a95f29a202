"""Chart primitives for the HTML report: inline SVG drawn here, with no script, font or image fetched.

Every chart scales to its container (a viewBox and width 100%), so a page of them never scrolls sideways;
every label and tooltip passes through trainer.sanitize.line and is XML-escaped; every chart carries a
<title> and <desc> for screen readers and prints in colour and in grey (values are written, not only shaded).
"""

from __future__ import annotations

import html
from datetime import date

from trainer.sanitize import line

FONT = "font-family='system-ui,-apple-system,Segoe UI,sans-serif'"
INK, MUTED, GRID = "#1d2430", "#667085", "#e3e8ef"


def esc(value) -> str:
    """One line of user or scenario text made safe for SVG or HTML text and attributes."""
    return html.escape(line(value), quote=True)


def clip(text: str, chars: int) -> str:
    text = " ".join(str(text).split())
    return text if len(text) <= chars else text[:max(1, chars - 1)].rstrip() + "…"


def percent_fill(value: float | None) -> str:
    """A light-to-dark blue for 0-100 (grey when there is no value): readable as shade and as number."""
    if value is None:
        return "#f2f4f7"
    v = max(0.0, min(100.0, value)) / 100
    start, end = (239, 246, 255), (23, 92, 211)
    return "#%02x%02x%02x" % tuple(round(a + (b - a) * v) for a, b in zip(start, end))


def ink_on(fill: str) -> str:
    r, g, b = (int(fill[i:i + 2], 16) for i in (1, 3, 5))
    return "#ffffff" if 0.299 * r + 0.587 * g + 0.114 * b < 140 else INK


def _open(width: int, height: int, title: str, desc: str, ident: str) -> str:
    return (f"<svg xmlns='http://www.w3.org/2000/svg' viewBox='0 0 {width} {height}' width='100%'"
            f" style='max-width:{width}px' role='img' aria-labelledby='{ident}-t {ident}-d' class='chart'"
            f" {FONT} font-size='12'><title id='{ident}-t'>{esc(title)}</title><desc id='{ident}-d'>{esc(desc)}</desc>")


def heatmap(ident: str, title: str, desc: str, rows: list[str], cols: list[str],
            cells: dict[tuple[int, int], tuple[str, str, str]], width: int = 1100) -> str:
    """A grid of rows x cols. cells[(row, col)] = (fill colour, short text in the cell, tooltip);
    a missing cell is left blank. Column headings are slanted so long titles fit."""
    label_w = min(220, 40 + 7 * max((len(r) for r in rows), default=4))
    cell_w = max(24, min(90, (width - label_w) // max(1, len(cols))))
    chars = 28
    head_h = 20 + int(min(chars, max((len(c) for c in cols), default=4)) * 5.2)
    cell_h = 24
    width = label_w + cell_w * len(cols) + int(min(chars, max((len(c) for c in cols), default=4)) * 5.2) + 10
    height = head_h + cell_h * len(rows) + 8
    out = [_open(width, height, title, desc, ident)]
    for j, col in enumerate(cols):
        x, y = label_w + j * cell_w + cell_w / 2, head_h - 6
        out.append(f"<text x='{x:.0f}' y='{y}' transform='rotate(-40 {x:.0f} {y})' fill='{INK}'>"
                   f"<title>{esc(col)}</title>{esc(clip(col, chars))}</text>")
    for i, row in enumerate(rows):
        y = head_h + i * cell_h
        out.append(f"<text x='{label_w - 8}' y='{y + 16}' text-anchor='end' fill='{INK}'>"
                   f"<title>{esc(row)}</title>{esc(clip(row, 30))}</text>")
        for j in range(len(cols)):
            cell = cells.get((i, j))
            x = label_w + j * cell_w
            if cell is None:
                out.append(f"<rect x='{x + 1}' y='{y + 1}' width='{cell_w - 2}' height='{cell_h - 2}' fill='none'"
                           f" stroke='{GRID}'/>")
                continue
            fill, text, tip = cell
            out.append(f"<g class='cell'><title>{esc(tip)}</title><rect x='{x + 1}' y='{y + 1}' width='{cell_w - 2}'"
                       f" height='{cell_h - 2}' rx='3' fill='{fill}'/><text x='{x + cell_w / 2:.0f}' y='{y + 16}'"
                       f" text-anchor='middle' fill='{ink_on(fill)}'>{esc(clip(text, max(2, cell_w // 7)))}</text></g>")
    out.append("</svg>")
    return "".join(out)


def bars(ident: str, title: str, desc: str, items: list[tuple[str, float | None, str, str]],
         width: int = 1100, label_w: int = 300) -> str:
    """Horizontal bars on a 0-100% scale. items: (label, value or None, text after the bar, tooltip)."""
    row_h, top = 24, 22
    plot_w = width - label_w - 170
    height = top + row_h * len(items) + 6
    out = [_open(width, height, title, desc, ident)]
    for pct in (0, 25, 50, 75, 100):
        x = label_w + plot_w * pct / 100
        out.append(f"<line x1='{x:.0f}' y1='{top - 4}' x2='{x:.0f}' y2='{height - 4}' stroke='{GRID}'/>"
                   f"<text x='{x:.0f}' y='{top - 8}' text-anchor='middle' fill='{MUTED}'>{pct}%</text>")
    for i, (label, value, note, tip) in enumerate(items):
        y = top + i * row_h
        out.append(f"<g><title>{esc(tip)}</title><text x='{label_w - 8}' y='{y + 16}' text-anchor='end'"
                   f" fill='{INK}'>{esc(clip(label, label_w // 7))}</text>")
        if value is not None:
            out.append(f"<rect x='{label_w}' y='{y + 4}' width='{max(1.0, plot_w * value / 100):.1f}' height='{row_h - 8}'"
                       f" rx='2' fill='{percent_fill(value)}' stroke='#175cd3' stroke-width='.5'/>")
        out.append(f"<text x='{label_w + plot_w + 8}' y='{y + 16}' fill='{INK}'>{esc(note)}</text></g>")
    out.append("</svg>")
    return "".join(out)


PALETTE = ("#175cd3", "#c4320a", "#027a48", "#6941c6", "#b54708", "#0e7090", "#c11574", "#475467")


def lines(ident: str, title: str, desc: str, series: list[tuple[str, list[tuple[date, float, str]]]],
          fmt_date, width: int = 1100, height: int = 280) -> str:
    """Scores (0-100) over dates, one coloured line and legend entry per series. points: (day, score,
    tooltip). `fmt_date` writes a day on the axis. Each point is a circle with its own tooltip."""
    days = sorted({p[0] for _, pts in series for p in pts})
    left, right, top, bottom = 44, 200, 14, 34
    plot_w, plot_h = width - left - right, height - top - bottom
    out = [_open(width, height, title, desc, ident)]
    for score in (0, 25, 50, 75, 100):
        y = top + plot_h * (1 - score / 100)
        out.append(f"<line x1='{left}' y1='{y:.0f}' x2='{left + plot_w}' y2='{y:.0f}' stroke='{GRID}'/>"
                   f"<text x='{left - 6}' y='{y + 4:.0f}' text-anchor='end' fill='{MUTED}'>{score}%</text>")
    if not days:
        out.append("</svg>")
        return "".join(out)
    first, span = days[0].toordinal(), max(1, days[-1].toordinal() - days[0].toordinal())

    def x_of(day: date) -> float:
        return left + (plot_w * (day.toordinal() - first) / span if len(days) > 1 else plot_w / 2)

    ticks = days if len(days) <= 6 else [days[round(k * (len(days) - 1) / 5)] for k in range(6)]
    for day in dict.fromkeys(ticks):
        out.append(f"<text x='{x_of(day):.0f}' y='{height - 12}' text-anchor='middle' fill='{MUTED}'>"
                   f"{esc(fmt_date(day))}</text>")
    for k, (name, pts) in enumerate(series):
        colour = PALETTE[k % len(PALETTE)]
        coords = [(x_of(d), top + plot_h * (1 - max(0.0, min(100.0, s)) / 100), tip) for d, s, tip in pts]
        if len(coords) > 1:
            path = " ".join(f"{x:.1f},{y:.1f}" for x, y, _ in coords)
            out.append(f"<polyline points='{path}' fill='none' stroke='{colour}' stroke-width='2'/>")
        for x, y, tip in coords:
            out.append(f"<circle cx='{x:.1f}' cy='{y:.1f}' r='4' fill='{colour}'><title>{esc(tip)}</title></circle>")
        ly = top + 8 + k * 18
        out.append(f"<rect x='{left + plot_w + 16}' y='{ly - 9}' width='12' height='12' fill='{colour}'/>"
                   f"<text x='{left + plot_w + 34}' y='{ly + 1}' fill='{INK}'>{esc(clip(name, 24))}</text>")
    out.append("</svg>")
    return "".join(out)
