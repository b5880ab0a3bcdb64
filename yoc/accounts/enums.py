from enum import StrEnum

# Permissions are decided by role, so Role lives in the core (yoc.roles); the domains
# name it from here, beside the other account enums.
from yoc.roles import Role

__all__ = ["Role", "TokenPurpose"]


class TokenPurpose(StrEnum):
    PASSWORD_RESET = "password_reset"
    INVITE = "invite"
    CONFIRM_EMAIL = "confirm_email"
