""" "My data": the download holds everything YO-C keeps about the member, every table that
holds member data is in it (or deliberately left out, with the reason), and the same
record reads as a printable page in English and in Spanish."""

from __future__ import annotations

import base64
import html
import json
import re

import pytest
from tortoise import Tortoise, fields
from tortoise.fields.relational import ForeignKeyFieldInstance, ManyToManyFieldInstance
from tortoise.models import Model

from tests.conftest import log_in
from tests.factories import PASSWORD, make_user
from tests.members.footprint import (
    EMAIL,
    FEEDBACK,
    GUARDIAN,
    NAME,
    NOTE,
    PHONE,
    PRIVATE_NOTE,
    REFLECTION,
    REVIEW,
    SPEECH,
    member_who_did_everything,
)
from yoc.accounts.enums import Role
from yoc.accounts.models import (
    ApiToken,
    OneTimeToken,
    RecoveryCode,
    TwoFactor,
    User,
    UserSession,
)
from yoc.accounts.services import set_language
from yoc.curriculum.models import CohortAssignment
from yoc.members.models import ConsentRequest, GuardianLink, GuardianSession
from yoc.members.services import privacy
from yoc.participation.models import Meeting
from yoc.soapbox.models import SpeakerCalendar
from yoc.tickets.models import DoorConflict, OrderRetryKey

# Tables that hold member data but are left out of the download on purpose. (Within
# tables that are in it, a few columns stay out too: the account's password hash, the
# secret of each ticket, an order's key and the bodies of emails, for they open things.
# Sign-in attempts counted per email (rate_limit_counts) are neither linked nor named like
# an email column; they last one window, and deleting a member's data clears them.)
NOT_EXPORTED: dict[type[Model], str] = {
    # Secrets, not information: a signed-in browser's key hash, an API token's hash,
    # the hash of an emailed one-time link. Handing them out would help nobody read
    # their data and could help someone take over the account.
    UserSession: "session key hashes",
    ApiToken: "API token hashes",
    OneTimeToken: "password-reset and invitation link hashes",
    # The second factor: an encrypted key and the hashes of one-time recovery codes.
    TwoFactor: "the two-factor key",
    RecoveryCode: "recovery code hashes",
    # A guardian's emailed sign-in links and family-page sessions (hashes, with the
    # address they were sent to); the guardians themselves are under "guardians".
    GuardianLink: "guardian sign-in link hashes",
    GuardianSession: "guardian session key hashes",
    # The hash of the link emailed to a guardian; what the guardian decided is under
    # "consents".
    ConsentRequest: "consent link hashes",
    # The secret addresses of the speaker's calendar feeds (credentials, like a token).
    SpeakerCalendar: "calendar feed secrets",
    # An API client's retry key for placing an order, and a hash of the request; the
    # order itself is under "orders".
    OrderRetryKey: "order retry keys",
    # A module given to a whole group; the member's own copy is under "assignments".
    CohortAssignment: "group assignments",
    # A group's meeting, planned by a mentor; the member's answer and attendance are
    # under "meetings".
    Meeting: "group meetings",
    # A ticket let in at two gates: gates and times, no name; the ticket's check-in is
    # under "orders".
    DoorConflict: "tickets let in twice",
}

IDENTIFYING = ("email", "phone")


def tables_holding_member_data() -> dict[type[Model], str]:
    """Every model with a link to a user (foreign key, one-to-one or many-to-many) or a
    column that identifies a person (an email or phone), and what belongs to such a row
    (deleted with it): each with why it counts. Read from the models, so a table added
    later is found too."""
    models = list(Tortoise.apps["yoc"].values())
    found: dict[type[Model], str] = {}
    for model in models:
        for name, field in model._meta.fields_map.items():
            linked = isinstance(field, (ForeignKeyFieldInstance, ManyToManyFieldInstance))
            if linked and field.related_model is User:
                found.setdefault(model, f"{name} -> users")
            elif isinstance(field, fields.CharField) and name.endswith(IDENTIFYING):
                found.setdefault(model, f"{name} identifies a person")
    grew = True
    while grew:
        grew = False
        for model in models:
            if model in found:
                continue
            for name, field in model._meta.fields_map.items():
                if (
                    isinstance(field, ForeignKeyFieldInstance)
                    and field.related_model in found
                    and field.on_delete == fields.CASCADE
                ):
                    found[model] = f"{name} -> {field.related_model.__name__} (belongs to it)"
                    grew = True
                    break
    return found


