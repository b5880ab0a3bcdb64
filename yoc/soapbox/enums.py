from yoc.enums import LabelledEnum, LabelledIntEnum
from yoc.i18n import N_


class SpeechState(LabelledEnum):
    DRAFT = "draft", N_("draft")
    SUBMITTED = "submitted", N_("waiting for review")
    ACCEPTED = "accepted", N_("accepted")
    CHANGES_REQUESTED = "changes_requested", N_("changes requested")
    DECLINED = "declined", N_("not accepted this time")
    SCHEDULED = "scheduled", N_("scheduled, waiting for the speaker")
    CONFIRMED = "confirmed", N_("confirmed")
    DELIVERED = "delivered", N_("delivered")
    WITHDRAWN = "withdrawn", N_("withdrawn")


# What the public may see of a released schedule.
PUBLIC_STATES = frozenset({SpeechState.CONFIRMED, SpeechState.DELIVERED})
# A speech that holds a slot.
PLACED_STATES = frozenset({SpeechState.SCHEDULED, SpeechState.CONFIRMED})


class SpeechLanguage(LabelledEnum):
    ENGLISH = "en", N_("English")
    SPANISH = "es", N_("Spanish")
    BILINGUAL = "bilingual", N_("Bilingual")


class AccessNeed(LabelledEnum):
    INTERPRETER = "interpreter", N_("An interpreter")
    SEATING = "seating", N_("A chair or seating on stage")
    MICROPHONE = "microphone", N_("A handheld or lowered microphone")


class Decision(LabelledEnum):
    ACCEPT = "accepted", N_("Accept")
    CHANGES = "changes_requested", N_("Ask for changes")
    DECLINE = "declined", N_("Decline")


class Rubric(LabelledEnum):
    """What a reviewer scores a proposal on, from 1 to 4 (a ``RubricScore``)."""

    CLARITY = "clarity", N_("Clarity")
    VOICE = "voice", N_("Personal voice")
    CALL_TO_ACTION = "call_to_action", N_("Call to action")


class RubricScore(LabelledIntEnum):
    JUST_STARTING = 1, N_("Just starting")
    GETTING_THERE = 2, N_("Getting there")
    STRONG = 3, N_("Strong")
    OUTSTANDING = 4, N_("Outstanding")


class ReleaseChange(LabelledEnum):
    """How a speech changed from one schedule release to the next."""

    ADDED = "added", N_("Added")
    REMOVED = "removed", N_("Removed")
    MOVED = "moved", N_("Moved")
    RETITLED = "retitled", N_("New title")
