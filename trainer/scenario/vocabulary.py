"""The format's fixed vocabularies, importable without loading the model (start-up stays light).

Each word is also the English the app shows for it (marked with N_ for the gettext catalogues): `label()`
gives it in the current language; a word outside these vocabularies (a scenario's own skill or mood band)
is shown as written."""

from trainer.i18n import N_, _

CATEGORIES = (
    N_("upset-patient"), N_("wait-times"), N_("scheduling"), N_("billing"), N_("insurance"), N_("difficult-news"),
    N_("privacy"), N_("emergency"), N_("feedback"), N_("team-care"), N_("language-access"), N_("safety"),
)
# Topics: the pain points of front-line work a scenario practises (a scenario may have several).
TOPICS = (
    N_("wait-times"), N_("scheduling"), N_("billing"), N_("physician-time"), N_("fragmented-information"),
    N_("sensitive-information"), N_("difficult-situation"), N_("self-service"), N_("feedback"), N_("self-care"),
)
DIFFICULTIES = (N_("beginner"), N_("intermediate"), N_("advanced"))
OUTCOMES = (N_("resolved"), N_("partial"), N_("escalated"), N_("referred"), N_("failed"))
DEFAULT_SKILLS = (N_("empathy"), N_("de-escalation"), N_("privacy"), N_("resolution"))
# the default mood scale's band names (trainer.scenario.model.DEFAULT_BANDS), lowest first
DEFAULT_MOOD_BANDS = (N_("furious"), N_("angry"), N_("upset"), N_("uneasy"), N_("calm"))

_SHOWN = frozenset(CATEGORIES + TOPICS + DIFFICULTIES + OUTCOMES + DEFAULT_SKILLS + DEFAULT_MOOD_BANDS)


def label(word: str) -> str:
    """A vocabulary word as shown in the current language; any other word (the scenario's own) unchanged."""
    return _(word) if word in _SHOWN else word
