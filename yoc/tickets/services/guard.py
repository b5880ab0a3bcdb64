"""Limits per client address that keep one client from taking a sale: orders placed,
and wrong guesses at partner (access) codes and door codes. Counted by the app's rate
limiter, so every process and machine shares them (the database, or Redis)."""

from __future__ import annotations

from yoc.errors import TooManyRequests
from yoc.events.models import Event
from yoc.i18n import ngettext
from yoc.ratelimit import RateLimiter
from yoc.settings import Settings
from yoc.tickets.models import TicketType


class TooManyOrders(TooManyRequests):
    def __init__(self, retry_after: int) -> None:
        super().__init__(
            "Too many orders from this address.", "rate_limited", retry_after=retry_after
        )

    def translated(self) -> str:
        return ngettext(
            "Too many orders from your connection. Please wait %(num)d minute and try again.",
            "Too many orders from your connection. Please wait %(num)d minutes and try again.",
            self.minutes,
        )


class TooManyOrdersTo(TooManyRequests):
    def __init__(self, retry_after: int) -> None:
        super().__init__(
            "Too many orders for this email address.", "rate_limited", retry_after=retry_after
        )

    def translated(self) -> str:
        return ngettext(
            "Too many orders for this email address. Please wait %(num)d minute and try again.",
            "Too many orders for this email address. Please wait %(num)d minutes and try again.",
            self.minutes,
        )


class TooManyGuesses(TooManyRequests):
    def __init__(self, retry_after: int) -> None:
        super().__init__(
            "Too many wrong codes from this address.", "rate_limited", retry_after=retry_after
        )

    def translated(self) -> str:
        return ngettext(
            "Too many wrong codes from your connection. Please wait %(num)d minute and try again.",
            "Too many wrong codes from your connection. Please wait %(num)d minutes and try again.",
            self.minutes,
        )


async def count_order(limiter: RateLimiter, settings: Settings, *, ip: str) -> None:
    """Count an attempt to place an order from this address; refuse past the limit."""
    verdict = await limiter.hit(
        f"orders:ip:{ip}", limit=settings.order_limit, window=settings.order_window
    )
    if not verdict.allowed:
        raise TooManyOrders(verdict.retry_after)


async def count_order_to(limiter: RateLimiter, settings: Settings, *, email: str) -> None:
    """Count an order whose emails go to ``email``, from wherever it is placed: a free
    ticket costs nothing, so without this anyone could flood an inbox with them."""
    verdict = await limiter.hit(
        f"orders:to:{email.strip().lower()}",
        limit=settings.order_limit,
        window=settings.order_window,
    )
    if not verdict.allowed:
        raise TooManyOrdersTo(verdict.retry_after)


async def before_code(limiter: RateLimiter, settings: Settings, *, kind: str, ip: str) -> None:
    """Refuse to try a code from an address that has guessed wrong too often. Only wrong
    codes count: a door volunteer scans all day with the right one."""
    verdict = await limiter.peek(
        f"codes:{kind}:{ip}", limit=settings.code_limit, window=settings.code_window
    )
    if not verdict.allowed:
        raise TooManyGuesses(verdict.retry_after)


async def wrong_code(limiter: RateLimiter, settings: Settings, *, kind: str, ip: str) -> None:
    """Count a wrong code from this address."""
    await limiter.hit(f"codes:{kind}:{ip}", limit=settings.code_limit, window=settings.code_window)


async def check_access_code(
    limiter: RateLimiter, settings: Settings, event: Event, code: str, *, ip: str
) -> None:
    """A partner code given on the event's page or in an order: refused while this
    address has guessed wrong too often, and counted when it opens no ticket type."""
    code = code.strip().upper()
    if not code:
        return
    await before_code(limiter, settings, kind="access", ip=ip)
    opens = await TicketType.filter(event=event, active=True, access_code__iexact=code).exists()
    if not opens:
        await wrong_code(limiter, settings, kind="access", ip=ip)
