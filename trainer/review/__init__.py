"""The supervisor's review app in Textual: gate, trainees, attempts, transcripts, scenarios. Its screens
read the typed context of trainer.ui, so they run under the review app and the site app alike.
Imports the domain packages and trainer.ui; never trainer.tui or the CLI."""
