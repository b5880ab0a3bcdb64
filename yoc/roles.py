"""The roles a user can have: what the permissions are decided by."""

from yoc.enums import LabelledEnum
from yoc.i18n import N_, NC_


class Role(LabelledEnum):
    # A context keeps "member" and "mentor" the roles apart from the same words as counted
    # nouns ("3 members"); "staff" and "admin" are only ever roles and need none.
    MEMBER = "member", NC_("role", "member")
    MENTOR = "mentor", NC_("role", "mentor")
    STAFF = "staff", N_("staff")
    ADMIN = "admin", N_("admin")
