"""The benchmark's data set, written with bulk inserts so that loading takes seconds.

Steps, each its own function so that a domain can add its rows in one place:
people and groups, the curriculum and its progress, festivals with their ticket types,
the history of orders, and Soapbox speeches.
"""

from __future__ import annotations

import random
from dataclasses import dataclass, field
from datetime import date, timedelta

from tortoise import connections

from yoc.accounts.enums import Role
from yoc.accounts.models import User
from yoc.curriculum.enums import ActivityKind, Completion, ProgressState
from yoc.curriculum.models import (
    Activity,
    ActivityProgress,
    Assignment,
    Module,
    ModuleCompletion,
    ProgressEvent,
    Track,
)
from yoc.events.models import Event
from yoc.members.enums import (
    ApplicationDecision,
    Community,
    ConsentPurpose,
    ConsentSource,
    MemberStatus,
    PublicNameChoice,
)
from yoc.members.models import Cohort, ConsentRecord, MemberProfile
from yoc.security import hash_password
from yoc.settings import Settings
from yoc.soapbox.enums import SpeechLanguage, SpeechState
from yoc.soapbox.models import Availability, Slot, Speech, Stage
from yoc.soapbox.services import releases
from yoc.tickets.enums import OrderStatus, PaymentMethod, Pricing, TicketStatus
from yoc.tickets.models import Order, OrderItem, Ticket, TicketType
from yoc.tickets.services.secrets import ALPHABET
from yoc.timeutil import utcnow

PASSWORD = "bench-password-1234"
DOOR_CODE = "BENCHGATE"
MEMBERS = 600
COHORTS = 20
MENTORS = 20
TRACKS = 4
MODULES_PER_TRACK = 10
ACTIVITIES_PER_MODULE = 4
SPEECHES = 200
BATCH = 2000

# Benchmark rows only: a seeded generator makes runs repeatable and is far faster than
# the secrets module (real tickets get their secrets from yoc.tickets.services.secrets).
rng = random.Random(2027)


def _code(length: int) -> str:
    return "".join(rng.choices(ALPHABET, k=length))


@dataclass
class DataSet:
    festivals: list[Event] = field(default_factory=list)
    types: list[TicketType] = field(default_factory=list)
    member_email: str = ""
    mentor_email: str = ""
    grid_cohort_id: int = 0
    orders: int = 0

    @property
    def gate(self) -> Event:
        """The festival whose tickets are scanned at the door."""
        return self.festivals[0]


async def load(*, orders: int) -> DataSet:
    data = DataSet()
    await add_people(data)
    await add_curriculum(data)
    await add_festivals(data)
    await add_orders(data, orders)
    await add_speeches(data)
    await settle()
    return data


async def _bulk(model, rows: list) -> None:
    for start in range(0, len(rows), BATCH):
        await model.bulk_create(rows[start : start + BATCH])


async def _next_id(model) -> int:
    last = await model.all().order_by("-id").first()
    return (last.id if last else 0) + 1


async def fix_sequences(*tables: str) -> None:
    """After rows written with their own ids, PostgreSQL's counters must move past them."""
    conn = connections.get("default")
    if conn.capabilities.dialect != "postgres":
        return
    for table in tables:
        await conn.execute_script(
            f"SELECT setval(pg_get_serial_sequence('{table}', 'id'), "
            f"(SELECT COALESCE(MAX(id), 1) FROM {table}))"
        )


async def settle(*tables: str) -> None:
    """Vacuum and analyse (``tables``, or all) after a bulk load or a reset between runs,
    as autovacuum keeps a live database: without it (it may be off, or not yet started)
    the rows deleted by earlier runs stay in the indexes, and each run would pay for all
    the runs before it; and the planner would have no statistics for new rows."""
    conn = connections.get("default")
    if conn.capabilities.dialect == "postgres":
        await conn.execute_script(f"VACUUM ANALYZE {', '.join(tables)}".strip())


# People -------------------------------------------------------------------------


