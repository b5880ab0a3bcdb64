"""Demo data: clearly fictional people and groups, in English and Spanish."""

from __future__ import annotations

import unicodedata
from dataclasses import dataclass, field
from datetime import date, timedelta

from tortoise.transactions import in_transaction

from yoc.accounts import services as accounts
from yoc.accounts.enums import Role
from yoc.accounts.models import User
from yoc.curriculum import starter
from yoc.curriculum.models import Activity, ActivityProgress, Module
from yoc.curriculum.services import assignments, practice, progress
from yoc.events.models import Event
from yoc.impact import demo as impact_demo
from yoc.members.enums import (
    ApplicationDecision,
    Community,
    ConsentPurpose,
    NoteVisibility,
    PublicNameChoice,
    Relationship,
)
from yoc.members.models import Cohort, Guardian, MemberProfile, MentorNote
from yoc.members.services import consent, standing
from yoc.participation import demo as participation_demo
from yoc.settings import ConfigError, Settings
from yoc.soapbox import demo as soapbox_demo
from yoc.soapbox.services import readiness
from yoc.tickets import demo as ticket_demo
from yoc.timeutil import utcnow
from yoc.volunteers import demo as volunteer_demo

DEMO_PASSWORD = "soapbox-demo-2027"  # noqa: S105 - printed for the demo; not a real secret


@dataclass(frozen=True)
class DemoPerson:
    email: str
    name: str
    role: Role
    language: str
    cohort: str | None = None
    # Members only:
    age: int = 0
    community: Community = Community.OTHER
    school: str = ""
    interests: str = ""
    guardian: tuple[str, Relationship, str] | None = None  # name, relationship, language
    story: str = ""  # which consent case this member shows
    extra: dict = field(default_factory=dict)


NS, MT = "summer-2027-north-shore", "summer-2027-mecca-thermal"
PEOPLE = [
    DemoPerson("admin@demo.yoc.example", "Rosa Admin (demo)", Role.ADMIN, "en"),
    DemoPerson("staff@demo.yoc.example", "Tomás Staff (demo)", Role.STAFF, "es"),
    DemoPerson("mentor.lucia@demo.yoc.example", "Lucía Mentora (demo)", Role.MENTOR, "es", NS),
    DemoPerson("mentor.daniel@demo.yoc.example", "Daniel Mentor (demo)", Role.MENTOR, "en", MT),
    DemoPerson(
        "ana@demo.yoc.example",
        "Ana Demo",
        Role.MEMBER,
        "es",
        NS,
        15,
        Community.NORTH_SHORE,
        "Desert Mirage High School",
        "clean air, poetry",
        ("María Demo", Relationship.MOTHER, "es"),
        "consented",
    ),
    DemoPerson(
        "beto@demo.yoc.example",
        "Beto Demo",
        Role.MEMBER,
        "en",
        NS,
        16,
        Community.MECCA,
        "Desert Mirage High School",
        "soccer, school funding",
        ("Jorge Demo", Relationship.FATHER, "es"),
        "photo_revoked",
    ),
    DemoPerson(
        "cami@demo.yoc.example",
        "Cami Demo",
        Role.MEMBER,
        "es",
        NS,
        14,
        Community.NORTH_SHORE,
        "Toro Canyon Middle School",
        "music, murals",
        ("Luz Demo", Relationship.GRANDPARENT, "es"),
        "pending",
    ),
    DemoPerson(
        "dani@demo.yoc.example",
        "Dani Demo",
        Role.MEMBER,
        "en",
        MT,
        17,
        Community.THERMAL,
        "Coachella Valley High School",
        "LGBTQ+ rights, Pride",
        ("Sam Demo", Relationship.LEGAL_GUARDIAN, "en"),
        "nickname",
    ),
    DemoPerson(
        "eli@demo.yoc.example",
        "Eli Demo",
        Role.MEMBER,
        "es",
        MT,
        18,
        Community.OASIS,
        "College of the Desert",
        "restorative justice",
        None,
        "adult_waiting",
    ),
    DemoPerson(
        "fer@demo.yoc.example",
        "Fer Demo",
        Role.MEMBER,
        "en",
        MT,
        16,
        Community.COACHELLA,
        "Coachella Valley High School",
        "the Salton Sea",
        ("Rita Demo", Relationship.MOTHER, "es"),
        "paper",
    ),
    # An adult on the path to her first Soapbox Speech: her practice night is next.
    DemoPerson(
        "gabi@demo.yoc.example",
        "Gabi Demo",
        Role.MEMBER,
        "en",
        MT,
        18,
        Community.MECCA,
        "College of the Desert",
        "housing, spoken word",
        None,
        "adult_speaker",
    ),
]

