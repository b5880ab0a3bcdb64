"""Passwords (argon2id), random tokens, CSRF and security headers."""

from __future__ import annotations

import gzip
import hashlib
import hmac
import secrets
from functools import cache
from importlib import resources

from argon2 import PasswordHasher
from argon2.exceptions import InvalidHashError, VerificationError
from starlette.types import ASGIApp, Message, Receive, Scope, Send

from yoc.i18n import N_

MIN_PASSWORD_LENGTH = 8
MAX_PASSWORD_LENGTH = 128

_hasher = PasswordHasher()  # argon2id with the library's current recommended parameters


def hash_password(password: str) -> str:
    return _hasher.hash(password)


def verify_password(password_hash: str | None, password: str) -> tuple[bool, bool]:
    """Return (matches, needs_rehash)."""
    if not password_hash:
        # Spend the same time as a real check, so a missing account is not revealed.
        _hasher.hash(password)
        return False, False
    try:
        _hasher.verify(password_hash, password)
    except (VerificationError, InvalidHashError):
        return False, False
    return True, _hasher.check_needs_rehash(password_hash)


@cache
def _common_passwords() -> frozenset[str]:
    # The 20,000 most common passwords (list from Django, BSD licence).
    data = resources.files("yoc").joinpath("data/common-passwords.txt.gz").read_bytes()
    return frozenset(gzip.decompress(data).decode().split())


def password_problem(password: str, *, email: str = "", name: str = "") -> str | None:
    """The message id of the first rule ``password`` breaks, or None."""
    if len(password) < MIN_PASSWORD_LENGTH:
        return N_("Use at least 8 characters.")
    if len(password) > MAX_PASSWORD_LENGTH:
        return N_("Use at most 128 characters.")
    lowered = password.lower().strip()
    if lowered in _common_passwords():
        return N_("This password is too common. Try a few words that mean something to you.")
    personal = {email.lower(), email.lower().split("@")[0], name.lower().replace(" ", "")}
    if lowered in personal - {""}:
        return N_("Your password must not be your name or email.")
    return None


def new_token(nbytes: int = 32) -> str:
    return secrets.token_urlsafe(nbytes)


def hash_token(token: str) -> str:
    """Tokens are stored as SHA-256: they are random, so no slow hash is needed."""
    return hashlib.sha256(token.encode()).hexdigest()


def csrf_token(secret_key: str, session_key: str) -> str:
    return hmac.new(secret_key.encode(), b"csrf:" + session_key.encode(), "sha256").hexdigest()


def csrf_valid(secret_key: str, session_key: str | None, submitted: str | None) -> bool:
    if not session_key or not submitted:
        return False
    return hmac.compare_digest(csrf_token(secret_key, session_key), submitted)


CSP = (
    "default-src 'self'; script-src 'self'; style-src 'self'; img-src 'self' data:; "
    "font-src 'self'; connect-src 'self'; object-src 'none'; base-uri 'self'; "
    "form-action 'self'; frame-ancestors 'none'"
)
# Where Stripe Checkout Sessions send the buyer. A form's redirect is held to the page's
# form-action too, so placing a card order must be allowed to go there.
STRIPE_CHECKOUT_ORIGIN = "https://checkout.stripe.com"


def content_security_policy(form_targets: tuple[str, ...] = ()) -> str:
    """The policy, letting forms also lead to ``form_targets`` (origins)."""
    if not form_targets:
        return CSP
    return CSP.replace("form-action 'self'", " ".join(("form-action 'self'", *form_targets)))


class SecurityHeadersMiddleware:
    def __init__(self, app: ASGIApp, *, https: bool, form_targets: tuple[str, ...] = ()) -> None:
        self.app = app
        headers = [
            (b"content-security-policy", content_security_policy(form_targets).encode()),
            (b"x-content-type-options", b"nosniff"),
            (b"referrer-policy", b"same-origin"),
            (b"x-frame-options", b"DENY"),
            (b"permissions-policy", b"camera=(self), microphone=(), geolocation=()"),
        ]
        if https:
            headers.append((b"strict-transport-security", b"max-age=63072000; includeSubDomains"))
        self.headers = headers
        self.https = https

    def _cookie(self, value: bytes) -> bytes:
        """A cookie with the flags every cookie here has (no script reads one); a page
        that forgot one does not send it without."""
        flags = {part.strip().split(b"=")[0].lower() for part in value.split(b";")[1:]}
        if b"httponly" not in flags:
            value += b"; HttpOnly"
        if b"samesite" not in flags:
            value += b"; SameSite=Lax"
        if self.https and b"secure" not in flags:
            value += b"; Secure"
        return value

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        if scope["type"] != "http":
            await self.app(scope, receive, send)
            return

        async def send_with_headers(message: Message) -> None:
            if message["type"] == "http.response.start":
                message.setdefault("headers", [])
                existing = {name.lower() for name, _ in message["headers"]}
                message["headers"] = [
                    (name, self._cookie(value) if name.lower() == b"set-cookie" else value)
                    for name, value in message["headers"]
                ] + [h for h in self.headers if h[0] not in existing]
            await send(message)

        await self.app(scope, receive, send_with_headers)
