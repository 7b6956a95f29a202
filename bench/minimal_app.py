"""The start-up baseline: a minimal Textual app (one line of text and a footer), run as a user would
run any Textual app. bench/__main__.py times it in a pseudo-terminal exactly as it times trainer."""

from textual.app import App, ComposeResult
from textual.widgets import Footer, Static

READY = "Minimal Textual app ready"


class Minimal(App):
    def compose(self) -> ComposeResult:
        yield Static(READY)
        yield Footer()


if __name__ == "__main__":
    Minimal().run()