COHORTS = {
    NS: ("Summer 2027 North Shore", Community.NORTH_SHORE),
    MT: ("Summer 2027 Mecca & Thermal", Community.MECCA),
}


def _ascii(text: str) -> str:
    return unicodedata.normalize("NFKD", text).encode("ascii", "ignore").decode().lower()


def _birth_date(age: int) -> date:
    today = standing.today()
    return (
        date(today.year - age, 1, 15)
        if today >= date(today.year, 1, 15)
        else date(today.year - age - 1, 1, 15)
    )


async def _member(person: DemoPerson, user: User, staff: User, settings: Settings) -> None:
    await MemberProfile.create(
        user=user,
        display_name=person.name.split()[0],
        birth_date=_birth_date(person.age),
        community=person.community,
        school=person.school,
        interests=person.interests,
        grade=None if person.age >= 18 else min(12, person.age - 5),
        decision=ApplicationDecision.PENDING
        if person.story in ("pending", "adult_waiting")
        else ApplicationDecision.APPROVED,
        # Approved over the past year: the Impact page has a history to show, and their
        # speaker pages say since when.
        decided_at=None
        if person.story in ("pending", "adult_waiting")
        else utcnow() - timedelta(days=29 * (PEOPLE.index(person) % 11)),
    )
    guardian = None
    if person.guardian:
        name, relationship, language = person.guardian
        guardian = await Guardian.create(
            member=user,
            name=name,
            relationship=relationship,
            language=language,
            email=f"{_ascii(name.split()[0])}.family@demo.yoc.example",
            phone="760-555-0100",
        )
    if person.story in ("consented", "photo_revoked", "nickname", "paper"):
        await consent.record_paper_consent(
            actor=staff,
            member=user,
            guardian=guardian,
            photo_release=True,
            text_messages=person.story != "nickname",
            public_name_choice=PublicNameChoice.NICKNAME
            if person.story == "nickname"
            else PublicNameChoice.FIRST_NAME_LAST_INITIAL,
            nickname="DJ Dani" if person.story == "nickname" else "",
        )
    if person.story == "photo_revoked":
        await consent.revoke(actor=user, member=user, purpose=ConsentPurpose.PHOTO_RELEASE)
    if person.story == "pending" and guardian:
        await consent.send_request(guardian, user, settings=settings)
    if person.story == "adult_waiting":
        await consent.member_consents_for_self(user, language=person.language)
    if person.story == "adult_speaker":
        await consent.member_consents_for_self(user, language=person.language)
        await consent.set_own(user, ConsentPurpose.PUBLIC_NAME, True, language=person.language)
    await standing.update_status(user)


SPEAKING = "Public speaking and the Soapbox Speech"
GABI_DRAFT = (
    "Our landlord raised the rent twice in one year. My mom works two jobs and we still "
    "had to choose between rent and the light bill. Mecca needs renter protections, and "
    "the county votes on them next month: come with me and speak."
)


