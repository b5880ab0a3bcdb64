"""Demo volunteer shifts at The Hue 2027 and Pride 2027: members, a mentor and parents
on them, and the gaps staff still have to fill (the late shifts, which minors cannot
take)."""

from __future__ import annotations

from datetime import datetime
from zoneinfo import ZoneInfo

from yoc.accounts.models import User
from yoc.events.services import get_event
from yoc.settings import Settings
from yoc.volunteers.enums import ShiftRole
from yoc.volunteers.forms import ShiftForm
from yoc.volunteers.services import shifts, signups
from yoc.volunteers.services.signups import Guest

LA = ZoneInfo("America/Los_Angeles")
D = ShiftRole

# (event, role, place in English and Spanish, start, end (hh:mm local), people needed,
#  members' emails, guests (name, email, language))
SHIFTS = [
    ("the-hue-2027", D.DOOR, "North gate", "Entrada norte", "14:30", "18:00", 4,
     ["mentor.daniel@demo.yoc.example", "eli@demo.yoc.example"],
     [("María Demo", "maria.family@demo.yoc.example", "es")]),
    ("the-hue-2027", D.DOOR, "North gate", "Entrada norte", "18:00", "22:00", 4,
     [], [("Jorge Demo", "jorge.family@demo.yoc.example", "es")]),
    ("the-hue-2027", D.STAGE_CREW, "Main stage", "Escenario principal", "14:00", "17:30", 3,
     ["beto@demo.yoc.example"], []),
    ("the-hue-2027", D.INFO_TENT, "Info tent by the murals", "Carpa junto a los murales",
     "15:00", "19:00", 2, ["ana@demo.yoc.example"], []),
    ("the-hue-2027", D.STAGE_CREW, "Main stage", "Escenario principal", "19:00", "22:30", 3,
     [], []),
    ("ecv-pride-2027", D.DOOR, "Main gate", "Entrada principal", "13:30", "17:30", 3,
     ["dani@demo.yoc.example"], []),
    ("ecv-pride-2027", D.INFO_TENT, "Resource booths", "Mesas de recursos", "14:00", "18:00", 2,
     ["fer@demo.yoc.example"], []),
    ("ecv-pride-2027", D.STAGE_CREW, "Main stage", "Escenario principal", "17:00", "21:30", 3,
     [], [("Sam Demo", "sam.family@demo.yoc.example", "en")]),
    ("ecv-pride-2027", D.OTHER, "Clean-up, whole park", "Limpieza de todo el parque",
     "20:30", "22:30", 4, [], []),
]  # fmt: skip


def _at(day: datetime, clock: str) -> datetime:
    hour, minute = (int(part) for part in clock.split(":"))
    return day.replace(hour=hour, minute=minute)


async def seed(users: dict[str, User], settings: Settings) -> None:
    for slug, role, place_en, place_es, start, end, needed, members, guests in SHIFTS:
        event = await get_event(slug)
        day = event.starts_at.astimezone(LA)
        shift = await shifts.create(
            event,
            ShiftForm(
                role=role,
                place_en=place_en,
                place_es=place_es,
                starts_at=_at(day, start),
                ends_at=_at(day, end),
                needed=needed,
            ),
        )
        shift = await shifts.get_shift(shift.id)
        for email in members:
            await signups.sign_up_member(shift, users[email], settings=settings)
        for name, email, language in guests:
            await signups.sign_up_guest(
                shift, Guest(name=name, email=email, language=language), settings=settings
            )
