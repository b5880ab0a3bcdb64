"""A member who has done everything YO-C can record about a person, and the words that
would give her away: what the deletion tests search for and the download tests expect.

Itzel Ramírez (15) applied with her mother Rosa as guardian, who agreed by email; she has
a photo and a bio, a group, notes from her mentor, a reflection that was returned with feedback and
then approved, a milestone badge, an attendance mark, a Soapbox Speech that was reviewed,
scheduled, confirmed and released (with a calendar feed), a festival order with her phone
that was paid and checked in, audit lines (one naming her in its details), a password
reset, a failed sign-in, an API token and a deletion request.
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from datetime import timedelta
from decimal import Decimal

import httpx

from tests.conftest import confirm_signup, csrf_from, log_in, post_form
from tests.curriculum.factories import give, make_activity, make_module, make_track
from tests.factories import PASSWORD, make_user
from tests.members.conftest import browser, png_bytes
from tests.members.factories import birth_date_for, make_cohort, make_member
from tests.soapbox.factories import make_slot, make_speech, make_stage, publish
from tests.tickets.factories import make_event, make_ticket_type
from tests.volunteers.factories import make_shift
from yoc import audit
from yoc.accounts import services as accounts
from yoc.accounts.enums import Role
from yoc.accounts.models import ApiToken, User
from yoc.curriculum.enums import Completion
from yoc.curriculum.services import progress
from yoc.mail import OutboxMessage
from yoc.members.enums import ConsentPurpose, NoteVisibility
from yoc.members.models import Cohort, ConsentConflict, Guardian
from yoc.members.services import notes, privacy, profiles
from yoc.participation.enums import Presence, ReminderKind, Rsvp
from yoc.participation.models import Meeting, MeetingAttendance
from yoc.participation.services import choices, hours, meetings
from yoc.settings import Settings
from yoc.soapbox.enums import SpeechState
from yoc.soapbox.services import public, readiness, transitions
from yoc.tickets.enums import Pricing
from yoc.tickets.models import Order, Ticket
from yoc.tickets.services import checkin, manage, signing, states, waitlist
from yoc.timeutil import utcnow
from yoc.volunteers.enums import ShiftRole
from yoc.volunteers.services import signups as shift_signups
from yoc.volunteers.services.signups import Guest

PASSWORD_OF_ITZEL = "desert wind at night"
NAME = "Itzel Ramírez"
EMAIL = "itzel@example.org"
PHONE = "760-555-0199"  # hers, given with her festival order
GUARDIAN = "Rosa Ramírez"
GUARDIAN_EMAIL = "rosa@example.org"
GUARDIAN_PHONE = "760-555-0142"
REFLECTION = "The canal behind my grandmother's house smells of salt every August."
FEEDBACK = "Tell me more about the canal and who else notices the smell."
NOTE = "Itzel led the circle today and asked the quiet ones first."
PRIVATE_NOTE = "Check in with Itzel about the late bus on Thursdays."
SPEECH = "When the dust blows off the Salton Sea, my little brother cannot breathe."
REVIEW = "Open with your brother's inhaler, the room will feel it."
REASON = "I am moving to Fresno with my aunt."
BIO = "I paint murals of the date palms on the walls of Mecca."
TITLE = "Dust, asthma and my little brother"

# Everything above that names Itzel or her guardian, or that she or others wrote about
# her: none of it may be anywhere in the database once her data is deleted.
WORDS = (
    NAME,
    EMAIL,
    PHONE,
    GUARDIAN,
    GUARDIAN_EMAIL,
    GUARDIAN_PHONE,
    REFLECTION,
    FEEDBACK,
    NOTE,
    PRIVATE_NOTE,
    SPEECH,
    REVIEW,
    REASON,
    BIO,
    TITLE,
)


@dataclass
class Footprint:
    member: User
    mentor: User
    staff: User
    admin: User
    order: Order
    deletion_request_id: int


async def _apply(app, client: httpx.AsyncClient) -> User:
    """Sign up as a 15-year-old; her mother agrees through the emailed link."""
    applied = await post_form(
        client,
        "/signup",
        {
            "name": NAME,
            "email": EMAIL,
            "password": PASSWORD_OF_ITZEL,
            "password_confirm": PASSWORD_OF_ITZEL,
            "language": "es",
            "birth_date": birth_date_for(15).isoformat(),
            "community": "mecca",
            "guardian_name": GUARDIAN,
            "guardian_relationship": "mother",
            "guardian_email": GUARDIAN_EMAIL,
            "guardian_phone": GUARDIAN_PHONE,
            "guardian_language": "es",
        },
    )
    assert applied.status_code == 200, applied.text
    assert (await confirm_signup(client, EMAIL)).status_code == 303
    (mail,) = await OutboxMessage.filter(template="guardian_consent")
    link = re.search(r"http://testserver(/consent/\S+)", mail.body_text).group(1)
    async with browser(app) as guardian:
        form = await guardian.get(link)
        answered = await guardian.post(
            link,
            data={
                "participation": "agree",
                "photo_release": "1",
                "public_name_choice": "full_name",
                "csrf_token": csrf_from(form.text),
            },
        )
        assert answered.status_code == 200
    return await User.get(email=EMAIL)


async def _learn(member: User, mentor: User, settings: Settings) -> None:
    """A milestone module: a reflection returned, rewritten and approved, and a meeting
    she attended; finishing it earns a badge."""
    track = await make_track("Know your valley", "Conoce tu valle")
    module = await make_module(track, "Water", "Agua", milestone=True)
    reflect = await make_activity(
        module,
        "Where water meets home",
        "Donde el agua llega a casa",
        completion=Completion.REFLECTION,
    )
    meet = await make_activity(
        module,
        "Water board meeting",
        "Junta del distrito de agua",
        completion=Completion.ATTENDANCE,
    )
    await make_module(track, "Land", "Tierra")  # so the track itself is not finished
    await give(member, module)
    submitted = await progress.submit_reflection(member, reflect.id, "A first draft.")
    await progress.review(
        mentor=mentor, progress_id=submitted.id, approve=False, feedback=FEEDBACK, settings=settings
    )
    await progress.submit_reflection(member, reflect.id, REFLECTION)
    await progress.review(
        mentor=mentor, progress_id=submitted.id, approve=True, feedback="", settings=settings
    )
    assert (
        await progress.record_attendance(mentor=mentor, activity_id=meet.id, member_ids=[member.id])
        == 1
    )


async def _speak(member: User, staff: User, settings: Settings) -> None:
    """A speech reviewed, scheduled, confirmed and released; a calendar feed for it."""
    event = await make_event()
    slot = await make_slot(await make_stage(event), event.starts_at, minutes=10)
    speech = await make_speech(member, title=TITLE, summary=SPEECH, minutes=5)
    await transitions.move(
        speech.id,
        SpeechState.ACCEPTED,
        actor=staff,
        settings=settings,
        note=REVIEW,
        rubric={"clarity": 3, "voice": 4, "call_to_action": 3},
    )
    await transitions.move(
        speech.id, SpeechState.SCHEDULED, actor=staff, settings=settings, slot=slot
    )
    await transitions.move(speech.id, SpeechState.CONFIRMED, actor=member, settings=settings)
    await publish(event, settings, actor=staff)
    await public.calendar_keys(member)


async def _buy(app, settings: Settings, staff: User) -> Order:
    """Two festival tickets through the API (with a retry key), paid at the door; one
    is scanned in."""
    event = await make_event()
    general = await make_ticket_type(
        event,
        name_en="Festival day",
        name_es="Día de festival",
        pricing=Pricing.FIXED,
        price_cents=1500,
    )
    async with browser(app) as buyer:
        placed = await buyer.post(
            f"/api/v1/events/{event.slug}/orders",
            json={
                "buyer": {"name": NAME, "email": EMAIL, "phone": PHONE, "language": "es"},
                "items": [{"ticket_type": general.id, "quantity": 2}],
                "payment": "box_office",
            },
            headers={"Idempotency-Key": "itzel-phone-1"},
        )
        assert placed.status_code == 201, placed.text
    order = await Order.get(code=placed.json()["code"])
    await states.mark_paid_at_door(order, actor=f"{staff.name} <{staff.email}>", settings=settings)
    ticket = await Ticket.filter(order=order).order_by("id").first()
    code = await signing.code_for(ticket, event)
    assert (await checkin.check_in(event=event, code=code, gate="North gate")).result == "ok"
    # She put her own name on the second ticket, and waits for a sold-out type.
    second = await Ticket.filter(order=order).order_by("-id").first()
    await manage.rename_ticket(order, second.id, f"{NAME} (2)", actor="buyer")
    vip = await make_ticket_type(
        event, name_en="Front row", name_es="Primera fila", pricing=Pricing.FREE, quota=0
    )
    await waitlist.join(
        event, vip, name=NAME, email=EMAIL, language="es", quantity=2, settings=settings
    )
    # She volunteers at the info tent with her account, and her address is on another
    # shift, given on the public page with her phone.
    tent = await make_shift(event, role=ShiftRole.INFO_TENT, start=16, hours=2)
    member = await User.get(email=EMAIL)
    await shift_signups.sign_up_member(tent, member, settings=settings)
    door = await make_shift(event, start=18, hours=2)
    await shift_signups.sign_up_guest(
        door, Guest(name=NAME, email=EMAIL, phone=PHONE, language="es"), settings=settings
    )
    return await Order.get(id=order.id)


async def _meet(member: User, mentor: User) -> None:
    """Her group met; she said she would come, came, and logged hours a mentor checked;
    she and her guardian chose their reminders."""
    cohort = await Cohort.get(name="Summer 2027 Mecca")
    coming = await Meeting.create(
        cohort=cohort, starts_at=utcnow() + timedelta(days=3), place="Mecca Library", topic="T"
    )
    await meetings.answer(member, coming.id, Rsvp.YES)
    held = await Meeting.create(
        cohort=cohort, starts_at=utcnow() - timedelta(days=3), place="Mecca Library", topic="T"
    )
    await MeetingAttendance.create(
        meeting=held, member=member, presence=Presence.PRESENT, marked_at=utcnow()
    )
    entry = await hours.log_hours(
        member,
        served_on=utcnow().date(),
        hours=Decimal(2),
        organisation=f"Food bank, with {NAME}",
        description=BIO,
    )
    await hours.review(actor=mentor, hours_id=entry.id, verified=True)
    await choices.choose_for_member(member, {ReminderKind.MEETINGS})
    await choices.choose_for_guardian(GUARDIAN_EMAIL, {ReminderKind.DUE_DATES})


async def member_who_did_everything(app, client: httpx.AsyncClient) -> Footprint:
    """Itzel, signed in on ``client`` (signing up signs her in), with a record in every
    table that can hold one."""
    settings: Settings = app.state.settings
    member = await _apply(app, client)
    staff = await make_user(name="Sam Staff", email="sam@example.org", role=Role.STAFF)
    mentor = await make_user(name="Marco Mentor", email="marco@example.org", role=Role.MENTOR)
    admin = await make_user(name="Ada Admin", email="ada@example.org", role=Role.ADMIN)
    await profiles.decide(actor=staff, member=member, approve=True)
    page = await client.get("/me/profile/edit")
    uploaded = await client.post(
        "/me/photo",
        data={"csrf_token": csrf_from(page.text)},
        files={"photo": ("me.png", png_bytes(), "image/png")},
    )
    assert uploaded.status_code == 303
    await profiles.update_profile(actor=member, member=member, changes={"bio": BIO})
    # Another member of her group, whose record mentions her.
    friend = await make_member(name="Ana Flores", email="ana@example.org")
    await make_cohort("Summer 2027 Mecca", members=[member, friend], mentors=[mentor])
    await notes.add_note(author=mentor, member=member, body=NOTE, visibility=NoteVisibility.MEMBER)
    await notes.add_note(
        author=mentor, member=member, body=PRIVATE_NOTE, visibility=NoteVisibility.MENTORS
    )
    await _learn(member, mentor, settings)
    await _meet(member, mentor)
    # Her mentor let her propose before finishing the public speaking module.
    await readiness.waive(mentor=mentor, member_id=member.id, reason="Ready for the Soapbox.")
    await _speak(member, staff, settings)
    order = await _buy(app, settings, staff)
    # Staff viewed her record; one audit line names her in its details, and one about
    # her friend does too.
    viewed = await client.get("/dashboard")  # her own session stays signed in
    assert viewed.status_code == 200
    async with browser(app) as staff_browser:
        await log_in(staff_browser, "sam@example.org", PASSWORD)
        assert (await staff_browser.get(f"/members/{member.id}")).status_code == 200
    await audit.record(
        actor=staff,
        action=audit.AuditAction.UPDATE,
        subject=member,
        minor=True,
        previous={"email": EMAIL, "guardian": f"{GUARDIAN} <{GUARDIAN_EMAIL}>"},
    )
    await audit.record(
        actor=mentor,
        action=audit.AuditAction.NOTE,
        subject=friend,
        minor=True,
        about=f"Paired with {NAME} for the canal walk",
    )
    # A second answer from her guardian, contradicting the one in force, waits for staff.
    await ConsentConflict.create(
        member=member,
        purpose=ConsentPurpose.PHOTO_RELEASE,
        guardian=await Guardian.get(member=member),
        by_name=GUARDIAN,
        granted=False,
        text_version="1",
        text_language="es",
    )
    await accounts.request_password_reset(EMAIL, settings=settings, language="es")
    async with browser(app) as someone:
        refused = await post_form(someone, "/login", {"email": EMAIL, "password": "wrong guess"})
        assert refused.status_code == 400
    await ApiToken.create(user=member, name="old phone", token_hash="a" * 64, prefix="yoc_aaaa")
    request = await privacy.request_deletion(member=member, reason=REASON)
    return Footprint(
        member=member,
        mentor=mentor,
        staff=staff,
        admin=admin,
        order=order,
        deletion_request_id=request.id,
    )
