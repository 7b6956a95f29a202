"""The trainee app in Textual: screens, widgets and the scenario preview.
Imports the domain packages; never the CLI or the review app."""
