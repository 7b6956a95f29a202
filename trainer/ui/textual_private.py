"""Every private detail of Textual the app leans on, in one place, so an upgrade breaks here and in
tests/test_textual_private.py (which names the pinned version) rather than deep inside a screen.

Why each is needed: the footer (trainer.ui.footer) updates its keys in place instead of remounting them
(a fifth of the play screen's work per choice, bench: serve), which needs Textual's footer key class, its
disabled flag and the footer's own bookkeeping; the play screen asks whether a notice is still on display;
the tables that fit the window (trainer.ui.tables) have DataTable lay their rows out again after changing
their heights; an app starts in its theme without parsing its whole stylesheet twice, and with the rules a
previous run parsed (trainer.ui.stylecache) instead of parsing them again.
Only trainer.ui and trainer.tui import this module."""

from __future__ import annotations

import inspect

from textual.app import App
from textual.widget import Widget
from textual.widgets import DataTable, Footer
from textual.widgets._footer import FooterKey  # not exported by textual.widgets

PINNED_TEXTUAL = "8.2.8"  # pyproject.toml pins exactly this version

__all__ = ["FooterKey", "PINNED_TEXTUAL", "key_disabled", "set_key_disabled", "mark_bindings_ready",
           "bindings_ready", "is_pruning", "has_notifications", "relayout_rows", "start_in_theme",
           "parsed_styles", "add_parsed_styles", "stylesheet_variables", "private_details_missing"]


def key_disabled(key: FooterKey) -> bool:
    """Whether a footer key is drawn disabled (FooterKey keeps it in `_disabled`, set by its constructor)."""
    return key._disabled


def set_key_disabled(key: FooterKey, disabled: bool) -> None:
    key._disabled = disabled


def mark_bindings_ready(footer: Footer) -> None:
    """What Textual's own `Footer.bindings_changed` does first: the footer draws keys only once this is set."""
    footer._bindings_ready = True


def bindings_ready(footer: Footer) -> bool:
    return footer._bindings_ready


def is_pruning(widget: Widget) -> bool:
    """Whether the widget is being removed (nothing to draw on)."""
    return widget._pruning


def has_notifications(app: App) -> bool:
    """Whether a notice is still on display (Textual has no public way to ask)."""
    return bool(app._notifications)


def relayout_rows(table: DataTable, measure_again: bool = False) -> None:
    """After row heights changed: DataTable works out its size again (`_require_update_dimensions`) and drops
    what it drew at the old heights (`_clear_caches`); with `measure_again`, it also measures every
    auto-height row afresh, as it does a new row (`_new_rows`)."""
    if measure_again:
        table._new_rows.update(table.rows)
    table._require_update_dimensions = True
    table._clear_caches()


def start_in_theme(app: App, name: str) -> None:
    """Give an app that has not started yet its theme, doing what setting `app.theme` does (Textual's
    `_watch_theme`) except queueing `refresh_css`: that re-parses the whole stylesheet, which before the
    first frame is not parsed yet, so it was parsed twice (8-11 ms of start-up). Here the stylesheet gets
    the theme's variables and is parsed once, when the app starts; the terminal palette that Rich's named
    colours are drawn with is the theme's (`_refresh_truecolor_filter`)."""
    app.set_reactive(App.theme, name)
    dark = app.current_theme.dark
    classes = {cls: False for cls in app.classes if cls.startswith("-theme-")}
    app.update_classes({**classes, f"-theme-{name}": True, "-dark-mode": dark, "-light-mode": not dark},
                       update=False)
    app._refresh_truecolor_filter(app.ansi_theme)
    app.stylesheet.set_variables(app.get_css_variables())


def parsed_styles(app: App) -> dict[tuple, list]:
    """The rules the app's stylesheet has parsed, by source (Textual's `Stylesheet._parse_cache`, keyed on a
    source's text, location, default-or-not, tie breaker and scope), for trainer.ui.stylecache."""
    cache = app.stylesheet._parse_cache
    return {key: cache.get(key) for key in list(cache.keys())}


