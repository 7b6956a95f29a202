"""What every command shares: the `trainer` group, its context (library, database) and output helpers."""

from __future__ import annotations

import os

from pathlib import Path

import click

from trainer import __version__
from trainer.i18n import _
from trainer.sanitize import line, printable
from trainer.scenario.diagnostics import Report


class Context:
    """What every command needs: where scenarios and the database live."""

    def __init__(self, db: Path | None, scenarios: tuple[Path, ...], trainee: str | None = None):
        self.db = db
        self.extra = scenarios
        self.trainee = trainee
        self._library = None

    @property
    def library(self):
        if self._library is None:
            from trainer.scenario.library import load_library

            self._library = load_library(self.extra)
        return self._library

    def store(self):
        """The progress database, opened (and upgraded) on first use; a clear error if it cannot be."""
        import trainer.outbox  # noqa: F401  (registers the xAPI statement builder with the store)
        from trainer.progress.store import Store, StoreError

        try:
            return Store.open(self.db)
        except StoreError as exc:
            raise click.ClickException(str(exc)) from exc

    def scenario(self, ident: str):
        """A scenario by id, or by path to a YAML file; a clear error otherwise."""
        path = Path(ident)
        if path.suffix in (".yaml", ".yml") or path.exists():
            from trainer.scenario.lint import lint
            from trainer.scenario.loader import check_file

            scenario, report = check_file(path)
            if scenario is not None:
                lint(scenario, report)
            if scenario is None or report.errors:
                fail_with(report)
            return scenario
        from trainer.scenario.format import nfc

        ident = nfc(ident)
        scenario = self.library.get(ident)
        if scenario is None:
            broken = [r for r in self.library.reports if Path(r.path).stem == ident and r.errors]
            if broken:
                fail_with(broken[0])
            raise click.UsageError(no_scenario(ident, self.library.scenarios))
        return scenario


def no_scenario(ident: str, known) -> str:
    """The one-line reason for an unknown scenario id, with a did-you-mean."""
    return _("no scenario '{id}'{suggestion}; `trainer list` shows them all").format(
        id=ident, suggestion=did_you_mean(ident, known))


def no_trainee(name: str, store) -> str:
    return _("no trainee '{name}'").format(name=name) + did_you_mean(name, [t.name for t in store.trainees()])


def mode_word(mode: str) -> str:
    """An attempt mode as the user reads it (the stored and typed word stays English)."""
    return {"assessment": _("assessment"), "practice": _("practice")}.get(mode, mode)


def did_you_mean(word: str, candidates) -> str:
    """A ' (did you mean 'x'?)' suffix in the user's language, or '' when nothing is close."""
    from trainer.scenario.diagnostics import did_you_mean as suggest

    return suggest(word, candidates, translated=True)


def fail_with(report: Report) -> None:
    for d in report.sorted():
        echo(d.format(), err=True)
    raise SystemExit(1)


def _paths_from_env(value: str | None):
    return tuple(Path(p) for p in value.split(os.pathsep) if p) if value else ()


def echo(text: str = "", **kwargs) -> None:
    """click.echo for text that may quote names, paths or scenario files: control characters escaped."""
    click.echo(printable(str(text)), **kwargs)


def _escaped(exc: click.ClickException) -> click.ClickException:
    exc.message = printable(str(exc.message))
    return exc


def _explained(exc: Exception) -> click.ClickException | None:
    """A database problem that reached the command line: one clear line and exit 1, not exit 3."""
    import sys

    from trainer.progress.store import StoreError, explain

    if isinstance(exc, StoreError):
        return click.ClickException(printable(str(exc)))
    sqlite3 = sys.modules.get("sqlite3")
    if sqlite3 is not None and isinstance(exc, sqlite3.Error):
        return click.ClickException(printable(explain(exc, None)))
    return None


# Each command family's module, imported when one of its commands is asked for (click's lazy-loading
# pattern): `trainer` alone opens the app without loading the modules of the other 27 commands.
COMMAND_MODULES: dict[str, tuple[str, ...]] = {
    "analyze": ("scenarios",), "list": ("scenarios",), "play": ("scenarios",), "simulate": ("scenarios",),
    "validate": ("scenarios",),
    "assign": ("programme",), "record": ("programme",), "sets": ("programme",), "unassign": ("programme",),
    "waive": ("programme",),
    "audit": ("audit",),
    "backup": ("serve",), "serve": ("serve",),
    "export": ("supervisor",), "report": ("supervisor",), "review": ("supervisor",), "supervisor": ("supervisor",),
    "graph": ("authoring",), "new": ("authoring",), "preview": ("authoring",), "schema": ("authoring",),
    "lms": ("lms",),
    "site": ("accounts",), "supervisors": ("accounts",), "trainees": ("accounts", "accommodations"),
    "suggest": ("practice",),
    "sync": ("sync",),
}