async def test_every_table_holding_member_data_is_in_the_download_or_left_out_on_purpose(
    app,
) -> None:
    holding = tables_holding_member_data()
    exported = {model for models in privacy.SECTIONS.values() for model in models}

    missing = {
        m.__name__: why for m, why in holding.items() if m not in exported | set(NOT_EXPORTED)
    }

    assert missing == {}, "add these tables to the download, or to NOT_EXPORTED with a reason"
    # The list of exceptions stays honest: only tables that hold member data, none exported.
    assert set(NOT_EXPORTED) <= set(holding)
    assert exported & set(NOT_EXPORTED) == set()
    # The discovery itself works: it finds what it must.
    assert {"User", "MemberProfile", "ActivityProgress", "ProgressEvent", "Order", "Ticket"} <= {
        m.__name__ for m in holding
    }


async def _download(client) -> dict:
    response = await client.get("/me/data.json")
    assert response.status_code == 200
    assert response.headers["content-disposition"] == 'attachment; filename="my-yoc-data.json"'
    assert response.headers["cache-control"] == "no-store"
    return json.loads(response.text)


async def test_each_section_of_the_download_holds_the_members_records(app, client) -> None:
    await member_who_did_everything(app, client)

    data = await _download(client)

    assert list(data) == list(privacy.SECTIONS)
    empty = [section for section, value in data.items() if not value]
    assert empty == []


async def test_download_holds_reflections_history_feedback_badges_and_attendance(
    app, client
) -> None:
    footprint = await member_who_did_everything(app, client)

    data = await _download(client)

    reflection, meeting = sorted(data["activities"], key=lambda a: a["completion"], reverse=True)
    assert (reflection["activity"], reflection["state"], reflection["reflection"]) == (
        {"en": "Where water meets home", "es": "Donde el agua llega a casa"},
        "approved",
        REFLECTION,
    )
    assert [(h["state"], h["by"], h["text"]) for h in reflection["history"]] == [
        ("submitted", NAME, "A first draft."),
        ("returned", "Marco Mentor", FEEDBACK),
        ("submitted", NAME, REFLECTION),
        ("approved", "Marco Mentor", ""),
    ]
    assert (meeting["state"], meeting["reflection"]) == ("done", "")
    assert [(a["activity"]["en"], a["recorded_by"]) for a in data["attendance"]] == [
        ("Water board meeting", "Marco Mentor")
    ]
    assert [(b["title"], b["shared"], b["address"]) for b in data["badges"]] == [
        ({"en": "Water", "es": "Agua"}, False, None)
    ]
    assert [m["module"] for m in data["completed_modules"]] == [{"en": "Water", "es": "Agua"}]
    assert [(a["module"]["en"], a["track"]["en"]) for a in data["assignments"]] == [
        ("Water", "Know your valley")
    ]
    assert [n["text"] for n in data["notes_from_mentors"]] == [NOTE]
    assert PRIVATE_NOTE not in json.dumps(data, ensure_ascii=False)
    (speech,) = data["speeches"]
    assert (speech["summary"], speech["state"]) == (SPEECH, "confirmed")
    assert [(r["by"], r["comments"]) for r in speech["reviews"]] == [("Sam Staff", REVIEW)]
    assert footprint.member.id == data["account"]["id"]


async def test_download_holds_orders_with_tickets_and_check_in(app, client) -> None:
    footprint = await member_who_did_everything(app, client)

    data = await _download(client)

    (order,) = data["orders"]
    assert (
        order["code"],
        order["status"],
        order["buyer_name"],
        order["buyer_email"],
        order["buyer_phone"],
        order["total_cents"],
    ) == (footprint.order.code, "paid", NAME, EMAIL, PHONE, 3000)
    assert [(t["type"]["en"], t["status"], t["price_cents"]) for t in order["tickets"]] == [
        ("Festival day", "valid", 1500),
        ("Festival day", "valid", 1500),
    ]
    first, second = order["tickets"]
    assert (first["gate"], [s["result"] for s in first["scans"]]) == ("North gate", ["ok"])
    assert first["checked_in_at"] is not None
    assert (second["checked_in_at"], second["scans"]) == (None, [])
    assert "secret" not in json.dumps(order)
    assert [(h["from"], h["to"], h["change"]) for h in order["history"]] == [
        ("", "pending", ""),
        ("pending", "paid", ""),
        ("paid", "paid", "ticket_renamed"),
    ]
    assert second["holder_name"] == f"{NAME} (2)"
    (place,) = data["waiting_lists"]
    assert (place["ticket_type"]["en"], place["name"], place["quantity"], place["state"]) == (
        "Front row",
        NAME,
        2,
        "waiting",
    )


