"""The kinds of work a shift is for."""

from yoc.enums import LabelledEnum
from yoc.i18n import N_


class ShiftRole(LabelledEnum):
    DOOR = "door", N_("Door and box office")
    STAGE_CREW = "stage_crew", N_("Stage crew")
    INFO_TENT = "info_tent", N_("Info tent")
    OTHER = "other", N_("Other help")
