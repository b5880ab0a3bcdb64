"""A teen's consents as their guardian sees and changes them on the family page."""

from __future__ import annotations

from dataclasses import dataclass

from tortoise.transactions import in_transaction

from yoc import audit
from yoc.members import consent_texts
from yoc.members.enums import ConsentPurpose, PublicNameChoice
from yoc.members.models import ConsentConflict, ConsentRecord, Guardian
from yoc.members.services.consent import Outcome, guardian_answers
from yoc.members.services.guardianship import Guardianship
from yoc.members.services.standing import consents_in_force, update_status


@dataclass
class ConsentLine:
    """One purpose: the decision in force, and this guardian's answer if it waits."""

    purpose: ConsentPurpose
    in_force: ConsentRecord | None
    # This guardian's yes, waiting for staff to confirm the guardian.
    awaiting: ConsentRecord | None
    # This guardian's answer, waiting for staff because another guardian said otherwise.
    held: ConsentConflict | None

    @property
    def granted(self) -> bool:
        return bool(self.in_force and self.in_force.granted)

    def text(self, language: str) -> str:
        """The words agreed to (in the language they were read in), or, without a yes in
        force, those the guardian would agree to now."""
        if self.granted:
            return consent_texts.text(self.purpose, self.in_force.text_language)
        return consent_texts.text(self.purpose, language)


async def consent_lines(teen: Guardianship) -> list[ConsentLine]:
    """Every purpose, in the order of the consent form."""
    guardian = teen.guardian
    in_force = await consents_in_force(teen.member)
    awaiting: dict[ConsentPurpose, ConsentRecord] = {}
    for record in await ConsentRecord.filter(
        guardian=guardian, awaits_confirmation=True, revoked_at__isnull=True
    ):
        awaiting.setdefault(record.purpose, record)
    held: dict[ConsentPurpose, ConsentConflict] = {}
    for conflict in await ConsentConflict.filter(guardian=guardian, resolved_at__isnull=True):
        held[conflict.purpose] = conflict  # oldest first: the newest stays
    return [
        ConsentLine(purpose, in_force.get(purpose), awaiting.get(purpose), held.get(purpose))
        for purpose in ConsentPurpose
    ]


async def change(
    teen: Guardianship,
    purpose: ConsentPurpose,
    granted: bool,
    *,
    email: str,
    language: str,
    public_name_choice: PublicNameChoice | None = None,
    nickname: str = "",
) -> Outcome:
    """A signed-in guardian gives, changes or withdraws one consent. A withdrawal is in
    force at once, everywhere; a yes follows the rules of ``guardian_answers``."""
    guardian: Guardian = teen.guardian
    async with in_transaction():
        outcome = await guardian_answers(
            guardian,
            purpose,
            granted,
            language=language,
            public_name_choice=public_name_choice,
            nickname=nickname,
        )
        await update_status(teen.member)
        await audit.record(
            actor=None,
            actor_label=f"{guardian.name} <{email}>"[:160],
            via="family_page",
            action=audit.AuditAction.CONSENT,
            subject=teen.member,
            minor=True,
            purpose=purpose.value,
            granted=granted,
            outcome=outcome.value,
        )
    return outcome
