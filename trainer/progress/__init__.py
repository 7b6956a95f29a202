"""What is kept about trainees: the SQLite store, its migrations and passphrases.
Imports nothing of trainer but its version; never textual."""
