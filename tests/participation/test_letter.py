"""The letter of hours for school: a PDF whose text (read back from the PDF) names the
organisation and the member, lists the year's verified hours with their total, and is
signed with the verifying mentor's name, in English or in Spanish, accents included."""

from __future__ import annotations

import io
import re
from datetime import date
from decimal import Decimal

import pytest
from pypdf import PdfReader

from tests.conftest import client_from
from tests.factories import make_user
from tests.members.factories import make_cohort, make_member
from tests.participation.conftest import signed_in
from yoc.accounts.enums import Role
from yoc.errors import Conflict
from yoc.participation.services import hours, letters
from yoc.timeutil import utcnow

ORG = "Consejo de Organización Juvenil (YO-C)"


def text_of(pdf: bytes) -> str:
    reader = PdfReader(io.BytesIO(pdf))
    return " ".join(" ".join(page.extract_text().split()) for page in reader.pages)


async def _verified_year(year: int):
    member = await make_member(name="José Ñúñez-Peña", email="jose@example.org")
    mentor = await make_user(role=Role.MENTOR, name="Lucía Ramírez", email="lucia.r@example.org")
    await make_cohort("Thermal Spring", members=[member], mentors=[mentor])
    for served_on, amount, where in [
        (date(year, 3, 14), "2.5", "Banco de Alimentos de Mecca"),
        (date(year, 4, 2), "3", "Limpieza del Salton Sea"),
        (date(year, 5, 9), "1.5", "Not verified yet"),
    ]:
        entry = await hours.log_hours(
            member, served_on=served_on, hours=Decimal(amount), organisation=where, description=""
        )
        if where != "Not verified yet":
            await hours.review(actor=mentor, hours_id=entry.id, verified=True)
    await hours.log_hours(
        member,
        served_on=date(year - 1, 6, 1),
        hours=Decimal(8),
        organisation="Last year's work",
        description="",
    )
    return member


async def test_the_letter_in_spanish_lists_verified_hours_with_accents(app) -> None:
    member = await _verified_year(2026)

    pdf = await letters.letter_of_hours(
        member, year=2026, language="es", org_name=ORG, issued_on=date(2026, 12, 3)
    )

    assert pdf.startswith(b"%PDF-")
    text = text_of(pdf)
    assert "Carta de horas de servicio" in text
    assert "A quien corresponda:" in text
    assert (
        "Esta carta confirma que José Ñúñez-Peña, integrante de Consejo de Organización "
        "Juvenil (YO-C), cumplió las siguientes horas de servicio comunitario y voluntariado "
        "en 2026." in text
    )
    assert "14 mar 2026 Banco de Alimentos de Mecca 2.5" in text
    assert "2 abr 2026 Limpieza del Salton Sea 3" in text
    assert "Total de horas en 2026 5.5" in text
    assert "Atentamente, Lucía Ramírez Mentor/a, Consejo de Organización Juvenil (YO-C)" in text
    assert "3 de diciembre de 2026" in text
    assert "Not verified yet" not in text
    assert "Last year" not in text


async def test_the_letter_in_english(app) -> None:
    member = await _verified_year(2026)

    text = text_of(
        await letters.letter_of_hours(
            member, year=2026, language="en", org_name=ORG, issued_on=date(2026, 12, 3)
        )
    )

    assert "Letter of service hours" in text
    assert "To whom it may concern:" in text
    assert "This letter confirms that José Ñúñez-Peña, a member of" in text
    assert "Mar 14, 2026 Banco de Alimentos de Mecca 2.5" in text
    assert "Total hours in 2026 5.5" in text
    assert "Sincerely, Lucía Ramírez Mentor, Consejo de Organización Juvenil (YO-C)" in text
    assert "December 3, 2026" in text


async def test_no_letter_for_a_year_without_verified_hours(app) -> None:
    member = await _verified_year(2026)

    with pytest.raises(Conflict) as refused:
        await letters.letter_of_hours(
            member, year=2025, language="en", org_name=ORG, issued_on=date(2026, 12, 3)
        )

    assert refused.value.code == "no_hours"


async def test_member_downloads_their_letter_in_the_language_they_choose(app) -> None:
    member = await _verified_year(utcnow().year)
    year = utcnow().year
    async with client_from(app, "10.2.2.2") as browser:
        await signed_in(browser, member)
        page = await browser.get("/me/hours")
        assert 'action="/me/hours/letter"' in page.text
        assert f'<option value="{year}">{year}</option>' in page.text

        response = await browser.get(f"/me/hours/letter?year={year}&lang=es")

    assert response.status_code == 200
    assert response.headers["content-type"] == "application/pdf"
    assert response.headers["content-disposition"] == (
        f'attachment; filename="service-hours-{year}-es.pdf"'
    )
    text = text_of(response.content)
    assert "Youth Organizing Council (YO-C)" in text  # YOC_ORG_NAME's default
    assert re.search(rf"Total de horas en {year} 5.5", text)


async def test_a_mentor_has_no_letter_page(app) -> None:
    mentor = await make_user(role=Role.MENTOR, email="m@example.org")
    async with client_from(app, "10.2.2.3") as browser:
        await signed_in(browser, mentor)
        response = await browser.get("/me/hours/letter?year=2026&lang=en")
    assert response.status_code == 403