async def _curriculum(
    users: dict[str, User], cohorts: dict[str, Cohort], settings: Settings
) -> None:
    """The starter curriculum, given to both groups, with members at different points."""
    foundations, policy = await starter.load()
    staff = users["staff@demo.yoc.example"]
    lucia = users["mentor.lucia@demo.yoc.example"]
    await assignments.assign_to_cohort(
        actor=staff,
        cohort_id=cohorts[NS].id,
        track_id=foundations.id,
        due_on=standing.today() + timedelta(days=21),
        note="Start with your story. / Empieza con tu historia.",
    )
    lcap = await Module.filter(track=policy).order_by("position").first()
    await assignments.assign_to_cohort(
        actor=staff,
        cohort_id=cohorts[MT].id,
        module_id=lcap.id,
        due_on=standing.today() - timedelta(days=3),
    )
    story = await Module.filter(track=foundations).order_by("position").first()
    read, reflect, circle = await Activity.filter(module=story).order_by("position")
    ana, beto = users["ana@demo.yoc.example"], users["beto@demo.yoc.example"]
    # Ana finished her story module and waits for a review in the next one.
    await progress.mark_done(ana, read.id)
    await progress.submit_reflection(
        ana,
        reflect.id,
        "Cuando cerraron la clínica en Mecca, "
        "mi mamá tuvo que manejar una hora. Ahí entendí que la "
        "salud no llega igual a todos.",
    )
    row = await ActivityProgress.get(member=ana, activity=reflect)
    await progress.review(
        mentor=lucia,
        progress_id=row.id,
        approve=True,
        feedback="¡Muy poderoso, Ana! Úsalo en tu Soapbox.",
        settings=settings,
    )
    await progress.record_attendance(mentor=lucia, activity_id=circle.id, member_ids=[ana.id])
    second = await Module.filter(track=foundations).order_by("position").offset(1).first()
    noticed = await Activity.filter(module=second, completion="reflection").first()
    await progress.submit_reflection(
        ana,
        noticed.id,
        "Noté que muchas familias no van al doctor por miedo. Nunca lo había pensado así.",
    )
    # Ana finished "Public speaking and the Soapbox Speech": her practice speech was heard.
    speaking = await Module.get(track=foundations, title_en=SPEAKING)
    partner, draft, practice_night = await Activity.filter(module=speaking).order_by("position")
    await progress.mark_done(ana, partner.id)
    await progress.submit_reflection(
        ana,
        draft.id,
        "Tres poemas sobre el polvo del Mar de Salton, mi inhalador y el día que mi clase "
        "contó los días de aire malo. Termino pidiendo que todos se inscriban a las alertas "
        "de calidad del aire.",
    )
    row = await ActivityProgress.get(member=ana, activity=draft)
    await progress.review(
        mentor=lucia,
        progress_id=row.id,
        approve=True,
        feedback="¡Listo para el escenario! Practica el final.",
        settings=settings,
    )
    await practice.record(
        mentor=lucia,
        activity_id=practice_night.id,
        member_id=ana.id,
        scores={"clarity": 3, "voice": 4, "call_to_action": 3},
        comments="Tu voz llena el salón. Mira al público en el último poema.",
    )
    # Gabi (Daniel's group) wrote her speech; her practice night is next.
    gabi, daniel = users["gabi@demo.yoc.example"], users["mentor.daniel@demo.yoc.example"]
    await assignments.assign_to_member(actor=staff, member_id=gabi.id, track_id=foundations.id)
    await progress.mark_done(gabi, read.id)
    await progress.submit_reflection(
        gabi, reflect.id, "The day our landlord raised the rent twice in one year."
    )
    await progress.review(
        mentor=daniel,
        progress_id=(await ActivityProgress.get(member=gabi, activity=reflect)).id,
        approve=True,
        feedback="Powerful. Keep the detail about the letter under the door.",
        settings=settings,
    )
    await progress.record_attendance(mentor=daniel, activity_id=circle.id, member_ids=[gabi.id])
    await progress.mark_done(gabi, partner.id)
    await progress.submit_reflection(gabi, draft.id, GABI_DRAFT)
    await progress.review(
        mentor=daniel,
        progress_id=(await ActivityProgress.get(member=gabi, activity=draft)).id,
        approve=True,
        feedback="Ready for practice night. End with the meeting date.",
        settings=settings,
    )
    # Beto's reflection came back with feedback.
    await progress.submit_reflection(beto, reflect.id, "The bus.")
    row = await ActivityProgress.get(member=beto, activity=reflect)
    await progress.review(
        mentor=lucia,
        progress_id=row.id,
        approve=False,
        feedback="Tell me more: which bus, and what happened that day?",
        settings=settings,
    )


