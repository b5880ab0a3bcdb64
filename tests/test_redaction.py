"""Taking a person's names, address and phone out of text and JSON that stay after them."""

from yoc.redaction import pattern, redact


def test_redact_replaces_every_word_in_nested_json_whatever_the_case() -> None:
    words = pattern(["Itzel Ramírez", "itzel@example.org", "760-555-0199"])
    detail = {
        "previous": {"email": "ITZEL@example.org", "phones": ["760-555-0199", "760-555-0100"]},
        "about": "Paired with itzel ramírez for the canal walk",
        "count": 3,
        "Itzel Ramírez": True,
    }

    assert redact(detail, words, "deleted") == {
        "previous": {"email": "deleted", "phones": ["deleted", "760-555-0100"]},
        "about": "Paired with deleted for the canal walk",
        "count": 3,
        "deleted": True,
    }


def test_redact_takes_a_full_name_before_the_shorter_words_it_contains() -> None:
    words = pattern(["Rosa", "Rosa Ramírez"])

    assert redact("Signed by Rosa Ramírez.", words, "[x]") == "Signed by [x]."


def test_words_too_short_to_name_anyone_are_left_alone() -> None:
    assert pattern(["Al", " ", ""]) is None
    assert redact("Al and Alma", pattern(["Al"]), "[x]") == "Al and Alma"
