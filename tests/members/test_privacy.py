"""A member's own data: download it, have it deleted; staff CSV export; photo uploads."""

from __future__ import annotations

import csv
import html
import io
import json
import re
import struct
import zlib
from datetime import timedelta

import httpx
import pytest
from PIL import ExifTags, Image

from tests.conftest import confirm, confirm_signup, csrf_from, log_in, post_form
from tests.factories import PASSWORD, make_user
from tests.members.conftest import browser, png_bytes
from tests.members.factories import birth_date_for, make_cohort, make_member
from tests.soapbox.factories import make_slot, make_speech, make_stage
from tests.tickets.factories import make_event
from yoc import audit
from yoc.accounts.enums import Role
from yoc.accounts.models import ApiToken, OneTimeToken, User, UserSession
from yoc.audit import AuditAction, AuditEntry
from yoc.errors import ValidationFailed
from yoc.i18n import gettext, use_language
from yoc.mail import OutboxMessage
from yoc.members.enums import (
    Community,
    ConsentPurpose,
    DeletionState,
    NoteVisibility,
)
from yoc.members.models import (
    ConsentRecord,
    ConsentRequest,
    DeletionRequest,
    Guardian,
    MemberPhoto,
    MemberProfile,
    MentorNote,
)
from yoc.members.services import notes, privacy, profiles
from yoc.members.services.privacy import complete_deletion, csv_safe
from yoc.soapbox.enums import SpeechState
from yoc.soapbox.models import Release, Speech
from yoc.soapbox.services import releases

MEMBER_PASSWORD = "desert wind at night"
# What identifies the member of _member_with_everything() and her guardian.
PERSONAL = ("Itzel", "itzel@example.org", "Rosa", "rosa@example.org")


def jpeg_with_location() -> bytes:
    """A phone picture: camera make and GPS position in its EXIF."""
    exif = Image.Exif()
    exif[ExifTags.Base.Make] = "Phone Maker"
    exif[ExifTags.IFD.GPSInfo] = {
        ExifTags.GPS.GPSLatitudeRef: "N",
        ExifTags.GPS.GPSLatitude: (33.0, 34.0, 12.0),
        ExifTags.GPS.GPSLongitudeRef: "W",
        ExifTags.GPS.GPSLongitude: (116.0, 4.0, 30.0),
    }
    out = io.BytesIO()
    Image.new("RGB", (800, 600), (30, 90, 160)).save(out, "JPEG", exif=exif)
    return out.getvalue()


async def upload(client: httpx.AsyncClient, name: str, data: bytes, content_type: str):
    page = await client.get("/me/profile/edit")
    return await client.post(
        "/me/photo",
        data={"csrf_token": csrf_from(page.text)},
        files={"photo": (name, data, content_type)},
    )


async def personal_rows(user: User) -> dict[str, int]:
    """How many rows of each kind of personal data point at ``user``."""
    return {
        "profile": await MemberProfile.filter(user=user).count(),
        "photo": await MemberPhoto.filter(user=user).count(),
        "guardians": await Guardian.filter(member=user).count(),
        "consent_requests": await ConsentRequest.filter(guardian__member=user).count(),
        "consents": await ConsentRecord.filter(member=user).count(),
        "notes": await MentorNote.filter(member=user).count(),
        "sessions": await UserSession.filter(user=user).count(),
        "api_tokens": await ApiToken.filter(user=user).count(),
        "one_time_tokens": await OneTimeToken.filter(user=user).count(),
        "groups": await user.member_cohorts.all().count(),  # type: ignore[attr-defined]
    }


# Downloading my data -----------------------------------------------------------------


