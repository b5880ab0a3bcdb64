"""How each kind of value in a figure reads on the page and in its CSV file."""

from __future__ import annotations

import pytest

from yoc.i18n import use_language
from yoc.impact.services.figures import Few, Money, Percent
from yoc.impact.services.showing import cell_text, csv_cell


@pytest.mark.parametrize(
    ("cell", "english", "spanish", "in_csv"),
    [
        (1234, "1,234", "1,234", "1234"),
        (Money(123450), "$1,234.50", "$1,234.50", "1234.50"),
        (Percent(0.875), "87.5%", "87.5%", "87.5"),
        (Few(5), "fewer than 5", "menos de 5", "<5"),
    ],
)
def test_a_value_reads_in_the_language_and_plainly_in_csv(cell, english, spanish, in_csv) -> None:
    with use_language("en"):
        assert cell_text(cell) == english
    with use_language("es"):
        assert cell_text(cell).replace("\xa0", " ") == spanish
    assert csv_cell(cell) == in_csv
