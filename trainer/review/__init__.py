"""The supervisor's review app in Textual: gate, trainees, attempts, transcripts, scenarios.
Imports the domain packages and tui's shared widgets; never the CLI."""
