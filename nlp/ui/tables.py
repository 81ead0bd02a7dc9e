"""Records as pandas tables for st.dataframe: one frame per record type, readable columns."""
from __future__ import annotations

from typing import Any, Iterable

import pandas as pd

from ..records import FIELDS, as_dict

# The span, the guideline fields of the type (the canonical id first: what a reader looks
# for in a list of references), then the confidence.
FIGURE_COLUMNS = ["text", *FIELDS["figure"], "confidence"]
LEGAL_COLUMNS = ["text", "id", *(f for f in FIELDS["legal_ref"] if f != "id"), "confidence"]
# Columns a stored record adds (review queue, search results), shown when present.
STORE_COLUMNS = ["doc", "status", "reviewer", "rid"]


def _relations_text(rel: Any) -> str:
    if not rel:
        return ""
    return "; ".join(f"{r.get('type')} {r.get('target')}" for r in rel if isinstance(r, dict))


def _frame(rows: list[dict[str, Any]], columns: list[str]) -> pd.DataFrame:
    extra = [c for c in STORE_COLUMNS if any(c in r for r in rows)]
    cols = [*columns, *extra]
    df = pd.DataFrame([{c: r.get(c) for c in cols} for r in rows], columns=cols)
    # Years are labels, not quantities: keep them as nullable ints so they print 2024.
    if "year" in df:
        df["year"] = pd.to_numeric(df["year"], errors="coerce").astype("Int64")
    return df


def figures_frame(records: Iterable[Any]) -> pd.DataFrame:
    rows = [as_dict(r) for r in records]
    return _frame([r for r in rows if r.get("type") == "figure"], FIGURE_COLUMNS)


def legal_frame(records: Iterable[Any]) -> pd.DataFrame:
    rows = []
    for r in map(as_dict, records):
        if r.get("type") == "legal_ref":
            rows.append({**r, "relations": _relations_text(r.get("relations"))})
    return _frame(rows, LEGAL_COLUMNS)


def counts_by_kind(records: Iterable[Any]) -> dict[str, int]:
    """How many records of each highlight kind (for the summary line above a text)."""
    from .highlight import kind_of

    out: dict[str, int] = {}
    for r in records:
        k = kind_of(r)
        out[k] = out.get(k, 0) + 1
    return out


def count_label(n: int, word: str) -> str:
    """`1 document`, `2 documents`: counts in captions and links read as English."""
    return f"{n:,} {word}" + ("" if n == 1 else "s")


def shorten(text: str, n: int = 90) -> str:
    """`text` cut to at most `n` characters at a word boundary, with an ellipsis."""
    text = " ".join((text or "").split())
    if len(text) <= n:
        return text
    cut = text[: n - 1].rsplit(" ", 1)[0] if " " in text[: n - 1] else text[: n - 1]
    return cut.rstrip(" ,;:") + "…"
