"""E-mail addresses on site accounts: what a login proxy's header names a person by (single sign-on).

An address is checked and bounded here before it is stored (one `@`, a dotted domain of letters, digits
and hyphens, at most 254 characters, no spaces or control characters), and two addresses equal after
case-folding are one: `Sam.Rivera@Clinic.example` and `sam.rivera@clinic.example` can never belong to two
accounts, because a directory (Entra ID, Okta, Google) may send either spelling for the same person.
The database enforces it too (a unique index on the folded key, migration m014_sso_email), so two
supervisors adding the same address at once cannot both succeed. Every change is audited.
"""

from __future__ import annotations

import re
import unicodedata
from dataclasses import dataclass

from trainer.i18n import _
from trainer.progress import audit
from trainer.progress.store import Store, StoreError

MAX_LENGTH = 254  # RFC 5321's limit on a forward path, less its angle brackets
MAX_LOCAL = 64
_LOCAL = re.compile(r"^[^\s@\"<>()\[\]\\,;:]+$")
_LABEL = re.compile(r"^(?!-)[^\W_](?:[\w-]{0,61}[^\W_])?$")


class EmailRefused(StoreError):
    """An address change that was refused (another account has it), with the reason."""


class InvalidEmail(EmailRefused):
    """An address that cannot be stored, with a sentence that says why."""


@dataclass(frozen=True)
class EmailOwner:
    """The account an address belongs to (what a signed-in header resolves to)."""

    account_id: int
    name: str
    role: str
    trainee_id: int | None
    disabled: bool
    email: str


def clean_email(raw: str) -> str:
    """The stored form of an address (NFC, surrounding spaces gone, case kept as given), or InvalidEmail."""
    text = unicodedata.normalize("NFC", (raw or "").strip())
    if not text:
        raise InvalidEmail(_("an e-mail address cannot be empty"))
    if len(text) > MAX_LENGTH:
        raise InvalidEmail(_("an e-mail address can be at most {count} characters").format(count=MAX_LENGTH))
    if any(not ch.isprintable() or ch.isspace() for ch in text):
        raise InvalidEmail(_("an e-mail address cannot contain spaces or control characters"))
    local, at, domain = text.rpartition("@")
    if not at or not local or not domain or "@" in local or len(local) > MAX_LOCAL or not _LOCAL.match(local) \
            or local.startswith(".") or local.endswith(".") or ".." in local \
            or "." not in domain or not all(_LABEL.match(label) for label in domain.split(".")):
        raise InvalidEmail(_("'{address}' is not an e-mail address like sam.rivera@clinic.example").format(
            address=text))
    return text


def email_key(address: str) -> str:
    """The form two spellings of one address share."""
    return address.casefold()


_OWNER = ("SELECT id, name, role, trainee_id, disabled, email FROM accounts")


def owner(store: Store, address: str) -> EmailOwner | None:
    """The account whose address this is (whatever its case), or None; an invalid address has none."""
    try:
        key = email_key(clean_email(address))
    except InvalidEmail:
        return None
    row = store._db.execute(f"{_OWNER} WHERE email_key = ?", [key]).fetchone()
    return EmailOwner(row[0], row[1], row[2], row[3], bool(row[4]), row[5]) if row else None


def email_of(store: Store, account_id: int) -> str | None:
    row = store._db.execute("SELECT email FROM accounts WHERE id = ?", [account_id]).fetchone()
    return row[0] if row else None


def emails(store: Store) -> dict[int, str]:
    """Every account's address, by account id (for listings)."""
    return dict(store._db.execute("SELECT id, email FROM accounts WHERE email IS NOT NULL"))


def attach(store: Store, account_id: int, address: str) -> str:
    """Give an account its address inside the caller's write transaction (refused if another account
    has it). Returns the stored address."""
    clean = clean_email(address)
    key = email_key(clean)
    clash = store._db.execute("SELECT name FROM accounts WHERE email_key = ? AND id != ?", [key, account_id]).fetchone()
    if clash:
        raise EmailRefused(_("the e-mail address {address} already belongs to {name}").format(
            address=clean, name=clash[0]))
    store._db.execute("UPDATE accounts SET email = ?, email_key = ? WHERE id = ?", [clean, key, account_id])
    return clean


def set_email(store: Store, account_id: int, address: str, actor: str) -> str:
    """A supervisor sets (or changes) an account's address; audited with the old one."""
    clean_email(address)  # an invalid address is refused before the write lock is taken
    with store.write():
        old = email_of(store, account_id)
        row = store._db.execute("SELECT name FROM accounts WHERE id = ?", [account_id]).fetchone()
        if row is None:
            raise EmailRefused(_("there is no such account"))
        stored = attach(store, account_id, address)
        audit.record(store, actor, "account-set-email", row[0], email=stored, old=old)
    return stored
