"""One place that says who may do what."""

from __future__ import annotations

from enum import StrEnum
from typing import TYPE_CHECKING

from yoc.enums import LabelledEnum
from yoc.i18n import N_
from yoc.roles import Role

if TYPE_CHECKING:
    from yoc.accounts.models import User


class Action(StrEnum):
    MANAGE_USERS = "manage_users"  # invite people, change roles, deactivate
    READ_OUTBOX = "read_outbox"
    REVOKE_ANY_TOKEN = "revoke_any_token"
    USE_API_TOKENS = "use_api_tokens"
    VIEW_MEMBERS = "view_members"  # mentors: their groups' members; staff: everyone
    MANAGE_MEMBERS = "manage_members"  # applications, groups, exports, the audit log
    DELETE_MEMBER_DATA = "delete_member_data"
    MANAGE_EVENTS = "manage_events"  # events, ticket types, orders, refunds
    VIEW_IMPACT = "view_impact"  # the organisation's figures, and which ones to publish


_ALLOWED: dict[Action, frozenset[Role]] = {
    Action.MANAGE_USERS: frozenset({Role.ADMIN}),
    Action.READ_OUTBOX: frozenset({Role.ADMIN}),
    Action.REVOKE_ANY_TOKEN: frozenset({Role.ADMIN}),
    # Tokens are for staff devices and integrations; minors have no use for them.
    Action.USE_API_TOKENS: frozenset({Role.MENTOR, Role.STAFF, Role.ADMIN}),
    Action.VIEW_MEMBERS: frozenset({Role.MENTOR, Role.STAFF, Role.ADMIN}),
    Action.MANAGE_MEMBERS: frozenset({Role.STAFF, Role.ADMIN}),
    Action.DELETE_MEMBER_DATA: frozenset({Role.ADMIN}),
    Action.MANAGE_EVENTS: frozenset({Role.STAFF, Role.ADMIN}),
    Action.VIEW_IMPACT: frozenset({Role.STAFF, Role.ADMIN}),
}


def can(user: User | None, action: Action) -> bool:
    return user is not None and user.is_active and user.role in _ALLOWED[action]


class TokenScope(LabelledEnum):
    """What an API token may do, within what its owner's role allows (checked on every
    request too): read, also check tickets in at the door, or everything."""

    READ = "read", N_("read only")
    CHECKIN = "checkin", N_("read, and check tickets in at the door")
    WRITE = "write", N_("everything my account can do")

    def allows(self, needed: TokenScope) -> bool:
        order = [TokenScope.READ, TokenScope.CHECKIN, TokenScope.WRITE]
        return order.index(self) >= order.index(needed)
