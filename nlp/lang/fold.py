"""Folding: lower case without Vietnamese diacritics, đ/Đ -> d (`Nghị Định` -> `nghi dinh`).

The one folding function of the project: the extractor (ASCII spellings of type words),
the store's folded full-text index and search's queries all fold through it, so that both
sides of a match fold identically.
"""
from __future__ import annotations

import unicodedata

# Ð/ð (U+00D0/U+00F0, the Icelandic eth) stand in for Đ/đ in some legacy-encoded texts.
_D_FOLD = str.maketrans({"đ": "d", "Đ": "D", "ð": "d", "Ð": "D"})


def fold(s: str | None) -> str:
    """Folded `s`; "" for None or a non-string."""
    if not isinstance(s, str) or not s:
        return ""
    decomposed = unicodedata.normalize("NFD", s.translate(_D_FOLD))
    return "".join(c for c in decomposed if not unicodedata.combining(c)).lower()
