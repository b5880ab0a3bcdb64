"""The services the settings name: the SMTP server and Redis, each tried with a short
timeout."""

from __future__ import annotations

from urllib.parse import urlparse

import aiosmtplib

from yoc.checks.findings import TIMEOUT_SECONDS, Finding, fail, ok, reason
from yoc.mail import smtp_options
from yoc.settings import Settings


async def check_smtp(settings: Settings) -> Finding:
    if not settings.smtp_url:
        if settings.production:
            return fail(
                "SMTP",
                "YOC_SMTP_URL is not set: no mail is sent (sign-up links, tickets, consent "
                "forms wait in the outbox). Set it to smtp://user:password@host:587?starttls=1.",
            )
        return ok("SMTP", "Not configured: messages wait in the outbox (/admin/outbox).")
    try:
        options = smtp_options(settings.smtp_url)
    except ValueError as exc:
        return fail("SMTP", f"{exc}.")
    options["timeout"] = TIMEOUT_SECONDS
    where = f"{options['hostname']}:{options['port']}"
    client = aiosmtplib.SMTP(**options)
    try:
        await client.connect()
        await client.quit()
    except aiosmtplib.SMTPAuthenticationError as exc:
        return fail(
            "SMTP",
            f"The SMTP server at {where} refused the user and password in YOC_SMTP_URL "
            f"({exc.code} {exc.message.strip()}): correct them.",
        )
    except (aiosmtplib.SMTPException, OSError, TimeoutError) as exc:
        return fail(
            "SMTP",
            f"Cannot reach the SMTP server at {where}: {reason(exc)}. Check YOC_SMTP_URL "
            "and the mail server; until then mail waits in the outbox and none is lost.",
        )
    signed_in = f", signed in as {options['username']}" if "username" in options else ""
    return ok("SMTP", f"The server at {where} answers{signed_in}.")


async def check_redis(settings: Settings) -> Finding:
    if not settings.redis_url:
        return ok("Redis", "Not configured: rate limits are kept in the database.")
    from redis.asyncio import Redis  # noqa: PLC0415 -- optional service
    from redis.exceptions import RedisError  # noqa: PLC0415 -- optional service

    url = urlparse(settings.redis_url)
    where = f"{url.hostname}:{url.port or 6379}"
    try:
        client = Redis.from_url(
            settings.redis_url,
            socket_connect_timeout=TIMEOUT_SECONDS,
            socket_timeout=TIMEOUT_SECONDS,
        )
    except ValueError as exc:
        return fail("Redis", f"YOC_REDIS_URL cannot be read: {exc}.")
    try:
        info = await client.info("server")
    except (RedisError, OSError, TimeoutError) as exc:
        return fail(
            "Redis",
            f"Cannot reach Redis at {where}: {reason(exc)}. Start Redis or correct "
            "YOC_REDIS_URL (unset it to keep rate limits in the database).",
        )
    finally:
        await client.aclose()
    return ok("Redis", f"Redis {info.get('redis_version', '?')} at {where} answers.")
