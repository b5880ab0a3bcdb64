"""Attendance at a meeting: the batch endpoint the phone syncs to. Sending a batch again
changes nothing; for each member the latest tap (by when it was made) wins, whatever
order the batches arrive in; only a mentor of the group (or staff) may take it."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta

from tests.conftest import client_from, csrf_from
from tests.members.factories import make_member
from tests.participation.conftest import make_meeting, signed_in
from yoc.participation.models import MeetingAttendance
from yoc.timeutil import utcnow


async def _sync(client, meeting_id: int, marks: list[dict]):
    page = await client.get("/dashboard")
    return await client.post(
        f"/meetings/{meeting_id}/attendance/sync",
        json={"marks": marks},
        headers={"X-CSRF-Token": csrf_from(page.text), "Accept": "application/json"},
    )


def _at(minutes_ago: int) -> str:
    return (utcnow() - timedelta(minutes=minutes_ago)).isoformat()


async def _rows(meeting_id: int) -> list[tuple]:
    return sorted(
        await MeetingAttendance.filter(meeting_id=meeting_id).values_list(
            "member_id", "presence", "marked_by_id"
        )
    )


async def test_a_batch_sent_twice_records_each_member_once(client, cast) -> None:
    second = await make_member(name="Ana Flores", cohort=cast.cohort)
    meeting = await make_meeting(cast.cohort)
    await signed_in(client, cast.mentor)
    marks = [
        {"member_id": cast.member.id, "presence": "present", "marked_at": _at(10)},
        {"member_id": second.id, "presence": "excused", "marked_at": _at(9)},
    ]

    first = await _sync(client, meeting.id, marks)
    again = await _sync(client, meeting.id, marks)

    assert first.status_code == 200
    assert first.json()["results"] == [
        {"member_id": cast.member.id, "result": "saved", "presence": "present"},
        {"member_id": second.id, "result": "saved", "presence": "excused"},
    ]
    assert [r["result"] for r in again.json()["results"]] == ["newer_kept", "newer_kept"]
    assert await _rows(meeting.id) == sorted(
        [(cast.member.id, "present", cast.mentor.id), (second.id, "excused", cast.mentor.id)]
    )


async def test_the_latest_tap_wins_whatever_order_batches_arrive_in(client, cast) -> None:
    meeting = await make_meeting(cast.cohort)
    await signed_in(client, cast.mentor)
    later = {"member_id": cast.member.id, "presence": "present", "marked_at": _at(2)}
    earlier = {"member_id": cast.member.id, "presence": "absent", "marked_at": _at(20)}

    await _sync(client, meeting.id, [later])
    stale = await _sync(client, meeting.id, [earlier])

    assert stale.json()["results"] == [
        {"member_id": cast.member.id, "result": "newer_kept", "presence": "present"}
    ]
    assert await _rows(meeting.id) == [(cast.member.id, "present", cast.mentor.id)]
    newest = {"member_id": cast.member.id, "presence": "excused", "marked_at": _at(1)}
    await _sync(client, meeting.id, [newest])
    assert await _rows(meeting.id) == [(cast.member.id, "excused", cast.mentor.id)]


async def test_a_phone_clock_ahead_does_not_pin_a_tap_forever(client, cast) -> None:
    meeting = await make_meeting(cast.cohort)
    await signed_in(client, cast.mentor)
    tomorrow = (utcnow() + timedelta(days=1)).isoformat()

    await _sync(
        client,
        meeting.id,
        [{"member_id": cast.member.id, "presence": "absent", "marked_at": tomorrow}],
    )
    stored = await MeetingAttendance.get(meeting_id=meeting.id)
    assert stored.marked_at <= utcnow()


async def test_a_mentor_of_another_group_cannot_take_attendance(app, cast) -> None:
    meeting = await make_meeting(cast.cohort)
    async with client_from(app, "10.0.0.2") as other:
        await signed_in(other, cast.other_mentor)
        page = await other.get(f"/meetings/{meeting.id}/attendance")
        synced = await _sync(
            other,
            meeting.id,
            [{"member_id": cast.member.id, "presence": "absent", "marked_at": _at(1)}],
        )

    assert page.status_code == 404
    assert synced.status_code == 404
    assert synced.json()["error"] == "not_found"
    assert await MeetingAttendance.all().count() == 0


async def test_a_member_cannot_take_attendance(app, cast) -> None:
    meeting = await make_meeting(cast.cohort)
    async with client_from(app, "10.0.0.3") as member:
        await signed_in(member, cast.member)
        synced = await _sync(
            member,
            meeting.id,
            [{"member_id": cast.member.id, "presence": "present", "marked_at": _at(1)}],
        )
    assert synced.status_code == 404
    assert await MeetingAttendance.all().count() == 0


async def test_signed_out_sync_is_refused(client, cast) -> None:
    meeting = await make_meeting(cast.cohort)
    page = await client.get("/login")
    synced = await client.post(
        f"/meetings/{meeting.id}/attendance/sync",
        json={"marks": []},
        headers={"X-CSRF-Token": csrf_from(page.text)},
    )
    assert synced.status_code == 401


async def test_someone_outside_the_group_is_not_marked(client, cast) -> None:
    meeting = await make_meeting(cast.cohort)
    await signed_in(client, cast.mentor)

    synced = await _sync(
        client,
        meeting.id,
        [{"member_id": cast.other_member.id, "presence": "present", "marked_at": _at(1)}],
    )

    assert synced.json()["results"] == [
        {"member_id": cast.other_member.id, "result": "not_in_group", "presence": None}
    ]
    assert await MeetingAttendance.all().count() == 0


async def test_the_roll_works_without_javascript_and_shows_answers(client, cast) -> None:
    meeting = await make_meeting(cast.cohort)
    await signed_in(client, cast.mentor)
    page = await client.get(f"/meetings/{meeting.id}/attendance")
    assert page.status_code == 200
    assert "Itzel Ramírez" in page.text

    saved = await client.post(
        f"/meetings/{meeting.id}/attendance",
        data={f"m{cast.member.id}": "present", "csrf_token": csrf_from(page.text)},
    )

    assert saved.status_code == 303
    assert await _rows(meeting.id) == [(cast.member.id, "present", cast.mentor.id)]
    again = await client.get(saved.headers["location"])
    assert "Attendance saved." in again.text
    assert f'name="m{cast.member.id}" value="present" checked' in again.text


async def test_a_batch_with_bad_marks_is_refused_whole(client, cast) -> None:
    meeting = await make_meeting(cast.cohort)
    await signed_in(client, cast.mentor)

    synced = await _sync(
        client,
        meeting.id,
        [
            {"member_id": cast.member.id, "presence": "present", "marked_at": _at(1)},
            {"member_id": cast.member.id, "presence": "sleeping", "marked_at": "yesterday"},
        ],
    )

    assert synced.status_code == 422
    assert await MeetingAttendance.all().count() == 0


async def test_staff_may_take_any_groups_attendance(client, cast) -> None:
    meeting = await make_meeting(cast.other_cohort)
    await signed_in(client, cast.staff)
    synced = await _sync(
        client,
        meeting.id,
        [
            {
                "member_id": cast.other_member.id,
                "presence": "absent",
                "marked_at": datetime.now(UTC).isoformat(),
            }
        ],
    )
    assert synced.status_code == 200
    assert await _rows(meeting.id) == [(cast.other_member.id, "absent", cast.staff.id)]
