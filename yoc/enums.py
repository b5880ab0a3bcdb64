"""Enums whose members carry their label, so no label table lives apart from its values.

A member is written ``VALUE = "stored value", N_("Label")``, or with ``NC_(context,
"label")`` where the same English word means something else elsewhere. ``.label`` is
translated when it is read, in the language of the request or message being made.
Templates reach every labelled enum by its class name: ``enums.Community.choices()``,
``enums.SpeechState(value).label`` for a value read as plain text.
"""

from __future__ import annotations

from enum import IntEnum, StrEnum
from typing import Any, Self

from yoc import i18n

# Class name -> class, filled as the domains define their enums; the templates' ``enums``.
REGISTRY: dict[str, type[Labelled]] = {}


class Labelled:
    """What a labelled member adds to its enum: ``.label`` and the class's ``choices()``."""

    _message: str
    _context: str | None

    def __init_subclass__(cls, **kwargs: Any) -> None:
        super().__init_subclass__(**kwargs)
        if cls.__module__ == __name__:
            return
        known = REGISTRY.get(cls.__name__)
        if known and (known.__module__, known.__qualname__) != (cls.__module__, cls.__qualname__):
            raise TypeError(
                f"{cls.__module__}.{cls.__qualname__} and {known.__module__}.{known.__qualname__}"
                " share a name, and templates know a labelled enum by its name alone"
            )
        REGISTRY[cls.__name__] = cls

    def _set_label(self, label: str | tuple[str, str]) -> None:
        if isinstance(label, tuple):
            self._context, self._message = label
        else:
            self._context, self._message = None, label

    @property
    def label(self) -> str:
        if self._context:
            return i18n.pgettext(self._context, self._message)
        return i18n.gettext(self._message)

    @classmethod
    def choices(cls) -> list[tuple[str, str]]:
        """(value, label) pairs in definition order, for a select."""
        return [(str(member.value), member.label) for member in cls]  # type: ignore[attr-defined]


class LabelledEnum(Labelled, StrEnum):
    """A StrEnum whose members carry a label; stored and compared as their plain value."""

    def __new__(cls, value: str, label: str | tuple[str, str]) -> Self:
        member = str.__new__(cls, value)
        member._value_ = value
        member._set_label(label)
        return member


class LabelledIntEnum(Labelled, IntEnum):
    """The same for numbers (a rubric's scores)."""

    def __new__(cls, value: int, label: str | tuple[str, str]) -> Self:
        member = int.__new__(cls, value)
        member._value_ = value
        member._set_label(label)
        return member
