"""Serving a site to browsers (`trainer serve`) and backing its database up (`trainer backup`)."""

from __future__ import annotations

import os
import shlex
from contextlib import contextmanager
from pathlib import Path

import click

from trainer.cli.base import Context, OutputFile, cannot_write, cli, wrote
from trainer.cli.gate import require_supervisor
from trainer.i18n import _
from trainer.sanitize import line


def _site_database(obj: Context) -> Path:
    """The site database to serve, checked before anything listens: there, ours, a site, read-write."""
    from trainer.launch import db_path, precheck
    from trainer.progress import accounts
    from trainer.progress.store import Store, StoreError

    path = db_path(obj.db)
    try:
        if not path.is_file():
            raise click.ClickException(_("there is no database at {path}; make a site first with "
                                         "`trainer --db FILE site init`").format(path=line(str(path))))
        precheck(path)
        _only_owner_can_write(path.resolve())
        if not os.access(path, os.R_OK | os.W_OK):
            raise click.ClickException(_("cannot read and write {path}: run trainer serve as the "
                                         "account that owns the database").format(path=line(str(path))))
        store = Store.open(path)
        try:
            site = accounts.site(store)
        finally:
            store.close()
    except StoreError as exc:
        raise click.ClickException(line(str(exc))) from exc
    if site is None:
        raise click.ClickException(_("{path} is a personal database; trainer serve serves a site "
                                     "database, where everyone signs in (`trainer site init`)").format(path=line(str(path))))
    return path.resolve()


def _only_owner_can_write(path: Path) -> None:
    """Refuse a database that another account could change or replace: the file (and any -wal, -shm or
    -journal beside it) or its folder writable by group or others, or owned by another account."""
    import stat

    me = os.geteuid()
    beside = [path.with_name(path.name + suffix) for suffix in ("-wal", "-shm", "-journal")]
    for item in [path, *(p for p in beside if p.exists()), path.parent]:
        info = item.stat()
        mode = stat.S_IMODE(info.st_mode)
        if info.st_uid != me and info.st_uid != 0:
            raise click.ClickException(_("{path} belongs to another account, which could change or replace the "
                                         "database: run trainer serve as its owner").format(path=line(str(item))))
        if mode & (stat.S_IWGRP | stat.S_IWOTH):
            raise click.ClickException(_("{path} can be written by other accounts (mode {mode:04o}), who could "
                                         "change or replace the database: run `chmod go-w {quoted}` first").format(
                path=line(str(item)), mode=mode, quoted=line(shlex.quote(str(item)))))


@cli.command()
@click.option("--host", default="127.0.0.1", show_default=True,
              help="Address to listen on (0.0.0.0 for every network interface; put a TLS proxy in front).")
@click.option("--port", type=click.IntRange(1, 65535), default=8000, show_default=True, help="Port to listen on.")
@click.option("--max-sessions", type=click.IntRange(min=1), default=40, show_default=True,
              help="Browser tabs served at once; the next visitor gets a 'site is busy' page.")
@click.option("--idle-minutes", type=click.FloatRange(min=0, min_open=True), default=20.0, show_default=True,
              help="Close a session after this long without a key press (fractions allowed, e.g. 0.5).")
@click.option("--allowed-origin", "allowed_origins", multiple=True, metavar="URL",
              help="Also accept websockets from pages of this origin (e.g. https://training.clinic.example), "
              "when a proxy changes the Host header; repeatable. The site's own address is always accepted.")
@click.option("--trusted-proxy", "trusted_proxies", multiple=True, metavar="ADDRESS",
              help="A TLS proxy in front of the server (an address or a network, e.g. 127.0.0.1 or 10.0.0.0/24) "
              "whose X-Forwarded-Proto and X-Forwarded-For are believed: the session cookie is then Secure and "
              "sign-in lockouts count the browser's address; repeatable. Nobody else's are.")
@click.option("--sync-every", metavar="INTERVAL",
              help="Also send the site's xAPI outbox to the LRS this often (30s, 5m, 1h; at least 10s). "
              "Needs --endpoint; credentials from TRAINER_LRS_USER and TRAINER_LRS_PASSWORD.")
@click.option("--endpoint", envvar="TRAINER_LRS_ENDPOINT", metavar="URL",
              help="The LRS's xAPI endpoint for --sync-every. Env: TRAINER_LRS_ENDPOINT.")