async def test_download_says_who_looked_at_or_changed_the_record_and_when(app, client) -> None:
    await member_who_did_everything(app, client)

    data = await _download(client)

    history = data["record_history"]
    assert all(set(entry) == {"at", "who", "role", "action", "details"} for entry in history)
    viewed = [e for e in history if e["action"] == "view"]
    assert [(e["who"], e["role"]) for e in viewed] == [("Sam Staff", "staff")]
    assert re.fullmatch(r"\d{4}-\d\d-\d\dT.*", viewed[0]["at"])
    assert {e["action"] for e in history} >= {"view", "update", "consent", "approve", "note"}
    # Staff appear by name, not by their email address.
    assert "sam@example.org" not in json.dumps(history)


async def test_download_holds_the_photo_guardians_and_the_mail_sent(app, client) -> None:
    await member_who_did_everything(app, client)

    data = await _download(client)

    assert data["photo"]["content_type"] == "image/jpeg"
    assert base64.b64decode(data["photo"]["data"])[:2] == b"\xff\xd8"
    assert [(g["name"], g["phone"]) for g in data["guardians"]] == [(GUARDIAN, "760-555-0142")]
    templates = sorted(m["template"] for m in data["messages"])
    assert "password_reset" in templates and "reflection_reviewed" in templates
    # The bodies carry one-time links (a guardian's consent link among them): not handed out.
    assert all("body" not in m for m in data["messages"])
    assert data["deletion_requests"][0]["state"] == "requested"


# The readable page ---------------------------------------------------------------------


@pytest.mark.parametrize(
    ("language", "heading", "labels"),
    [
        (
            "en",
            "Everything YO-C keeps about you",
            [
                "Reflections and activities",
                "Badges",
                "Orders and tickets",
                "Who looked at your record",
                "returned for changes",
                "Water",
                "viewed the record",
                "checked in",
                "Group meetings",
                "Your answer: I’ll be there",
                "Attendance: present",
                "Service hours",
                "Food bank, with Itzel Ramírez",
                "Group meetings, the day before: yes",
            ],
        ),
        (
            "es",
            "Todo lo que YO-C guarda sobre ti",
            [
                "Reflexiones y actividades",
                "Insignias",
                "Pedidos y boletos",
                "Quién vio tus datos",
                "devuelta para cambios",
                "Agua",
                "vio los datos",
                "registrado",
                "Reuniones del grupo",
                "Asistencia: ",
                "Horas de servicio",
                "Recordatorios que elegiste",
            ],
        ),
    ],
)
async def test_readable_page_shows_the_whole_record_in_the_members_language(
    app, client, language: str, heading: str, labels: list[str]
) -> None:
    footprint = await member_who_did_everything(app, client)
    await set_language(footprint.member, language)

    response = await client.get("/me/data/all")

    assert response.status_code == 200
    assert response.headers["cache-control"] == "no-store"
    page = html.unescape(response.text)
    assert f'<html lang="{language}">' in page
    assert f"<h1>{heading}</h1>" in page
    missing = [
        text
        for text in [
            *labels,
            NAME,
            EMAIL,
            PHONE,
            GUARDIAN,
            REFLECTION,
            FEEDBACK,
            NOTE,
            SPEECH,
            REVIEW,
            footprint.order.code,
            "Sam Staff",
        ]
        if text not in page
    ]
    assert missing == []
    assert PRIVATE_NOTE not in page
    # Prints cleanly: its own print rules, and the print button hides on paper.
    assert '<link rel="stylesheet" href="/static/css/print.css" media="print">' in page
    assert re.search(r'<button[^>]*class="[^"]*no-print[^"]*"[^>]*data-print', page)


async def test_my_data_page_links_to_the_readable_page_and_the_download(app, client) -> None:
    await make_user(email="member@example.org", role=Role.MEMBER)
    await log_in(client, "member@example.org", PASSWORD)

    page = await client.get("/me/data")

    assert page.status_code == 200
    links = re.findall(r'<a class="button[^"]*" href="(/me/data[^"]*)"', page.text)
    assert links == ["/me/data/all", "/me/data.json"]


@pytest.mark.parametrize(("role", "status"), [(None, 303), (Role.MENTOR, 403), (Role.STAFF, 403)])
async def test_only_a_member_can_read_their_own_record(
    client, role: Role | None, status: int
) -> None:
    if role is not None:
        await make_user(email="someone@example.org", role=role)
        await log_in(client, "someone@example.org", PASSWORD)

    response = await client.get("/me/data/all")

    assert response.status_code == status
