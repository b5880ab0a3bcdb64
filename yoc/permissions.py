"""One place that says who may do what."""

from __future__ import annotations

from enum import StrEnum

from yoc.accounts.enums import Role
from yoc.accounts.models import User


class Action(StrEnum):
    MANAGE_USERS = "manage_users"  # invite people, change roles, deactivate
    READ_OUTBOX = "read_outbox"
    REVOKE_ANY_TOKEN = "revoke_any_token"
    USE_STAFF_AREA = "use_staff_area"
    USE_API_TOKENS = "use_api_tokens"


_ALLOWED: dict[Action, frozenset[Role]] = {
    Action.MANAGE_USERS: frozenset({Role.ADMIN}),
    Action.READ_OUTBOX: frozenset({Role.ADMIN}),
    Action.REVOKE_ANY_TOKEN: frozenset({Role.ADMIN}),
    Action.USE_STAFF_AREA: frozenset({Role.STAFF, Role.ADMIN}),
    # Tokens are for staff devices and integrations; minors have no use for them.
    Action.USE_API_TOKENS: frozenset({Role.MENTOR, Role.STAFF, Role.ADMIN}),
}


def can(user: User | None, action: Action) -> bool:
    return user is not None and user.is_active and user.role in _ALLOWED[action]