async def _soapbox_readiness(users: dict[str, User]) -> None:
    """Pride's call asks for the public speaking module; members who spoke before the
    path existed got a waiver from their mentor."""
    staff = users["staff@demo.yoc.example"]
    speaking = await Module.get(title_en=SPEAKING)
    pride = await Event.get(slug="ecv-pride-2027")
    await readiness.set_call(actor=staff, event=pride, module_ids=[speaking.id])
    for mentor, member, reason in (
        (
            "mentor.lucia@demo.yoc.example",
            "beto@demo.yoc.example",
            "Beto spoke at the school board in the spring; he is ready for the Soapbox.",
        ),
        (
            "mentor.daniel@demo.yoc.example",
            "dani@demo.yoc.example",
            "Dani hosted last year's Pride open mic. No need to wait for the module.",
        ),
        (
            "mentor.daniel@demo.yoc.example",
            "fer@demo.yoc.example",
            "Fer gave a Soapbox Speech last year and coaches the younger members.",
        ),
    ):
        await readiness.waive(mentor=users[mentor], member_id=users[member].id, reason=reason)


async def seed(settings: Settings | None = None) -> bool:
    """Load the demo data once; return False when it was already there."""
    settings = settings or Settings.from_env()
    if settings.production:
        # Its accounts share a password printed in the README: never on a real site.
        raise ConfigError("The demo data cannot be loaded in production (YOC_ENV=production).")
    if await User.filter(email=PEOPLE[0].email).exists():
        return False
    async with in_transaction():
        cohorts = {
            slug: await Cohort.create(
                slug=slug,
                name=name,
                community=community,
                starts_on=date(2027, 6, 14),
                ends_on=date(2027, 8, 6),
            )
            for slug, (name, community) in COHORTS.items()
        }
        users: dict[str, User] = {}
        for person in PEOPLE:
            users[person.email] = await accounts.create_user(
                email=person.email,
                name=person.name,
                role=person.role,
                password=DEMO_PASSWORD,
                language=person.language,
            )
        staff = users["staff@demo.yoc.example"]
        for person in PEOPLE:
            user = users[person.email]
            if person.role == Role.MEMBER:
                await _member(person, user, staff, settings)
            if person.cohort:
                relation = (
                    cohorts[person.cohort].mentors
                    if person.role == Role.MENTOR
                    else cohorts[person.cohort].members
                )
                await relation.add(user)
        await _curriculum(users, cohorts, settings)
        await ticket_demo.seed(settings)
        await _soapbox_readiness(users)
        await soapbox_demo.seed(users, settings)
        await impact_demo.seed(standing.today().year)
        await volunteer_demo.seed(users, settings)
        await participation_demo.seed(users, cohorts, settings)
        lucia = users["mentor.lucia@demo.yoc.example"]
        await MentorNote.create(
            member=users["ana@demo.yoc.example"],
            author=lucia,
            author_name=lucia.name,
            visibility=NoteVisibility.MEMBER,
            body="¡Qué buen trabajo en tu historia personal! Practica el final en voz alta "
            "antes del Soapbox.",
        )
        await MentorNote.create(
            member=users["beto@demo.yoc.example"],
            author=lucia,
            author_name=lucia.name,
            visibility=NoteVisibility.MENTORS,
            body="Beto wants to speak about the bus route to North Shore. Pair him with Ana.",
        )
    return True
