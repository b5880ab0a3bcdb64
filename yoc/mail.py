"""Mail: every message goes into the outbox first; a worker sends it over SMTP.

A failing SMTP server only delays mail: a message stays queued and is retried with
growing pauses, and nothing is lost.
"""

from __future__ import annotations

import asyncio
import base64
import logging
import re
import secrets
import unicodedata
from datetime import datetime, timedelta
from email.message import EmailMessage
from email.utils import make_msgid
from typing import Any
from urllib.parse import parse_qs, unquote, urlparse

import aiosmtplib
from jinja2 import TemplateNotFound
from tortoise import fields
from tortoise.expressions import Q
from tortoise.models import Model

from yoc import i18n, qrcodes
from yoc.enums import LabelledEnum
from yoc.i18n import N_
from yoc.paging import Keyset, Page, Window
from yoc.settings import Settings
from yoc.templating import mail_environment, render_blocks
from yoc.timeutil import utcnow

log = logging.getLogger("yoc.mail")

MAX_ATTEMPTS = 8
# The shortest secret in a link (a ticket's is 26 characters; tokens are 32 and more).
SECRET_MIN_LENGTH = 16


class MailStatus(LabelledEnum):
    QUEUED = "queued", N_("waiting to be sent")
    SENT = "sent", N_("sent")
    FAILED = "failed", N_("could not be sent")


class OutboxMessage(Model):
    id = fields.IntField(primary_key=True)
    to_email = fields.CharField(max_length=254)
    subject = fields.CharField(max_length=255)
    body_text = fields.TextField()
    body_html = fields.TextField(null=True)
    template = fields.CharField(max_length=80)
    language = fields.CharField(max_length=5)
    status = fields.CharEnumField(
        MailStatus, max_length=10, default=MailStatus.QUEUED, db_index=True
    )
    attempts = fields.IntField(default=0)
    next_attempt_at = fields.DatetimeField(db_index=True)
    # A worker that claimed the message owns it until then; a crashed worker's claim lapses.
    lease_until = fields.DatetimeField(null=True)
    # Which claim it is (one per round of a worker), so a worker sends only what it still owns.
    lease_owner = fields.CharField(max_length=16, default="", db_default="")
    last_error = fields.TextField(default="")
    # Inline images of the HTML part: [{"cid", "content_type", "data" (base64)}], or
    # [{"cid", "qr"}]: a QR code drawn when the message is sent.
    attachments = fields.JSONField(default=list)
    created_at = fields.DatetimeField(auto_now_add=True)
    sent_at = fields.DatetimeField(null=True)

    class Meta:
        table = "outbox_messages"
        ordering = ["-id"]


OUTBOX = Keyset("outbox", (("id", int),), descending=True)


async def outbox_page(window: Window) -> Page[OutboxMessage]:
    """A page of the outbox, newest first."""
    return await OUTBOX.page(OutboxMessage.all(), window)


async def queue_mail(
    *,
    to: str,
    template: str,
    language: str,
    context: dict[str, Any],
    images: dict[str, bytes] | None = None,
    qr_codes: dict[str, str] | None = None,
) -> OutboxMessage:
    """Render ``emails/<template>.txt`` and ``.html`` in ``language`` into the outbox.

    ``qr_codes`` (Content-ID: text) become PNG images when the message is sent: drawing
    one takes tens of milliseconds, which belong to the mail worker, not to a checkout.
    """
    env = mail_environment()
    # The message's own links stay links; anything else link-like printed in it (a name
    # someone typed, say) is broken, in both parts.
    own_links = frozenset(_links_in(context))
    context = {**context, "own_links": own_links}
    with i18n.use_language(language):
        parts = render_blocks(f"emails/{template}.txt", context, "subject", "text", env=env)
        try:
            html = env.get_template(f"emails/{template}.html").render(context)
        except TemplateNotFound:
            # No hand-made HTML: the text, paragraph by paragraph, with its links live.
            paragraphs = [p for p in parts["text"].split("\n\n") if p.strip()]
            html = env.get_template("emails/from_text.html").render(
                paragraphs=paragraphs, own_links=own_links
            )
    return await OutboxMessage.create(
        to_email=to,
        subject=one_line(parts["subject"]),
        body_text=parts["text"],
        body_html=html,
        template=template,
        language=language,
        next_attempt_at=utcnow(),
        attachments=[
            {"cid": cid, "content_type": "image/png", "data": base64.b64encode(data).decode()}
            for cid, data in (images or {}).items()
        ]
        + [{"cid": cid, "qr": text} for cid, text in (qr_codes or {}).items()],
    )