def add_parsed_styles(app: App, parsed: dict[tuple, list]) -> None:
    """Put rules parsed before, under the same variables, into the stylesheet's parse cache."""
    cache = app.stylesheet._parse_cache
    for key, rules in parsed.items():
        cache.set(key, rules)


def stylesheet_variables(app: App) -> dict[str, str]:
    """The variables the stylesheet parses with (what `start_in_theme` set)."""
    return app.stylesheet._variables


def private_details_missing() -> list[str]:
    """Each private detail above that this Textual no longer has, in words; empty when all are there."""
    missing = []
    params = list(inspect.signature(FooterKey.__init__).parameters)
    wanted = ["self", "key", "key_display", "description", "action"]
    if params[:5] != wanted or not {"disabled", "tooltip", "classes"} <= set(params):
        missing.append(f"FooterKey(key, key_display, description, action, disabled=, tooltip=, classes=) "
                       f"is now FooterKey{inspect.signature(FooterKey.__init__)}")
    key = FooterKey("x", "x", "x", "x", disabled=True)
    if getattr(key, "_disabled", None) is not True:
        missing.append("FooterKey no longer keeps its disabled flag in `_disabled`")
    if not hasattr(Footer, "_bindings_ready"):
        missing.append("Footer no longer has `_bindings_ready`")
    if not callable(getattr(Footer, "bindings_changed", None)):
        missing.append("Footer no longer has the `bindings_changed(screen)` hook that KeysFooter overrides")
    elif "bindings_changed" not in inspect.getsource(Footer):
        missing.append("Footer no longer subscribes `bindings_changed` to the screen's bindings signal")
    if "_pruning" not in inspect.getsource(Widget):
        missing.append("Widget no longer has `_pruning`")
    if "_notifications" not in inspect.getsource(App.__init__):
        missing.append("App no longer keeps its notices in `_notifications`")
    table = DataTable()
    if not (isinstance(getattr(table, "_new_rows", None), set) and hasattr(table, "_require_update_dimensions")
            and callable(getattr(table, "_clear_caches", None))):
        missing.append("DataTable no longer has `_new_rows`, `_require_update_dimensions` and `_clear_caches`")
    if not callable(getattr(App, "_refresh_truecolor_filter", None)):
        missing.append("App no longer has `_refresh_truecolor_filter(theme)`")
    elif not all(step in inspect.getsource(App._watch_theme) for step in
                 ("-theme-", "-dark-mode", "-light-mode", "_refresh_truecolor_filter", "refresh_css")):
        missing.append("App._watch_theme no longer does what start_in_theme repeats (classes, palette, CSS)")
    from textual.cache import LRUCache
    from textual.css.stylesheet import Stylesheet

    sheet = Stylesheet()
    if not (isinstance(getattr(sheet, "_parse_cache", None), LRUCache) and isinstance(sheet._variables, dict)):
        missing.append("Stylesheet no longer keeps `_parse_cache` (an LRUCache) and `_variables`")
    elif "cache_key = (css, read_from, is_default_rules, tie_breaker, scope)" not in inspect.getsource(
            Stylesheet._parse_rules):
        missing.append("Stylesheet._parse_rules no longer looks sources up by (css, read_from, "
                       "is_default_rules, tie_breaker, scope)")
    elif "_parse_cache.clear()" not in inspect.getsource(Stylesheet.set_variables):
        missing.append("Stylesheet.set_variables no longer empties the parse cache")
    for owner, method in (("textual.content.Content", "_wrap_and_format"),
                          ("textual.widgets._input.Input", "_on_key")):
        if not _has_method(owner, method):
            missing.append(f"{owner} no longer has `{method}` (overridden by trainer.tui)")
    return missing


def _has_method(dotted: str, method: str) -> bool:
    import importlib

    module, _, name = dotted.rpartition(".")
    try:
        return callable(getattr(getattr(importlib.import_module(module), name), method, None))
    except ImportError:
        return False
