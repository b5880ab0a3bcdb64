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
from yoc.curriculum.services import assignments, progress
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
        # Approved over the past year, so that the Impact page has a history to show.
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
    await standing.update_status(user)


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
