"""Site commands: site init, and the accounts supervisors manage (trainees ..., supervisors ...)."""

from __future__ import annotations

from contextlib import contextmanager
from pathlib import Path

import click

from trainer.cli.base import Context, cli
from trainer.cli.gate import new_passphrase, require_supervisor
from trainer.i18n import _, ngettext
from trainer.sanitize import dumps, line

PASSPHRASE_STDIN = click.option("--passphrase-stdin", is_flag=True,
                                help="Read the new passphrase as one line from standard input instead of a prompt.")


def _email(ctx, param, value: str | None) -> str | None:
    """An e-mail address checked before anything is read or written: a malformed one is misuse (exit 2)."""
    if value is None:
        return None
    from trainer.progress.emails import InvalidEmail, clean_email

    try:
        return clean_email(value)
    except InvalidEmail as exc:
        raise click.BadParameter(line(str(exc))) from None


EMAIL = click.option("--email", callback=_email, metavar="ADDRESS",
                     help="Their e-mail address, the one the login proxy sends for single sign-on (unique).")


class _Refused(click.ClickException):
    """An account change that was refused (exit 1, one line)."""


def _do(store, change, *args, **kwargs):
    """Run an account change; a refusal becomes one printable line and exit 1."""
    from trainer.progress.accounts import AccessError
    from trainer.progress.emails import EmailRefused

    try:
        return change(store, *args, **kwargs)
    except (AccessError, EmailRefused) as exc:
        raise _Refused(line(str(exc))) from None


@cli.group()
def site() -> None:
    """Site databases: one database for a clinic or team, where everyone signs in."""


@site.command("init")
@click.option("--supervisor", "supervisor_name", required=True, help="Name of the first supervisor.")
@click.option("--site-iri", required=True, help="IRI that identifies this site in exports, "
              "e.g. https://clinic.example/training.")
@click.option("--scenarios", "scenario_dirs", multiple=True, type=click.Path(path_type=Path, file_okay=False),
              help="Scenario folder for this site, added to the bundled library (repeatable).")
@PASSPHRASE_STDIN
@click.pass_obj
def site_init(obj: Context, supervisor_name: str, site_iri: str, scenario_dirs: tuple[Path, ...],
              passphrase_stdin: bool) -> None:
    """Make a new database a site, with its first supervisor (asks for the supervisor's passphrase)."""
    from trainer.progress import accounts

    secret = new_passphrase(passphrase_stdin, _("Passphrase for the first supervisor (12+ characters)"))
    store = obj.store()
    try:
        account = _do(store, accounts.init_site, supervisor_name, site_iri, scenario_dirs, secret)
    finally:
        store.close()
    click.echo(_("Site {iri} created in {path} with supervisor {name}.").format(
        iri=line(site_iri), path=line(str(store.path)), name=line(account.name)))


def _country(ctx, param, value: str | None) -> str | None:
    """An ISO 3166-1 alpha-2 code Babel knows (US, GB, ...), in capitals."""
    if value is None:
        return None
    from babel import Locale

    code = value.strip().upper()
    if not (len(code) == 2 and code.isalpha() and code in Locale("en").territories):
        raise click.BadParameter(_("'{value}' is not a two-letter ISO 3166-1 country code, e.g. US or GB").format(
            value=line(value)))
    return code


@site.command("set")
@click.option("--xapi-names/--no-xapi-names", "xapi_names", default=None,
              help="Put trainees' and supervisors' names in xAPI statements (the outbox and exports), next to "
              "their pseudonymous account. Off by default.")
@click.option("--jurisdiction", callback=_country, metavar="CODE",
              help="The country whose law and practice this site trains for (ISO 3166-1 alpha-2, e.g. US or "
              "GB; US by default): the catalogue, suggestions and assignments offer its scenarios first.")
