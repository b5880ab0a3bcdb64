from enum import StrEnum

from yoc.i18n import N_


class Community(StrEnum):
    NORTH_SHORE = "north_shore"
    MECCA = "mecca"
    THERMAL = "thermal"
    OASIS = "oasis"
    COACHELLA = "coachella"
    INDIO = "indio"
    OTHER = "other"


COMMUNITY_LABELS = {
    Community.NORTH_SHORE: "North Shore",
    Community.MECCA: "Mecca",
    Community.THERMAL: "Thermal",
    Community.OASIS: "Oasis",
    Community.COACHELLA: "Coachella",
    Community.INDIO: "Indio",
    Community.OTHER: N_("Another community"),
}


class MemberStatus(StrEnum):
    """Where an application stands; recomputed by one service function."""

    PENDING_CONSENT = "pending_consent"  # a minor, waiting for a guardian's consent
    PENDING_APPROVAL = "pending_approval"  # waiting for staff to approve the application
    ACTIVE = "active"
    DECLINED = "declined"


STATUS_LABELS = {
    MemberStatus.PENDING_CONSENT: N_("waiting for a guardian’s consent"),
    MemberStatus.PENDING_APPROVAL: N_("waiting for approval"),
    MemberStatus.ACTIVE: N_("active"),
    MemberStatus.DECLINED: N_("not accepted"),
}


class ApplicationDecision(StrEnum):
    PENDING = "pending"
    APPROVED = "approved"
    DECLINED = "declined"


class Relationship(StrEnum):
    MOTHER = "mother"
    FATHER = "father"
    LEGAL_GUARDIAN = "legal_guardian"
    GRANDPARENT = "grandparent"
    OTHER_RELATIVE = "other_relative"
    OTHER = "other"


RELATIONSHIP_LABELS = {
    Relationship.MOTHER: N_("Mother"),
    Relationship.FATHER: N_("Father"),
    Relationship.LEGAL_GUARDIAN: N_("Legal guardian"),
    Relationship.GRANDPARENT: N_("Grandparent"),
    Relationship.OTHER_RELATIVE: N_("Other relative"),
    Relationship.OTHER: N_("Other"),
}


class ConsentPurpose(StrEnum):
    PARTICIPATION = "participation"
    PHOTO_RELEASE = "photo_release"
    PUBLIC_NAME = "public_name"
    TEXT_MESSAGES = "text_messages"


PURPOSE_LABELS = {
    ConsentPurpose.PARTICIPATION: N_("Taking part in YO-C"),
    ConsentPurpose.PHOTO_RELEASE: N_("Photo release"),
    ConsentPurpose.PUBLIC_NAME: N_("Public name"),
    ConsentPurpose.TEXT_MESSAGES: N_("Text messages"),
}


class ConsentSource(StrEnum):
    GUARDIAN = "guardian"  # through the emailed link
    MEMBER = "member"  # an adult member for themselves
    STAFF = "staff"  # staff recording a signed paper form


class PublicNameChoice(StrEnum):
    FULL_NAME = "full_name"
    FIRST_NAME_LAST_INITIAL = "first_initial"
    NICKNAME = "nickname"


PUBLIC_NAME_LABELS = {
    PublicNameChoice.FULL_NAME: N_("Full name"),
    PublicNameChoice.FIRST_NAME_LAST_INITIAL: N_("First name and last initial"),
    PublicNameChoice.NICKNAME: N_("A nickname"),
}


class NoteVisibility(StrEnum):
    MENTORS = "mentors"  # mentors of the member's groups, and staff
    MEMBER = "member"  # also shown to the member


class DeletionState(StrEnum):
    REQUESTED = "requested"
    COMPLETED = "completed"
    CANCELLED = "cancelled"