async def test_member_downloads_their_data_with_only_the_notes_shared_with_them(client) -> None:
    member = await make_member(
        email="itzel@example.org",
        name="Itzel Ramírez",
        profile={"school": "Desert Mirage High", "grade": 10, "zip_code": "92254"},
    )
    mentor = await make_user(name="Marco Mentor", role=Role.MENTOR)
    await make_cohort("Summer 2027 Mecca", members=[member], mentors=[mentor])
    await notes.add_note(
        author=mentor,
        member=member,
        body="You spoke so clearly today.",
        visibility=NoteVisibility.MEMBER,
    )
    await notes.add_note(
        author=mentor,
        member=member,
        body="Private: check in about the bus schedule.",
        visibility=NoteVisibility.MENTORS,
    )
    other = await make_member(name="Other Member")
    await notes.add_note(
        author=await make_user(role=Role.STAFF),
        member=other,
        body="A note about someone else.",
        visibility=NoteVisibility.MEMBER,
    )
    await log_in(client, "itzel@example.org", PASSWORD)

    response = await client.get("/me/data.json")

    assert response.status_code == 200
    assert response.headers["content-type"] == "application/json"
    assert response.headers["content-disposition"] == 'attachment; filename="my-yoc-data.json"'
    assert response.headers["cache-control"] == "no-store"
    data = json.loads(response.text)
    assert list(data) == [
        "account",
        "profile",
        "photo",
        "guardians",
        "consents",
        "consent_conflicts",
        "groups",
        "notes_from_mentors",
        "assignments",
        "activities",
        "completed_modules",
        "badges",
        "attendance",
        "speeches",
        "soapbox_waivers",
        "orders",
        "waiting_lists",
        "volunteer_shifts",
        "meetings",
        "service_hours",
        "reminder_choices",
        "messages",
        "record_history",
        "deletion_requests",
    ]
    assert (data["account"]["id"], data["account"]["email"], data["account"]["name"]) == (
        member.id,
        "itzel@example.org",
        "Itzel Ramírez",
    )
    assert data["profile"]["school"] == "Desert Mirage High"
    assert data["profile"]["grade"] == 10
    assert data["profile"]["zip_code"] == "92254"
    assert data["profile"]["birth_date"] == birth_date_for(15).isoformat()
    guardian = await Guardian.get(member=member)
    assert data["guardians"] == [
        {
            "name": guardian.name,
            "relationship": "mother",
            "email": guardian.email,
            "phone": "",
            "language": "es",
            "added_at": guardian.created_at.isoformat(),
            "confirmed_at": guardian.confirmed_at.isoformat(),
        }
    ]
    assert sorted(c["purpose"] for c in data["consents"]) == sorted(p.value for p in ConsentPurpose)
    assert data["groups"] == ["Summer 2027 Mecca"]
    assert [(n["from"], n["text"]) for n in data["notes_from_mentors"]] == [
        ("Marco Mentor", "You spoke so clearly today.")
    ]
    assert "bus schedule" not in response.text
    assert "someone else" not in response.text
    assert data["deletion_requests"] == []


@pytest.mark.parametrize(("role", "status"), [(None, 303), (Role.MENTOR, 403), (Role.STAFF, 403)])
async def test_only_a_member_can_download_their_own_data(
    client, role: Role | None, status: int
) -> None:
    if role is not None:
        await make_user(email="someone@example.org", role=role)
        await log_in(client, "someone@example.org", PASSWORD)

    response = await client.get("/me/data.json")

    assert response.status_code == status


# Deleting my data ---------------------------------------------------------------------


