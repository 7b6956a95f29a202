"""Small self-contained widgets. Everything from scenario files or users is shown as plain Text,
never parsed as markup."""

from __future__ import annotations

from typing import TYPE_CHECKING

from rich.text import Text
from textual.compose import compose
from textual.widgets import Footer, Static
from textual.widgets._footer import FooterKey

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
    spans as terminal colours, which the theme's palette (trainer.tui.themes) maps: so colour a span."""
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


class FooterKeyNoAnswer(FooterKey):
    """A footer key whose click never answers: "1-9 Choose" is a label for the number keys, and a click on it
    ran choice 1 (in an assessment too). A click there says how to choose instead; other keys act as usual."""

    def on_mouse_down(self, event) -> None:
        if self.action.startswith("pick("):
            event.prevent_default()  # not FooterKey's own: that would press the key
            said = _("Press a choice's number, or click the choice itself.")
            hint = getattr(self.screen, "hint", None)
            hint(said) if hint else self.app.notify(said, timeout=3)


class KeysFooter(Footer):
    """Textual's footer, with its keys updated in place and at once. Textual's own removes and mounts all
    its keys again whenever the screen's bindings may have changed (a focus change, every
    `refresh_bindings`), several times per key press, and only after the next refresh, so each change
    drew one more frame: in the play screen that was about two fifths of the app's work per choice
    (bench: serve). Here a new set of keys that lines up with the one on screen (same number, no groups)
    is copied onto the keys already mounted as soon as the bindings change, so they are drawn in the same
    frame as the change; an unchanged set costs nothing; anything else falls back to Textual's rebuild."""

    _drawn: tuple | None = None  # the screen's bindings when the keys were last laid out

    def compose(self):
        for widget in super().compose():
            if type(widget) is FooterKey and "-command-palette" not in widget.classes:  # the same key, as one
                # that a click never turns into an answer
                widget = FooterKeyNoAnswer(widget.key, widget.key_display, widget.description, widget.action,
                                           disabled=widget._disabled, tooltip=widget.tooltip or "",
                                           classes=" ".join(widget.classes - {"-disabled", "-compact"}),
                                           ).data_bind(compact=Footer.compact)
            yield widget

    def bindings_changed(self, screen) -> None:
        self._bindings_ready = True
        if not screen.app.app_focus or not self.is_attached or screen is not self.screen:
            return
        if not self._copy_keys():  # they do not line up (the first keys of a screen): rebuild, as Textual would
            self.call_after_refresh(super().recompose)

    async def recompose(self) -> None:  # Textual's other calls (e.g. `compact` changed) come here
        if not self._copy_keys():
            await super().recompose()

    def _copy_keys(self) -> bool:
        """Bring the mounted keys up to date without remounting them; False when that needs a rebuild."""
        if not self.is_attached or self._pruning:
            return True  # nothing to draw on
        bindings = tuple((binding.key, binding.action, binding.description, binding.show, enabled, tooltip)
                         for _, binding, enabled, tooltip in self.screen.active_bindings.values())
        if bindings == self._drawn and self._bindings_ready:
            return True  # most calls: a focus change or refresh that changed nothing shown
        shown = list(self.children)
        wanted = list(compose(self))
        states = {"-disabled", "-compact"}  # set per key here (and by the footer's `compact`), not by compose
        if len(shown) != len(wanted) or not all(isinstance(w, FooterKey) and type(s) is type(w)
                                                and s.classes - states == w.classes - states
                                                for s, w in zip(shown, wanted)):
            self._drawn = None
            return False
        self._drawn = bindings
        for key, new in zip(shown, wanted):
            now = (new.key, new.key_display, new.description, new.action, new._disabled, new.tooltip)
            if now == (key.key, key.key_display, key.description, key.action, key._disabled, key.tooltip):
                continue
            key.key, key.key_display, key.description, key.action = now[:4]
            key._disabled = new._disabled
            key.set_class(new._disabled, "-disabled")
            key.tooltip = new.tooltip
            key.refresh(layout=True)
        return True


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
