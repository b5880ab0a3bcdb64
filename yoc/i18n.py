"""Languages: negotiation, message catalogs (Babel) and locale-aware formatting."""

from __future__ import annotations

import contextvars
import io
from collections.abc import Iterator
from contextlib import contextmanager
from datetime import UTC, date, datetime, time
from decimal import Decimal
from functools import cache
from pathlib import Path
from zoneinfo import ZoneInfo

from babel import Locale, UnknownLocaleError
from babel.dates import format_date as _format_date
from babel.dates import format_skeleton
from babel.dates import format_time as _format_time
from babel.messages.mofile import write_mo
from babel.messages.pofile import read_po
from babel.numbers import format_currency, format_decimal
from babel.numbers import format_percent as _format_percent
from babel.support import NullTranslations, Translations

LANGUAGES = ("en", "es")
DEFAULT_LANGUAGE = "en"
LANGUAGE_NAMES = {"en": "English", "es": "Español"}
LOCALE_DIR = Path(__file__).parent / "locale"
DOMAIN = "messages"

_language: contextvars.ContextVar[str] = contextvars.ContextVar(
    "language", default=DEFAULT_LANGUAGE
)
_timezone: contextvars.ContextVar[str] = contextvars.ContextVar(
    "timezone", default="America/Los_Angeles"
)


@cache
def translations(language: str) -> NullTranslations:
    """The catalog for ``language``, compiled in memory from its .po file."""
    po_path = LOCALE_DIR / language / "LC_MESSAGES" / f"{DOMAIN}.po"
    if language == DEFAULT_LANGUAGE or not po_path.exists():
        return NullTranslations()
    with po_path.open("rb") as f:
        catalog = read_po(f, locale=language)
    buf = io.BytesIO()
    write_mo(buf, catalog, use_fuzzy=False)
    buf.seek(0)
    return Translations(buf, domain=DOMAIN)


def get_language() -> str:
    return _language.get()


def set_language(language: str) -> contextvars.Token[str]:
    return _language.set(language if language in LANGUAGES else DEFAULT_LANGUAGE)


def reset_language(token: contextvars.Token[str]) -> None:
    _language.reset(token)


def set_timezone(tz: str) -> None:
    _timezone.set(tz)


@contextmanager
def use_language(language: str) -> Iterator[None]:
    token = set_language(language)
    try:
        yield
    finally:
        _language.reset(token)


def gettext_raw(message: str) -> str:
    """Translate without formatting (Jinja's newstyle gettext formats by itself)."""
    return translations(get_language()).ugettext(message)


def ngettext_raw(singular: str, plural: str, n: int) -> str:
    return translations(get_language()).ungettext(singular, plural, n)


def gettext(message: str, **variables: object) -> str:
    text = translations(get_language()).ugettext(message)
    return text % variables if variables else text


def ngettext(singular: str, plural: str, n: int, **variables: object) -> str:
    text = translations(get_language()).ungettext(singular, plural, n)
    return text % {"num": n, **variables}


def pgettext(context: str, message: str) -> str:
    return translations(get_language()).upgettext(context, message)


_ = gettext


def N_(message: str) -> str:  # noqa: N802 - the conventional name for "mark only"
    """Mark a message for extraction; it is translated later, where it is shown."""
    return message


def NC_(context: str, message: str) -> tuple[str, str]:  # noqa: N802 - as N_, with a context
    """Mark a message with its context (as pgettext takes them) for extraction."""
    return context, message


def normalise(language: str | None) -> str | None:
    if not language:
        return None
    short = language.strip().lower().replace("_", "-").split("-")[0]
    return short if short in LANGUAGES else None


def negotiate(
    *, user_language: str | None, cookie_language: str | None, accept_language: str | None
) -> str:
    """User preference, then the switcher's cookie, then the browser, then English."""
    for choice in (user_language, cookie_language):
        if lang := normalise(choice):
            return lang
    if accept_language:
        weighted = []
        for part in accept_language.split(","):
            tag, _sep, params = part.strip().partition(";")
            q = 1.0
            if params.strip().startswith("q="):
                try:
                    q = float(params.strip()[2:])
                except ValueError:
                    q = 0.0
            if tag:
                weighted.append((q, tag))
        for q, tag in sorted(weighted, key=lambda item: -item[0]):
            if q > 0 and (lang := normalise(tag)):
                return lang
    return DEFAULT_LANGUAGE