class SafeGroup(click.Group):
    """Every error message of every command is shown with control characters escaped (messages quote
    names, paths and scenario text); a database error that reaches it is one line and exit 1, never exit 3.
    The top group loads a command's module when the command is asked for (COMMAND_MODULES)."""

    lazy: dict[str, tuple[str, ...]] = {}

    def list_commands(self, ctx: click.Context) -> list[str]:
        return sorted(set(super().list_commands(ctx)) | set(self.lazy))

    def get_command(self, ctx: click.Context, name: str):
        import sys

        for module in self.lazy.get(name, ()):  # every module adding to it (a group's subcommands too), even
            # when the command itself is registered already because its first module was imported elsewhere
            if f"trainer.cli.{module}" not in sys.modules:
                import importlib

                importlib.import_module(f"trainer.cli.{module}")  # its decorators register the command
        return super().get_command(ctx, name)

    def load_all(self) -> dict:
        """Every command, loaded (what the docs check and `--help` list)."""
        for name in self.lazy:
            self.get_command(None, name)
        return self.commands

    def parse_args(self, ctx: click.Context, args: list[str]) -> list[str]:
        try:
            return super().parse_args(ctx, args)
        except click.ClickException as exc:
            raise _escaped(exc)

    def invoke(self, ctx: click.Context):
        try:
            return super().invoke(ctx)
        except click.ClickException as exc:
            raise _escaped(exc)
        except Exception as exc:
            clear = _explained(exc)
            if clear is None:
                raise
            raise clear from exc


@click.group(cls=SafeGroup, invoke_without_command=True, context_settings={"help_option_names": ["-h", "--help"]})
@click.version_option(__version__, "--version", "-V", prog_name="trainer")
@click.option("--db", type=click.Path(dir_okay=False, path_type=Path), envvar="TRAINER_DB",
              help="Progress database file (default: in your user data folder). Env: TRAINER_DB.")
@click.option("--scenarios", "scenario_dirs", multiple=True, type=click.Path(path_type=Path),
              help="Extra scenario folder, added to the bundled library (repeatable). Env: TRAINER_SCENARIOS.")
@click.option("--trainee", help="Open the app as this trainee (created if new).")
@click.pass_context
def cli(ctx: click.Context, db: Path | None, scenario_dirs: tuple[Path, ...], trainee: str | None) -> None:
    """Practise hard conversations at the front desk and on the phone, and get scored.

    Run with no command to open the app.
    """
    extra = scenario_dirs or _paths_from_env(os.environ.get("TRAINER_SCENARIOS"))
    for folder in extra:
        require_existing(folder, "--scenarios")
    ctx.obj = Context(db, extra, trainee)
    if ctx.invoked_subcommand is None:
        from trainer.cli.running import run_app

        run_app(ctx.obj, trainee=trainee)


class OutputRefusedUsage(click.ClickException):
    """An `-o` target that would overwrite the database or something beside it: one line, exit 2."""

    exit_code = 2


class OutputFile(click.Path):
    """`-o FILE`: never the database, its -wal, -shm or -journal, nor anything else in the data folder
    (the database's folder, or trainer's user data folder); refused before anything is read or written."""

    def __init__(self) -> None:
        super().__init__(dir_okay=False, path_type=Path)

    def convert(self, value, param, ctx):
        from trainer.progress.store import default_db_path
        from trainer.reports.files import protected_target

        path = super().convert(value, param, ctx)
        context = ctx.find_object(Context) if ctx is not None else None
        database = (context.db if context is not None else None) or default_db_path()
        reason = protected_target(path, database, default_db_path().parent)
        if reason is not None:
            raise OutputRefusedUsage(line(reason))
        return path


def does_not_exist(path) -> str:
    return _("'{path}' does not exist").format(path=path)


def require_existing(path: Path, param_hint: str) -> None:
    """A path given on the command line must be there: a missing one is misuse (exit 2); a loop of symbolic
    links is a problem with the files (exit 1), said plainly rather than as "does not exist"."""
    import errno

    try:
        os.stat(path)
    except OSError as exc:
        if exc.errno == errno.ELOOP:
            raise click.ClickException(_("'{path}' is a loop of symbolic links; point the link at a real file "
                                         "or folder").format(path=line(str(path)))) from None
        if exc.errno in (errno.ENOENT, errno.ENOTDIR):
            raise click.BadParameter(does_not_exist(path), param_hint=param_hint) from None
        raise click.ClickException(cannot_read(path, exc)) from None


def cannot_read(path, exc: OSError) -> str:
    return _("cannot read {path}: {reason}").format(path=line(str(path)), reason=exc.strerror or exc)


def cannot_write(path, exc: OSError) -> str:
    return _("cannot write {path}: {reason}").format(path=line(str(path)), reason=exc.strerror or exc)


def wrote(path) -> None:
    """The confirmation after writing a file, on standard error (standard output may be the file's content)."""
    click.echo(_("wrote {path}").format(path=line(str(path))), err=True)


def _emit(text: str, output: Path | None, newline: bool = True) -> None:
    """Standard output, or `-o FILE` written whole, owner-only, never through a symlink."""
    text = printable(text)  # a no-op for the renderers that already escape; a net for the rest
    if output is None:
        click.echo(text, nl=newline)
        return
    write_output(text + ("\n" if newline else ""), output)


def write_output(data: str | bytes, output: Path) -> None:
    """Write a whole file (text, or bytes such as a PDF) for `-o`, owner-only, never through a symlink."""
    from trainer.reports.files import OutputRefused, write_private

    try:
        write_private(output, data)
    except OutputRefused as exc:
        raise click.ClickException(line(str(exc))) from exc
    except OSError as exc:
        raise click.ClickException(cannot_write(output, exc)) from exc
    wrote(output)


def since_day(value: str | None) -> str | None:
    """A --since date as YYYY-MM-DD (None when not given); a usage error in plain words otherwise."""
    if value is None:
        return None
    from datetime import date

    try:
        return date.fromisoformat(value).isoformat()
    except ValueError:
        raise click.BadParameter(_("'{value}' is not a date like 2026-11-01").format(value=value),
                                 param_hint="--since") from None