async def _member_with_everything(app, client) -> User:
    """A 15-year-old who applied, whose guardian agreed by email, with a photo, notes,
    a group, a signed-in session and an API token."""
    birth = birth_date_for(15).isoformat()
    applied = await post_form(
        client,
        "/signup",
        {
            "name": "Itzel Ramírez",
            "email": "itzel@example.org",
            "password": MEMBER_PASSWORD,
            "password_confirm": MEMBER_PASSWORD,
            "language": "es",
            "birth_date": birth,
            "community": "mecca",
            "guardian_name": "Rosa Ramírez",
            "guardian_relationship": "mother",
            "guardian_email": "rosa@example.org",
            "guardian_language": "es",
        },
    )
    assert applied.status_code == 200
    assert (await confirm_signup(client, "itzel@example.org")).status_code == 303
    member = await User.get(email="itzel@example.org")
    (mail,) = await OutboxMessage.filter(template="guardian_consent")
    link = re.search(r"http://testserver(/consent/\S+)", mail.body_text).group(1)
    async with browser(app) as guardian_browser:
        form = await guardian_browser.get(link)
        answered = await guardian_browser.post(
            link,
            data={
                "participation": "agree",
                "photo_release": "1",
                "public_name_choice": "full_name",
                "csrf_token": csrf_from(form.text),
            },
        )
        assert answered.status_code == 200
    assert (await upload(client, "me.png", png_bytes(), "image/png")).status_code == 303
    mentor = await make_user(name="Marco Mentor", role=Role.MENTOR)
    await make_cohort("Summer 2027 Mecca", members=[member], mentors=[mentor])
    for visibility in NoteVisibility:
        await notes.add_note(
            author=mentor, member=member, body=f"About Itzel ({visibility})", visibility=visibility
        )
    await ApiToken.create(user=member, name="old phone", token_hash="a" * 64, prefix="yoc_aaaa")
    return member


async def test_deletion_request_needs_the_members_password(client) -> None:
    await make_member(email="itzel@example.org")
    await log_in(client, "itzel@example.org", PASSWORD)

    response = await post_form(
        client,
        "/me/data",
        {"reason": "Moving away", "password": "not my password"},
        action="/me/delete",
    )

    assert response.status_code == 422
    assert re.search(
        r'<p class="field-error" id="f-password-error">Your current password is not right.</p>',
        response.text,
    )
    assert "Moving away" in response.text
    assert await DeletionRequest.all().count() == 0


async def test_member_asks_and_admin_deletes_all_their_personal_data(app, client) -> None:
    member = await _member_with_everything(app, client)
    other = await make_member(email="other@example.org", name="Other Member")
    await MemberPhoto.create(user=other, data=png_bytes())
    await notes.add_note(
        author=await make_user(role=Role.STAFF),
        member=other,
        body="Keeps going.",
        visibility=NoteVisibility.MENTORS,
    )
    other_before = await personal_rows(other)
    before = await personal_rows(member)
    assert before == {
        "profile": 1,
        "photo": 1,
        "guardians": 1,
        "consent_requests": 1,
        "consents": 4,
        "notes": 2,
        "sessions": 1,
        "api_tokens": 1,
        "one_time_tokens": 1,  # the sign-up's confirmation link
        "groups": 1,
    }

    asked = await post_form(
        client,
        "/me/data",
        {"reason": "I am moving to Fresno", "password": MEMBER_PASSWORD},
        action="/me/delete",
    )
    assert asked.status_code == 303
    assert asked.headers["location"] == "/me/data"
    (request,) = await DeletionRequest.all()
    assert (request.member_id, request.state, request.reason) == (
        member.id,
        DeletionState.REQUESTED,
        "I am moving to Fresno",
    )

    await make_user(email="admin@example.org", role=Role.ADMIN)
    async with browser(app) as admin:
        await log_in(admin, "admin@example.org", PASSWORD)
        queue = await admin.get("/staff/deletions")
        assert queue.status_code == 200
        assert "Itzel Ramírez" in queue.text
        link = f"/staff/deletions/{request.id}/complete"
        assert f'href="{link}"' in queue.text
        done = await confirm(admin, await admin.get(link))
        assert done.status_code == 303
        assert done.headers["location"] == "/staff/deletions"

    assert await personal_rows(member) == dict.fromkeys(before, 0)
    account = await User.get(id=member.id)
    assert (account.email, account.name, account.password_hash, account.is_active) == (
        f"deleted-{member.id}@deleted.invalid",
        "Deleted member",
        None,
        False,
    )
    request = await DeletionRequest.get(id=request.id)
    assert (request.state, request.reason) == (DeletionState.COMPLETED, "")
    assert request.completed_at is not None
    entries = await AuditEntry.filter(subject_id=member.id)
    assert len(entries) >= 5
    assert {e.subject_label for e in entries} == {f"deleted member #{member.id}"}
    for entry in await AuditEntry.all():
        assert "Itzel" not in entry.subject_label + entry.actor_label
        assert "itzel@example.org" not in entry.actor_label
    # The old session is gone, and the old password opens nothing.
    assert (await client.get("/me/profile")).status_code == 303
    client.cookies.clear()
    for email in ("itzel@example.org", f"deleted-{member.id}@deleted.invalid"):
        refused = await post_form(client, "/login", {"email": email, "password": MEMBER_PASSWORD})
        assert refused.status_code == 400
    # Nobody else lost anything.
    assert await personal_rows(other) == other_before
    assert (await User.get(id=other.id)).name == "Other Member"


