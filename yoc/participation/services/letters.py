"""The letter of hours a member takes to school: a PDF in English or Spanish listing the
year's verified hours, with their total, signed with the verifying mentors' names."""

from __future__ import annotations

from datetime import date
from pathlib import Path

from fpdf import FPDF
from fpdf.enums import XPos, YPos

from yoc import i18n
from yoc.accounts.models import User
from yoc.errors import Conflict
from yoc.i18n import N_, gettext
from yoc.participation.services.hours import year_of

# A font with every letter of a name (accents, ñ, and far beyond Latin-1), embedded in
# the PDF, so the letter reads the same on any computer.
FONTS = Path(__file__).resolve().parents[2] / "data" / "fonts"


def _pdf() -> FPDF:
    pdf = FPDF(format="Letter")
    pdf.set_margins(25, 25, 25)
    pdf.add_font("DejaVu", "", FONTS / "DejaVuSans.ttf")
    pdf.add_font("DejaVu", "B", FONTS / "DejaVuSans-Bold.ttf")
    pdf.set_auto_page_break(auto=True, margin=25)
    pdf.add_page()
    return pdf


def _line(pdf: FPDF, text: str, *, size: float = 11, bold: bool = False, gap: float = 2) -> None:
    pdf.set_font("DejaVu", "B" if bold else "", size)
    pdf.multi_cell(0, size * 0.5, text, new_x=XPos.LMARGIN, new_y=YPos.NEXT)
    pdf.ln(gap)


def _row(pdf: FPDF, cells: list[tuple[str, float, str]], *, bold: bool = False) -> None:
    pdf.set_font("DejaVu", "B" if bold else "", 10)
    for text, width, align in cells:
        pdf.cell(width, 7, text, border="B", align=align)
    pdf.ln(7)


async def letter_of_hours(
    member: User, *, year: int, language: str, org_name: str, issued_on: date
) -> bytes:
    """The PDF, in ``language``; only when the year has verified hours."""
    hours = await year_of(member, year)
    if not hours.verified_minutes:
        raise Conflict(N_("There are no verified hours in %(year)s yet."), "no_hours", year=year)
    with i18n.use_language(language):
        return _write(member, hours, org_name=org_name, issued_on=issued_on)


def _write(member: User, hours, *, org_name: str, issued_on: date) -> bytes:
    pdf = _pdf()
    pdf.set_title(gettext("Letter of service hours"))
    pdf.set_author(org_name)
    _line(pdf, org_name, size=14, bold=True, gap=1)
    _line(pdf, i18n.format_date(issued_on, "long"), gap=8)
    _line(pdf, gettext("Letter of service hours"), size=16, bold=True, gap=4)
    _line(pdf, gettext("To whom it may concern:"), gap=3)
    _line(
        pdf,
        gettext(
            "This letter confirms that %(name)s, a member of %(org)s, served the "
            "following hours of community service and volunteering in %(year)s. Each "
            "entry was verified by a mentor of %(org)s.",
            name=member.name,
            org=org_name,
            year=hours.year,
        ),
        gap=5,
    )
    width = pdf.w - pdf.l_margin - pdf.r_margin
    _row(
        pdf,
        [
            (gettext("Date"), 35, "L"),
            (gettext("Organization and service"), width - 60, "L"),
            (gettext("Hours"), 25, "R"),
        ],
        bold=True,
    )
    for entry in sorted(hours.verified, key=lambda e: (e.served_on, e.id)):
        _row(
            pdf,
            [
                (i18n.format_date(entry.served_on), 35, "L"),
                (_fit(pdf, entry.organisation, width - 62), width - 60, "L"),
                (i18n.format_hours(entry.minutes), 25, "R"),
            ],
        )
    for label, minutes in hours.other:
        _row(
            pdf,
            [
                ("", 35, "L"),
                (gettext(label), width - 60, "L"),
                (i18n.format_hours(minutes), 25, "R"),
            ],
        )
    _row(
        pdf,
        [
            ("", 35, "L"),
            (gettext("Total hours in %(year)s", year=hours.year), width - 60, "L"),
            (i18n.format_hours(hours.verified_minutes), 25, "R"),
        ],
        bold=True,
    )
    pdf.ln(10)
    _line(pdf, gettext("Sincerely,"), gap=8)
    for name in hours.verifiers:
        _line(pdf, name, bold=True, gap=0)
        _line(pdf, gettext("Mentor, %(org)s", org=org_name), gap=5)
    return bytes(pdf.output())


def _fit(pdf: FPDF, text: str, width: float) -> str:
    """``text`` cut to fit one cell of the table, with "…" when cut."""
    pdf.set_font("DejaVu", "", 10)
    if pdf.get_string_width(text) <= width:
        return text
    while text and pdf.get_string_width(text + "…") > width:
        text = text[:-1]
    return text.rstrip() + "…"
