"""Taking a person's name, address and phone out of text that stays after them."""

from __future__ import annotations

import re
from collections.abc import Iterable
from typing import Any

# Shorter than this, a "word" would match inside other words and names.
MIN_LENGTH = 3


def pattern(words: Iterable[str]) -> re.Pattern[str] | None:
    """One case-insensitive pattern for all ``words``, the longest first (so a full name
    goes before the first name it starts with); None when there is nothing to look for."""
    found = sorted(
        {w.strip() for w in words if len(w.strip()) >= MIN_LENGTH}, key=len, reverse=True
    )
    if not found:
        return None
    return re.compile("|".join(re.escape(w) for w in found), re.IGNORECASE)


def redact(value: Any, words: re.Pattern[str] | None, label: str) -> Any:
    """``value`` (text, or JSON made of dicts, lists and text) with each of the words
    replaced by ``label``; keys of dicts too."""
    if words is None:
        return value
    if isinstance(value, str):
        return words.sub(label, value)
    if isinstance(value, list):
        return [redact(v, words, label) for v in value]
    if isinstance(value, dict):
        return {redact(k, words, label): redact(v, words, label) for k, v in value.items()}
    return value
