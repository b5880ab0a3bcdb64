"""Ready to propose: an event's Soapbox call names the modules a member finishes before
sending a proposal (by default, the module where the speech is written); a mentor may
waive that for one member, with a reason, and the waiver is kept for staff to see."""

from __future__ import annotations

from dataclasses import dataclass, field

from yoc import audit
from yoc.accounts.enums import Role
from yoc.accounts.models import User
from yoc.curriculum.services import catalog, progress
from yoc.errors import NotFound, PermissionDenied, ValidationFailed
from yoc.events.models import Event
from yoc.i18n import N_
from yoc.members.services.access import can_see, is_staff
from yoc.soapbox.models import ReadinessWaiver, SoapboxCall, Speech
from yoc.timeutil import utcnow

NOT_READY = N_(
    "Finish the modules this call asks for before you send a proposal. Your draft is saved."
)


@dataclass(frozen=True)
class ModuleLeft:
    id: int
    title_en: str
    title_es: str


@dataclass
class Readiness:
    required: list[ModuleLeft] = field(default_factory=list)
    missing: list[ModuleLeft] = field(default_factory=list)
    waiver: ReadinessWaiver | None = None

    @property
    def ready(self) -> bool:
        return self.waiver is not None or not self.missing


async def required_module_ids(event_id: int | None) -> list[int]:
    """What the call of this event asks for; with no call (or no event), the default."""
    call = await SoapboxCall.get_or_none(event_id=event_id) if event_id else None
    if call is not None:
        return list(call.required_modules)
    return await catalog.speech_module_ids()


async def readiness(member: User, event_id: int | None = None) -> Readiness:
    ids = await required_module_ids(event_id)
    modules = [ModuleLeft(m.id, m.title_en, m.title_es) for m in await catalog.modules_by_ids(ids)]
    done = await progress.completed_module_ids(member.id, [m.id for m in modules])
    return Readiness(
        required=modules,
        missing=[m for m in modules if m.id not in done],
        waiver=await ReadinessWaiver.filter(member=member).first(),
    )


async def check(speech: Speech) -> None:
    """Refuse to send a proposal its speaker is not ready for (pages and API alike)."""
    speaker = await User.get(id=speech.speaker_id)
    if not (await readiness(speaker, speech.event_id)).ready:
        raise PermissionDenied(NOT_READY, "not_ready")


async def waive(*, mentor: User, member_id: int, reason: str) -> ReadinessWaiver:
    """A mentor of the member's group (or staff) lets them propose now; logged."""
    member = await User.get_or_none(id=member_id, role=Role.MEMBER)
    if (
        member is None
        or member.id == mentor.id
        or mentor.role not in (Role.MENTOR, Role.STAFF, Role.ADMIN)
        or not await can_see(mentor, member)
    ):
        raise NotFound(N_("We could not find that member."), "not_found")
    reason = reason.strip()
    if not reason:
        raise ValidationFailed({"reason": N_("Say in a few words why this member is ready.")})
    waiver = await ReadinessWaiver.create(
        member=member, granted_by=mentor, granted_by_name=mentor.name, reason=reason
    )
    await audit.record(
        actor=mentor, action=audit.AuditAction.UPDATE, subject=member, soapbox="readiness_waived"
    )
    return waiver


async def member_for(viewer: User, member_id: int) -> User:
    """A member whose readiness this mentor (their group's) or staff may see."""
    member = await User.get_or_none(id=member_id, role=Role.MEMBER)
    if member is None or member.id == viewer.id or not await can_see(viewer, member):
        raise NotFound(N_("We could not find that member."), "not_found")
    return member


async def waivers_of(member: User) -> list[ReadinessWaiver]:
    return await ReadinessWaiver.filter(member=member)


async def all_waivers(viewer: User) -> list[ReadinessWaiver]:
    """Staff: every waiver, the latest first, with its member."""
    if not is_staff(viewer):
        raise PermissionDenied(N_("Only staff can see this."), "forbidden")
    return await ReadinessWaiver.all().select_related("member")


# Calls ----------------------------------------------------------------------------


@dataclass
class CallSettings:
    event: Event
    required: list[int]
    modules: list  # every live module, with its track, to choose from
    saved: bool  # False: the default, never set by staff


async def call_settings(event: Event) -> CallSettings:
    call = await SoapboxCall.get_or_none(event=event)
    required = list(call.required_modules) if call else await catalog.speech_module_ids()
    return CallSettings(event, required, await catalog.live_modules(), call is not None)


async def set_call(*, actor: User, event: Event, module_ids: list[int]) -> SoapboxCall:
    """Staff choose the modules this event's call asks for (none: anyone may propose)."""
    known = {m.id for m in await catalog.live_modules()}
    chosen = sorted({i for i in module_ids if i in known})
    call, created = await SoapboxCall.get_or_create(
        event=event, defaults={"required_modules": chosen, "updated_by_name": actor.name}
    )
    if not created:
        call.required_modules = chosen
        call.updated_by_name = actor.name
        await call.save(update_fields=["required_modules", "updated_by_name", "updated_at"])
    return call


async def open_calls() -> list[Event]:
    """Events a proposal can be for: published, not over, with a Soapbox stage."""
    return (
        await Event.filter(published=True, ends_at__gt=utcnow())
        .filter(stages__id__isnull=False)
        .distinct()
        .order_by("starts_at")
    )
