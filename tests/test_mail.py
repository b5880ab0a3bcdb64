"""The outbox: a failing mail server delays mail and loses none."""

from __future__ import annotations

import asyncio
from collections import Counter
from datetime import timedelta

import pytest

from tests.conftest import SlowMailbox, _free_port, serving_mail, until
from yoc import mail
from yoc.mail import MailStatus, OutboxMessage
from yoc.timeutil import utcnow


async def queue_reset_mail() -> OutboxMessage:
    return await mail.queue_mail(
        to="ana@example.org",
        template="password_reset",
        language="en",
        context={"name": "Ana", "link": "http://testserver/password-reset/abc", "minutes": 60},
    )


async def test_queued_mail_is_rendered_in_both_parts(app) -> None:
    message = await queue_reset_mail()

    assert message.subject == "Choose a new YO-C password"
    assert "http://testserver/password-reset/abc" in message.body_text
    assert "<html" not in message.body_text
    assert 'href="http://testserver/password-reset/abc"' in message.body_html
    assert message.status == MailStatus.QUEUED


async def test_names_are_not_html_escaped_in_the_text_part(app) -> None:
    message = await mail.queue_mail(
        to="x@example.org",
        template="password_reset",
        language="en",
        context={"name": "D'Andre & Co", "link": "http://t/x", "minutes": 60},
    )

    assert "D'Andre & Co" in message.body_text
    assert "D&#39;Andre &amp; Co" in message.body_html


async def test_smtp_down_keeps_the_message_and_retries_later(app, settings, smtp_server) -> None:
    message = await queue_reset_mail()
    closed_port = _free_port()

    sent = await mail.deliver_due(settings.with_(smtp_url=f"smtp://127.0.0.1:{closed_port}"))

    assert sent == 0
    failed = await OutboxMessage.get(id=message.id)
    assert failed.status == MailStatus.QUEUED
    assert failed.attempts == 1
    assert failed.last_error
    assert failed.next_attempt_at > utcnow()

    # When the retry is due and the server is back, the message goes out.
    await OutboxMessage.filter(id=message.id).update(next_attempt_at=utcnow())
    mailbox, smtp_url = smtp_server
    assert await mail.deliver_due(settings.with_(smtp_url=smtp_url)) == 1
    delivered = await OutboxMessage.get(id=message.id)
    assert delivered.status == MailStatus.SENT and delivered.sent_at is not None
    assert len(mailbox.messages) == 1


async def test_a_message_is_sent_once_even_with_two_workers(app, settings, smtp_server) -> None:
    mailbox, smtp_url = smtp_server
    for _ in range(5):
        await queue_reset_mail()
    smtp_settings = settings.with_(smtp_url=smtp_url)

    results = await asyncio.gather(mail.deliver_due(smtp_settings), mail.deliver_due(smtp_settings))

    assert sum(results) == 5
    assert len(mailbox.messages) == 5


async def test_a_claimed_message_is_left_alone_until_the_claim_lapses(
    app, settings, smtp_server
) -> None:
    mailbox, smtp_url = smtp_server
    message = await queue_reset_mail()
    await OutboxMessage.filter(id=message.id).update(lease_until=utcnow() + timedelta(minutes=1))

    assert await mail.deliver_due(settings.with_(smtp_url=smtp_url)) == 0

    await OutboxMessage.filter(id=message.id).update(lease_until=utcnow() - timedelta(seconds=1))
    assert await mail.deliver_due(settings.with_(smtp_url=smtp_url)) == 1


async def test_without_smtp_nothing_is_sent_and_nothing_is_lost(app, settings) -> None:
    message = await queue_reset_mail()

    assert await mail.deliver_due(settings.with_(smtp_url="")) == 0
    assert (await OutboxMessage.get(id=message.id)).status == MailStatus.QUEUED


def test_smtp_url_options() -> None:
    options = mail.smtp_options("smtps://user%40x:p%3Ass@mail.example.org")

    assert options["hostname"] == "mail.example.org"
    assert options["port"] == 465 and options["use_tls"] is True
    assert (options["username"], options["password"]) == ("user@x", "p:ss")


