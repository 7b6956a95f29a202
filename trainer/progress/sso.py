"""Single sign-on's side of the database: who a login proxy's e-mail header names, trainees made on
first sign-in (`trainer serve --sso-create-trainees GROUP`), and the audit rows SSO adds.

The web server decides whether to believe the header (trainer.web.sso: only from a trusted proxy
address); this module only answers "whose address is this" and records what happened, each in the
write transaction of its change, like every other account change.
"""

from __future__ import annotations

import hashlib
import secrets
import time
from dataclasses import dataclass

from trainer.progress import accounts, audit, emails
from trainer.progress.names import InvalidName, clean_name
from trainer.progress.store import Store, StoreError

SSO_ACTOR = "(single sign-on)"  # who the audit names for an account SSO made itself
TICKET_SECONDS = 60.0  # a terminal tab's app process starts well within this


@dataclass(frozen=True)
class SsoAccount:
    """The account an e-mail header signs in, as the web app needs it."""

    account_id: int
    name: str
    role: str
    trainee_id: int | None
    disabled: bool
    language: str | None


class SsoRefused(StoreError):
    """An unknown person who could not be made a trainee (their name is taken, or not a usable name)."""


def _language(store: Store, trainee_id: int | None) -> str | None:
    if trainee_id is None:
        return None
    row = store._db.execute("SELECT language FROM trainees WHERE id = ?", [trainee_id]).fetchone()
    return (row[0] or None) if row else None


def account_for(store: Store, address: str) -> SsoAccount | None:
    """The account whose e-mail this is (any case), or None (also for a malformed address)."""
    found = emails.owner(store, address)
    if found is None:
        return None
    return SsoAccount(found.account_id, found.name, found.role, found.trainee_id, found.disabled,
                      _language(store, found.trainee_id))


def name_from(raw_name: str | None, address: str) -> str:
    """The new trainee's name: the name header's value, else the address's part before the @."""
    for candidate in (raw_name, address.rpartition("@")[0]):
        if candidate and candidate.strip():
            try:
                return clean_name(candidate, "trainee name")
            except InvalidName:
                continue
    raise SsoRefused(f"no usable name for {address}: the name header is missing or not a name")


def create_trainee(store: Store, address: str, raw_name: str | None, group: str, peer: str) -> SsoAccount:
    """A trainee account for someone the directory vouched for but the site did not know: no passphrase
    (they sign in through the proxy only, until a supervisor sets one), in `group`, with the address.
    A name another account already has is refused: SSO never signs anyone into someone else's account."""
    clean_address = emails.clean_email(address)
    name = name_from(raw_name, clean_address)
    try:
        group_name = clean_name(group, "group name")
    except InvalidName as exc:
        raise SsoRefused(str(exc)) from None
    with store.write():
        if emails.owner(store, clean_address) is None:  # else another request made it meanwhile
            _insert_trainee(store, name, clean_address, group_name, peer)
    return account_for(store, clean_address)


def _insert_trainee(store: Store, name: str, clean_address: str, group_name: str, peer: str) -> None:
    if accounts.find(store, name) is not None:  # the caller audits the refusal (this transaction is undone)
        raise SsoRefused(f"there is already an account named '{name}' without the address {clean_address}")
    try:
        account = accounts._insert(store, name, "trainee", None)  # no passphrase: sign-in by proxy only
        accounts._join(store, account.trainee_id, group_name)
    except accounts.AccessError as exc:  # a name or group that looks like another's
        raise SsoRefused(str(exc)) from None
    emails.attach(store, account.id, clean_address)
    audit.record(store, SSO_ACTOR, "account-add", name, role="trainee", groups=[group_name],
                 email=clean_address, via="sso", **{"from": peer})


def record_sign_in(store: Store, account: SsoAccount, address: str, peer: str) -> None:
    """A sign-in through the proxy (no passphrase), with the address it came under and the proxy's own."""
    audit.log(store, account.name, "sign-in", account.name, via="sso", email=address, **{"from": peer})


def record_refusal(store: Store, account: SsoAccount | None, address: str, peer: str, reason: str) -> None:
    """A trusted header naming nobody the site knows, or a disabled account."""
    actor = account.name if account else "(unknown name)"
    audit.log(store, actor, "sso-sign-in-refused", account.name if account else None, email=address,
              reason=reason, **{"from": peer})


def record_ignored(store: Store, peer: str, header: str, claimed: str, suppressed: int) -> None:
    """The sign-in header arrived from an address that is not a trusted proxy and was ignored; `suppressed`
    is how many more such requests were ignored without a row of their own (rate limit) since the last."""
    audit.log(store, "(untrusted address)", "sso-header-ignored", None, header=header, claimed=claimed,
              suppressed=suppressed, **{"from": peer})


# --- tickets: a single sign-on carried into a terminal tab's app process -----------------------------------
def _digest(token: str) -> str:
    return hashlib.sha256(token.encode("utf-8")).hexdigest()


def issue_ticket(store: Store, account_id: int, clock=time.time) -> str:
    """A one-time token that signs `account_id` in once, within TICKET_SECONDS. Only its hash is kept: the
    token itself goes to the one app process the web server starts for that browser tab."""
    token = secrets.token_urlsafe(32)
    now = clock()
    with store.write():
        store._db.execute("DELETE FROM sso_tickets WHERE expires_at <= ?", [now])
        store._db.execute("INSERT INTO sso_tickets (hash, account_id, expires_at) VALUES (?, ?, ?)",
                         [_digest(token), account_id, now + TICKET_SECONDS])
    return token


def redeem_ticket(store: Store, token: str, address: str, clock=time.time) -> accounts.Account | None:
    """The enabled account a ticket signs in, once (the ticket is gone after this, used or not), with the
    sign-in audited; None for an unknown, used or expired ticket or a disabled account."""
    if not token or len(token) > 100:
        return None
    with store.write():
        row = store._db.execute("SELECT account_id, expires_at FROM sso_tickets WHERE hash = ?",
                               [_digest(token)]).fetchone()
        if row is None:
            return None
        store._db.execute("DELETE FROM sso_tickets WHERE hash = ?", [_digest(token)])
        account = accounts.account_by_id(store, row[0]) if row[1] > clock() else None
        if account is None or account.disabled:
            return None
        audit.record(store, account.name, "sign-in", account.name, via="sso", where="terminal", **{"from": address})
    return account
