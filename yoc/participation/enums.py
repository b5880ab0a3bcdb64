"""States of meetings, hours and reminders, each with its label."""

from yoc.enums import LabelledEnum
from yoc.i18n import N_


class Rsvp(LabelledEnum):
    """A member's answer to "will you come?"."""

    YES = "yes", N_("I’ll be there")
    MAYBE = "maybe", N_("Maybe")
    NO = "no", N_("I can’t come")


class Presence(LabelledEnum):
    """What the mentor marks for each member at a meeting."""

    PRESENT = "present", N_("present")
    ABSENT = "absent", N_("absent")
    EXCUSED = "excused", N_("excused")


class HoursState(LabelledEnum):
    PENDING = "pending", N_("waiting for a mentor")
    VERIFIED = "verified", N_("verified")
    REJECTED = "rejected", N_("not verified")


class ReminderKind(LabelledEnum):
    """What a reminder is about; each person chooses which kinds they get."""

    DUE_DATES = "due_dates", N_("Assignments due in two days")
    SPEECHES = "speeches", N_("Soapbox slots that still wait for confirmation, 48 hours before")
    MEETINGS = "meetings", N_("Group meetings, the day before")
