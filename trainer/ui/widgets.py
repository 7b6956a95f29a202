"""Small self-contained widgets and words both apps show (trainee and review). Everything from scenario
files or users is shown as plain Text, never parsed as markup."""

from __future__ import annotations

from typing import TYPE_CHECKING

from rich.text import Text
from textual.widgets import Static

from trainer.i18n import N_, _, pgettext
from trainer.scenario.vocabulary import label
from trainer.sanitize import line

if TYPE_CHECKING:  # annotations only: the catalogue's first frame needs neither the model nor scoring
    from scoring import AttemptScore
    from trainer.scenario.model import MoodScale

# attempt modes and statuses as the trainee reads them (the stored words stay English)
SHOWN_WORDS = {"practice": N_("practice"), "assessment": N_("assessment"), "completed": N_("completed"),
               "in-progress": N_("in progress"), "abandoned": N_("abandoned")}


def word(stored: str) -> str:
    """A stored mode or status in the current language."""
    return _(SHOWN_WORDS[stored]) if stored in SHOWN_WORDS else stored


def when(stamp: str | None) -> str:
    """A stored time as both apps show it: the app's one date format for the language."""
    from trainer.i18n import moment_text

    return moment_text(stamp)


BAND_STYLES = ["bold red", "red", "yellow", "green", "bold green"]


def bar(fraction: float, width: int) -> str:
    filled = max(0, min(width, round(fraction * width)))
    return "█" * filled + "░" * (width - filled)


def band_style(scale: MoodScale, band: str) -> str:
    bands = list(scale.bands)
    if len(bands) == 1:
        return BAND_STYLES[2]
    index = bands.index(band) * (len(BAND_STYLES) - 1) // (len(bands) - 1)
    return BAND_STYLES[index]


class MoodMeter(Static):
    """A labelled mood meter: the band name in words as well as colour."""

    DEFAULT_CSS = """
    MoodMeter { width: auto; height: 1; }
    """

    def __init__(self, scale: MoodScale, mood: int, **kwargs):
        super().__init__(**kwargs)
        self.scale = scale
        self.set_mood(mood)

    def set_mood(self, mood: int) -> None:
        if getattr(self, "mood", None) == mood:
            return  # drawn already: no new layout
        self.mood = mood
        band = self.scale.band(mood)
        span = self.scale.max - self.scale.min
        style = band_style(self.scale, band)
        text = Text(pgettext("mood meter", "Mood") + " ")
        text.append(bar((mood - self.scale.min) / span, 12), style=style)
        text.append(f" {line(label(band))}", style=f"{style}")
        text.append(f" ({mood})", style="dim")
        self.update(text)


def coloured(text: str, style: str) -> Text:
    """`text` in a Rich colour that each theme draws legibly. Textual reads the style of a Text itself with
    CSS colour names (red is #ff0000, yellow #ffff00: 1.1:1 on the light theme) but the styles of its
    spans as terminal colours, which the theme's palette (trainer.ui.themes) maps: so colour a span."""
    out = Text(text)
    out.stylize(style)
    return out


def spoken(name: str, text: str, role: str = "") -> Text:
    """One line of the conversation credited to its speaker: `Name (role): text`, the role only when given."""
    if role:
        out = Text(line(name), style="bold")
        out.append(f" ({line(role)})", style="dim")
        out.append(": ", style="bold")
    else:
        out = Text(f"{line(name)}: ", style="bold")
    out.append(line(" ".join(text.split())))
    return out


def points_text(points: dict[str, int]) -> Text:
    text = Text()
    for i, (skill, value) in enumerate(sorted(points.items())):
        if i:
            text.append("  ")
        text.append(f"{value:+d} {line(label(skill))}", style="green" if value > 0 else "red" if value < 0 else "dim")
    if not points:
        text.append(_("no points either way"), style="dim")
    return text


def skill_bars(score: AttemptScore, verdicts: bool = True) -> Text:
    """Per-skill bars against their thresholds: ✓/✗ plus the numbers, so colour is never the only cue.
    Without `verdicts` (a partial preview run) the bars show the percentages only: no pass or fail."""
    text = Text()  # the bars are as wide as the name column (what the debrief snapshot shows)
    width = max([len(label(name)) for name, r in score.skills.items() if r.scored] + [12]) + 1
    for name, r in score.skills.items():
        if not r.scored:
            continue
        ok = r.passed
        text.append(f"{line(label(name)):<{width}}", style="bold")
        if not r.assessed:  # no choice on this path could move it: no bar, no verdict
            text.append(_("not assessed on this path") + "\n", style="italic")
            continue
        if not verdicts:
            text.append(bar(r.percent / 100, width), style="cyan")
            text.append(f" {r.percent:5.1f}%\n")
            continue
        text.append(bar(r.percent / 100, width), style="green" if ok else "red")
        text.append(" " + _("{percent}%  needs {threshold}%").format(percent=f"{r.percent:5.1f}", threshold=f"{r.threshold:g}") + "  ")
        text.append(_("✓ pass") if ok else _("✗ below"), style="green" if ok else "bold red")
        text.append("\n")
    text.rstrip()
    return text


def version_title(library, original_id: str, language: str) -> Text:
    """A scenario's title in the version for `language`, and the other languages it is available in."""
    version = library.version_in(original_id, language) or library.summaries[original_id]
    text = Text(line(version.title), overflow="ellipsis", no_wrap=True)
    others = [code for code in library.languages_of(original_id) if code != version.language]
    if others:
        text.append(" · " + _("also in {languages}").format(languages=", ".join(library.language_label(c) for c in others)),
                    style="dim")
    return text


PRODUCT = "trainer"  # the product's name, as the command that starts it is spelled


def product_title(*words: str) -> Text:
    """A first screen's title: the product's name, then what the screen is ("trainer · Sign in")."""
    text = Text(PRODUCT, style="bold")
    for word_ in words:
        text.append(" · " + line(word_))
    return text
