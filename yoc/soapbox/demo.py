"""Demo Soapbox data: a past Soapbox night with speeches given, stages at The Hue and
Pride with released schedules (one speaker not confirmed yet), and proposals in every
state. Everything goes through the services, as it would in the browser."""

from __future__ import annotations

from datetime import datetime
from zoneinfo import ZoneInfo

from yoc.accounts.models import User
from yoc.events.forms import EventForm
from yoc.events.models import Event
from yoc.events.services import create_event
from yoc.settings import Settings
from yoc.soapbox.enums import AccessNeed, SpeechLanguage, SpeechState
from yoc.soapbox.forms import ProposalForm, ReviewForm, SlotForm, StageForm, Window
from yoc.soapbox.models import Slot, Speech
from yoc.soapbox.services import proposals, releases, schedule, transitions

LA = ZoneInfo("America/Los_Angeles")
S = SpeechState


def _at(*parts: int) -> datetime:
    return datetime(*parts, tzinfo=LA)


def _proposal(title, topic, summary, language, minutes, windows, **extra) -> ProposalForm:
    return ProposalForm(
        title=title,
        topic=topic,
        summary=summary,
        language=language,
        minutes=minutes,
        windows=[Window(starts_at=a, ends_at=b) for a, b in windows],
        **extra,
    )


HUE = [(_at(2027, 9, 18, 15, 0), _at(2027, 9, 18, 20, 0))]
PRIDE = [(_at(2027, 10, 16, 14, 0), _at(2027, 10, 16, 19, 0))]
NIGHT = [(_at(2026, 11, 6, 18, 0), _at(2026, 11, 6, 20, 0))]


async def _soapbox_night() -> Event:
    return await create_event(
        EventForm(
            slug="soapbox-night-fall-2026",
            name_en="Soapbox Night, Fall 2026",
            name_es="Noche Soapbox, otoño 2026",
            description_en="An evening of short speeches by YO-C members, with pan dulce and "
            "coffee. Free and open to everyone.",
            description_es="Una tarde de discursos cortos de integrantes de YO-C, con pan dulce "
            "y café. Gratis y abierta a todo el público.",
            venue="Mecca Community Center",
            starts_at=_at(2026, 11, 6, 18, 0),
            ends_at=_at(2026, 11, 6, 20, 30),
            capacity=120,
            published=True,
        )
    )


async def _stage_with_slots(
    event: Event, en: str, es: str, start: datetime, count: int
) -> list[Slot]:
    stage = await schedule.add_stage(event, StageForm(name_en=en, name_es=es))
    return await schedule.add_slots(
        event,
        SlotForm(stage_id=stage.id, starts_at=start, minutes=8, count=count, gap_minutes=2),
    )


async def _speech_draft_of(member: User) -> int | None:
    """The reflection where the member wrote their speech (the public speaking module)."""
    for row in await proposals.reflections_to_start_from(member):
        if row.activity.kind == "speech":
            return row.id
    return None


