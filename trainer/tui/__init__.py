"""The trainee app in Textual: its screens, the play screen's choice list and the scenario preview. On a
site it is the site's app, and shows the review's screens (trainer.review) to a supervisor who signs in.
Imports the domain packages, trainer.ui and trainer.review; never the CLI."""
