"""Secrets do not linger where people read: the request log names the route, not the
token in its path, and the outbox keeps who was sent what and when, without live links;
in production the outbox shows no live link even before a message is sent."""

from __future__ import annotations

import logging
import re

import httpx
import pytest
from asgi_lifespan import LifespanManager

from tests.conftest import _empty_tables, log_in, post_form
from tests.factories import PASSWORD, make_user
from tests.tickets.factories import make_event, make_order, make_ticket_type
from yoc import mail
from yoc.accounts.enums import Role
from yoc.mail import MailStatus, OutboxMessage
from yoc.tickets.models import Order, Ticket
from yoc.tickets.services import notify
from yoc.web import create_app

TOKEN = "Zq8xW2vNk4T7yR1mB5cD9fG3hJ6kL0pS8uV2wX4yZ6a"


@pytest.mark.parametrize(
    "path",
    [
        f"/password-reset/{TOKEN}",
        f"/invite/{TOKEN}",
        f"/signup/confirm/{TOKEN}",
        f"/consent/{TOKEN}",
        f"/tickets/{TOKEN}",
        f"/tickets/{TOKEN}/manifest.webmanifest",
        f"/orders/YOC-K7M4QX9P/{TOKEN}",
        f"/orders/YOC-K7M4QX9P/{TOKEN}/print",
        f"/calendar/{TOKEN}.ics",
    ],
)
async def test_the_request_log_leaves_tokens_out_of_paths(client, caplog, path: str) -> None:
    caplog.set_level(logging.INFO, logger="yoc.request")

    await client.get(path)

    (record,) = [r for r in caplog.records if r.name == "yoc.request"]
    assert TOKEN not in record.path
    assert record.path == path.replace(TOKEN, "[redacted]")


async def test_the_request_log_keeps_ordinary_paths(client, caplog) -> None:
    caplog.set_level(logging.INFO, logger="yoc.request")

    await client.get("/events/the-hue-2027")

    (record,) = [r for r in caplog.records if r.name == "yoc.request"]
    assert record.path == "/events/the-hue-2027"


async def test_a_sent_message_keeps_who_what_and_when_but_no_live_link(
    app, settings, smtp_server
) -> None:
    mailbox, smtp_url = smtp_server
    queued = await mail.queue_mail(
        to="ana@example.org",
        template="password_reset",
        language="en",
        context={"name": "Ana", "link": f"http://testserver/password-reset/{TOKEN}", "minutes": 60},
    )

    assert await mail.deliver_due(settings.with_(smtp_url=smtp_url)) == 1

    kept = await OutboxMessage.get(id=queued.id)
    assert (kept.to_email, kept.subject, kept.status) == (
        "ana@example.org",
        "Choose a new YO-C password",
        MailStatus.SENT,
    )
    assert kept.sent_at is not None
    assert TOKEN not in kept.body_text and TOKEN not in kept.body_html
    assert "http://testserver/password-reset/…" in kept.body_text
    # What went out had the link, of course.
    assert TOKEN in mailbox.text_of(mailbox.messages[0])


async def test_a_sent_ticket_email_keeps_no_ticket_secret_nor_qr_code(
    app, settings, smtp_server
) -> None:
    mailbox, smtp_url = smtp_server
    event = await make_event()
    order = await make_order(event, settings, {await make_ticket_type(event): 2}, payment=None)
    secrets = [t.secret for t in await Ticket.filter(order=order)]
    key = (await Order.get(id=order.id)).key
    (queued,) = await OutboxMessage.filter(template="order_confirmed")
    assert all(s in queued.body_html for s in secrets)
    assert len(queued.attachments) == 2

    await mail.deliver_due(settings.with_(smtp_url=smtp_url))

    kept = await OutboxMessage.get(id=queued.id)
    for secret in [*secrets, key]:
        assert secret not in kept.body_text
        assert secret not in kept.body_html
    assert kept.attachments == []
    assert order.code in kept.body_text


@pytest.fixture
async def production_app(settings):
    app = create_app(
        settings.with_(env="production", base_url="https://yoc.example.org", smtp_url="")
    )
    async with LifespanManager(app):
        await _empty_tables()
        yield app


async def test_in_production_the_outbox_shows_no_live_link_even_before_sending(
    production_app,
) -> None:
    await make_user(email="admin@example.org", role=Role.ADMIN)
    await make_user(email="ana@example.org", name="Ana")
    async with httpx.AsyncClient(
        transport=httpx.ASGITransport(app=production_app), base_url="https://yoc.example.org"
    ) as browser:
        await post_form(browser, "/password-reset", {"email": "ana@example.org"})
        (queued,) = await OutboxMessage.filter(to_email="ana@example.org")
        token = re.search(r"/password-reset/(\S+)", queued.body_text).group(1)
        await log_in(browser, "admin@example.org", PASSWORD)

        detail = await browser.get(f"/admin/outbox/{queued.id}")

    assert detail.status_code == 200
    assert token not in detail.text
    assert "https://yoc.example.org/password-reset/…" in detail.text
    # Stored as written: the worker still sends the real link.
    assert token in (await OutboxMessage.get(id=queued.id)).body_text


async def test_a_resend_queues_the_tickets_with_their_links(app, settings) -> None:
    """The outbox forgets links once a message is sent, never before."""
    event = await make_event()
    order = await make_order(event, settings, {await make_ticket_type(event): 1}, payment=None)
    await OutboxMessage.all().delete()

    await notify.resend_tickets(order.buyer_email, settings=settings)

    (queued,) = await OutboxMessage.all()
    assert (await Ticket.get(order=order)).secret in queued.body_text
