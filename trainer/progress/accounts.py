"""Site databases: the site's settings, accounts (trainees and supervisors), groups, and signing in.

A database becomes a site with `init_site`: it then has a site IRI, its scenario folders, and at least
one supervisor. Every account has a role and an argon2id passphrase; a trainee account is tied to the
trainee row its attempts are recorded under. Names pass through `names.clean_name`, and names equal
after case-folding are one account. Every change a supervisor makes lands in the audit trail.
"""

from __future__ import annotations

import json
import time
from dataclasses import dataclass, field
from pathlib import Path

from trainer.i18n import _
from trainer.progress import outbox_tables
from trainer.progress import audit, passphrase as pp
from trainer.progress.dbfile import SITE_IRI_KEY, SITE_SCENARIOS_KEY, Site, read_site  # noqa: F401 (Site: re-exported)
from trainer.progress.names import InvalidName, clean_name, confusable_with
from trainer.progress.store import Store, StoreError, Trainee, now_iso

SITE_IRI = SITE_IRI_KEY  # "site_iri"
SITE_SCENARIOS = SITE_SCENARIOS_KEY
XAPI_NAMES = outbox_tables.XAPI_NAMES_KEY
JURISDICTION = "jurisdiction"
DEFAULT_JURISDICTION = "US"
ROLES = ("trainee", "supervisor")


class AccessError(StoreError):
    """An account change or sign-in that was refused, with the reason."""


class SignInRefused(AccessError):
    """Wrong name or passphrase, a disabled account, or the wrong role."""


class WrongRole(SignInRefused):
    """The right passphrase for an account whose role may not sign in here."""

    def __init__(self, account: "Account", allowed: tuple[str, ...]):
        self.account, self.allowed = account, allowed
        super().__init__(f"'{account.name}' is not a {' or '.join(allowed)} account")


@dataclass(frozen=True)
class Account:
    id: int
    name: str
    role: str
    trainee_id: int | None
    disabled: bool
    groups: tuple[str, ...] = field(default=())

    @property
    def trainee(self) -> Trainee | None:
        return Trainee(self.trainee_id, self.name) if self.trainee_id is not None else None

    @property
    def subject(self) -> str:
        return f"account:{self.id}"


def _name(raw: str, what: str) -> str:
    try:
        return clean_name(raw, what)
    except InvalidName as exc:
        raise AccessError(str(exc)) from None


def _hash(passphrase: str, *context: str) -> str:
    """The hash to store; `context` is what an attacker would try first (the person's name)."""
    try:
        return pp.make_hash(passphrase, context)
    except pp.WeakPassphrase as exc:
        raise AccessError(str(exc)) from None


# --- the site ---------------------------------------------------------------------------------------
def site(store: Store) -> Site | None:
    """The site settings, or None for a personal database."""
    return read_site(store._db.conn)


def is_site(store: Store) -> bool:
    return site(store) is not None


def check_iri(iri: str) -> str:
    """The site IRI: an http(s) address with a host (it prefixes the activity ids and the account
    homePage in xAPI exports)."""
    from urllib.parse import urlsplit

    text = iri.strip()
    parts = urlsplit(text)
    if parts.scheme not in ("http", "https") or not parts.netloc or any(c.isspace() for c in text):
        raise AccessError(f"'{iri}' is not a site IRI; use an http(s) address of your organisation, "
                          "e.g. https://clinic.example/training")
    return text


def init_site(store: Store, supervisor: str, iri: str, scenario_dirs, passphrase: str) -> Account:
    """Make this database a site, with its first supervisor. Only a new or empty database can become one."""
    iri = check_iri(iri)
    name = _name(supervisor, "supervisor name")
    hashed = _hash(passphrase, name)
    folders = []
    for folder in scenario_dirs:
        path = Path(folder).expanduser().resolve()
        if not path.is_dir():
            raise AccessError(f"the scenario folder '{folder}' does not exist or is not a folder")
        folders.append(str(path))
    with store.write():
        if is_site(store):
            raise AccessError(f"this database is already a site ({site(store).iri})")
        if store._db.execute("SELECT EXISTS (SELECT 1 FROM trainees) OR EXISTS (SELECT 1 FROM attempts)").fetchone()[0]:
            raise AccessError("this database already holds personal practice; a site starts from a new database file")
        store._db.execute("INSERT INTO settings (key, value) VALUES (?, ?), (?, ?)",
                          [SITE_IRI, iri, SITE_SCENARIOS, json.dumps(folders)])
        account = _insert(store, name, "supervisor", hashed)
        audit.record(store, name, "site-init", iri, scenario_folders=folders)
        audit.record(store, name, "account-add", name, role="supervisor")
    return account