async def test_deleted_members_name_and_guardian_do_not_survive_in_audit_details(
    app, client
) -> None:
    member = await _member_with_everything(app, client)
    request = await DeletionRequest.create(member=member)
    admin = await make_user(role=Role.ADMIN)

    await complete_deletion(actor=admin, request_id=request.id)

    leftovers = [
        (entry.action, entry.detail)
        for entry in await AuditEntry.all()
        if any(p in json.dumps(entry.detail, ensure_ascii=False) for p in PERSONAL)
    ]
    assert leftovers == []


async def test_deleted_members_name_and_guardian_do_not_survive_in_the_mail_outbox(
    app, client
) -> None:
    member = await _member_with_everything(app, client)
    request = await DeletionRequest.create(member=member)
    admin = await make_user(role=Role.ADMIN)

    await complete_deletion(actor=admin, request_id=request.id)

    leftovers = [
        (message.template, message.to_email)
        for message in await OutboxMessage.all()
        if any(p in f"{message.to_email} {message.subject} {message.body_text}" for p in PERSONAL)
    ]
    assert leftovers == []


async def test_member_can_cancel_a_deletion_request(client) -> None:
    member = await make_member(email="itzel@example.org")
    await log_in(client, "itzel@example.org", PASSWORD)
    await post_form(client, "/me/data", {"password": PASSWORD}, action="/me/delete")

    response = await post_form(client, "/me/data", {}, action="/me/delete/cancel")

    assert response.status_code == 303
    (request,) = await DeletionRequest.filter(member=member)
    assert request.state == DeletionState.CANCELLED
    assert await MemberProfile.filter(user=member).count() == 1


@pytest.mark.parametrize(("role", "status"), [(Role.STAFF, 403), (Role.MENTOR, 403)])
async def test_only_an_admin_can_complete_a_deletion(client, role: Role, status: int) -> None:
    member = await make_member(email="itzel@example.org")
    request = await DeletionRequest.create(member=member)
    await make_user(email="someone@example.org", role=role)
    await log_in(client, "someone@example.org", PASSWORD)

    response = await post_form(
        client, "/dashboard", {}, action=f"/staff/deletions/{request.id}/complete"
    )

    assert response.status_code == status
    assert (await DeletionRequest.get(id=request.id)).state == DeletionState.REQUESTED
    assert await MemberProfile.filter(user=member).count() == 1


# CSV export ---------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("value", "cell"),
    [
        ('=HYPERLINK("http://x","y")', '\'=HYPERLINK("http://x","y")'),
        ("+1 555 0100", "'+1 555 0100"),
        ("-2+3", "'-2+3"),
        ("@SUM(A1:A9)", "'@SUM(A1:A9)"),
        ("\t=1", "'\t=1"),
        ("\r=1", "'\r=1"),
        ("Itzel = leader", "Itzel = leader"),
        ("Ana", "Ana"),
        ("", ""),
        (None, ""),
        (16, "16"),
    ],
)
def test_csv_safe_prefixes_formula_starts_with_an_apostrophe(value, cell: str) -> None:
    assert csv_safe(value) == cell


