"""WCAG 2.1 contrast of what the app really draws: the screen's composed strips (every widget's own
theme and CSS colours, blended as Textual blends them), passed through the app's own line filters (ANSI
colours of Rich styles become the theme's truecolour, `dim` becomes a blend towards the background),
then each visible character's foreground against its background."""

from __future__ import annotations

from dataclasses import dataclass

from rich.color import Color as RichColor
from rich.segment import Segment

# block and line-drawing characters are UI components (bars, meters, borders, scrollbars): 3:1
GRAPHIC = set("█▉▊▋▌▍▎▏▐░▒▓▀▄▁▂▃▄▅▆▇▔▕━─│┃╭╮╰╯┏┓┗┛┌┐└┘├┤┬┴┼═║╔╗╚╝▸▾▴◂▶◀●○◉")
TEXT_MIN, LARGE_MIN = 4.5, 3.0


def luminance(rgb: tuple[int, int, int]) -> float:
    def channel(c: int) -> float:
        c = c / 255
        return c / 12.92 if c <= 0.04045 else ((c + 0.055) / 1.055) ** 2.4

    r, g, b = (channel(c) for c in rgb)
    return 0.2126 * r + 0.7152 * g + 0.0722 * b


def ratio(a: tuple[int, int, int], b: tuple[int, int, int]) -> float:
    high, low = sorted((luminance(a), luminance(b)), reverse=True)
    return (high + 0.05) / (low + 0.05)


@dataclass(frozen=True)
class Low:
    where: str
    text: str
    fg: str
    bg: str
    ratio: float
    needed: float

    def __str__(self) -> str:
        return f"{self.where}: {self.text!r} {self.fg} on {self.bg} = {self.ratio:.2f}:1 (needs {self.needed}:1)"


def _hex(rgb) -> str:
    return "#%02x%02x%02x" % tuple(rgb)


def drawn_segments(app) -> list[list[Segment]]:
    """The screen as it reaches the terminal: composed strips through the app's line filters."""
    strips = app.screen._compositor.render_strips()
    background = app.screen.styles.background
    lines = []
    for strip in strips:
        segments = list(strip)
        for line_filter in app.get_line_filters():
            segments = line_filter.apply(segments, background)
        lines.append(segments)
    return lines


def low_contrast(app, where: str) -> list[Low]:
    """Every run of visible characters whose contrast is below WCAG 2.1 AA: 4.5:1 for text, 3:1 for bold
    text and for graphic characters (UI components)."""
    out: list[Low] = []
    seen = set()
    default_bg = app.screen.styles.background.rgb
    for segments in drawn_segments(app):
        for segment in segments:
            style, text = segment.style, segment.text
            if style is None or not text.strip():
                continue
            fg = _rich(style.color) if style.color and not style.color.is_default else (255, 255, 255)
            bg = _rich(style.bgcolor) if style.bgcolor and not style.bgcolor.is_default else default_bg
            if style.reverse:
                fg, bg = bg, fg
            for char in set(text.strip()) - {" "}:
                graphic = char in GRAPHIC
                needed = LARGE_MIN if graphic or style.bold else TEXT_MIN
                value = ratio(fg, bg)
                key = (char if graphic else text.strip()[:40], fg, bg)
                if value < needed and key not in seen:
                    seen.add(key)
                    out.append(Low(where, text.strip()[:40] if not graphic else char, _hex(fg), _hex(bg),
                                   round(value, 2), needed))
    return out


def _rich(color: RichColor) -> tuple[int, int, int]:
    return tuple(color.get_truecolor())