@click.pass_obj
def site_set(obj: Context, xapi_names: bool | None, jurisdiction: str | None) -> None:
    """Change a site setting (supervisor sign-in needed)."""
    from trainer.progress import accounts

    if xapi_names is None and jurisdiction is None:
        raise click.UsageError(_("nothing to set; give --xapi-names, --no-xapi-names or --jurisdiction"))
    with signed_in(obj, _("changing site settings")) as (store, actor):
        if xapi_names is not None:
            _do(store, accounts.set_xapi_names, xapi_names, actor)
        if jurisdiction is not None:
            _do(store, accounts.set_site_jurisdiction, jurisdiction, actor)
    if xapi_names is not None:
        click.echo(_("xAPI statements will carry names from now on.") if xapi_names
                   else _("xAPI statements will carry pseudonymous accounts only from now on."))
    if jurisdiction is not None:
        click.echo(_("This site now trains for {code}: its scenarios are offered first.").format(code=jurisdiction))


@contextmanager
def signed_in(obj: Context, what: str):
    """The store and the signed-in supervisor's name, for one account change on a site database."""
    from trainer.progress import accounts

    store = obj.store()
    try:
        actor = require_supervisor(store, what)
        if not accounts.is_site(store):
            raise _Refused(_("this is a personal database; accounts need a site (`trainer site init`)"))
        yield store, actor
    finally:
        store.close()


def _list(obj: Context, role: str, fmt: str) -> None:
    from trainer.progress import accounts

    from trainer.progress.accommodations import for_trainee
    from trainer.progress.emails import emails

    with signed_in(obj, _("listing trainees") if role == "trainee" else _("listing supervisors")) as (store, _actor):
        rows = accounts.accounts(store, role)
        addresses = emails(store)
        timing = {a.id: for_trainee(store, a.trainee_id) for a in rows if a.trainee_id is not None}
    if fmt == "json":
        click.echo(dumps([{"name": a.name, "role": a.role, "disabled": a.disabled, "groups": list(a.groups),
                           "email": addresses.get(a.id),
                           **({"accommodation": timing[a.id].code or None} if a.id in timing else {})}
                          for a in rows], indent=2))
        return
    for a in rows:
        status = "  " + _("(disabled)") if a.disabled else ""
        groups = f"  [{', '.join(line(g) for g in a.groups)}]" if a.groups else ""
        extra = f"  ({timing[a.id].label()})" if a.id in timing and not timing[a.id].none else ""
        click.echo(f"{line(a.name)}{groups}{extra}{status}")
    count = len(rows)
    click.echo((ngettext("{count} trainee", "{count} trainees", count) if role == "trainee"
                else ngettext("{count} supervisor", "{count} supervisors", count)).format(count=count), err=True)


def _existing(store, name: str, role: str):
    from trainer.progress import accounts

    account = accounts.find(store, name)
    if account is None:
        raise _Refused(_("there is no account named '{name}'").format(name=line(name)))
    if account.role != role:
        raise _Refused((_("'{name}' is a supervisor, not a trainee") if role == "trainee"
                        else _("'{name}' is a trainee, not a supervisor")).format(name=line(account.name)))
    return account


def _add(obj: Context, name: str, role: str, passphrase_stdin: bool, groups=(), email: str | None = None):
    from trainer.progress import accounts

    with signed_in(obj, _("adding a trainee") if role == "trainee" else _("adding a supervisor")) as (store, actor):
        secret = new_passphrase(passphrase_stdin, _("Passphrase for {name} (12+ characters)").format(name=name))
        return _do(store, accounts.add_account, name, role, secret, actor, groups=groups, email=email)


def _reset(obj: Context, name: str, role: str, passphrase_stdin: bool) -> None:
    from trainer.progress import accounts

    with signed_in(obj, _("resetting a passphrase")) as (store, actor):
        account = _existing(store, name, role)
        secret = new_passphrase(passphrase_stdin, _("New passphrase for {name} (12+ characters)").format(name=account.name))
        _do(store, accounts.reset_passphrase, account.name, secret, actor)
    click.echo(_("New passphrase set for {name}.").format(name=line(account.name)))


@cli.group()
def trainees() -> None:
    """Trainee accounts on a site database (supervisor sign-in needed)."""