async def test_member_csv_neutralises_spreadsheet_formulas_in_names(client) -> None:
    cohort = await make_cohort("Summer 2027 Mecca")
    dangerous = [
        '=HYPERLINK("http://x","y")',
        "+SUM(1,2)",
        "-Itzel",
        "@Ana",
    ]
    members = [
        await make_member(
            name=name,
            email=f"m{n}@example.org",
            age=16,
            community=Community.MECCA,
            cohort=cohort,
        )
        for n, name in enumerate(dangerous)
    ]
    plain = await make_member(
        name="Ana Normal",
        email="ana@example.org",
        age=19,
        community=Community.THERMAL,
        profile={"school": "Desert Mirage High", "grade": 12},
        language="es",
    )
    await make_user(email="staff@example.org", role=Role.STAFF)
    await log_in(client, "staff@example.org", PASSWORD)

    response = await client.get("/members.csv")

    assert response.status_code == 200
    assert response.headers["content-type"] == "text/csv; charset=utf-8"
    assert re.fullmatch(
        r'attachment; filename="yoc-members-\d{4}-\d{2}-\d{2}\.csv"',
        response.headers["content-disposition"],
    )
    header, *rows = list(csv.reader(io.StringIO(response.text)))
    assert header == [
        "id",
        "name",
        "display_name",
        "email",
        "language",
        "community",
        "school",
        "grade",
        "age",
        "status",
        "groups",
    ]
    assert len(rows) == 5
    by_id = {int(row[0]): row for row in rows}
    for member, name in zip(members, dangerous, strict=True):
        assert by_id[member.id] == [
            str(member.id),
            "'" + name,
            "'" + name.split()[0],
            member.email,
            "en",
            "mecca",
            "",
            "",
            "16",
            "active",
            "Summer 2027 Mecca",
        ]
    assert by_id[plain.id] == [
        str(plain.id),
        "Ana Normal",
        "Ana",
        "ana@example.org",
        "es",
        "thermal",
        "Desert Mirage High",
        "12",
        "19",
        "active",
        "",
    ]
    (export,) = await AuditEntry.filter(action=AuditAction.EXPORT)
    assert (export.subject_label, export.detail["count"]) == ("", 5)


async def test_member_csv_follows_the_list_filters(client) -> None:
    await make_member(name="Mecca Member", community=Community.MECCA)
    thermal = await make_member(name="Thermal Member", community=Community.THERMAL)
    await make_user(email="staff@example.org", role=Role.STAFF)
    await log_in(client, "staff@example.org", PASSWORD)

    response = await client.get("/members.csv?community=thermal")

    header, *rows = list(csv.reader(io.StringIO(response.text)))
    assert [row[:2] for row in rows] == [[str(thermal.id), "Thermal Member"]]


@pytest.mark.parametrize(("role", "status"), [(None, 303), (Role.MEMBER, 403), (Role.MENTOR, 403)])
async def test_only_staff_can_export_members(client, role: Role | None, status: int) -> None:
    await make_member(name="Itzel Ramírez")
    if role is not None:
        await make_user(email="someone@example.org", role=role)
        await log_in(client, "someone@example.org", PASSWORD)

    response = await client.get("/members.csv")

    assert response.status_code == status
    assert "Itzel" not in response.text
    assert await AuditEntry.filter(action=AuditAction.EXPORT).count() == 0


# Photo uploads --------------------------------------------------------------------