def xapi_names(store: Store) -> bool:
    """Whether this site's xAPI statements carry people's names (off unless a supervisor opts in)."""
    row = store._db.execute("SELECT value FROM settings WHERE key = ?", [XAPI_NAMES]).fetchone()
    return bool(row and row[0] == "1")


def set_xapi_names(store: Store, on: bool, actor: str) -> None:
    """Opt in or out of names in xAPI statements; statements already in the outbox keep what they had."""
    _require_site(store)
    with store.write():
        store._db.execute("INSERT INTO settings (key, value) VALUES (?, ?) ON CONFLICT (key) DO UPDATE SET"
                          " value = excluded.value", [XAPI_NAMES, "1" if on else "0"])
        audit.record(store, actor, "site-set", XAPI_NAMES, value=on)


def site_jurisdiction(store: Store) -> str:
    """The country whose law and practice this site trains for (ISO 3166-1 alpha-2; US unless set)."""
    row = store._db.execute("SELECT value FROM settings WHERE key = ?", [JURISDICTION]).fetchone()
    return row[0] if row and row[0] else DEFAULT_JURISDICTION


def jurisdiction_of(store: Store) -> str:
    """The jurisdiction the library is offered for: the site's setting, or on a personal database the
    locale's country (US when the locale names none)."""
    from trainer.i18n import territory_from_environment

    return site_jurisdiction(store) if is_site(store) else territory_from_environment()


def set_site_jurisdiction(store: Store, code: str, actor: str) -> None:
    """Offer `code`'s scenarios (and those that name no jurisdiction) in the catalogue, suggestions and
    assignments; the other scenarios stay one key away."""
    _require_site(store)
    with store.write():
        store._db.execute("INSERT INTO settings (key, value) VALUES (?, ?) ON CONFLICT (key) DO UPDATE SET"
                          " value = excluded.value", [JURISDICTION, code])
        audit.record(store, actor, "site-set", JURISDICTION, value=code)


# --- accounts ----------------------------------------------------------------------------------------
_SELECT = "SELECT id, name, role, trainee_id, disabled FROM accounts"


def _row_to_account(store: Store, row) -> Account:
    groups = ()
    if row[3] is not None:
        groups = tuple(r[0] for r in store._db.execute(
            "SELECT g.name FROM groups g JOIN group_members m ON m.group_id = g.id WHERE m.trainee_id = ?"
            " ORDER BY g.name_key", [row[3]]))
    return Account(row[0], row[1], row[2], row[3], bool(row[4]), groups)


def find(store: Store, name: str) -> Account | None:
    try:
        key = clean_name(name).casefold()
    except InvalidName:
        return None
    row = store._db.execute(f"{_SELECT} WHERE name_key = ?", [key]).fetchone()
    return _row_to_account(store, row) if row else None


def account_by_id(store: Store, account_id: int) -> Account | None:
    """The account a web session names (by id, which a rename does not change), or None if it is gone."""
    row = store._db.execute(f"{_SELECT} WHERE id = ?", [account_id]).fetchone()
    return _row_to_account(store, row) if row else None


def accounts(store: Store, role: str | None = None) -> list[Account]:
    where, params = ("WHERE role = ?", [role]) if role else ("", [])
    return [_row_to_account(store, r) for r in store._db.execute(f"{_SELECT} {where} ORDER BY name_key", params)]


def _refuse_look_alike(store: Store, name: str, table: str = "accounts", but: int | None = None) -> None:
    """Refuse a name that could be mistaken for another account's (or group's), naming that one."""
    others = [r[0] for r in store._db.execute(f"SELECT name FROM {table} WHERE id IS NOT ? ORDER BY id", [but])]
    other = confusable_with(name, others)
    if other is not None:
        what = _("an account") if table == "accounts" else _("a group")
        raise AccessError(_("'{name}' looks like '{other}', {what} that already exists (some of its letters can be "
                            "mistaken for others); choose a name that cannot be confused with it").format(
            name=name, other=other, what=what))