def tr(obj: object, field: str) -> str:
    """The text of a bilingual field (``title_en``/``title_es``) in the current language,
    or in the other when it is empty in this one."""
    return tr_language(obj, field)[0]


def tr_language(obj: object, field: str) -> tuple[str, str]:
    """(text, its language) of a bilingual field, as ``tr`` chooses it: a page marks text
    in the other language with its ``lang``."""
    for language in (get_language(), *LANGUAGES):
        if text := getattr(obj, f"{field}_{language}", ""):
            return text, language
    return "", get_language()


# Formats as read in California: "$5.00" and "3:00 p.m." in Spanish too, not "5,00 US$".
FORMAT_LOCALES = {"en": "en_US", "es": "es_US"}


def _locale() -> Locale:
    try:
        return Locale.parse(FORMAT_LOCALES.get(get_language(), get_language()))
    except (UnknownLocaleError, ValueError):
        return Locale.parse("en_US")


def local_time(value: datetime) -> datetime:
    return value.astimezone(ZoneInfo(_timezone.get()))


def start_of_day(day: date) -> datetime:
    """Midnight at the start of ``day`` where the app is (``YOC_TIMEZONE``), in UTC as
    the database keeps times (SQLite compares them as text: the offsets must agree)."""
    return datetime.combine(day, time(), ZoneInfo(_timezone.get())).astimezone(UTC)


# Dates are written out ("Dec 2, 2026", "2 dic 2026"): "2/12/2026" reads as 2 December in
# Spanish and as February 12 in English, and the date inputs put the month first.
READABLE_DATES = ("medium", "long", "full")


def _date_format(format: str) -> str:  # noqa: A002
    if format not in READABLE_DATES:
        raise ValueError(f"dates are written out ({', '.join(READABLE_DATES)}), not {format!r}")
    return format


def format_datetime(value: datetime | None, format: str = "medium") -> str:  # noqa: A002
    """A day and a time of day as people read them, never with seconds:
    "Dec 2, 2026, 3:04 PM", "2 dic 2026, 3:04 p.m."."""
    if value is None:
        return ""
    local, locale = local_time(value), _locale()
    day = _format_date(local, _date_format(format), locale=locale)
    clock = _format_time(local, "short", locale=locale)
    # The locale's own order of day and time ("{1}, {0}"), from its medium pattern,
    # which has no literal words in it (the long one says "'at'").
    return str(locale.datetime_formats["medium"]).format(clock, day)


def format_when(value: datetime | None) -> str:
    """A day and time as people say it: "Saturday, September 18, 2027, 3:00 PM"."""
    if value is None:
        return ""
    local = local_time(value)
    return (
        f"{_format_date(local, 'full', locale=_locale())}, "
        f"{_format_time(local, 'short', locale=_locale())}"
    )


def format_clock(value: datetime | None) -> str:
    """Only the local time of day: "7:30 PM", "7:30 p.m."."""
    if value is None:
        return ""
    return _format_time(local_time(value), "short", locale=_locale())


def format_date(value: date | datetime | None, format: str = "medium") -> str:  # noqa: A002
    """A day written out: "Dec 2, 2026", "2 dic 2026"."""
    if value is None:
        return ""
    if isinstance(value, datetime):
        value = local_time(value)
    return _format_date(value, format=_date_format(format), locale=_locale())


def format_month(value: date) -> str:
    """A month and its year: "Dec 2026", "dic 2026"."""
    return format_skeleton("yMMM", value, locale=_locale())


def format_number(value: int) -> str:
    return format_decimal(value, locale=_locale())


def format_percent(share: float) -> str:
    """A share from 0 to 1 as a percentage: "87.5%"."""
    return _format_percent(share, "#,##0.#%", locale=_locale())


def format_money(cents: int, currency: str = "USD") -> str:
    return format_currency(cents / 100, currency, locale=_locale())


def format_hours(minutes: int) -> str:
    """Minutes as hours, to two places at most: "2.5", "20", "0.33"."""
    hours = (Decimal(minutes) / 60).quantize(Decimal("0.01"))
    return format_decimal(hours, format="#,##0.##", locale=_locale())


def format_file_size(size: int) -> str:
    """A file's size as people read it: "850 KB", "1.2 MB"."""
    if size < 1024 * 1024:
        return f"{format_decimal(max(1, round(size / 1024)), locale=_locale())} KB"
    return f"{format_decimal(round(size / 1024 / 1024, 1), locale=_locale())} MB"