async def seed(users: dict[str, User], settings: Settings) -> None:
    ana = users["ana@demo.yoc.example"]
    beto = users["beto@demo.yoc.example"]
    dani = users["dani@demo.yoc.example"]
    fer = users["fer@demo.yoc.example"]
    lucia = users["mentor.lucia@demo.yoc.example"]
    daniel = users["mentor.daniel@demo.yoc.example"]
    staff = users["staff@demo.yoc.example"]

    async def propose(member: User, form: ProposalForm) -> Speech:
        speech = await proposals.create_draft(member, form)
        await transitions.move(speech.id, S.SUBMITTED, actor=member, settings=settings)
        return speech

    async def decide(reviewer: User, speech: Speech, decision: str, scores, comments="") -> None:
        clarity, voice, action = scores
        await proposals.review(
            reviewer,
            speech.id,
            ReviewForm(
                decision=decision,
                clarity=clarity,
                voice=voice,
                call_to_action=action,
                comments=comments,
            ),
            settings=settings,
        )

    async def place(event: Event, speech: Speech, slot: Slot) -> None:
        await schedule.place(
            actor=staff, event=event, speech_id=speech.id, slot_id=slot.id, settings=settings
        )

    async def confirm(member: User, speech: Speech) -> None:
        await transitions.move(speech.id, S.CONFIRMED, actor=member, settings=settings)

    # A Soapbox night earlier this fall: speeches given.
    night = await _soapbox_night()
    night_slots = await _stage_with_slots(
        night, "Community room", "Salón comunitario", _at(2026, 11, 6, 18, 15), 6
    )
    poems = await propose(
        ana,
        _proposal(
            "Poems for clean air",
            "Air quality in North Shore",
            "Three short poems about the dust from the Salton Sea, my asthma inhaler, and the "
            "day our class counted the bad-air days. I end by asking everyone to sign up for "
            "air-quality text alerts.",
            SpeechLanguage.BILINGUAL,
            6,
            NIGHT,
            # It grew from the speech draft Ana wrote in the public speaking module.
            reflection_id=await _speech_draft_of(ana),
        ),
    )
    sea = await propose(
        fer,
        _proposal(
            "The Salton Sea is our sea",
            "Environmental justice",
            "My grandmother fished in the Salton Sea. Now we cannot go near it. What happened, "
            "who decides, and the county meeting where we can speak next month.",
            SpeechLanguage.ENGLISH,
            7,
            NIGHT,
        ),
    )
    await decide(
        lucia,
        poems,
        "accepted",
        (4, 4, 3),
        "¡Qué poderosos tus poemas! Practica el final en voz alta.",
    )
    await decide(
        daniel,
        sea,
        "accepted",
        (3, 4, 4),
        "Strong story. Slow down when you talk about your grandmother.",
    )
    for speech, slot, speaker in ((poems, night_slots[0], ana), (sea, night_slots[1], fer)):
        await place(night, speech, slot)
        await confirm(speaker, speech)
    await releases.publish(actor=staff, event=night, settings=settings)
    for speech in (poems, sea):
        await transitions.move(speech.id, S.DELIVERED, actor=staff, settings=settings)

    # The Hue: a Soapbox stage between the bands; one speaker has not confirmed.
    hue = await Event.get(slug="the-hue-2027")
    hue_slots = await _stage_with_slots(
        hue, "Soapbox stage", "Escenario Soapbox", _at(2027, 9, 18, 16, 0), 8
    )
    funding = await propose(
        beto,
        _proposal(
            "Where does our school money go?",
            "School funding transparency",
            "Our district gets money for English learners like me. I looked for where it is "
            "spent and could not find it. I ask the board to publish it in Spanish and English.",
            SpeechLanguage.ENGLISH,
            6,
            HUE,
            access_needs=[AccessNeed.MICROPHONE],
        ),
    )
    myself = await propose(
        dani,
        _proposal(
            "Being myself in Thermal",
            "Growing up queer in the East Valley",
            "What it was like to come out in a small town, the teacher who listened, and why "
            "a Pride festival here matters.",
            SpeechLanguage.BILINGUAL,
            5,
            HUE + PRIDE,
            content_notes="Mentions bullying and family conflict.",
        ),
    )
    dust = await propose(
        fer,
        _proposal(
            "Dust, water and us",
            "Health and the Salton Sea",
            "A follow-up to my Soapbox night speech: what changed since, and the three things "
            "every family can do this summer.",
            SpeechLanguage.SPANISH,
            7,
            HUE,
            access_needs=[AccessNeed.INTERPRETER],
            access_notes="I would like an interpreter into English.",
        ),
    )
    await decide(
        lucia, funding, "accepted", (3, 3, 4), "Clear ask. Add one number people will remember."
    )
    await decide(daniel, myself, "accepted", (4, 4, 3))
    await decide(daniel, dust, "accepted", (3, 4, 3), "Muy claro. Usa tu tiempo completo.")
    await place(hue, funding, hue_slots[0])
    await place(hue, myself, hue_slots[1])
    await place(hue, dust, hue_slots[3])
    await confirm(beto, funding)
    await confirm(dani, myself)
    await releases.publish(actor=staff, event=hue, settings=settings)
    # A change after the release, released again: it shows in the changelog.
    await place(hue, myself, hue_slots[2])
    await confirm(dani, myself)
    await releases.publish(actor=staff, event=hue, settings=settings)

    # Pride: one released, confirmed speech, and one accepted speech waiting for a slot.
    pride = await Event.get(slug="ecv-pride-2027")
    pride_slots = await _stage_with_slots(
        pride, "Youth stage", "Escenario juvenil", _at(2027, 10, 16, 15, 0), 6
    )
    reunion = await propose(
        dani,
        _proposal(
            "Pride is a family reunion",
            "Chosen family",
            "The first ECV Pride was the first time I saw people like me in my own town. "
            "A thank-you, and an invitation to volunteer.",
            SpeechLanguage.ENGLISH,
            5,
            PRIDE,
            event_id=pride.id,
        ),
    )
    await decide(daniel, reunion, "accepted", (4, 3, 4))
    await place(pride, reunion, pride_slots[1])
    await confirm(dani, reunion)
    await releases.publish(actor=staff, event=pride, settings=settings)
    circles = await propose(
        ana,
        _proposal(
            "Circles, not suspensions",
            "Restorative justice",
            "Our district's restorative justice pilot, from a student who sat in the circle.",
            SpeechLanguage.SPANISH,
            6,
            PRIDE,
            event_id=pride.id,
        ),
    )
    await decide(lucia, circles, "accepted", (3, 3, 3), "Bien. Cuenta un ejemplo concreto.")

    # Proposals in every other state.
    await propose(
        ana,
        _proposal(
            "A bus that stops in North Shore",
            "Transportation",
            "Two buses a day do not get us to school, work or the clinic. What a new route would "
            "change, and the survey we started.",
            SpeechLanguage.BILINGUAL,
            5,
            HUE + PRIDE,
        ),
    )  # submitted: waiting for Lucía's review
    language = await propose(
        beto,
        _proposal(
            "Why I speak Spanish at school",
            "Language and identity",
            "Teachers told me to speak English only.",
            SpeechLanguage.BILINGUAL,
            4,
            HUE,
        ),
    )
    await decide(
        lucia,
        language,
        "changes_requested",
        (2, 4, 1),
        "Tu historia es fuerte. Falta lo que le pides al público: ¿qué quieres que hagan?",
    )
    heat = await propose(
        fer,
        _proposal(
            "Heat in the fields",
            "Farmworker safety",
            "My uncle works in the fields in 115 degrees.",
            SpeechLanguage.SPANISH,
            10,
            PRIDE,
        ),
    )
    await decide(
        daniel,
        heat,
        "declined",
        (2, 3, 2),
        "This topic matters, but it needs more time than a Soapbox slot. Let's turn it into a "
        "campaign presentation for the policy track instead.",
    )
    skate = await propose(
        beto,
        _proposal(
            "A skate park for Mecca",
            "Parks and youth spaces",
            "Where we skate now, and why a park would keep us safe.",
            SpeechLanguage.ENGLISH,
            3,
            PRIDE,
        ),
    )
    await transitions.move(
        skate.id,
        S.WITHDRAWN,
        actor=beto,
        settings=settings,
        note="I have soccer that day.",
    )
    await proposals.create_draft(
        dani,
        ProposalForm(
            title="Letters to my younger self",
            topic="Mental health",
            language=SpeechLanguage.ENGLISH,
            minutes=4,
        ),
    )