def _insert(store: Store, name: str, role: str, hashed: str) -> Account:
    key = name.casefold()
    if store._db.execute("SELECT 1 FROM accounts WHERE name_key = ?", [key]).fetchone():
        raise AccessError(f"there is already an account named '{name}' (names are the same whatever the case)")
    _refuse_look_alike(store, name)
    trainee_id = None
    if role == "trainee":
        row = store._db.execute("SELECT id FROM trainees WHERE name_key = ?", [key]).fetchone()
        if row is None:
            trainee_id = store._db.execute("INSERT INTO trainees (name, name_key, created_at) VALUES (?, ?, ?)",
                                           [name, key, now_iso()]).lastrowid
        else:
            trainee_id = row[0]
    cursor = store._db.execute("INSERT INTO accounts (name, name_key, role, trainee_id, passphrase, created_at)"
                               " VALUES (?, ?, ?, ?, ?, ?)", [name, key, role, trainee_id, hashed, now_iso()])
    return Account(cursor.lastrowid, name, role, trainee_id, False)


def _require_site(store: Store) -> None:
    if not is_site(store):
        raise AccessError("this is a personal database; accounts need a site (`trainer site init`)")


def add_account(store: Store, name: str, role: str, passphrase: str, actor: str, groups=(),
                email: str | None = None) -> Account:
    """A new account, with its groups and (for single sign-on) its e-mail address, all in one transaction."""
    from trainer.progress import emails

    if role not in ROLES:
        raise AccessError(f"unknown role '{role}'")
    clean = _name(name, f"{role} name")
    group_names = [_name(g, "group name") for g in groups]
    hashed = _hash(passphrase, clean)
    _require_site(store)
    with store.write():
        account = _insert(store, clean, role, hashed)
        for group in group_names:
            _join(store, account.trainee_id, group)
        extra = {"email": emails.attach(store, account.id, email)} if email is not None else {}
        audit.record(store, actor, "account-add", clean, role=role, groups=group_names, **extra)
    return find(store, clean)


def _existing(store: Store, name: str) -> Account:
    account = find(store, name)
    if account is None:
        raise AccessError(f"there is no account named '{_name(name, 'name')}'")
    return account


def rename(store: Store, old: str, new: str, actor: str) -> Account:
    account = _existing(store, old)
    clean = _name(new, "name")
    key = clean.casefold()
    with store.write():
        clash = store._db.execute("SELECT id FROM accounts WHERE name_key = ?", [key]).fetchone()
        if clash and clash[0] != account.id:
            raise AccessError(f"there is already an account named '{clean}'")
        _refuse_look_alike(store, clean, but=account.id)
        if account.trainee_id is not None:
            other = store._db.execute("SELECT id FROM trainees WHERE name_key = ?", [key]).fetchone()
            if other and other[0] != account.trainee_id:
                raise AccessError(f"there are already attempts recorded under the name '{clean}'")
            store._db.execute("UPDATE trainees SET name = ?, name_key = ? WHERE id = ?", [clean, key, account.trainee_id])
        store._db.execute("UPDATE accounts SET name = ?, name_key = ? WHERE id = ?", [clean, key, account.id])
        audit.record(store, actor, "account-rename", clean, old=account.name)
    return _existing(store, clean)


def disable(store: Store, name: str, actor: str) -> Account:
    """A disabled account can no longer sign in; its records stay."""
    account = _existing(store, name)
    with store.write():
        if account.role == "supervisor":
            active = store._db.execute("SELECT count(*) FROM accounts WHERE role = 'supervisor' AND disabled = 0"
                                       " AND id != ?", [account.id]).fetchone()[0]
            if not active:
                raise AccessError("this is the last active supervisor; add another one before disabling it")
        store._db.execute("UPDATE accounts SET disabled = 1 WHERE id = ?", [account.id])
        audit.record(store, actor, "account-disable", account.name)
    return _existing(store, name)


def reset_passphrase(store: Store, name: str, new: str, actor: str) -> None:
    """A supervisor sets a new passphrase for someone who forgot theirs; the failure count is cleared."""
    account = _existing(store, name)
    hashed = _hash(new, account.name)
    with store.write():
        store._db.execute("UPDATE accounts SET passphrase = ? WHERE id = ?", [hashed, account.id])
        pp.clear_account(store, account.subject)
        audit.record(store, actor, "account-reset-passphrase", account.name)