async def test_photo_upload_strips_exif_location_and_shrinks_the_picture(client) -> None:
    member = await make_member(email="itzel@example.org")
    original = jpeg_with_location()
    with Image.open(io.BytesIO(original)) as before:
        assert before.getexif().get_ifd(ExifTags.IFD.GPSInfo) != {}
    await log_in(client, "itzel@example.org", PASSWORD)

    response = await upload(client, "IMG_0042.jpg", original, "image/jpeg")

    assert response.status_code == 303
    assert response.headers["location"] == "/me/profile"
    (photo,) = await MemberPhoto.filter(user=member)
    assert photo.content_type == "image/jpeg"
    with Image.open(io.BytesIO(photo.data)) as stored:
        assert stored.format == "JPEG"
        assert stored.size == (512, 384)
        assert "exif" not in stored.info
        assert dict(stored.getexif()) == {}
    assert b"Phone Maker" not in photo.data
    assert b"Exif\x00\x00" not in photo.data


async def test_photo_upload_refuses_a_file_that_is_not_a_picture(client) -> None:
    member = await make_member(email="itzel@example.org")
    await log_in(client, "itzel@example.org", PASSWORD)

    response = await upload(client, "homework.pdf", b"%PDF-1.4 not a picture", "application/pdf")

    assert response.status_code == 303
    assert response.headers["location"] == "/me/profile/edit"
    page = await client.get("/me/profile/edit")
    assert re.search(
        r'<div class="flash flash-error" role="alert" tabindex="-1" id="error-flash" autofocus>'
        r"\s*Choose a JPEG, PNG or WebP picture.\s*</div>",
        page.text,
    )
    assert await MemberPhoto.filter(user=member).count() == 0


