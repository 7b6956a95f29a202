"""What a trainee is offered next, as the supervisor sees it on their attempts page: the same
suggestions as the trainee's "Next for you" and `trainer suggest` (trainer.play.suggest)."""

from __future__ import annotations

from datetime import date

from rich.text import Text
from textual.widgets import Static

from trainer.i18n import _
from trainer.sanitize import line
from trainer.ui.context import AppContext, UsesContext


def suggestions_text(ctx: AppContext, trainee, today: date) -> Text:
    """The library's offers are worked out once per app (kept in the context's memo)."""
    from trainer.play.next_up import offers, suggestions_for
    from trainer.progress.accounts import jurisdiction_of

    if "review-offers" not in ctx.memo:
        here = jurisdiction_of(ctx.store)
        ctx.memo["review-offers"] = offers(ctx.library, here if ctx.library.has_jurisdiction(here) else None)
    found = suggestions_for(ctx.store, trainee, ctx.library, today, ctx.memo["review-offers"],
                            about=True)  # of, not to, them
    text = Text(_("Next for this trainee"), style="bold")
    if not found:
        text.append("\n  " + _("nothing to suggest: the library is empty"), style="dim")
    for n, s in enumerate(found, 1):
        text.append(f"\n  {n}. {line(s.title)}")
        text.append(f" - {line(s.reason)}", style="dim")
    return text


class SuggestedPanel(UsesContext, Static):
    """Filled when mounted and whenever the attempts page comes back into view."""

    def __init__(self, trainee, **kwargs):
        super().__init__(**kwargs)
        self.trainee = trainee

    def on_mount(self) -> None:
        self.reload()

    def reload(self) -> None:
        self.update(suggestions_text(self.ctx, self.trainee, self.ctx.today()))
