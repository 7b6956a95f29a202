"""The app's own words in the user's language: stdlib gettext over catalogues that Babel extracts and compiles.

How to use it (every user-visible string that is the app's own, never scenario content or names):

    from trainer.i18n import _, ngettext, N_

    _("Start")                                         # translated when this line runs
    _("{title} - {mode}").format(title=t, mode=m)      # placeholders are named: never an f-string inside _()
    ngettext("{count} attempt", "{count} attempts", n).format(count=n)   # counts always go through ngettext
    pgettext("mood meter", "Mood")                     # a short word that could mean two things

Class-level or module-level text (Binding descriptions, constant tables) is evaluated at import, before the
language is known: mark it with `N_("Open")`, which returns the English unchanged and only marks it for
extraction, and translate it where it is shown with `_(text)`. Screens built on trainer.ui.translated do that
for binding descriptions (footer, help, key panel) by themselves.

After adding or changing strings, refresh the catalogues (docs/translating.md):
    pybabel extract -F babel.cfg -o trainer/locale/messages.pot .
    pybabel update -i trainer/locale/messages.pot -d trainer/locale
    (translate the new entries in trainer/locale/<lang>/LC_MESSAGES/messages.po)
    pybabel compile -d trainer/locale
tests/test_i18n.py fails while the .pot, a .po or a .mo is behind.

The language: the trainee's setting when there is one (`set_language("es")`), else the environment as gettext
reads it (LANGUAGE, then LC_ALL, LC_MESSAGES, LANG), else English. A language with no catalogue is English.
"""

from __future__ import annotations

import gettext as _gettext
import os
import re
from pathlib import Path

LOCALE_DIR = Path(__file__).resolve().parent / "locale"
DOMAIN = "messages"
SOURCE_LANGUAGE = "en"

_translations: _gettext.NullTranslations = _gettext.NullTranslations()
_language = SOURCE_LANGUAGE
_chosen = False


def _current() -> _gettext.NullTranslations:
    if not _chosen:  # first use: the environment decides, as plain gettext would
        set_language(None)
    return _translations


def _(message: str) -> str:
    """`message` in the current language (English when it has no translation)."""
    if not message:  # gettext("") is the catalogue's header, never wanted on screen
        return message
    return _current().gettext(message)


def ngettext(singular: str, plural: str, n: int) -> str:
    """The form for `n` in the current language's plural rules."""
    return _current().ngettext(singular, plural, n)


def pgettext(context: str, message: str) -> str:
    """`message` disambiguated by `context` (the context is never shown)."""
    if not message:
        return message
    return _current().pgettext(context, message)


def N_(message: str) -> str:
    """Mark `message` for extraction without translating it now (translate it with `_()` where it is shown)."""
    return message


def _normalise(code: str) -> str:
    """A BCP 47 tag (es-MX) or a POSIX name (es_MX.UTF-8) as gettext looks it up: es_MX."""
    return code.strip().split(".")[0].split("@")[0].replace("-", "_")


def set_language(code: str | None) -> str:
    """Use `code` (the trainee's setting) or, with None or "", the environment; return the language in use.

    An unknown or malformed language falls back to English without an error."""
    languages = [_normalise(code)] if code and code.strip() else None
    try:
        found = _gettext.translation(DOMAIN, LOCALE_DIR, languages=languages, fallback=True)
    except (OSError, ValueError):  # an unreadable catalogue: English rather than a traceback
        found = _gettext.NullTranslations()
    use(found)
    return _language


def language_from_environment() -> str:
    """The language the environment alone would give (what "as on this computer" means), without using it."""
    try:
        found = _gettext.translation(DOMAIN, LOCALE_DIR, fallback=True)
    except (OSError, ValueError):
        return SOURCE_LANGUAGE
    return _language_of(found)


def territory_from_environment(environ=None, default: str = "US") -> str:
    """The country of the locale (en_GB.UTF-8 -> GB), else `default`: a personal database's jurisdiction."""
    env = os.environ if environ is None else environ
    for name in ("LC_ALL", "LC_MESSAGES", "LANG"):
        value = env.get(name, "")
        if value:
            found = re.match(r"^[A-Za-z]{2,3}[_-]([A-Za-z]{2})(?:[.@]|$)", value)
            return found.group(1).upper() if found else default
    return default


def _language_of(translations: _gettext.NullTranslations) -> str:
    if isinstance(translations, _gettext.GNUTranslations):
        return translations.info().get("language") or SOURCE_LANGUAGE
    return SOURCE_LANGUAGE


def use(translations: _gettext.NullTranslations) -> None:
    """Install a ready translations object (tests use this for the pseudo-locale)."""
    global _translations, _language, _chosen
    _translations = translations
    _language = _language_of(translations)
    _chosen = True


def current_language() -> str:
    """The language now in use, as its catalogue names it ("es"), or "en"."""
    _current()
    return _language


def babel_locale():
    """The current language as a babel Locale, for dates and numbers (English when Babel does not know it)."""
    from babel import Locale, UnknownLocaleError

    try:
        return Locale.parse(current_language().replace("-", "_"))
    except (UnknownLocaleError, ValueError):
        return Locale.parse(SOURCE_LANGUAGE)


def day_text(day) -> str:
    """A date in the one format the app uses for the current language (Babel's medium date: 'Dec 5, 2026',
    '5 dic 2026'); `day` a date, a datetime or an ISO string (shown in local time); '' for none."""
    from datetime import date, datetime

    from babel.dates import format_date

    if not day:
        return ""
    try:
        if isinstance(day, str):
            day = datetime.fromisoformat(day).astimezone() if "T" in day or " " in day else date.fromisoformat(day)
        elif isinstance(day, datetime):
            day = day.astimezone()
    except ValueError:
        return str(day)
    return format_date(day, "medium", locale=babel_locale())


def _local_moment(stamp):
    """`stamp` (a datetime or an ISO string) in local time; None when it is empty or not a date."""
    from datetime import datetime

    if not stamp:
        return None
    try:
        return (datetime.fromisoformat(stamp) if isinstance(stamp, str) else stamp).astimezone()
    except ValueError:
        return None


def short_day_text(stamp) -> str:
    """`day_text` without the year ('Dec 5', '5 dic'), for a column only a few characters wide."""
    from babel.dates import format_skeleton

    moment = _local_moment(stamp)
    if moment is None:
        return str(stamp or "")
    return format_skeleton("MMMd", moment, locale=babel_locale())


def moment_text(stamp) -> str:
    """A date and time in the app's one format: the date as `day_text`, then the short time."""
    from babel.dates import format_time

    moment = _local_moment(stamp)
    if moment is None:
        return str(stamp or "")
    return f"{day_text(moment)}, {format_time(moment, 'short', locale=babel_locale())}"


def available_languages() -> dict[str, str]:
    """Every language the app can show, code -> its own name ("English", "Español"), English first."""
    names = {SOURCE_LANGUAGE: _own_name(SOURCE_LANGUAGE)}
    if LOCALE_DIR.is_dir():
        for folder in sorted(LOCALE_DIR.iterdir()):
            if (folder / "LC_MESSAGES" / f"{DOMAIN}.mo").is_file():
                names[folder.name] = _own_name(folder.name)
    return names


def _own_name(code: str) -> str:
    """A language's name in itself, capitalised as a menu item would be ("Español")."""
    from babel import Locale, UnknownLocaleError

    try:
        name = Locale.parse(code).get_display_name(code) or code
    except (UnknownLocaleError, ValueError):
        return code
    return name[:1].upper() + name[1:]
