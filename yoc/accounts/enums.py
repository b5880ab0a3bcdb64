from enum import StrEnum


class Role(StrEnum):
    MEMBER = "member"
    MENTOR = "mentor"
    STAFF = "staff"
    ADMIN = "admin"


class TokenPurpose(StrEnum):
    PASSWORD_RESET = "password_reset"
    INVITE = "invite"
