"""Who is running a command: the supervisor gate every supervisor command goes through, and the trainee
sign-in `simulate --record` needs on a site database.

A supervisor signs in at an interactive prompt, or with TRAINER_SUPERVISOR and TRAINER_PASSPHRASE in the
environment (for scheduled jobs). Without a sign-in a command exits 2 with one line and prints nothing
else. A personal database needs only its passphrase (TRAINER_PASSPHRASE or the prompt) once one is set.
"""

from __future__ import annotations

import os
import sys

import click

from trainer.i18n import _
from trainer.sanitize import line

EXIT_REFUSED = 2
PERSONAL_SUPERVISOR = "supervisor"


class AccessRefused(click.ClickException):
    """No sign-in, a wrong one, or a lockout: one line, exit 2."""

    exit_code = EXIT_REFUSED


def interactive() -> bool:
    """Prompts only when someone is there to answer them (never in a scheduled job or a pipe)."""
    return sys.stdin.isatty()


def _secret(prompt: str | None = None) -> str | None:
    value = os.environ.get("TRAINER_PASSPHRASE")
    if value:
        return value
    if interactive():
        return click.prompt(prompt or _("Passphrase"), hide_input=True, err=True)
    return None


def require_supervisor(store, what: str) -> str:
    """The signed-in supervisor's name (for the audit trail), or AccessRefused. A personal database
    without a passphrase has no gate: the operating-system account that owns the file is trusted."""
    from trainer.progress import accounts, passphrase

    site = accounts.site(store)
    if site is None:
        if not passphrase.is_set(store):
            return os.environ.get("USER") or PERSONAL_SUPERVISOR
        secret = _secret(_("Supervisor passphrase"))
        if secret is None:
            raise AccessRefused(_("{what} needs the supervisor passphrase: set TRAINER_PASSPHRASE or run it in a "
                                  "terminal").format(what=what))
        try:
            ok = passphrase.check(store, secret)
        except passphrase.LockedOut as exc:
            raise AccessRefused(f"{exc}") from None
        if not ok:
            raise AccessRefused(_("that is not the supervisor passphrase; nothing was shown"))
        return PERSONAL_SUPERVISOR
    name = os.environ.get("TRAINER_SUPERVISOR")
    if not name and interactive():
        name = click.prompt(_("Supervisor name"), err=True)
    secret = _secret() if name else None
    if not name or secret is None:
        raise AccessRefused(_("{what} needs a supervisor sign-in: set TRAINER_SUPERVISOR and TRAINER_PASSPHRASE, "
                              "or run it in a terminal").format(what=what))
    return _sign_in(store, name, secret, "supervisor").name


def require_trainee(store, name: str | None):
    """The signed-in trainee's account, for recording on a site database (TRAINER_TRAINEE and
    TRAINER_PASSPHRASE, or the prompt)."""
    name = name or os.environ.get("TRAINER_TRAINEE")
    if not name and interactive():
        name = click.prompt(_("Your name"), err=True)
    secret = _secret(_("Your passphrase")) if name else None
    if not name or secret is None:
        raise AccessRefused(_("recording on a site database needs your own sign-in: set TRAINER_TRAINEE and "
                              "TRAINER_PASSPHRASE, or run it in a terminal"))
    return _sign_in(store, name, secret, "trainee")


def _sign_in(store, name: str, secret: str, role: str):
    from trainer.progress import accounts, passphrase

    try:
        return accounts.sign_in(store, name, secret, role=role)
    except passphrase.LockedOut as exc:
        raise AccessRefused(str(exc)) from None
    except accounts.AccessError as exc:
        raise AccessRefused(line(str(exc))) from None


def new_passphrase(from_stdin: bool, prompt: str | None = None) -> str:
    """A passphrase to set: one line from standard input with --passphrase-stdin, otherwise typed twice
    at a hidden prompt. Never from the command line, never echoed."""
    if from_stdin:
        value = sys.stdin.readline()
        if not value:
            raise click.UsageError(_("--passphrase-stdin: standard input was empty"))
        return value.rstrip("\r\n")
    if not interactive():
        raise click.UsageError(_("no terminal to type a passphrase in: use --passphrase-stdin"))
    return click.prompt(prompt or _("New passphrase (12+ characters)"), hide_input=True, value_proc=strong_enough,
                        confirmation_prompt=_("Repeat for confirmation"), err=True)


def strong_enough(value: str) -> str:
    """A typed passphrase checked at once: too short is said (and asked again) before it is to be repeated."""
    from trainer.progress.passphrase import WeakPassphrase, check_strength

    try:
        check_strength(value)
    except WeakPassphrase as exc:
        raise click.UsageError(str(exc)) from None
    return value


def recording_trainee(store, name: str | None, mode: str | None, scenario):
    """Who `simulate --record` records for, and in which mode. A personal database records for the named
    trainee (created if new), in assessment mode unless told otherwise. A site database records only
    for the signed-in trainee, only practice, and only scenarios from the site's folders or the bundled
    library: a copy edited elsewhere never lands under the real scenario's id."""
    from trainer.progress import accounts

    site = accounts.site(store)
    if site is None:
        if name is None:
            raise click.UsageError(_("--record needs --trainee NAME"))
        from trainer.cli.running import checked_name

        checked_name(name, "--trainee")  # a bad name is misuse (exit 2); the store failing below is not
        return store.trainee(name), mode or "assessment"
    if mode == "assessment":
        raise AccessRefused(_("on a site database assessments are recorded only by the app; "
                              "simulate records practice (leave out --mode)"))
    if not in_site_folders(site, scenario):
        raise AccessRefused(_("scenario '{id}' as loaded is not one of this site's scenarios (its folders "
                              "or the bundled library); it is never recorded").format(id=line(scenario.id)))
    return require_trainee(store, name).trainee, "practice"


def in_site_folders(site, scenario) -> bool:
    """Whether this exact scenario (same id, same content) is in the site's library: its folders and the
    bundled scenarios. Compared by content, so a path that merely looks right is not enough."""
    from trainer.scenario.library import load_library

    real = load_library(tuple(site.scenario_dirs)).get(scenario.id)
    return real is not None and real.content_hash == scenario.content_hash


def require_self_or_supervisor(store, trainee: str, what: str) -> None:
    """On a site database: a supervisor may look at anyone (TRAINER_SUPERVISOR, or sign in at the
    prompt with a supervisor account); a trainee only at themselves (TRAINER_TRAINEE or the prompt).
    A personal database has no gate: the file's owner is trusted."""
    from trainer.progress import accounts

    if accounts.site(store) is None:
        return
    if os.environ.get("TRAINER_SUPERVISOR"):
        require_supervisor(store, what)
        return
    name = os.environ.get("TRAINER_TRAINEE")
    if not name and interactive():
        name = click.prompt(_("Your name"), err=True)
    secret = _secret(_("Your passphrase")) if name else None
    if not name or secret is None:
        raise AccessRefused(_("{what} on a site database needs a sign-in: set TRAINER_TRAINEE (or TRAINER_SUPERVISOR) "
                              "and TRAINER_PASSPHRASE, or run it in a terminal").format(what=what))
    account = _sign_in(store, name, secret, None)
    if account.role == "supervisor":
        return
    person = store.find_trainee(trainee)
    if person is None or person.id != account.trainee_id:
        raise AccessRefused(_("{what}: a trainee may only ask for their own; you are signed in as {name}").format(
            what=what, name=line(account.name)))