async def add_people(data: DataSet) -> None:
    """600 active members in 20 groups of 30, each group with its mentor; one staff."""
    password = hash_password(PASSWORD)  # one hash for all: argon2 is slow on purpose
    verified = utcnow()  # made by staff, not signed up: their addresses count as confirmed
    first = await _next_id(User)
    users = [
        User(
            id=first,
            email="staff@bench.example",
            name="Bench Staff",
            role=Role.STAFF,
            password_hash=password,
            email_verified_at=verified,
        )
    ]
    mentor_ids, member_ids = [], []
    for i in range(MENTORS):
        mentor_ids.append(first + len(users))
        users.append(
            User(
                id=mentor_ids[-1],
                email=f"mentor{i}@bench.example",
                name=f"Mentor {i:02d}",
                role=Role.MENTOR,
                password_hash=password,
                email_verified_at=verified,
            )
        )
    for i in range(MEMBERS):
        member_ids.append(first + len(users))
        users.append(
            User(
                id=member_ids[-1],
                email=f"member{i}@bench.example",
                name=f"Member {i:03d} {_code(4)}",
                role=Role.MEMBER,
                language="es" if i % 3 == 0 else "en",
                password_hash=password,
                email_verified_at=verified,
            )
        )
    await _bulk(User, users)
    communities = list(Community)
    await _bulk(
        MemberProfile,
        [
            MemberProfile(
                user_id=uid,
                display_name=f"Member {i:03d}",
                pronouns="they/them" if i % 4 == 0 else "",
                school="Desert Mirage High School",
                grade=9 + i % 4,
                community=communities[i % len(communities)],
                birth_date=date(2006 + i % 5, 1 + i % 12, 1 + i % 28),
                decision=ApplicationDecision.APPROVED,
                decided_at=utcnow(),
                status=MemberStatus.ACTIVE,
            )
            for i, uid in enumerate(member_ids)
        ],
    )
    cohorts = [
        Cohort(id=await _next_id(Cohort) + c, name=f"Summer {c:02d}", slug=f"bench-summer-{c}")
        for c in range(COHORTS)
    ]
    await _bulk(Cohort, cohorts)
    conn = connections.get("default")
    size = MEMBERS // COHORTS
    members_rows = [
        (cohorts[i // size].id, uid) for i, uid in enumerate(member_ids) if i // size < COHORTS
    ]
    mentor_rows = [(cohorts[c].id, mentor_ids[c % MENTORS]) for c in range(COHORTS)]
    for table, rows in (("cohort_members", members_rows), ("cohort_mentors", mentor_rows)):
        columns = await _through_columns(table)
        for start in range(0, len(rows), BATCH):
            chunk = rows[start : start + BATCH]
            values = ", ".join(f"({a}, {b})" for a, b in chunk)
            await conn.execute_script(
                f'INSERT INTO "{table}" ("{columns[0]}", "{columns[1]}") VALUES {values}'
            )
    await fix_sequences("users", "member_profiles", "cohorts")
    data.member_email = "member1@bench.example"
    data.mentor_email = "mentor0@bench.example"
    data.grid_cohort_id = cohorts[0].id


async def _through_columns(table: str) -> tuple[str, str]:
    """The (cohort, user) columns of a many-to-many table, as the ORM named them."""
    field_name = "members" if table == "cohort_members" else "mentors"
    meta = Cohort._meta.fields_map[field_name]
    return meta.backward_key, meta.forward_key


# Curriculum ---------------------------------------------------------------------


async def add_curriculum(data: DataSet) -> None:
    """40 modules in 4 tracks, every member assigned all of them, progress along the way."""
    tracks = [
        Track(
            id=await _next_id(Track) + t,
            slug=f"bench-track-{t}",
            title_en=f"Track {t}",
            title_es=f"Ruta {t}",
            position=t,
        )
        for t in range(TRACKS)
    ]
    await _bulk(Track, tracks)
    first_module = await _next_id(Module)
    modules = [
        Module(
            id=first_module + t * MODULES_PER_TRACK + m,
            track_id=track.id,
            title_en=f"Module {t}.{m}: organising your community",
            title_es=f"Módulo {t}.{m}: organizar tu comunidad",
            summary_en="What a campaign needs, and how to start one.",
            summary_es="Lo que una campaña necesita, y cómo empezar una.",
            position=m,
        )
        for t, track in enumerate(tracks)
        for m in range(MODULES_PER_TRACK)
    ]
    await _bulk(Module, modules)
    kinds = [
        (ActivityKind.READ, Completion.SELF),
        (ActivityKind.DISCUSS, Completion.SELF),
        (ActivityKind.REFLECT, Completion.REFLECTION),
        (ActivityKind.ATTEND, Completion.ATTENDANCE),
    ]
    first_activity = await _next_id(Activity)
    activities = [
        Activity(
            id=first_activity + i * ACTIVITIES_PER_MODULE + a,
            module_id=module.id,
            kind=kinds[a][0],
            completion=kinds[a][1],
            title_en=f"Activity {a}",
            title_es=f"Actividad {a}",
            position=a,
        )
        for i, module in enumerate(modules)
        for a in range(ACTIVITIES_PER_MODULE)
    ]
    await _bulk(Activity, activities)
    by_module = {
        m.id: activities[i * ACTIVITIES_PER_MODULE : (i + 1) * ACTIVITIES_PER_MODULE]
        for i, m in enumerate(modules)
    }
    members = await User.filter(role=Role.MEMBER, email__endswith="@bench.example").values_list(
        "id", flat=True
    )
    today = date.today()
    assignments, progress, completions = [], [], []
    progress_id = await _next_id(ActivityProgress)
    for n, member_id in enumerate(members):
        reached = n % (len(modules) // 2)  # how far along the path this member is
        for i, module in enumerate(modules):
            assignments.append(
                Assignment(
                    member_id=member_id,
                    module_id=module.id,
                    due_on=today + timedelta(days=7 * (i - 5)),
                )
            )
            if i < reached:
                completions.append(ModuleCompletion(member_id=member_id, module_id=module.id))
                states = [ProgressState.DONE] * 2 + [ProgressState.APPROVED, ProgressState.DONE]
            elif i == reached:
                states = [ProgressState.DONE, ProgressState.IN_PROGRESS, ProgressState.SUBMITTED]
            else:
                continue
            for activity, state in zip(by_module[module.id], states, strict=False):
                progress.append(
                    ActivityProgress(
                        id=progress_id,
                        member_id=member_id,
                        activity_id=activity.id,
                        state=state,
                        submitted_at=utcnow() if state == ProgressState.SUBMITTED else None,
                    )
                )
                progress_id += 1
    await _bulk(Assignment, assignments)
    await _bulk(ActivityProgress, progress)
    await _bulk(ModuleCompletion, completions)
    await _bulk(
        ProgressEvent,
        [
            ProgressEvent(
                progress_id=p.id,
                state=ProgressState.APPROVED,
                actor_name="Mentor 00",
                text="Strong reflection: you named who decides, and who you need to reach.",
                activity_title="Activity 2",
            )
            for p in progress
            if p.state == ProgressState.APPROVED
        ],
    )
    await fix_sequences("tracks", "modules", "activities", "activity_progress")


# Festivals and orders ------------------------------------------------------------


TYPES = [
    # (festival, name, pricing, price, quota)
    (0, "General admission", Pricing.SLIDING, 2000, None),
    (0, "Youth (under 21)", Pricing.FREE, 0, 3000),
    (0, "Community supporter", Pricing.FIXED, 5000, 1500),
    (0, "Family pass", Pricing.FIXED, 6000, 800),
    (0, "Partner groups", Pricing.FREE, 0, 500),
    (1, "Pride general", Pricing.SLIDING, 1500, None),
    (1, "Pride youth", Pricing.FREE, 0, 4000),
    (1, "Pride VIP", Pricing.FIXED, 8000, 200),
]


async def add_festivals(data: DataSet) -> None:
    """The Hue and Pride: 8 ticket types in all, on sale now, large enough for history."""
    starts = utcnow() + timedelta(days=45)
    for i, (slug, name_en, name_es) in enumerate(
        [
            ("the-hue-bench", "The Hue 2027", "El Matiz 2027"),
            ("pride-bench", "ECV Pride Festival 2027", "Festival del Orgullo ECV 2027"),
        ]
    ):
        data.festivals.append(
            await Event.create(
                slug=slug,
                name_en=name_en,
                name_es=name_es,
                description_en="Music, food, art and organising from the Eastern Coachella "
                "Valley: local bands, a youth stage, community groups and food vendors.",
                description_es="Música, comida, arte y organización del este del Valle de "
                "Coachella: bandas locales, un escenario juvenil, grupos y comida.",
                venue="Mecca Community Park",
                address="65250 Coahuilla St, Mecca, CA",
                accessibility_en="Step-free paths, shaded seating, ASL at the main stage.",
                accessibility_es="Caminos sin escalones, asientos a la sombra, ASL.",
                cost_note_en="A ticket costs us about $18: the sliding scale lets everyone in.",
                cost_note_es="Un boleto nos cuesta unos $18: la escala deja entrar a todos.",
                starts_at=starts + timedelta(days=30 * i),
                ends_at=starts + timedelta(days=30 * i, hours=8),
                capacity=10_000_000,
                published=True,
                donation_price_cents=1500,
                door_code=DOOR_CODE if i == 0 else None,
            )
        )
    for position, (festival, name, pricing, price, quota) in enumerate(TYPES):
        data.types.append(
            await TicketType.create(
                event=data.festivals[festival],
                name_en=name,
                name_es=f"{name} (es)",
                description_en="Entry for the whole day.",
                description_es="Entrada para todo el día.",
                pricing=pricing,
                price_cents=price if pricing == Pricing.FIXED else 0,
                min_cents=500 if pricing == Pricing.SLIDING else 0,
                suggested_cents=price if pricing == Pricing.SLIDING else 0,
                max_cents=10000 if pricing == Pricing.SLIDING else 0,
                # History fills the types without quotas; quotas stay as on a real page.
                quota=None if quota is None else quota,
                max_per_order=8,
                access_code="PARTNER27" if name == "Partner groups" else "",
                position=position,
            )
        )


async def add_orders(data: DataSet, count: int) -> None:
    """Paid orders of 1 to 4 tickets; 60% for the first festival, whose gate is scanned."""
    first_order, first_ticket = await _next_id(Order), await _next_id(Ticket)
    open_types = {
        festival.id: [t for t in data.types if t.event_id == festival.id and t.quota is None]
        for festival in data.festivals
    }
    now = utcnow()
    orders, items, tickets = [], [], []
    sold: dict[int, int] = {}
    for n in range(count):
        festival = data.festivals[0] if rng.random() < 0.6 else data.festivals[1]
        ticket_type = open_types[festival.id][0]
        quantity = rng.choice((1, 1, 2, 2, 2, 3, 4))
        order_id = first_order + n
        orders.append(
            Order(
                id=order_id,
                code=f"YOC-{_code(8)}",
                key=_code(24),
                event_id=festival.id,
                status=OrderStatus.PAID,
                payment=PaymentMethod.BOX_OFFICE,
                buyer_name=f"Buyer {n}",
                buyer_email=f"buyer{n}@example.org",
                total_cents=quantity * 2000,
                tickets_count=quantity,
                paid_at=now,
            )
        )
        items.append(
            OrderItem(
                order_id=order_id,
                ticket_type_id=ticket_type.id,
                quantity=quantity,
                unit_price_cents=2000,
            )
        )
        for _ in range(quantity):
            tickets.append(
                Ticket(
                    id=first_ticket + len(tickets),
                    order_id=order_id,
                    ticket_type_id=ticket_type.id,
                    label_en=ticket_type.name_en,
                    label_es=ticket_type.name_es,
                    secret=_code(26),
                    status=TicketStatus.VALID,
                    price_cents=2000,
                )
            )
        sold[ticket_type.id] = sold.get(ticket_type.id, 0) + quantity
        sold[-festival.id] = sold.get(-festival.id, 0) + quantity
    await _bulk(Order, orders)
    await _bulk(OrderItem, items)
    await _bulk(Ticket, tickets)
    for key, n in sold.items():
        if key < 0:
            await Event.filter(id=-key).update(sold=(await Event.get(id=-key)).sold + n)
        else:
            await TicketType.filter(id=key).update(sold=(await TicketType.get(id=key)).sold + n)
    await fix_sequences("orders", "order_items", "tickets")
    data.orders += count


async def remove_orders(data: DataSet) -> None:
    """Back to no order history (for the data size curve)."""
    ids = [f.id for f in data.festivals]
    await Ticket.filter(order__event_id__in=ids).delete()
    await OrderItem.filter(order__event_id__in=ids).delete()
    await Order.filter(event_id__in=ids).delete()
    await Event.filter(id__in=ids).update(sold=0)
    await TicketType.filter(event_id__in=ids).update(sold=0)
    data.orders = 0


# Soapbox -------------------------------------------------------------------------


async def add_speeches(data: DataSet) -> None:
    """Soapbox: 200 speeches. Each festival has two stages of 25 five-minute slots; 100
    speeches hold them (confirmed, released), the rest wait in every other state. Half
    the speakers let their first name and initial be shown."""
    members = await User.filter(role=Role.MEMBER).order_by("id").values_list("id", flat=True)
    staff = await User.get(email="staff@bench.example")
    stage_id, slot_id, speech_id = (
        await _next_id(Stage),
        await _next_id(Slot),
        await _next_id(Speech),
    )
    stages, slots = [], []
    for festival in data.festivals:
        for s in range(2):
            stages.append(
                Stage(
                    id=stage_id + len(stages),
                    event_id=festival.id,
                    name_en=f"Stage {s + 1}",
                    name_es=f"Escenario {s + 1}",
                    position=s,
                )
            )
            start = festival.starts_at + timedelta(minutes=30)
            for n in range(25):
                begins = start + timedelta(minutes=6 * n)
                slots.append(
                    Slot(
                        id=slot_id + len(slots),
                        stage_id=stages[-1].id,
                        starts_at=begins,
                        ends_at=begins + timedelta(minutes=5),
                    )
                )
    await _bulk(Stage, stages)
    await _bulk(Slot, slots)
    others = [
        SpeechState.DRAFT,
        SpeechState.SUBMITTED,
        SpeechState.ACCEPTED,
        SpeechState.CHANGES_REQUESTED,
        SpeechState.DECLINED,
        SpeechState.WITHDRAWN,
    ]
    speeches, windows = [], []
    for i in range(SPEECHES):
        placed = i < len(slots)
        speeches.append(
            Speech(
                id=speech_id + i,
                speaker_id=members[i % len(members)],
                title=f"Speech {i:03d}: {_code(6)}",
                topic="Community",
                summary="What I live, and what I ask of you.",
                language=list(SpeechLanguage)[i % 3],
                minutes=4,
                state=SpeechState.CONFIRMED if placed else others[i % len(others)],
                slot_id=slots[i].id if placed else None,
            )
        )
        festival = data.festivals[0] if not placed else None
        windows.append(
            Availability(
                speech_id=speeches[-1].id,
                starts_at=(slots[i].starts_at if placed else festival.starts_at)
                - timedelta(hours=1),
                ends_at=(slots[i].ends_at if placed else festival.ends_at) + timedelta(hours=1),
            )
        )
    await _bulk(Speech, speeches)
    await _bulk(Availability, windows)
    await _bulk(
        ConsentRecord,
        [
            ConsentRecord(
                member_id=uid,
                purpose=ConsentPurpose.PUBLIC_NAME,
                granted=True,
                source=ConsentSource.STAFF,
                granted_by_name="Bench Staff",
                text_version="bench",
                text_language="en",
                public_name_choice=PublicNameChoice.FIRST_NAME_LAST_INITIAL,
            )
            for uid in members[:SPEECHES:2]
        ],
    )
    await fix_sequences(
        "soapbox_stages", "soapbox_slots", "soapbox_speeches", "soapbox_availability"
    )
    settings = Settings.from_env()
    for festival in data.festivals:
        await releases.publish(actor=staff, event=festival, settings=settings)
