from enum import StrEnum

from yoc.i18n import N_

# The stamp (yoc.cache) every change to the curriculum, its assignments or anyone's progress
# moves forward: the cohort grid and the member dashboard are cached under it.
STAMP = "curriculum"


class ActivityKind(StrEnum):
    READ = "read"
    DISCUSS = "discuss"
    PRACTICE = "practice"
    REFLECT = "reflect"
    ATTEND = "attend"
    PROJECT = "project"
    SPEECH = "speech"


KIND_LABELS = {
    ActivityKind.READ: N_("Read"),
    ActivityKind.DISCUSS: N_("Discuss"),
    ActivityKind.PRACTICE: N_("Practice"),
    ActivityKind.REFLECT: N_("Reflect"),
    ActivityKind.ATTEND: N_("Attend"),
    ActivityKind.PROJECT: N_("Project"),
    ActivityKind.SPEECH: N_("Speech"),
}


class Completion(StrEnum):
    """How an activity counts as done."""

    SELF = "self"  # the member marks it done
    REFLECTION = "reflection"  # the member submits a reflection; a mentor approves it
    ATTENDANCE = "attendance"  # a mentor records that the member attended


COMPLETION_LABELS = {
    Completion.SELF: N_("You mark it done"),
    Completion.REFLECTION: N_("You write a reflection; a mentor approves it"),
    Completion.ATTENDANCE: N_("A mentor records your attendance"),
}


class ProgressState(StrEnum):
    NOT_STARTED = "not_started"
    IN_PROGRESS = "in_progress"
    SUBMITTED = "submitted"
    RETURNED = "returned"
    APPROVED = "approved"
    DONE = "done"


STATE_LABELS = {
    ProgressState.NOT_STARTED: N_("not started"),
    ProgressState.IN_PROGRESS: N_("in progress"),
    ProgressState.SUBMITTED: N_("waiting for review"),
    ProgressState.RETURNED: N_("returned for changes"),
    ProgressState.APPROVED: N_("approved"),
    ProgressState.DONE: N_("done"),
}

FINISHED = frozenset({ProgressState.APPROVED, ProgressState.DONE})
