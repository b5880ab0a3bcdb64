"""Long lists in pages, with a cursor that says where a page ended; never an OFFSET.

A list is sorted on a few columns ending with the row id (its *keyset*), so each row has
one place in it. The next page is the rows after the last one shown: an index on the
keyset finds them at once, however deep into the list, where an OFFSET would read and
throw away every row before. A row added or removed meanwhile shifts nothing.

The cursor is opaque to clients: the keyset's name, its values at the edge of a page
and the direction, signed with the app's key. A cursor that was cut, edited or made
for another list is refused with a clear message (422), never a server error.

    window = paging.requested(request)            # ?limit= and ?cursor=, checked
    page = await reports.orders_page(event, filters, window)
    paging.next_link(request, page)               # the same address, the next cursor
"""

from __future__ import annotations

import base64
import binascii
import hashlib
import hmac
import json
from collections.abc import Mapping, Sequence
from dataclasses import dataclass, field
from datetime import UTC, date, datetime
from typing import Any, Generic, TypeVar
from urllib.parse import urlencode

from starlette.requests import Request
from tortoise.expressions import Q
from tortoise.queryset import QuerySet

from yoc.apidoc import Param
from yoc.errors import ValidationFailed
from yoc.forms import MAX_ID, whole_number
from yoc.i18n import N_

T = TypeVar("T")

DEFAULT_LIMIT = 50
MAX_LIMIT = 200
# A real cursor is well under this; anything longer is refused before it is decoded.
MAX_CURSOR = 600

BAD_LIMIT = N_("Ask for between 1 and 200 at a time.")
BAD_CURSOR = N_(
    "This page link is not valid, or was made for another list. Start again from the first page."
)

# The query parameters of every paged list, for its OpenAPI description.
PARAMS = (
    Param(
        "limit",
        {"type": "integer", "minimum": 1, "maximum": MAX_LIMIT, "default": DEFAULT_LIMIT},
        f"How many to answer at most (default {DEFAULT_LIMIT}, at most {MAX_LIMIT}).",
    ),
    Param(
        "cursor",
        {"type": "string", "maxLength": MAX_CURSOR},
        "Where the page starts: copy it from the previous answer's `next` link, "
        "which keeps the filters too.",
    ),
)
NEXT = (
    "The address (path and query) of the next page, with the same filters and limit; "
    "null on the last page."
)


@dataclass(frozen=True)
class Cursor:
    """The edge of a page in one keyset: the values of its last (or first) row."""

    keyset: str
    values: tuple[Any, ...]
    backwards: bool = False  # the page before these values, not after


@dataclass(frozen=True)
class Window:
    """What a caller asked for: how many rows, and from where."""

    limit: int = DEFAULT_LIMIT
    cursor: Cursor | None = None


@dataclass
class Page(Generic[T]):
    items: list[T]
    next: Cursor | None = None
    previous: Cursor | None = None
    # Whether this page starts the list (a cursor that went back to the start).
    first: bool = field(default=True)


def _refuse_cursor() -> ValidationFailed:
    return ValidationFailed({"cursor": BAD_CURSOR}, code="invalid_cursor", message=BAD_CURSOR)


def _b64(data: bytes) -> str:
    return base64.urlsafe_b64encode(data).rstrip(b"=").decode()


def _unb64(text: str) -> bytes:
    return base64.urlsafe_b64decode(text + "=" * (-len(text) % 4))


def _signature(secret: str, payload: bytes) -> bytes:
    return hmac.new(secret.encode(), b"paging:" + payload, hashlib.sha256).digest()[:12]


def _plain(value: Any) -> Any:
    return value.isoformat() if isinstance(value, date | datetime) else value


def encode(cursor: Cursor, secret: str) -> str:
    body = {"k": cursor.keyset, "v": [_plain(v) for v in cursor.values]}
    if cursor.backwards:
        body["b"] = 1
    payload = json.dumps(body, separators=(",", ":"), ensure_ascii=False).encode()
    return f"{_b64(payload)}.{_b64(_signature(secret, payload))}"


def decode(token: str, secret: str) -> Cursor:
    """The cursor a token holds, if this app made it; else ValidationFailed."""
    if len(token) > MAX_CURSOR or token.count(".") != 1:
        raise _refuse_cursor()
    data, signature = token.split(".")
    try:
        payload, signed = _unb64(data), _unb64(signature)
    except (binascii.Error, ValueError):
        raise _refuse_cursor() from None
    if not hmac.compare_digest(signed, _signature(secret, payload)):
        raise _refuse_cursor()
    try:
        body = json.loads(payload)
    except (ValueError, RecursionError):
        raise _refuse_cursor() from None
    if not (
        isinstance(body, dict)
        and isinstance(body.get("k"), str)
        and isinstance(body.get("v"), list)
        and body.get("b", 0) in (0, 1)
    ):
        raise _refuse_cursor()
    return Cursor(body["k"], tuple(body["v"]), backwards=bool(body.get("b")))