@trainees.command("add")
@click.argument("name")
@click.option("--group", "groups", multiple=True, help="A group the trainee belongs to (repeatable).")
@EMAIL
@PASSPHRASE_STDIN
@click.pass_obj
def trainees_add(obj: Context, name: str, groups: tuple[str, ...], email: str | None, passphrase_stdin: bool) -> None:
    """Add a trainee with a first passphrase (they can change it in the app)."""
    account = _add(obj, name, "trainee", passphrase_stdin, groups, email)
    if groups:
        click.echo(_("Added trainee {name} in {groups}.").format(name=line(account.name),
                                                                groups=", ".join(map(line, account.groups))))
    else:
        click.echo(_("Added trainee {name}.").format(name=line(account.name)))


@trainees.command("list")
@click.option("--format", "fmt", type=click.Choice(["text", "json"]), default="text", show_default=True)
@click.pass_obj
def trainees_list(obj: Context, fmt: str) -> None:
    """List trainee accounts with their groups."""
    _list(obj, "trainee", fmt)


@trainees.command("set-email")
@click.argument("name")
@click.argument("address", callback=_email)
@click.pass_obj
def trainees_set_email(obj: Context, name: str, address: str) -> None:
    """Set or change a trainee's e-mail address (the one single sign-on matches)."""
    from trainer.progress import emails

    with signed_in(obj, _("setting an e-mail address")) as (store, actor):
        account = _existing(store, name, "trainee")
        stored = _do(store, emails.set_email, account.id, address, actor)
    click.echo(_("{name}'s e-mail address is now {address}.").format(name=line(account.name), address=line(stored)))


@trainees.command("rename")
@click.argument("old")
@click.argument("new")
@click.pass_obj
def trainees_rename(obj: Context, old: str, new: str) -> None:
    """Rename a trainee; their attempts stay theirs."""
    from trainer.progress import accounts

    with signed_in(obj, _("renaming a trainee")) as (store, actor):
        account = _do(store, accounts.rename, _existing(store, old, "trainee").name, new, actor)
    click.echo(_("Renamed to {name}.").format(name=line(account.name)))


@trainees.command("disable")
@click.argument("name")
@click.pass_obj
def trainees_disable(obj: Context, name: str) -> None:
    """Stop a trainee signing in; their records stay."""
    from trainer.progress import accounts

    with signed_in(obj, _("disabling a trainee")) as (store, actor):
        account = _do(store, accounts.disable, _existing(store, name, "trainee").name, actor)
    click.echo(_("Disabled {name}.").format(name=line(account.name)))


@trainees.command("reset-passphrase")
@click.argument("name")
@PASSPHRASE_STDIN
@click.pass_obj
def trainees_reset(obj: Context, name: str, passphrase_stdin: bool) -> None:
    """Give a trainee a new passphrase (and clear a lockout)."""
    _reset(obj, name, "trainee", passphrase_stdin)


@cli.group()
def supervisors() -> None:
    """Supervisor accounts on a site database (supervisor sign-in needed)."""


@supervisors.command("add")
@click.argument("name")
@EMAIL
@PASSPHRASE_STDIN
@click.pass_obj
def supervisors_add(obj: Context, name: str, email: str | None, passphrase_stdin: bool) -> None:
    """Add a supervisor."""
    account = _add(obj, name, "supervisor", passphrase_stdin, email=email)
    click.echo(_("Added supervisor {name}.").format(name=line(account.name)))


@supervisors.command("list")
@click.option("--format", "fmt", type=click.Choice(["text", "json"]), default="text", show_default=True)
@click.pass_obj
def supervisors_list(obj: Context, fmt: str) -> None:
    """List supervisor accounts."""
    _list(obj, "supervisor", fmt)


@supervisors.command("reset-passphrase")
@click.argument("name")
@PASSPHRASE_STDIN
@click.pass_obj
def supervisors_reset(obj: Context, name: str, passphrase_stdin: bool) -> None:
    """Give a supervisor a new passphrase (and clear a lockout)."""
    _reset(obj, name, "supervisor", passphrase_stdin)
