"""Demo data: clearly fictional people and groups, in English and Spanish."""

from __future__ import annotations

from dataclasses import dataclass

from tortoise.transactions import in_transaction

from yoc.accounts import services as accounts
from yoc.accounts.enums import Role
from yoc.accounts.models import User
from yoc.members.models import Cohort

DEMO_PASSWORD = "soapbox-demo-2027"  # noqa: S105 - printed for the demo; not a real secret


@dataclass(frozen=True)
class DemoPerson:
    email: str
    name: str
    role: Role
    language: str
    cohort: str | None = None


PEOPLE = [
    DemoPerson("admin@demo.yoc.example", "Rosa Admin (demo)", Role.ADMIN, "en"),
    DemoPerson("staff@demo.yoc.example", "Tomás Staff (demo)", Role.STAFF, "es"),
    DemoPerson(
        "mentor.lucia@demo.yoc.example",
        "Lucía Mentora (demo)",
        Role.MENTOR,
        "es",
        "summer-2027-north-shore",
    ),
    DemoPerson(
        "mentor.daniel@demo.yoc.example",
        "Daniel Mentor (demo)",
        Role.MENTOR,
        "en",
        "summer-2027-mecca-thermal",
    ),
    DemoPerson("ana@demo.yoc.example", "Ana Demo", Role.MEMBER, "es", "summer-2027-north-shore"),
    DemoPerson("beto@demo.yoc.example", "Beto Demo", Role.MEMBER, "en", "summer-2027-north-shore"),
    DemoPerson("cami@demo.yoc.example", "Cami Demo", Role.MEMBER, "es", "summer-2027-north-shore"),
    DemoPerson(
        "dani@demo.yoc.example", "Dani Demo", Role.MEMBER, "en", "summer-2027-mecca-thermal"
    ),
    DemoPerson("eli@demo.yoc.example", "Eli Demo", Role.MEMBER, "es", "summer-2027-mecca-thermal"),
    DemoPerson("fer@demo.yoc.example", "Fer Demo", Role.MEMBER, "en", "summer-2027-mecca-thermal"),
]

COHORTS = {
    "summer-2027-north-shore": "Summer 2027 North Shore",
    "summer-2027-mecca-thermal": "Summer 2027 Mecca & Thermal",
}


async def seed() -> bool:
    """Load the demo data once; return False when it was already there."""
    if await User.filter(email=PEOPLE[0].email).exists():
        return False
    async with in_transaction():
        cohorts = {
            slug: await Cohort.create(slug=slug, name=name) for slug, name in COHORTS.items()
        }
        for person in PEOPLE:
            user = await accounts.create_user(
                email=person.email,
                name=person.name,
                role=person.role,
                password=DEMO_PASSWORD,
                language=person.language,
            )
            if person.cohort:
                relation = (
                    cohorts[person.cohort].mentors
                    if person.role == Role.MENTOR
                    else cohorts[person.cohort].members
                )
                await relation.add(user)
    return True