@click.pass_obj
def serve(obj: Context, host: str, port: int, max_sessions: int, idle_minutes: float,
          allowed_origins: tuple[str, ...], trusted_proxies: tuple[str, ...], sync_every: str | None,
          endpoint: str | None) -> None:
    """Serve the app to browsers on the local network (site database only).

    Trainees use the HTML app at / (sign-in, catalogue, play, debrief: any browser, screen reader, keyboard
    or phone). The terminal app is at /terminal, each tab its own app process starting at the sign-in:
    supervisors get the review there. Every choice is saved as it is made, so a closed tab loses nothing.
    """
    from trainer.web.guard import allowed_origin
    from trainer.web.server import SiteServer, bind

    for origin in allowed_origins:
        if allowed_origin(origin) is None:
            raise click.BadParameter(_("{origin} is not an origin like https://training.clinic.example "
                                       "(scheme and host, and a port if not the default; no path)").format(
                origin=line(origin)), param_hint="--allowed-origin")
    from trainer.web.html.sessions import parse_proxies

    try:
        proxies = parse_proxies(trusted_proxies)
    except ValueError as exc:
        raise click.BadParameter(_("{value} is not an IP address or network like 127.0.0.1 or 10.0.0.0/24").format(
            value=line(str(exc))), param_hint="--trusted-proxy") from None
    every = _sync_interval(sync_every, endpoint)
    db = _site_database(obj)
    client = None
    if every is not None:
        from trainer.cli.sync import lrs_client

        client = lrs_client(endpoint)
    try:
        sock = bind(host, port)
    except OSError as exc:
        reason = _("the port is already in use (another server? choose --port)") if exc.errno in (98, 48) \
            else (exc.strerror or str(exc))
        raise click.ClickException(_("cannot listen on {host}:{port}: {reason}").format(
            host=line(host), port=port, reason=reason)) from None
    server = SiteServer(db, host=host, port=port, max_sessions=max_sessions, idle_seconds=idle_minutes * 60,
                        allowed_origins=allowed_origins, trusted_proxies=proxies)
    if client is None:
        server.serve(sock)
        return
    from trainer.outbox.sync import PeriodicSync
    from trainer.progress.store import Store

    def heard(result) -> None:
        """One line in the server's log for a run that sent, parked or stopped, or failed."""
        if isinstance(result, Exception):
            click.echo("trainer: " + _("sync failed: {reason}").format(reason=line(str(result))), err=True)
        elif result.delivered or result.parked or result.stopped:
            click.echo(f"trainer: {result.summary(client.endpoint)}", err=True)

    runner = PeriodicSync(lambda: Store.open(db), client, every, on_result=heard).start()
    try:
        server.serve(sock)
    finally:
        runner.stop(timeout=30)


def _sync_interval(sync_every: str | None, endpoint: str | None) -> float | None:
    if sync_every is None:
        return None
    from trainer.outbox.sync import parse_interval

    try:
        every = parse_interval(sync_every)
    except ValueError as exc:
        raise click.BadParameter(line(str(exc)), param_hint="--sync-every") from None
    if not endpoint:
        raise click.UsageError(_("--sync-every needs --endpoint URL (or TRAINER_LRS_ENDPOINT)"))
    return every


@cli.command()
@click.option("-o", "--output", type=OutputFile(), required=True,
              help="The backup file to write (replaced whole; readable by you only).")
@click.pass_obj
def backup(obj: Context, output: Path) -> None:
    """A consistent copy of the database, safe while the app is in use (supervisor sign-in).

    Uses SQLite's online backup API, so attempts being played while it runs are either in the copy
    or not, never half in it. Restore by stopping the server and putting the copy in the database's place.
    """
    from trainer.progress import audit
    from trainer.reports.files import OutputRefused, backup_private

    store = obj.store()
    try:
        actor = require_supervisor(store, _("a backup"))
        try:  # audited once the copy is whole, before it takes the target's place: never an unrecorded one
            with _signals_end_the_backup():  # killed: the temporary copy beside the target is removed
                backup_private(output, store.db.conn,
                               then=lambda: audit.log(store, actor, "backup", output=str(output)))
        except OutputRefused as exc:
            raise click.ClickException(line(str(exc))) from exc
        except OSError as exc:
            raise click.ClickException(cannot_write(output, exc)) from exc
    finally:
        store.close()
    wrote(output)


@contextmanager
def _signals_end_the_backup():
    """SIGTERM (and SIGINT, as always) raise inside the copy, so the temporary file is cleaned up on the way
    out instead of the process dying with it beside the target."""
    import signal

    def stop(signum, frame):
        raise SystemExit(128 + signum)

    try:
        previous = signal.signal(signal.SIGTERM, stop)
    except ValueError:  # not the main thread: nothing to install
        yield
        return
    try:
        yield
    finally:
        signal.signal(signal.SIGTERM, previous)
