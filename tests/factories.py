"""Real rows in the real database, with sensible defaults."""

from __future__ import annotations

import itertools
from functools import cache

from yoc.accounts.enums import Role
from yoc.accounts.models import User
from yoc.security import hash_password
from yoc.timeutil import utcnow

PASSWORD = "correct horse battery"
_counter = itertools.count(1)


@cache
def _hash(password: str) -> str:
    # argon2 is slow on purpose; hash each test password once per run.
    return hash_password(password)


async def make_user(
    *,
    role: Role = Role.MEMBER,
    email: str | None = None,
    name: str | None = None,
    password: str = PASSWORD,
    language: str = "en",
    is_active: bool = True,
) -> User:
    n = next(_counter)
    return await User.create(
        email=(email or f"person{n}@example.org").lower(),
        name=name or f"Person {n}",
        role=role,
        password_hash=_hash(password),
        language=language,
        is_active=is_active,
        email_verified_at=utcnow(),
    )
