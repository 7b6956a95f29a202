"""Run one app headless; print READY when its first interactive screen has been drawn, then exit.

bench/__main__.py times from spawning this process to reading READY, for the trainer app and for a
minimal Textual app, the same way.
"""

from __future__ import annotations

import sys


def _ready(app) -> None:
    print("READY", flush=True)
    app.exit()


def baseline() -> None:
    from textual.app import App, ComposeResult
    from textual.widgets import Footer, Static

    class Minimal(App):
        def compose(self) -> ComposeResult:
            yield Static("Hello")
            yield Footer()

        def on_mount(self) -> None:
            self.call_after_refresh(_ready, self)

    Minimal().run(headless=True)


def trainer_app() -> None:
    from textual.app import App

    from trainer.tui.screens import catalogue

    original_mount = catalogue.CatalogueScreen.on_mount

    def on_mount(self) -> None:  # the catalogue is the first interactive screen
        self.call_after_refresh(_ready, self.app)
        original_mount(self)

    catalogue.CatalogueScreen.on_mount = on_mount
    original_run = App.run
    App.run = lambda self, **kw: original_run(self, headless=True, **kw)
    from trainer.cli.scenarios import main

    sys.argv = ["trainer", "--trainee", "Bench Trainee"]
    main()


if __name__ == "__main__":
    {"baseline": baseline, "trainer": trainer_app}[sys.argv[1]]()
