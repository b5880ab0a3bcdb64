"""A door shift opens the event's scanner and box office to the person on it, signed
in to their own account, from 30 minutes before it starts until it ends: not before,
not after, not at another event, and not for other kinds of shift."""

from __future__ import annotations

from datetime import timedelta

import httpx
import pytest

from tests.conftest import csrf_from, log_in
from tests.factories import PASSWORD
from tests.members.factories import make_member
from tests.tickets.factories import make_event, make_order, make_ticket_type
from tests.volunteers.factories import make_shift
from yoc.tickets.models import Ticket
from yoc.timeutil import utcnow
from yoc.volunteers.enums import ShiftRole
from yoc.volunteers.models import Shift
from yoc.volunteers.services import signups


async def on_shift(settings, *, role=ShiftRole.DOOR, event=None):
    """A member signed up for a shift, which is then moved to start ``now``."""
    shift = await make_shift(event, role=role)
    member = await make_member(age=20, email=f"door{shift.id}@example.org")
    await signups.sign_up_member(shift, member, settings=settings)
    return shift, member


async def move(shift: Shift, *, starts_in: timedelta, lasts: timedelta = timedelta(hours=3)):
    now = utcnow()
    await Shift.filter(id=shift.id).update(
        starts_at=now + starts_in, ends_at=now + starts_in + lasts
    )


async def test_the_scanner_opens_during_the_door_shift_and_closes_when_it_ends(
    client, settings
) -> None:
    shift, member = await on_shift(settings)
    event = shift.event
    ticket = await Ticket.get(
        order=await make_order(event, settings, {await make_ticket_type(event): 1}, payment=None)
    )
    await log_in(client, member.email, PASSWORD)
    await move(shift, starts_in=-timedelta(hours=1))

    scanner = await client.get(f"/door/{event.slug}")
    assert scanner.status_code == 200
    scanned = await client.post(
        f"/door/{event.slug}/scan",
        json={"code": ticket.secret, "gate": "North"},
        headers={"Accept": "application/json", "X-CSRF-Token": csrf_from(scanner.text)},
    )
    assert scanned.json()["result"] == "ok"
    await ticket.refresh_from_db()
    assert ticket.checked_in_gate == "North"
    assert (await client.get(f"/door/{event.slug}/sell")).status_code == 200

    # The shift ends: the same browser, the same session, no access.
    await Shift.filter(id=shift.id).update(ends_at=utcnow() - timedelta(seconds=1))

    assert (await client.get(f"/door/{event.slug}")).status_code == 403
    assert (await client.get(f"/door/{event.slug}/sell")).status_code == 403
    refused = await client.post(
        f"/door/{event.slug}/scan",
        json={"code": ticket.secret, "gate": "North"},
        headers={"Accept": "application/json", "X-CSRF-Token": csrf_from(scanner.text)},
    )
    assert refused.status_code == 403


@pytest.mark.parametrize(
    ("starts_in", "opens"),
    [
        (timedelta(minutes=45), False),
        (timedelta(minutes=25), True),
        (-timedelta(hours=2, minutes=59), True),
        (-timedelta(hours=3, minutes=1), False),
    ],
)
async def test_access_runs_from_half_an_hour_before_the_shift_to_its_end(
    client, settings, starts_in, opens
) -> None:
    shift, member = await on_shift(settings)
    await log_in(client, member.email, PASSWORD)
    await move(shift, starts_in=starts_in)

    scanner = await client.get(f"/door/{shift.event.slug}")

    assert scanner.status_code == (200 if opens else 403)


async def test_a_stage_crew_shift_opens_no_door(client, settings) -> None:
    shift, member = await on_shift(settings, role=ShiftRole.STAGE_CREW)
    await log_in(client, member.email, PASSWORD)
    await move(shift, starts_in=-timedelta(minutes=10))

    assert (await client.get(f"/door/{shift.event.slug}")).status_code == 403


async def test_a_door_shift_opens_only_its_own_event(client, settings) -> None:
    shift, member = await on_shift(settings)
    other = await make_event()
    await log_in(client, member.email, PASSWORD)
    await move(shift, starts_in=-timedelta(minutes=10))

    assert (await client.get(f"/door/{other.slug}")).status_code == 403
    assert (await client.get(f"/door/{shift.event.slug}")).status_code == 200


async def test_taken_off_the_shift_the_door_closes_at_once(app, client, settings) -> None:
    shift, member = await on_shift(settings)
    await log_in(client, member.email, PASSWORD)
    await move(shift, starts_in=-timedelta(minutes=10))
    assert (await client.get(f"/door/{shift.event.slug}")).status_code == 200

    (signup,) = await shift.signups.all()
    await signups.cancel(signup)

    assert (await client.get(f"/door/{shift.event.slug}")).status_code == 403


async def test_the_door_page_leads_a_volunteer_on_shift_to_the_scanner(client, settings) -> None:
    shift, member = await on_shift(settings)
    await log_in(client, member.email, PASSWORD)
    await move(shift, starts_in=-timedelta(minutes=10))

    page = await client.get("/door")

    assert f'href="/door/{shift.event.slug}"' in page.text


async def test_someone_else_signed_in_gets_no_door(app, settings) -> None:
    shift, _ = await on_shift(settings)
    await move(shift, starts_in=-timedelta(minutes=10))
    stranger = await make_member(age=20, email="stranger@example.org")
    async with httpx.AsyncClient(
        transport=httpx.ASGITransport(app=app), base_url="http://testserver"
    ) as browser:
        await log_in(browser, stranger.email, PASSWORD)
        assert (await browser.get(f"/door/{shift.event.slug}")).status_code == 403


async def test_scans_made_offline_during_the_shift_sync_after_it_ends(client, settings) -> None:
    shift, member = await on_shift(settings)
    event = shift.event
    general = await make_ticket_type(event)
    during, after = [
        await Ticket.get(order=await make_order(event, settings, {general: 1}, payment=None))
        for _ in range(2)
    ]
    await log_in(client, member.email, PASSWORD)
    await move(shift, starts_in=-timedelta(hours=1))
    scanner = await client.get(f"/door/{event.slug}")
    token = csrf_from(scanner.text)
    # The shift ended ten minutes ago; the signal is back.
    ended = utcnow() - timedelta(minutes=10)
    await Shift.filter(id=shift.id).update(ends_at=ended)

    synced = await client.post(
        f"/door/{event.slug}/sync",
        json={
            "scans": [
                {
                    "code": during.secret,
                    "gate": "North",
                    "scan_id": "s1",
                    "scanned_at": (ended - timedelta(minutes=20)).isoformat(),
                },
                {
                    "code": after.secret,
                    "gate": "North",
                    "scan_id": "s2",
                    "scanned_at": (ended + timedelta(minutes=5)).isoformat(),
                },
            ]
        },
        headers={"Accept": "application/json", "X-CSRF-Token": token},
    )

    assert [(r["scan_id"], r["result"]) for r in synced.json()["results"]] == [
        ("s1", "ok"),
        ("s2", "invalid"),
    ]
    await during.refresh_from_db()
    await after.refresh_from_db()
    assert during.checked_in_at is not None and after.checked_in_at is None
    # Two hours after the end, nothing more is taken.
    await Shift.filter(id=shift.id).update(ends_at=utcnow() - timedelta(hours=2, minutes=1))
    late = await client.post(
        f"/door/{event.slug}/sync",
        json={"scans": [{"code": after.secret, "gate": "North", "scan_id": "s3"}]},
        headers={"Accept": "application/json", "X-CSRF-Token": token},
    )
    assert late.status_code == 403