def _links_in(context: dict[str, Any]) -> list[str]:
    """The links a caller put in an email's context (``link``, ``ticket_links``...), and
    the addresses of its ``mailto:`` links."""
    found = []
    for value in context.values():
        for item in value if isinstance(value, list | tuple) else [value]:
            if isinstance(item, str) and item.startswith(("http://", "https://")):
                found.append(item)
            elif isinstance(item, str) and item.startswith("mailto:"):
                found += [item, item.removeprefix("mailto:")]
    return found


def without_live_links(text: str, base_url: str) -> str:
    """``text`` with every link into the site cut short: the long random parts of those
    links (a token, a ticket's secret, an order's key) become "…" wherever they appear,
    so that the outbox says what was sent without handing anyone the links in it."""
    links = re.findall(re.escape(base_url) + r"/[^\s<>\"']*", text)
    secrets_in_links = {
        part
        for link in links
        for part in re.split(r"[/?#&=.]", link[len(base_url) :])
        if len(part) >= SECRET_MIN_LENGTH
    }
    for part in sorted(secrets_in_links, key=len, reverse=True):
        text = text.replace(part, "…")
    return text


def one_line(text: str) -> str:
    """A header's text on one line: a name stored before names were checked, or typed
    through a way in that does not check, must not start a header of its own."""
    words = "".join(" " if unicodedata.category(c) == "Cc" else c for c in text).split()
    return " ".join(words)


def smtp_options(smtp_url: str) -> dict[str, Any]:
    """aiosmtplib options from ``smtp://user:pass@host:port`` (``smtps://`` for TLS)."""
    url = urlparse(smtp_url)
    if url.scheme not in {"smtp", "smtps"} or not url.hostname:
        raise ValueError("YOC_SMTP_URL must look like smtp://user:password@host:port")
    query = parse_qs(url.query)
    options: dict[str, Any] = {
        "hostname": url.hostname,
        "port": url.port or (465 if url.scheme == "smtps" else 25),
        "use_tls": url.scheme == "smtps",
        "start_tls": query.get("starttls", ["auto"])[0] == "1" or None,
        "timeout": 20,
    }
    if options["start_tls"] is None:
        options.pop("start_tls")
    if url.username:
        options["username"] = unquote(url.username)
        options["password"] = unquote(url.password or "")
    return options


def _image_data(image: dict[str, str]) -> bytes:
    if "qr" in image:
        return qrcodes.png(image["qr"])
    return base64.b64decode(image["data"])


def _email_message(msg: OutboxMessage, sender: str) -> EmailMessage:
    email = EmailMessage()
    email["From"] = sender
    email["To"] = msg.to_email
    email["Subject"] = msg.subject
    email["Message-ID"] = make_msgid(domain="yoc.local")
    email.set_content(msg.body_text)
    if msg.body_html:
        email.add_alternative(msg.body_html, subtype="html")
        html_part = email.get_payload()[1]
        for image in msg.attachments:
            html_part.add_related(_image_data(image), "image", "png", cid=f"<{image['cid']}>")
    # After the body: set_content() drops Content-* headers that were set before it.
    email["Content-Language"] = msg.language
    return email


async def _claim(now: datetime, limit: int, lease: timedelta, owner: str) -> list[int]:
    due = Q(status=MailStatus.QUEUED, next_attempt_at__lte=now) & (
        Q(lease_until__isnull=True) | Q(lease_until__lt=now)
    )
    candidates = (
        await OutboxMessage.filter(due).order_by("id").limit(limit).values_list("id", flat=True)
    )
    claimed = []
    for message_id in candidates:
        # A conditional update is the claim: of several workers, exactly one matches.
        if await OutboxMessage.filter(due, id=message_id).update(
            lease_until=now + lease, lease_owner=owner
        ):
            claimed.append(message_id)
    return claimed


async def _renew(message_id: int, owner: str, lease: timedelta) -> OutboxMessage | None:
    """The message, with a fresh claim for sending it now; None when it is no longer this
    worker's: its claim lapsed while earlier messages were sent, and another worker took it
    (or it was sent). A lapsed claim nobody took is still this worker's to renew."""
    if not await OutboxMessage.filter(
        id=message_id, status=MailStatus.QUEUED, lease_owner=owner
    ).update(lease_until=utcnow() + lease):
        return None
    return await OutboxMessage.get(id=message_id)


