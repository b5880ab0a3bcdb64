"""Deleting a member's data leaves nothing that names her or that she wrote, in any
table, including tables added after this test was written; counts and amounts stay."""

from __future__ import annotations

import json

import httpx
import pytest
from tortoise import Tortoise, fields

from tests.conftest import confirm, csrf_from, log_in
from tests.factories import PASSWORD
from tests.members.conftest import browser
from tests.members.footprint import (
    EMAIL,
    NAME,
    PASSWORD_OF_ITZEL,
    REFLECTION,
    SPEECH,
    WORDS,
    member_who_did_everything,
)
from yoc import audit
from yoc.accounts.models import User
from yoc.audit import AuditEntry
from yoc.curriculum.models import ActivityProgress
from yoc.members.enums import DeletionState
from yoc.members.models import DeletionRequest, MemberProfile
from yoc.members.services import privacy
from yoc.tickets.enums import OrderStatus, TicketStatus
from yoc.tickets.models import CheckIn, Order, Ticket

TEXT_FIELDS = (fields.CharField, fields.TextField, fields.JSONField, fields.BinaryField)


def _as_text(value: object) -> str:
    if value is None:
        return ""
    if isinstance(value, bytes):
        return value.decode("utf-8", errors="ignore")
    if isinstance(value, str):
        return value
    return json.dumps(value, ensure_ascii=False, default=str)


async def text_naming(words: tuple[str, ...]) -> list[tuple[str, str, str]]:
    """(table, column, word) for every stored text, in every model's table, that holds one
    of ``words`` (case-insensitive). Every model the app registers is searched, so a table
    added later is searched too."""
    found = []
    for model in Tortoise.apps["yoc"].values():
        columns = [
            name for name, field in model._meta.fields_map.items() if isinstance(field, TEXT_FIELDS)
        ]
        if not columns:
            continue
        for row in await model.all().values(*columns):
            for column, value in row.items():
                text = _as_text(value).casefold()
                found += [
                    (model._meta.db_table, column, word)
                    for word in words
                    if word.casefold() in text
                ]
    return found


async def delete_as_admin(app, request_id: int) -> httpx.Response:
    async with browser(app) as admin:
        await log_in(admin, "ada@example.org", PASSWORD)
        queue = await admin.get("/staff/deletions")
        assert queue.status_code == 200
        return await confirm(admin, await admin.get(f"/staff/deletions/{request_id}/complete"))


async def test_the_search_finds_a_member_who_did_everything_in_every_kind_of_table(
    app, client
) -> None:
    """The test below is only as good as its search: before deletion it finds each word."""
    await member_who_did_everything(app, client)

    found = await text_naming(WORDS)

    assert {word for _, _, word in found} == set(WORDS)
    tables = {table for table, _, _ in found}
    assert {
        "users",
        "member_profiles",
        "guardians",
        "consent_records",
        "mentor_notes",
        "activity_progress",
        "progress_events",
        "soapbox_speeches",
        "soapbox_reviews",
        "soapbox_releases",
        "orders",
        "order_log",
        "checkins",
        "audit_entries",
        "outbox_messages",
        "rate_limit_counts",
        "deletion_requests",
    } <= tables


async def test_deleting_a_member_leaves_no_text_that_names_her_or_that_she_wrote(
    app, client
) -> None:
    footprint = await member_who_did_everything(app, client)

    done = await delete_as_admin(app, footprint.deletion_request_id)

    assert done.status_code == 303
    assert await text_naming(WORDS) == []


async def test_after_deletion_her_orders_keep_their_money_and_seats_without_her(
    app, client
) -> None:
    footprint = await member_who_did_everything(app, client)
    before = await Order.get(id=footprint.order.id)
    tickets_before = (
        await Ticket.filter(order=before)
        .order_by("id")
        .values_list("id", "status", "price_cents", "checked_in_at")
    )

    await delete_as_admin(app, footprint.deletion_request_id)

    after = await Order.get(id=footprint.order.id)
    assert (after.buyer_name, after.buyer_email, after.buyer_phone) == ("deleted", "deleted", "")
    assert (
        after.code,
        after.status,
        after.total_cents,
        after.tickets_count,
        after.payment,
        after.paid_at,
    ) == (
        before.code,
        OrderStatus.PAID,
        before.total_cents,
        2,
        before.payment,
        before.paid_at,
    )
    assert (
        await Ticket.filter(order=after)
        .order_by("id")
        .values_list("id", "status", "price_cents", "checked_in_at")
        == tickets_before
    )
    assert [t[1] for t in tickets_before] == [TicketStatus.VALID, TicketStatus.VALID]
    (scan,) = await CheckIn.all()
    assert (scan.result, scan.detail["name"]) == ("ok", "deleted")


async def test_after_deletion_staff_pages_show_nothing_of_her_work(app, client) -> None:
    footprint = await member_who_did_everything(app, client)
    pages = ["/mentor/reviews", "/speeches/reviews", "/staff/audit", "/members"]
    await delete_as_admin(app, footprint.deletion_request_id)

    async with browser(app) as staff:
        await log_in(staff, "sam@example.org", PASSWORD)
        shown = {page: (await staff.get(page)) for page in pages}
        order_page = await staff.get(f"/staff/orders/{footprint.order.code}")
    async with browser(app) as mentor:
        await log_in(mentor, "marco@example.org", PASSWORD)
        queue = await mentor.get("/mentor/reviews")

    for page, response in [*shown.items(), ("order", order_page), ("mentor queue", queue)]:
        assert response.status_code == 200, page
        for word in (NAME, EMAIL, REFLECTION, SPEECH, "Itzel"):
            assert word not in response.text, (page, word)
    assert await ActivityProgress.filter(member_id=footprint.member.id).count() == 0


async def test_after_deletion_she_cannot_sign_in_and_her_account_row_is_anonymous(
    app, client
) -> None:
    footprint = await member_who_did_everything(app, client)

    await delete_as_admin(app, footprint.deletion_request_id)

    account = await User.get(id=footprint.member.id)
    assert (account.email, account.name, account.password_hash, account.is_active) == (
        f"deleted-{account.id}@deleted.invalid",
        "Deleted member",
        None,
        False,
    )
    assert (await client.get("/me/profile")).status_code == 303
    async with browser(app) as someone:
        page = await someone.get("/login")
        refused = await someone.post(
            "/login",
            data={
                "email": EMAIL,
                "password": PASSWORD_OF_ITZEL,
                "csrf_token": csrf_from(page.text),
            },
        )
    assert refused.status_code == 400
    request = await DeletionRequest.get(id=footprint.deletion_request_id)
    assert (request.state, request.reason) == (DeletionState.COMPLETED, "")


async def test_a_deletion_that_fails_half_way_changes_nothing(
    app, client, monkeypatch: pytest.MonkeyPatch
) -> None:
    footprint = await member_who_did_everything(app, client)
    written = await text_naming(WORDS)

    async def audit_fails(**_: object) -> None:
        raise RuntimeError("the audit log is full")

    # The audit line is the last thing the deletion writes: everything before it must
    # roll back with it.
    monkeypatch.setattr(audit, "record", audit_fails)
    with pytest.raises(RuntimeError):
        await privacy.complete_deletion(
            actor=footprint.admin, request_id=footprint.deletion_request_id
        )

    assert await text_naming(WORDS) == written
    assert await MemberProfile.filter(user_id=footprint.member.id).count() == 1
    assert (await DeletionRequest.get(id=footprint.deletion_request_id)).state == (
        DeletionState.REQUESTED
    )
    assert await AuditEntry.filter(subject_id=footprint.member.id).count() > 0
