"""trainer: a terminal role-play simulator for front-line healthcare staff."""

__version__ = "0.1.0"