def change_own_passphrase(store: Store, account: Account, current: str, new: str, clock=time.time,
                          address: str | None = None) -> None:
    """The signed-in person changes their own passphrase; the current one is checked first (wrong tries
    count toward the lockout of the place they come from: `address`, as for a sign-in)."""
    hashed = _hash(new, account.name)
    sign_in(store, account.name, current, clock=clock, record_success=False, purpose="change-own-passphrase",
            address=address)
    with store.write():
        store._db.execute("UPDATE accounts SET passphrase = ? WHERE id = ?", [hashed, account.id])
        audit.record(store, account.name, "change-own-passphrase", account.name)


# --- groups ------------------------------------------------------------------------------------------
def _join(store: Store, trainee_id: int | None, group: str) -> None:
    if trainee_id is None:
        raise AccessError("only trainees belong to groups")
    key = group.casefold()
    row = store._db.execute("SELECT id FROM groups WHERE name_key = ?", [key]).fetchone()
    if row is None:
        _refuse_look_alike(store, group, "groups")
    group_id = row[0] if row else store._db.execute(
        "INSERT INTO groups (name, name_key, created_at) VALUES (?, ?, ?)", [group, key, now_iso()]).lastrowid
    store._db.execute("INSERT OR IGNORE INTO group_members (group_id, trainee_id) VALUES (?, ?)", [group_id, trainee_id])


def add_to_group(store: Store, name: str, group: str, actor: str) -> Account:
    account = _existing(store, name)
    clean = _name(group, "group name")
    with store.write():
        _join(store, account.trainee_id, clean)
        audit.record(store, actor, "group-add", account.name, group=clean)
    return _existing(store, name)


def group_members(store: Store, group: str) -> list[Account]:
    """The trainee accounts in a group (what assignments to a group will reach)."""
    key = _name(group, "group name").casefold()
    rows = store._db.execute(f"{_SELECT} WHERE trainee_id IN (SELECT m.trainee_id FROM group_members m"
                             " JOIN groups g ON g.id = m.group_id WHERE g.name_key = ?) ORDER BY name_key", [key])
    return [_row_to_account(store, r) for r in rows]


# --- signing in --------------------------------------------------------------------------------------
def _stored_hash(store: Store, account_id: int) -> str | None:
    row = store._db.execute("SELECT passphrase FROM accounts WHERE id = ?", [account_id]).fetchone()
    return row[0] if row else None


def sign_in(store: Store, name: str, passphrase: str, role: str | None = None, clock=time.time,
            roles: tuple[str, ...] | None = None, address: str | None = None, record_success: bool = True,
            purpose: str | None = None) -> Account:
    """The account, if the name and passphrase match, it is enabled, and has `role` (or one of `roles`)
    when given. Every try is audited with where it came from (`address`, else the process's client
    address: "terminal" unless the web server passed a browser's); `record_success` False leaves a right
    passphrase unrecorded (its caller records what it was for), `purpose` is noted with a failure.
    Raises SignInRefused (WrongRole when only the role is wrong), or passphrase.LockedOut while a wait
    after repeated failures is not over."""
    clean = _name(name, "name")
    address = address or audit.client_address()
    extra = {"purpose": purpose} if purpose else {}
    account = find(store, clean)
    if account is None:  # as slow as a real check, counted for the place: it looks like a wrong passphrase
        pp.guarded_check(store, None, lambda: None, passphrase, lambda value: None, clock, address,
                         after=lambda outcome: audit.signing_in(store, outcome, None, address, **extra))
        raise SignInRefused(_("that name and passphrase do not match an account"))
    allowed = roles if roles is not None else ((role,) if role is not None else ROLES)
    refusal = "disabled" if account.disabled else (None if account.role in allowed else "wrong role")

    def save(value: str) -> None:
        store._db.execute("UPDATE accounts SET passphrase = ? WHERE id = ?", [value, account.id])

    def settle(outcome) -> None:
        audit.signing_in(store, outcome, account.name, address, refusal, record_success, **extra)

    if not pp.guarded_check(store, account.subject, lambda: _stored_hash(store, account.id), passphrase, save,
                            clock, address, after=settle):
        raise SignInRefused(_("that name and passphrase do not match an account"))
    if account.disabled:
        raise SignInRefused(_("the account '{name}' is disabled; ask a supervisor").format(name=account.name))
    if refusal == "wrong role":
        raise WrongRole(account, allowed)
    return account
