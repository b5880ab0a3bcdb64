"""Signed ticket codes: the QR code carries the ticket's secret and an Ed25519 signature
made with a key per event, so a scanner holding the event's public key can tell a real
ticket from a forged or altered one without the network."""

from __future__ import annotations

import base64
from dataclasses import dataclass
from functools import lru_cache

from cryptography.exceptions import InvalidSignature
from cryptography.hazmat.primitives import serialization
from cryptography.hazmat.primitives.asymmetric.ed25519 import Ed25519PrivateKey

from yoc.events.models import Event
from yoc.forms import whole_number
from yoc.tickets.models import Ticket

PREFIX = "YC1"


def _b64(data: bytes) -> str:
    return base64.urlsafe_b64encode(data).rstrip(b"=").decode()


def _unb64(text: str) -> bytes:
    return base64.urlsafe_b64decode(text + "=" * (-len(text) % 4))


async def private_key(event: Event) -> Ed25519PrivateKey:
    if not event.signing_key:
        key = Ed25519PrivateKey.generate()
        raw = key.private_bytes(
            serialization.Encoding.Raw,
            serialization.PrivateFormat.Raw,
            serialization.NoEncryption(),
        )
        # Only the first writer's key is kept, so concurrent requests agree on one key.
        await Event.filter(id=event.id, signing_key__isnull=True).update(signing_key=raw.hex())
        event.signing_key = (await Event.get(id=event.id)).signing_key
    return _key(event.signing_key)


@lru_cache(maxsize=64)
def _key(hex_key: str) -> Ed25519PrivateKey:
    # Loading a key costs more than signing with it; each scan and ticket would load it.
    return Ed25519PrivateKey.from_private_bytes(bytes.fromhex(hex_key))


async def public_key(event: Event) -> str:
    key = (await private_key(event)).public_key()
    return _b64(key.public_bytes(serialization.Encoding.Raw, serialization.PublicFormat.Raw))


def _message(event_id: int, type_id: int, secret: str) -> str:
    return f"{PREFIX}.{event_id}.{type_id}.{secret}"


async def code_for(ticket: Ticket, event: Event) -> str:
    """What the QR code holds: YC1.<event>.<type>.<secret>.<signature>."""
    message = _message(event.id, ticket.ticket_type_id or 0, ticket.secret)
    signature = (await private_key(event)).sign(message.encode())
    return f"{message}.{_b64(signature)}"


@dataclass(frozen=True)
class Scanned:
    secret: str
    event_id: int | None = None
    type_id: int | None = None
    signature_ok: bool | None = None  # None: a bare secret, typed by hand


async def read(text: str, *, at: Event | None = None) -> Scanned:
    """Understand a scanned or typed code; a signed code is checked against its event
    (``at``, the event being scanned for, saves looking it up when the code is for it)."""
    text = text.strip()
    parts = text.split(".")
    if len(parts) != 5 or parts[0] != PREFIX:
        return Scanned(secret=text.upper().replace(" ", "").replace("-", ""))
    _, event_part, type_part, secret, signature = parts
    event_id, type_id = whole_number(event_part), whole_number(type_part)
    if event_id is None or type_id is None:
        return Scanned(secret=secret, signature_ok=False)
    if at is not None and at.id == event_id and at.signing_key:
        event = at
    else:
        event = await Event.get_or_none(id=event_id)
    if event is None:
        return Scanned(secret=secret, signature_ok=False)
    try:
        (await private_key(event)).public_key().verify(
            _unb64(signature), _message(event_id, type_id, secret).encode()
        )
        ok = True
    except (InvalidSignature, ValueError):
        ok = False
    return Scanned(secret=secret, event_id=event_id, type_id=type_id, signature_ok=ok)