async def deliver_due(settings: Settings, *, limit: int = 50) -> int:
    """Send up to ``limit`` messages that are due, claimed a few at a time; return how
    many were sent."""
    if not settings.smtp_url:
        return 0
    lease = timedelta(seconds=settings.mail_lease_seconds)
    # A send ends (or fails) well within the claim renewed just before it, so the message
    # is recorded as sent before another worker could take it.
    send_within = settings.mail_lease_seconds / 2
    options = smtp_options(settings.smtp_url)
    options["timeout"] = min(options["timeout"], send_within)
    owner = secrets.token_hex(8)
    sent = handled = 0
    while handled < limit:
        batch = await _claim(utcnow(), min(settings.mail_batch, limit - handled), lease, owner)
        if not batch:
            break
        for message_id in batch:
            handled += 1
            msg = await _renew(message_id, owner, lease)
            if msg is not None and await _send(msg, settings, options, within=send_within):
                sent += 1
    return sent


async def _send(
    msg: OutboxMessage, settings: Settings, options: dict[str, Any], *, within: float
) -> bool:
    """Send one claimed message and record the outcome; whether it went out."""
    msg.lease_until = None
    msg.lease_owner = ""
    try:
        email = _email_message(msg, settings.mail_from)
    except Exception as exc:  # noqa: BLE001 - one bad message must not stop the rest
        # It would fail the same way every time: give up on it, say why, go on.
        msg.status = MailStatus.FAILED
        msg.attempts += 1
        msg.last_error = f"cannot be sent: {type(exc).__name__}: {exc}"[:2000]
        await msg.save()
        log.error("mail %s to %s cannot be sent: %s", msg.id, msg.to_email, exc)
        return False
    try:
        async with asyncio.timeout(within):
            await aiosmtplib.send(email, **options)
    except (aiosmtplib.SMTPException, OSError, TimeoutError) as exc:
        msg.attempts += 1
        msg.last_error = f"{type(exc).__name__}: {exc}"[:2000]
        if msg.attempts >= MAX_ATTEMPTS:
            msg.status = MailStatus.FAILED
            log.error("mail %s to %s failed for good: %s", msg.id, msg.to_email, exc)
        else:
            # 1, 2, 4 ... minutes, with a little jitter so retries do not stampede.
            pause = timedelta(minutes=2 ** (msg.attempts - 1), seconds=secrets.randbelow(30))
            msg.next_attempt_at = utcnow() + pause
            log.warning("mail %s to %s will be retried: %s", msg.id, msg.to_email, exc)
        await msg.save()
        return False
    msg.status = MailStatus.SENT
    msg.sent_at = utcnow()
    msg.attempts += 1
    # Sent: what stays is who got what and when, not links that still work.
    msg.body_text = without_live_links(msg.body_text, settings.base_url)
    msg.body_html = without_live_links(msg.body_html or "", settings.base_url)
    msg.attachments = [image for image in msg.attachments if "qr" not in image]
    await msg.save()
    return True


async def retry_now(message_id: int) -> None:
    """Put a message back at the front of the queue (an admin's "send again"); one that a
    worker is sending right now keeps its claim."""
    now = utcnow()
    being_sent = Q(status=MailStatus.QUEUED, lease_until__gte=now)
    await OutboxMessage.filter(Q(id=message_id) & ~being_sent).update(
        status=MailStatus.QUEUED, next_attempt_at=now, lease_until=None
    )


async def sent_to(addresses: list[str]) -> list[OutboxMessage]:
    """The messages to these addresses, queued or sent, the newest first."""
    return await OutboxMessage.filter(to_email__in=[a.lower() for a in addresses if a])


async def forget(addresses: list[str], words: list[str]) -> int:
    """Delete every message to these addresses or naming any of ``words`` (a person's
    names, addresses, phone numbers), queued or sent; return how many."""
    naming = Q(to_email__in=[a.lower() for a in addresses if a])
    for word in words:
        naming |= (
            Q(to_email__icontains=word)
            | Q(subject__icontains=word)
            | Q(body_text__icontains=word)
            | Q(body_html__icontains=word)
        )
    return await OutboxMessage.filter(naming).delete()
