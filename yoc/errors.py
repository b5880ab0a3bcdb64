"""Domain errors: a code for machines, a translatable message for people."""

from __future__ import annotations

from yoc.i18n import N_, gettext


class DomainError(Exception):
    """A rule of the domain said no. ``message`` is an English message id."""

    status_code = 400

    def __init__(self, message: str, code: str, **params: object) -> None:
        super().__init__(message % params if params else message)
        self.message = message
        self.code = code
        self.params = params

    def translated(self) -> str:
        return gettext(self.message, **self.params)


class NotFound(DomainError):
    status_code = 404


class PermissionDenied(DomainError):
    status_code = 403


class Conflict(DomainError):
    status_code = 409


class Unavailable(DomainError):
    """A service the request needs (a payment provider) is down: try again later."""

    status_code = 503


class ValidationFailed(DomainError):
    """Input broke one or more rules; ``fields`` maps a field name to a message id."""

    status_code = 422

    def __init__(
        self,
        fields: dict[str, str],
        code: str = "invalid",
        message: str = N_("Please check the highlighted fields."),
    ) -> None:
        super().__init__(message, code)
        self.fields = fields

    def translated_fields(self) -> dict[str, str]:
        return {name: gettext(msg) for name, msg in self.fields.items()}


class TooManyRequests(DomainError):
    """A limit per client was reached; it frees in ``retry_after`` seconds. Subclasses
    say so with ``ngettext`` over ``minutes``."""

    status_code = 429

    def __init__(self, message: str, code: str, *, retry_after: int) -> None:
        super().__init__(message, code)
        self.retry_after = retry_after

    @property
    def minutes(self) -> int:
        return max(1, (self.retry_after + 59) // 60)
