"""Real rows in the real database, with sensible defaults."""

from __future__ import annotations

import itertools

from yoc.accounts import services as accounts
from yoc.accounts.enums import Role
from yoc.accounts.models import User

PASSWORD = "correct horse battery"
_counter = itertools.count(1)


async def make_user(
    *, role: Role = Role.MEMBER, email: str | None = None, name: str | None = None,
    password: str = PASSWORD, language: str = "en",
) -> User:
    n = next(_counter)
    return await accounts.create_user(
        email=email or f"person{n}@example.org",
        name=name or f"Person {n}",
        role=role,
        password=password,
        language=language,
    )
