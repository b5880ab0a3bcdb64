"""Two-factor sign-in: codes from an authenticator app (TOTP, RFC 6238) and single-use
recovery codes."""

from __future__ import annotations

import base64
import hashlib
import hmac
import secrets
import time
from dataclasses import dataclass

import pyotp
from argon2 import PasswordHasher
from argon2.exceptions import InvalidHashError, VerificationError
from cryptography.fernet import Fernet, InvalidToken
from tortoise.expressions import Q
from tortoise.transactions import in_transaction

from yoc import qrcodes
from yoc.accounts.models import RecoveryCode, TwoFactor, User, UserSession
from yoc.errors import DomainError, TooManyRequests, ValidationFailed
from yoc.i18n import N_, ngettext
from yoc.ratelimit import RateLimiter
from yoc.security import hash_token, verify_password
from yoc.settings import Settings
from yoc.timeutil import utcnow

ISSUER = "YO-C"
RECOVERY_CODES = 10
# The password step of a sign-in is good for this long while the code is typed.
SECOND_STEP_SECONDS = 300
# Codes from the step before and after now are accepted too: a phone's clock may be off
# by a little, and a code may be typed just as it changes.
DRIFT_STEPS = 1
# Recovery codes: no 0/o, 1/i/l, to be read off paper without doubt. Ten characters of 31
# are about 50 bits, so they are hashed with argon2id (at OWASP's smallest settings: ten
# of them are made at once, and a sign-in may check all ten).
_ALPHABET = "23456789abcdefghjkmnpqrstuvwxyz"
_CODE_LENGTH = 10
_recovery_hasher = PasswordHasher(time_cost=2, memory_cost=19456, parallelism=1)

WRONG_CODE = N_("That code is not right. Check the time on your phone and try the newest code.")
USED_CODE = N_("That code was already used. Wait for the next one in your app.")


class TwoFactorError(DomainError):
    """A code that does not work, or a step that is not allowed now."""


@dataclass(frozen=True)
class Proof:
    """How a second factor was shown: a code from the app, or a recovery code (and then
    how many are left)."""

    recovery: bool = False
    recovery_left: int = 0


def required_for(user: User, settings: Settings) -> bool:
    return user.role in settings.require_two_factor_for


# The secret, encrypted at rest -------------------------------------------------------------


def _fernet(settings: Settings) -> Fernet:
    key = hmac.new(settings.secret_key.encode(), b"yoc:two-factor-secret", hashlib.sha256)
    return Fernet(base64.urlsafe_b64encode(key.digest()))


def _seal(secret: str, settings: Settings) -> str:
    return _fernet(settings).encrypt(secret.encode()).decode()


def _open(sealed: str, settings: Settings) -> str:
    try:
        return _fernet(settings).decrypt(sealed.encode()).decode()
    except InvalidToken:
        # Sealed under another YOC_SECRET_KEY: no code can match; recovery codes still work.
        return ""


# Setting it up ------------------------------------------------------------------------


async def is_enabled(user: User) -> bool:
    return await TwoFactor.filter(user=user, confirmed_at__isnull=False).exists()


async def setup_secret(user: User, *, settings: Settings) -> str:
    """The secret being set up for ``user`` (the same one until it is confirmed, so a
    reloaded page shows the same QR code)."""
    found = await TwoFactor.get_or_none(user=user)
    if found is not None and found.confirmed_at is not None:
        raise TwoFactorError(N_("Two-factor sign-in is already on."), "already_enabled")
    if found is not None and (secret := _open(found.secret, settings)):
        return secret
    secret = pyotp.random_base32()
    if found is None:
        await TwoFactor.create(user=user, secret=_seal(secret, settings))
    else:
        found.secret = _seal(secret, settings)
        await found.save(update_fields=["secret"])
    return secret


def provisioning_uri(user: User, secret: str) -> str:
    """What the QR code holds: ``otpauth://totp/YO-C:email?secret=...&issuer=YO-C``."""
    return pyotp.TOTP(secret).provisioning_uri(name=user.email, issuer_name=ISSUER)


def qr_svg(user: User, secret: str) -> str:
    return qrcodes.svg(provisioning_uri(user, secret))


def spaced(secret: str) -> str:
    """The secret in groups of four, for typing it into an app by hand."""
    return " ".join(secret[i : i + 4] for i in range(0, len(secret), 4))


async def confirm(user: User, code: str, *, settings: Settings, keep_key: str) -> list[str]:
    """Turn two-factor sign-in on with a first code from the app; return the recovery
    codes, shown once. Every other session of ``user`` ends: they began without it."""
    found = await TwoFactor.get_or_none(user=user)
    if found is None or found.confirmed_at is not None:
        raise TwoFactorError(N_("Start again from your account page."), "not_started")
    await _accept_totp(found, code, settings)
    async with in_transaction():
        found.confirmed_at = utcnow()
        await found.save(update_fields=["confirmed_at"])
        codes = await _replace_recovery_codes(user)
        await UserSession.filter(user=user).exclude(key_hash=hash_token(keep_key)).delete()
    return codes


async def new_recovery_codes(user: User) -> list[str]:
    """A fresh set of recovery codes; the old ones stop working."""
    if not await is_enabled(user):
        raise TwoFactorError(N_("Two-factor sign-in is off."), "not_enabled")
    async with in_transaction():
        return await _replace_recovery_codes(user)


