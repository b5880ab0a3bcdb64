from enum import StrEnum

from yoc.enums import LabelledEnum
from yoc.i18n import N_, NC_


class Community(LabelledEnum):
    # Place names read the same in both languages.
    NORTH_SHORE = "north_shore", "North Shore"
    MECCA = "mecca", "Mecca"
    THERMAL = "thermal", "Thermal"
    OASIS = "oasis", "Oasis"
    COACHELLA = "coachella", "Coachella"
    INDIO = "indio", "Indio"
    OTHER = "other", N_("Another community")


class MemberStatus(LabelledEnum):
    """Where an application stands; recomputed by one service function."""

    # a minor, waiting for a guardian's consent
    PENDING_CONSENT = "pending_consent", N_("waiting for a guardian’s consent")
    # waiting for staff to approve the application
    PENDING_APPROVAL = "pending_approval", N_("waiting for approval")
    ACTIVE = "active", N_("active")
    DECLINED = "declined", N_("not accepted")


class ApplicationDecision(StrEnum):
    PENDING = "pending"
    APPROVED = "approved"
    DECLINED = "declined"


class Relationship(LabelledEnum):
    MOTHER = "mother", N_("Mother")
    FATHER = "father", N_("Father")
    LEGAL_GUARDIAN = "legal_guardian", N_("Legal guardian")
    GRANDPARENT = "grandparent", N_("Grandparent")
    OTHER_RELATIVE = "other_relative", N_("Other relative")
    OTHER = "other", N_("Other")


class ConsentPurpose(LabelledEnum):
    PARTICIPATION = "participation", N_("Taking part in YO-C")
    PHOTO_RELEASE = "photo_release", N_("Photo release")
    PUBLIC_NAME = "public_name", N_("Public name")
    TEXT_MESSAGES = "text_messages", N_("Text messages")


class ConsentSource(LabelledEnum):
    # through the emailed link, or signed in on the family page
    GUARDIAN = "guardian", N_("by a guardian, by email or on the family page")
    # an adult member, for themselves
    MEMBER = "member", N_("by the member, in their account")
    # staff recording what a guardian signed or said (see ContactMethod)
    STAFF = "staff", N_("recorded by staff: a guardian on paper, by phone or in person")


# A guardian's yes to these is in force only once staff have confirmed the guardian: a
# teen can invent a "guardian" email, but not a phone call with the YO-C team.
NEEDS_CONFIRMED_GUARDIAN = frozenset({ConsentPurpose.PHOTO_RELEASE, ConsentPurpose.PUBLIC_NAME})


class ContactMethod(LabelledEnum):
    """How staff heard from a guardian: to confirm them, or to record their decision."""

    PHONE = "phone", N_("Phone call")
    PAPER = "paper", N_("Paper form")
    IN_PERSON = "in_person", N_("In person")


class ConflictOutcome(LabelledEnum):
    """What staff decided about a guardian's answer that contradicted another's."""

    KEPT = "kept", N_("The answer in force stays")
    APPLIED = "applied", N_("The new answer applies")


class PublicNameChoice(LabelledEnum):
    FULL_NAME = "full_name", N_("Full name")
    FIRST_NAME_LAST_INITIAL = "first_initial", N_("First name and last initial")
    NICKNAME = "nickname", N_("A nickname")


class NoteVisibility(StrEnum):
    MENTORS = "mentors"  # mentors of the member's groups, and staff
    MEMBER = "member"  # also shown to the member


class DeletionState(LabelledEnum):
    # A request (Spanish "solicitud", feminine), unlike a cancelled order.
    REQUESTED = "requested", NC_("deletion request", "waiting for an admin")
    COMPLETED = "completed", NC_("deletion request", "done")
    CANCELLED = "cancelled", NC_("deletion request", "cancelled")
