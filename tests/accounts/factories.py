"""Two-factor sign-in turned on through the real service, and the codes an app would show."""

from __future__ import annotations

import time
from dataclasses import dataclass

import pyotp

from yoc.accounts import twofactor
from yoc.accounts.models import User
from yoc.settings import Settings


@dataclass(frozen=True)
class Authenticator:
    """The person's phone: it shows the code of any moment."""

    totp: pyotp.TOTP
    recovery_codes: list[str]

    def now(self) -> str:
        return self.totp.at(time.time())

    def next(self) -> str:
        """The code the app shows in the next 30 seconds (accepted now, for a slow clock)."""
        return self.totp.at(time.time() + self.totp.interval)

    def wrong(self) -> str:
        """Six digits that are none of the codes accepted now."""
        accepted = {self.totp.at(time.time() + d * self.totp.interval) for d in (-1, 0, 1)}
        return next(c for c in ("000000", "111111", "222222", "333333") if c not in accepted)


async def enrol(user: User, settings: Settings) -> Authenticator:
    """Turn two-factor sign-in on for ``user`` with the code of the step before now, so
    the codes of now and of the next step are still unused."""
    secret = await twofactor.setup_secret(user, settings=settings)
    totp = pyotp.TOTP(secret)
    codes = await twofactor.confirm(
        user, totp.at(time.time() - totp.interval), settings=settings, keep_key=""
    )
    return Authenticator(totp, codes)


async def confirmation_header(user: User, settings: Settings) -> dict[str, str]:
    """What a JSON API request needs for a sensitive action (a refund), besides the
    token: two-factor sign-in turned on for ``user``, and a current code from the app."""
    phone = await enrol(user, settings)
    return {"X-Confirm-Code": phone.now()}
