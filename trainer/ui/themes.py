"""The app's two themes, dark and light, and the terminal palettes that Rich's named colours (the green
of a gained point, the red of a critical error) are drawn with in each. Textual's own themes fall short
of WCAG 2.1 AA in places (in textual-light the accent-coloured screen titles were 1.32:1 and the footer
keys 2.26:1); these keep Textual's look and change only the colours that fell short, so that text is at
least 4.5:1 and bold text and UI components (footer keys, focus, bars, borders) at least 3:1 against
what they are drawn on. tests/test_contrast.py measures every screen as drawn, in both themes."""

from __future__ import annotations

from rich.terminal_theme import TerminalTheme
from textual.theme import Theme

DARK, LIGHT = "trainer-dark", "trainer-light"

THEMES: dict[str, Theme] = {
    DARK: Theme(
        name=DARK,
        primary="#0178D4",
        secondary="#004578",
        accent="#ffa62b",
        warning="#ffa62b",
        error="#ba3c5b",
        success="#4EBF71",
        foreground="#e0e0e0",
        dark=True,
        variables={
            "text-muted": "#a3a3a3",  # auto 60% was 3.5:1 on the surface
            "border-blurred": "#808080",  # an unfocused input's frame: it was 1.05:1, invisible
            "block-cursor-background": "#0a5896",  # dim text on the cursor row was 2.5:1
            "scrollbar": "#3a78b0",  # the thumb was 1.6:1 against its track
        },
    ),
    LIGHT: Theme(
        name=LIGHT,
        primary="#004578",
        secondary="#0178D4",
        accent="#8a4500",  # screen titles and the trainee's lines: #ffa62b was 1.5:1
        warning="#a85a00",  # a notice's left bar: #ffa62b was 1.5:1
        error="#ba3c5b",
        success="#4EBF71",
        surface="#D8D8D8",
        panel="#D0D0D0",
        background="#E0E0E0",
        dark=False,
        variables={
            "footer-key-foreground": "#00569c",  # #0178D4 was 2.9:1 on the footer
            "text-muted": "#555555",  # auto 60% was 2.6:1
            "border-blurred": "#707070",
            "scrollbar": "#3d6c96",
            # text in the status colours (Textual's tints of them were 1.1:1 for success)
            "text-success": "#155a2c",
            "text-error": "#9a1f3a",
            "text-warning": "#6e4700",
        },
    ),
}

# Rich's named colours in each theme: black, red, green, yellow, blue, magenta, cyan, white, bright black,
# then the bright red .. bright white
ANSI_DARK = TerminalTheme(
    (12, 12, 12), (217, 217, 217),
    [(26, 26, 26), (255, 90, 130), (152, 224, 36), (253, 151, 31), (157, 101, 255), (244, 0, 95), (88, 209, 235),
     (196, 197, 181), (98, 94, 76)],
    [(244, 0, 95), (152, 224, 36), (224, 213, 97), (157, 101, 255), (244, 0, 95), (88, 209, 235),
     (246, 246, 239)],
)
ANSI_LIGHT = TerminalTheme(
    (247, 247, 247), (0, 0, 0),
    [(0, 0, 0), (150, 40, 36), (36, 90, 14), (118, 88, 0), (50, 92, 192), (122, 62, 157), (0, 96, 128),
     (247, 247, 247), (119, 119, 119)],
    [(240, 80, 80), (96, 203, 0), (255, 188, 93), (0, 122, 204), (230, 76, 230), (0, 170, 203),
     (247, 247, 247)],
)


def use_themes(app) -> None:
    """Register both themes on `app`, with their terminal palettes, and start in the dark one. The palettes
    and the theme are set without their watchers: each would re-parse the whole stylesheet once more before
    the first frame; the stylesheet is parsed once, with the dark theme's variables and palette."""
    from textual.app import App

    from trainer.ui.textual_private import start_in_theme

    for theme in THEMES.values():
        app.register_theme(theme)
    app.set_reactive(App.ansi_theme_dark, ANSI_DARK)
    app.set_reactive(App.ansi_theme_light, ANSI_LIGHT)
    start_in_theme(app, DARK)


def toggled(current: str) -> str:
    """The other theme (ctrl+t and the command palette's light/dark switch)."""
    return LIGHT if current == DARK else DARK