async def _replace_recovery_codes(user: User) -> list[str]:
    codes = [
        "".join(secrets.choice(_ALPHABET) for _ in range(_CODE_LENGTH))
        for _ in range(RECOVERY_CODES)
    ]
    await RecoveryCode.filter(user=user).delete()
    await RecoveryCode.bulk_create(
        [RecoveryCode(user=user, code_hash=_recovery_hasher.hash(code)) for code in codes]
    )
    return [f"{code[:5]}-{code[5:]}" for code in codes]


async def recovery_codes_left(user: User) -> int:
    return await RecoveryCode.filter(user=user, used_at__isnull=True).count()


async def disable(user: User, *, password: str, code: str, settings: Settings) -> None:
    """Turn two-factor sign-in off: it takes the password and a code (or a recovery code)."""
    if required_for(user, settings):
        raise TwoFactorError(
            N_("Your role needs two-factor sign-in, so it cannot be turned off."), "required"
        )
    ok, _ = verify_password(user.password_hash, password)
    if not ok:
        raise ValidationFailed({"password": N_("Your password is not right.")}, code="wrong")
    await verify(user, code, settings=settings)
    async with in_transaction():
        await TwoFactor.filter(user=user).delete()
        await RecoveryCode.filter(user=user).delete()


# Checking a code --------------------------------------------------------------------------


def _digits(code: str) -> str:
    return "".join(ch for ch in code if not ch.isspace() and ch != "-")


async def verify(user: User, code: str, *, settings: Settings) -> Proof:
    """Check a code from the app, or else a recovery code (which then stops working)."""
    found = await TwoFactor.get_or_none(user=user, confirmed_at__isnull=False)
    if found is None:
        raise TwoFactorError(N_("Two-factor sign-in is off."), "not_enabled")
    cleaned = _digits(code).lower()
    if cleaned.isdigit() and len(cleaned) == 6:
        await _accept_totp(found, cleaned, settings)
        return Proof()
    if len(cleaned) == _CODE_LENGTH:
        return Proof(recovery=True, recovery_left=await _use_recovery_code(user, cleaned))
    raise TwoFactorError(WRONG_CODE, "wrong_code")


async def verify_app_code(user: User, code: str, *, settings: Settings) -> None:
    """Check a code from the app only (the JSON API's confirmation)."""
    found = await TwoFactor.get_or_none(user=user, confirmed_at__isnull=False)
    if found is None:
        raise TwoFactorError(N_("Two-factor sign-in is off."), "not_enabled")
    await _accept_totp(found, _digits(code), settings)


async def _accept_totp(found: TwoFactor, code: str, settings: Settings) -> None:
    secret = _open(found.secret, settings)
    if not secret or not (code.isdigit() and len(code) == 6):
        raise TwoFactorError(WRONG_CODE, "wrong_code")
    totp = pyotp.TOTP(secret)
    now = totp.timecode(time.time())
    step = next(
        (
            s
            for s in range(now - DRIFT_STEPS, now + DRIFT_STEPS + 1)
            if hmac.compare_digest(totp.generate_otp(s), code)
        ),
        None,
    )
    if step is None:
        raise TwoFactorError(WRONG_CODE, "wrong_code")
    # One statement decides, so two requests racing with one code cannot both pass: a code
    # is taken only if no code of its step, or a later one, was taken before.
    taken = await TwoFactor.filter(
        Q(last_step__isnull=True) | Q(last_step__lt=step), id=found.id
    ).update(last_step=step)
    if not taken:
        raise TwoFactorError(USED_CODE, "code_used")


async def _use_recovery_code(user: User, code: str) -> int:
    for row in await RecoveryCode.filter(user=user, used_at__isnull=True):
        try:
            _recovery_hasher.verify(row.code_hash, code)
        except (VerificationError, InvalidHashError):
            continue
        if not await RecoveryCode.filter(id=row.id, used_at__isnull=True).update(used_at=utcnow()):
            break  # used a moment ago by another request
        return await recovery_codes_left(user)
    raise TwoFactorError(WRONG_CODE, "wrong_code")


# Throttling -------------------------------------------------------------------------------


class TooManyCodes(TooManyRequests):
    def __init__(self, retry_after: int) -> None:
        super().__init__("Too many codes tried.", "rate_limited", retry_after=retry_after)

    def translated(self) -> str:
        return ngettext(
            "Too many codes tried. Please wait %(num)d minute and try again.",
            "Too many codes tried. Please wait %(num)d minutes and try again.",
            self.minutes,
        )


async def check_code_rate(
    limiter: RateLimiter, settings: Settings, *, user_id: int, purpose: str
) -> None:
    """Count this try of a code (``purpose``: sign-in, confirm) for the account; refuse
    past the limit."""
    verdict = await limiter.hit(
        f"two-factor:{purpose}:{user_id}",
        limit=settings.two_factor_limit,
        window=settings.login_window,
    )
    if not verdict.allowed:
        raise TooManyCodes(verdict.retry_after)


async def second_step_user(user_id: int, started: int) -> User:
    """The person whose password was right ``started`` (epoch seconds) ago, if that is
    recent and they can still sign in with two factors."""
    if time.time() - started > SECOND_STEP_SECONDS:
        raise TwoFactorError(
            N_("That took too long. Please enter your email and password again."), "expired"
        )
    user = await User.get_or_none(id=user_id, is_active=True)
    if user is None or not await is_enabled(user):
        raise TwoFactorError(N_("Please enter your email and password again."), "expired")
    return user