def png_header_only(width: int, height: int, *, pixels: bool = True) -> bytes:
    """A black-and-white PNG of ``width`` x ``height``: a few kilobytes that decode to
    ``width * height`` pixels (with ``pixels`` False, its pixel data is missing, so only
    its header can be read)."""

    def chunk(kind: bytes, data: bytes) -> bytes:
        body = kind + data
        return struct.pack(">I", len(data)) + body + struct.pack(">I", zlib.crc32(body))

    header = struct.pack(">IIBBBBB", width, height, 1, 0, 0, 0, 0)
    rows = zlib.compress(b"\x00" * ((width + 7) // 8 + 1) * height, 9) if pixels else b""
    return (
        b"\x89PNG\r\n\x1a\n"
        + chunk(b"IHDR", header)
        + (chunk(b"IDAT", rows) if pixels else b"")
        + chunk(b"IEND", b"")
    )


async def test_photo_upload_refuses_a_pixel_bomb_in_the_members_language(client) -> None:
    member = await make_member(email="itzel@example.org", language="es")
    bomb = png_header_only(9000, 9000)
    assert len(bomb) < 20_000
    await log_in(client, "itzel@example.org", PASSWORD)

    response = await upload(client, "bomb.png", bomb, "image/png")

    assert response.status_code == 303
    assert response.headers["location"] == "/me/profile/edit"
    with use_language("es"):
        message = gettext(profiles.TOO_MANY_PIXELS)
    assert message != profiles.TOO_MANY_PIXELS
    page = await client.get("/me/profile/edit")
    assert message in html.unescape(page.text)
    assert await MemberPhoto.filter(user=member).count() == 0


async def test_photo_size_is_read_from_the_header_before_anything_is_decoded(app) -> None:
    member = await make_member()

    # No pixel data at all: decoding would fail, so only the header can have refused it.
    with pytest.raises(ValidationFailed) as refused:
        await profiles.set_photo(
            actor=member, member=member, data=png_header_only(9000, 9000, pixels=False)
        )

    assert refused.value.fields == {"photo": profiles.TOO_MANY_PIXELS}


async def test_photo_upload_refuses_a_gif(client) -> None:
    member = await make_member(email="itzel@example.org")
    gif = io.BytesIO()
    Image.new("RGB", (10, 10)).save(gif, "GIF")
    await log_in(client, "itzel@example.org", PASSWORD)

    response = await upload(client, "me.gif", gif.getvalue(), "image/gif")

    assert response.status_code == 303
    assert response.headers["location"] == "/me/profile/edit"
    assert await MemberPhoto.filter(user=member).count() == 0


@pytest.mark.parametrize(("role", "status"), [(Role.MENTOR, 403), (Role.STAFF, 403)])
async def test_someone_who_is_not_a_member_cannot_upload_a_photo(
    client, role: Role, status: int
) -> None:
    user = await make_user(email="someone@example.org", role=role)
    await log_in(client, "someone@example.org", PASSWORD)
    page = await client.get("/dashboard")

    response = await client.post(
        "/me/photo",
        data={"csrf_token": csrf_from(page.text)},
        files={"photo": ("me.png", png_bytes(), "image/png")},
    )

    assert response.status_code == status
    assert await MemberPhoto.filter(user=user).count() == 0
    assert await MemberPhoto.all().count() == 0


async def test_signed_out_visitor_cannot_upload_a_photo(client) -> None:
    page = await client.get("/login")

    response = await client.post(
        "/me/photo",
        data={"csrf_token": csrf_from(page.text)},
        files={"photo": ("me.png", png_bytes(), "image/png")},
    )

    assert response.status_code == 303
    assert response.headers["location"] == "/login?next=/me/photo"
    assert await MemberPhoto.all().count() == 0


async def test_a_deleted_members_speeches_leave_the_published_schedule(app, client) -> None:
    event = await make_event()
    stage = await make_stage(event)
    member = await make_member(name="Itzel Ramírez")
    other = await make_member(name="Otro Orador")
    mine = await make_speech(
        member,
        state=SpeechState.CONFIRMED,
        slot=await make_slot(stage, event.starts_at),
        title="Mi historia",
    )
    theirs = await make_speech(
        other,
        state=SpeechState.CONFIRMED,
        slot=await make_slot(stage, event.starts_at + timedelta(hours=1)),
        title="Otra historia",
    )
    admin = await make_user(role=Role.ADMIN)
    await releases.publish(actor=admin, event=event, settings=app.state.settings)
    request = await DeletionRequest.create(member=member)

    await complete_deletion(actor=admin, request_id=request.id)

    assert not await Speech.filter(id=mine.id).exists()
    assert await Speech.filter(id=theirs.id).exists()
    release = await Release.get(event=event)
    assert [e["title"] for e in release.entries] == ["Otra historia"]
    lineup = await client.get(f"/events/{event.slug}/lineup")
    assert "Otra historia" in lineup.text and "Mi historia" not in lineup.text


async def test_only_open_deletion_requests_wait_for_an_admin(app) -> None:
    asking = await make_member()
    changed_mind = await make_member()
    await privacy.request_deletion(member=asking, reason="Moving away")
    await privacy.request_deletion(member=changed_mind, reason="")
    await privacy.cancel_deletion(member=changed_mind)

    waiting = await privacy.waiting_deletions()

    assert [(r.member.id, r.reason) for r in waiting] == [(asking.id, "Moving away")]
    assert (await privacy.pending_deletion(asking)).id == waiting[0].id
    assert await privacy.pending_deletion(changed_mind) is None


async def test_audit_entries_of_minors_or_of_one_member(app) -> None:
    minor = await make_member(age=15)
    adult = await make_member(age=19)
    staff = await make_user(role=Role.STAFF)
    await AuditEntry.all().delete()  # the factories' consent lines
    await audit.record(actor=staff, action=AuditAction.VIEW, subject=minor, minor=True)
    await audit.record(actor=staff, action=AuditAction.VIEW, subject=adult)

    of_minors = await privacy.audit_entries(minors_only=True)
    of_adult = await privacy.audit_entries(member_id=adult.id)

    assert [e.subject_id for e in of_minors] == [minor.id]
    assert [e.subject_id for e in of_adult] == [adult.id]
    assert len(await privacy.audit_entries()) == 2
