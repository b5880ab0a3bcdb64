from yoc.enums import LabelledEnum
from yoc.i18n import N_, NC_

# The stamp (yoc.cache) every change to the curriculum, its assignments or anyone's progress
# moves forward: the cohort grid and the member dashboard are cached under it.
STAMP = "curriculum"


class ActivityKind(LabelledEnum):
    READ = "read", N_("Read")
    DISCUSS = "discuss", N_("Discuss")
    PRACTICE = "practice", N_("Practice")
    REFLECT = "reflect", N_("Reflect")
    ATTEND = "attend", N_("Attend")
    PROJECT = "project", N_("Project")
    SPEECH = "speech", N_("Speech")
    # A practice speech given to the group; the mentor marks it delivered, with feedback on
    # the Soapbox rubric.
    PRACTICE_NIGHT = "practice_night", N_("Practice night")


class Completion(LabelledEnum):
    """How an activity counts as done."""

    # the member marks it done
    SELF = "self", N_("You mark it done")
    # the member submits a reflection; a mentor approves it
    REFLECTION = "reflection", N_("You write a reflection; a mentor approves it")
    # a mentor records that the member attended
    ATTENDANCE = "attendance", N_("A mentor records your attendance")


class ProgressState(LabelledEnum):
    NOT_STARTED = "not_started", N_("not started")
    IN_PROGRESS = "in_progress", N_("in progress")
    SUBMITTED = "submitted", N_("waiting for review")
    RETURNED = "returned", N_("returned for changes")
    APPROVED = "approved", N_("approved")
    DONE = "done", N_("done")


FINISHED = frozenset({ProgressState.APPROVED, ProgressState.DONE})


class ModuleState(LabelledEnum):
    """Where a member is in a module, as their path shows it: what waits on them first."""

    NOT_ASSIGNED = "not_assigned", NC_("module", "not assigned yet")
    NOT_STARTED = "not_started", NC_("module", "not started")
    IN_PROGRESS = "in_progress", NC_("module", "in progress")
    SUBMITTED = "submitted", NC_("module", "waiting for review")
    RETURNED = "returned", NC_("module", "returned for changes")
    DONE = "done", NC_("module", "done")
