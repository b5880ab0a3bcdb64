from enum import StrEnum

from yoc.i18n import N_


class SpeechState(StrEnum):
    DRAFT = "draft"
    SUBMITTED = "submitted"
    ACCEPTED = "accepted"
    CHANGES_REQUESTED = "changes_requested"
    DECLINED = "declined"
    SCHEDULED = "scheduled"
    CONFIRMED = "confirmed"
    DELIVERED = "delivered"
    WITHDRAWN = "withdrawn"


STATE_LABELS = {
    SpeechState.DRAFT: N_("draft"),
    SpeechState.SUBMITTED: N_("waiting for review"),
    SpeechState.ACCEPTED: N_("accepted"),
    SpeechState.CHANGES_REQUESTED: N_("changes requested"),
    SpeechState.DECLINED: N_("not accepted this time"),
    SpeechState.SCHEDULED: N_("scheduled, waiting for the speaker"),
    SpeechState.CONFIRMED: N_("confirmed"),
    SpeechState.DELIVERED: N_("delivered"),
    SpeechState.WITHDRAWN: N_("withdrawn"),
}

# What the public may see of a released schedule.
PUBLIC_STATES = frozenset({SpeechState.CONFIRMED, SpeechState.DELIVERED})
# A speech that holds a slot.
PLACED_STATES = frozenset({SpeechState.SCHEDULED, SpeechState.CONFIRMED})


class SpeechLanguage(StrEnum):
    ENGLISH = "en"
    SPANISH = "es"
    BILINGUAL = "bilingual"


LANGUAGE_LABELS = {
    SpeechLanguage.ENGLISH: N_("English"),
    SpeechLanguage.SPANISH: N_("Spanish"),
    SpeechLanguage.BILINGUAL: N_("Bilingual"),
}


class AccessNeed(StrEnum):
    INTERPRETER = "interpreter"
    SEATING = "seating"
    MICROPHONE = "microphone"


ACCESS_LABELS = {
    AccessNeed.INTERPRETER: N_("An interpreter"),
    AccessNeed.SEATING: N_("A chair or seating on stage"),
    AccessNeed.MICROPHONE: N_("A handheld or lowered microphone"),
}


class Decision(StrEnum):
    ACCEPT = "accepted"
    CHANGES = "changes_requested"
    DECLINE = "declined"


DECISION_LABELS = {
    Decision.ACCEPT: N_("Accept"),
    Decision.CHANGES: N_("Ask for changes"),
    Decision.DECLINE: N_("Decline"),
}

RUBRIC = {
    "clarity": N_("Clarity"),
    "voice": N_("Personal voice"),
    "call_to_action": N_("Call to action"),
}

SCORE_LABELS = {
    1: N_("Just starting"),
    2: N_("Getting there"),
    3: N_("Strong"),
    4: N_("Outstanding"),
}
