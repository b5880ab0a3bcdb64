"""The Soapbox rubric, for whoever scores a speech: reviewers of a proposal, and mentors at
a practice night (the curriculum asks here, so both use the same one)."""

from __future__ import annotations

from yoc.soapbox.enums import Rubric, RubricScore

CRITERIA: list[Rubric] = list(Rubric)
SCORES: list[RubricScore] = list(RubricScore)


def criterion(key: str) -> Rubric:
    return Rubric(key)


def score(value: int) -> RubricScore:
    return RubricScore(value)
