"""The command palette in the app's language, and a screenshot that always has somewhere to go.

Textual's own palette commands (Theme, Quit, Keys, Maximize, Screenshot) and its search field are English;
here they are translated like the app's words. Textual saves a screenshot into ~/Downloads and fails
when that folder is missing (a fresh account, a server): here it goes to the first folder that exists of
Downloads, the home folder and the current folder, and the notification says where."""

from __future__ import annotations

from pathlib import Path
from typing import Iterable

from textual.app import SystemCommand

from trainer.i18n import N_, _

# Textual's command titles and help lines, for extraction; shown through _()
TEXTUAL_COMMANDS = (
    N_("Theme"), N_("Change the current theme"),
    N_("Quit"), N_("Quit the application as soon as possible"),
    N_("Keys"), N_("Hide the keys and widget help panel"),
    N_("Show help for the focused widget and a summary of available keys"),
    N_("Minimize"), N_("Minimize the widget and restore to normal size"),
    N_("Maximize"), N_("Maximize the focused widget"),
    N_("Screenshot"), N_("Save an SVG 'screenshot' of the current screen"),
)
SEARCH = N_("Search for commands…")


def translated_commands(app, commands: Iterable[SystemCommand]) -> Iterable[SystemCommand]:
    """Textual's system commands in the current language; the screenshot saved where it can be."""
    for command in commands:
        callback = command.callback
        if command.title == "Screenshot":
            callback = lambda: app.set_timer(0.1, lambda: save_screenshot(app))  # noqa: E731
        yield SystemCommand(_(command.title), _(command.help), callback, command.discover)


def screenshot_folder() -> Path:
    """Where a screenshot goes: Downloads when it exists, else the home folder, else the current one."""
    from platformdirs import user_downloads_path

    for folder in (user_downloads_path(), Path.home()):
        try:
            if folder.is_dir():
                return folder
        except OSError:
            continue
    return Path.cwd()


def save_screenshot(app) -> None:
    """Save (or, in a browser, download) an SVG of the screen and say where it went."""
    if app.is_web:  # the browser downloads it: no folder of ours is involved
        app.deliver_screenshot()
        return
    folder = screenshot_folder()
    try:
        saved = app.save_screenshot(path=str(folder))
    except OSError as exc:
        app.notify(_("Could not save the screenshot in {folder}: {reason}").format(
            folder=folder, reason=exc.strerror or exc), title=_("Screenshot"), severity="error", markup=False)
        return
    app.notify(_("Saved in {path}").format(path=saved), title=_("Screenshot"), markup=False)
