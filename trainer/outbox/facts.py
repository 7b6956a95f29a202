"""The statement builder the store calls with the facts it has just written.

Importing trainer.outbox registers `BUILDER` with the store (`trainer.progress.outbox_tables.use_statements`),
so the progress package never imports this one: the store writes a fact and, in the same transaction,
the statements this builder makes from the records it hands over (an `Attempt`, a `StoredChoice`, the
skills just scored). No database here: `statements.py` does the xAPI shapes, this adapts the store's
records (site settings, pseudonymous actors) to them."""

from __future__ import annotations

import trainer.outbox.statements as st
from trainer.progress.outbox_tables import Actor, SiteSettings, use_statements
from trainer.progress.records import Attempt, StoredChoice


def _site(settings: SiteSettings) -> st.Site:
    return st.Site(settings.home, with_names=settings.with_names)


def _agent(where: st.Site, actor: Actor) -> dict:
    return where.agent(actor.account, actor.name)


class StatementBuilder:
    """xAPI 1.0.3 statements from the store's records (see trainer.progress.outbox_tables.StatementBuilder)."""

    def answered(self, site: SiteSettings, actor: Actor, attempt: Attempt, choice: StoredChoice) -> dict:
        where = _site(site)
        return st.answered(where, _agent(where, actor), attempt, choice)

    def answered_id(self, attempt_id: str, seq: int) -> str:
        return st.answered_id(attempt_id, seq)

    def completion(self, site: SiteSettings, actor: Actor, attempt: Attempt, skills: dict[str, float]
                   ) -> list[dict]:
        where = _site(site)
        return st.completion(where, _agent(where, actor), attempt, skills)

    def sign_off(self, site: SiteSettings, supervisor: Actor, attempt: Attempt, signed_off_at: str,
                 number: int = 1) -> dict:
        where = _site(site)
        return st.sign_off(where, _agent(where, supervisor), attempt, signed_off_at, number)

    def voiding(self, site: SiteSettings, actor: Actor, voided_id: str, at: str) -> dict:
        return st.voiding(_agent(_site(site), actor), voided_id, at)


BUILDER = StatementBuilder()
use_statements(BUILDER)
