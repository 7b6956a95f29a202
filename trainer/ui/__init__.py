"""The UI kit both Textual apps share (the trainee app in trainer.tui, the review in trainer.review): the
App base with the common keys, help, theme, palette and language handling; the typed context screens
read instead of reaching into their app; the screen bases whose keys follow the language; the help
screen, tables and small widgets; and, in textual_private, every private Textual detail we lean on.
Imports textual and the domain packages; never trainer.tui, trainer.review or the CLI."""