def window(params: Mapping[str, str], secret: str) -> Window:
    """The ``limit`` and ``cursor`` of a query string, checked (ValidationFailed, naming
    each one that is wrong)."""
    errors: dict[str, str] = {}
    limit = DEFAULT_LIMIT
    if "limit" in params:
        limit = whole_number(params["limit"]) or 0
        if not 1 <= limit <= MAX_LIMIT:
            errors["limit"] = BAD_LIMIT
    cursor = None
    if token := params.get("cursor", "").strip():
        try:
            cursor = decode(token, secret)
        except ValidationFailed as refused:
            errors.update(refused.fields)
    if len(errors) == 1:
        [(name, message)] = errors.items()
        raise ValidationFailed(errors, code=f"invalid_{name}", message=message)
    if errors:
        raise ValidationFailed(errors)
    return Window(limit, cursor)


def requested(request: Request) -> Window:
    return window(request.query_params, request.app.state.settings.secret_key)


def link(request: Request, cursor: Cursor | None) -> str | None:
    """This request's path and query with ``cursor`` in place of its own, or None."""
    if cursor is None:
        return None
    token = encode(cursor, request.app.state.settings.secret_key)
    kept = [(k, v) for k, v in request.query_params.multi_items() if k != "cursor"]
    return f"{request.url.path}?{urlencode([*kept, ('cursor', token)])}"


def next_link(request: Request, page: Page) -> str | None:
    return link(request, page.next)


def links(request: Request, page: Page) -> dict[str, str | None]:
    """What a page of an HTML list links to: the next page, the previous one, the first."""
    kept = [(k, v) for k, v in request.query_params.multi_items() if k != "cursor"]
    return {
        "next": link(request, page.next),
        "previous": link(request, page.previous),
        "first": None if page.first else request.url.path + (f"?{urlencode(kept)}" if kept else ""),
    }


def filters_only(request: Request) -> str:
    """This request's query string without ``limit`` and ``cursor``: its filters, for a
    link to the whole list (a CSV export, say)."""
    kept = [(k, v) for k, v in request.query_params.multi_items() if k not in ("limit", "cursor")]
    return urlencode(kept)


def _typed(kind: type, value: Any) -> Any:
    """A cursor's value as the column's type, or ValueError."""
    if kind is int:
        if type(value) is not int or not -MAX_ID - 1 <= value <= MAX_ID:
            raise ValueError(value)
        return value
    if kind is str:
        if not isinstance(value, str) or len(value) > 500 or "\x00" in value:
            raise ValueError(value)
        return value
    if kind is datetime:
        parsed = datetime.fromisoformat(value) if isinstance(value, str) else None
        if parsed is None or parsed.tzinfo is None:
            raise ValueError(value)
        return parsed.astimezone(UTC)  # as the database keeps it (SQLite compares text)
    raise TypeError(kind)


@dataclass(frozen=True)
class Keyset:
    """A list's order: columns (the last one unique, usually ``id``) and their types."""

    name: str
    columns: tuple[tuple[str, type], ...]
    descending: bool = False

    def _values(self, cursor: Cursor) -> tuple[Any, ...]:
        if cursor.keyset != self.name or len(cursor.values) != len(self.columns):
            raise _refuse_cursor()
        try:
            return tuple(
                _typed(kind, value)
                for (_, kind), value in zip(self.columns, cursor.values, strict=True)
            )
        except (TypeError, ValueError):
            raise _refuse_cursor() from None

    def _beyond(self, values: Sequence[Any], descending: bool) -> Q:
        """Rows strictly past ``values`` in the scan's direction. The first column's
        bound comes first and alone, so that an index on the keyset is searched, not
        scanned from its start."""
        names = [name for name, _ in self.columns]
        past = "lt" if descending else "gt"
        conditions = [
            Q(**{names[j]: values[j] for j in range(i)}, **{f"{names[i]}__{past}": values[i]})
            for i in range(len(names))
        ]
        within = Q(**{f"{names[0]}__{past}e": values[0]})
        return within & Q(*conditions, join_type=Q.OR)

    def _key(self, row: Any) -> tuple[Any, ...]:
        return tuple(getattr(row, name) for name, _ in self.columns)

    async def _fetch(
        self, query: QuerySet, limit: int, values: Sequence[Any] | None, descending: bool
    ) -> tuple[list, bool]:
        if values is not None:
            query = query.filter(self._beyond(values, descending))
        order = [f"-{name}" if descending else name for name, _ in self.columns]
        rows = list(await query.order_by(*order).limit(limit + 1))
        return rows[:limit], len(rows) > limit

    async def page(self, query: QuerySet, window: Window) -> Page:
        """One page of ``query`` in this order: one query (two, rarely, when a "previous"
        link reaches back to the start of the list)."""
        cursor = window.cursor
        values = self._values(cursor) if cursor else None
        if cursor is None or not cursor.backwards:
            rows, more = await self._fetch(query, window.limit, values, self.descending)
            return Page(
                rows,
                next=Cursor(self.name, self._key(rows[-1])) if more else None,
                previous=(
                    Cursor(self.name, self._key(rows[0]), backwards=True)
                    if cursor and rows
                    else None
                ),
                first=cursor is None,
            )
        rows, more = await self._fetch(query, window.limit, values, not self.descending)
        if not more:
            # Back at the start: the first page as it is, not the few rows before.
            return await self.page(query, Window(window.limit))
        rows.reverse()
        return Page(
            rows,
            next=Cursor(self.name, self._key(rows[-1])),
            previous=Cursor(self.name, self._key(rows[0]), backwards=True),
            first=False,
        )
