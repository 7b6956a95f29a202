"""Into a hospital's learning management system: SCORM 1.2 packages that launch the site's web app for a
scenario and report the result back to the LMS. Builds files only; the launch itself is served by
trainer.web.lms and recorded by trainer.progress.lms.

Imports only the standard library: no textual, no click, no database (the CLI records the package's key
through trainer.progress.lms and hands this package the key to put in the files)."""