async def test_a_line_break_in_a_name_never_reaches_the_subject(app) -> None:
    message = await mail.queue_mail(
        to="rosa@example.org",
        template="guardian_consent",
        language="en",
        context={
            "guardian_name": "Rosa",
            "member_name": "Eve\r\nBcc: everyone@example.org",
            "link": "http://testserver/consent/abc",
            "family_link": "http://testserver/family/sign-in",
            "days": 7,
            "contact_email": "team@yoc.example.org",
            "contact_mailto": "mailto:team@yoc.example.org",
            "contact_phone": "(760) 555-0100",
            "contact_tel": "tel:7605550100",
        },
    )

    assert message.subject == "Permission for Eve Bcc: everyone[at]example[.]org to join YO-C"


async def test_a_message_that_cannot_be_sent_fails_with_its_reason_and_the_rest_go_out(
    app, settings, smtp_server
) -> None:
    mailbox, smtp_url = smtp_server
    broken = await queue_reset_mail()
    # Written before names were checked: a subject that would inject a header.
    await OutboxMessage.filter(id=broken.id).update(subject="Hi Eve\r\nBcc: x@example.org")
    after = await queue_reset_mail()

    sent = await mail.deliver_due(settings.with_(smtp_url=smtp_url))

    assert sent == 1
    failed = await OutboxMessage.get(id=broken.id)
    assert failed.status == MailStatus.FAILED
    assert failed.lease_until is None
    assert "ValueError" in failed.last_error
    assert (await OutboxMessage.get(id=after.id)).status == MailStatus.SENT
    assert [m["Subject"] for m in mailbox.messages] == ["Choose a new YO-C password"]
    # The failed one is not tried again on the next round.
    assert await mail.deliver_due(settings.with_(smtp_url=smtp_url)) == 0


async def nothing_queued() -> bool:
    return not await OutboxMessage.filter(status=MailStatus.QUEUED).exists()


async def queue_for(buyers: list[str]) -> None:
    for buyer in buyers:
        await mail.queue_mail(
            to=buyer,
            template="password_reset",
            language="en",
            context={"name": "Ana", "link": "http://testserver/password-reset/abc", "minutes": 60},
        )


async def test_a_slow_mail_server_and_a_second_worker_still_send_each_message_once(
    app, settings
) -> None:
    """Sending what one worker claimed takes longer than a claim lasts, and a second
    worker comes along meanwhile: it never sends a message the first one is sending."""
    mailbox = SlowMailbox(seconds=0.2)
    buyers = [f"buyer{n}@example.org" for n in range(20)]
    await queue_for(buyers)

    async def worker(smtp_settings) -> None:
        # What `yoc worker` does with mail, with a short pause between rounds.
        while True:
            await mail.deliver_due(smtp_settings)
            await asyncio.sleep(0.05)

    with serving_mail(mailbox) as smtp_url:
        # 20 messages at 0.2 s each take 4 s to send; a claim lasts 1.5.
        smtp_settings = settings.with_(smtp_url=smtp_url, mail_lease_seconds=1.5, mail_batch=4)
        workers = [asyncio.create_task(worker(smtp_settings))]
        try:
            await until(lambda: mailbox.messages, within=30)
            workers.append(asyncio.create_task(worker(smtp_settings)))
            await until(nothing_queued, within=60)
        finally:
            for task in workers:
                task.cancel()
            await asyncio.gather(*workers, return_exceptions=True)

    received = Counter(message["To"] for message in mailbox.messages)
    assert received == Counter(buyers)
    assert await OutboxMessage.filter(status=MailStatus.SENT).count() == 20


def test_the_mail_lease_and_batch_are_settings_and_must_make_sense() -> None:
    from yoc.settings import ConfigError, Settings

    settings = Settings.from_env({"YOC_MAIL_LEASE_SECONDS": "30", "YOC_MAIL_BATCH": "3"})

    assert (settings.mail_lease_seconds, settings.mail_batch) == (30.0, 3)
    for changes in ({"mail_lease_seconds": 0.0}, {"mail_batch": 0}):
        with pytest.raises(ConfigError, match="YOC_MAIL_LEASE_SECONDS"):
            settings.with_(env="development", **changes).check()


def test_how_often_the_web_process_runs_its_jobs_is_a_setting_above_zero() -> None:
    from yoc.settings import ConfigError, Settings

    assert Settings.from_env({}).jobs_interval == 5.0
    settings = Settings.from_env({"YOC_JOBS_INTERVAL": "0.2"})

    assert settings.jobs_interval == 0.2
    for wrong in (0.0, -1.0):
        with pytest.raises(ConfigError, match="YOC_JOBS_INTERVAL"):
            settings.with_(env="development", jobs_interval=wrong).check()
