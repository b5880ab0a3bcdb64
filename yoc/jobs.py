"""Background jobs: expiring ticket holds, waiting list offers, refunds still due, ended
door grants, reminders (volunteer shifts, due dates, speeches, meetings), and the
mail outbox."""

from __future__ import annotations

import asyncio
import logging

from yoc import cache, health, mail
from yoc.db import only_one
from yoc.metrics import WORKER_ROUNDS
from yoc.participation.services import reminders
from yoc.payments.providers import Payments
from yoc.settings import Settings
from yoc.tickets.services import door, waitlist
from yoc.tickets.services.checkout import settle_refunds_due
from yoc.tickets.services.states import sweep_expired
from yoc.volunteers.services import reminders as shift_reminders

log = logging.getLogger("yoc.jobs")
INTERVAL_SECONDS = 5.0


async def run_once(settings: Settings) -> None:
    payments = Payments.from_settings(settings)
    expired = await sweep_expired(payments=payments, settings=settings)
    if expired:
        log.info("released %d expired hold(s)", expired)
    # After the sweep: seats of holds that just ended go to the waiting lists first.
    offered = await waitlist.offer_round(settings)
    if offered:
        log.info("made %d waiting list offer(s)", offered)
    refunded = await settle_refunds_due(settings=settings, payments=payments)
    if refunded:
        log.info("made %d refund(s) that were due", refunded)
    await door.forget_ended()
    reminded = await shift_reminders.send_due(settings)
    if reminded:
        log.info("queued %d shift reminder(s)", reminded)
    reminded = await reminders.send_due(settings)
    if reminded:
        log.info("queued %d reminder(s)", reminded)
    sent = await mail.deliver_due(settings)
    if sent:
        log.info("sent %d message(s)", sent)
    # A finished round, for /healthz: a worker that stopped or fails every round shows.
    await health.beat()


async def run_round(settings: Settings) -> bool:
    """One round, unless another worker is running one (then this one is skipped: every
    round does all the work that is due). Whether it ran."""
    async with only_one("yoc.jobs.round") as mine:
        if not mine:
            log.info("another worker is running a round of jobs; skipped this one")
            return False
        await run_once(settings)
        await cache.bump(WORKER_ROUNDS)
        return True


async def run_forever(settings: Settings, *, interval: float = INTERVAL_SECONDS) -> None:
    while True:
        try:
            await run_round(settings)
        except asyncio.CancelledError:
            raise
        except Exception:
            # One bad round must not stop the worker; the next one tries again.
            log.exception("background jobs failed; retrying")
        await asyncio.sleep(interval)
