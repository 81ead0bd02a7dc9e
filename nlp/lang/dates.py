"""Dates as Vietnamese texts write them: `16/9/2024`, `24.5.2019`, `16 - 9 - 2024`,
`22 tháng 11 năm 2025`, and the years they may carry.

One grammar for every reader of dates: `DATE` is a verbose regex (compile with
re.VERBOSE) with the groups d, m, y (numeric form, one separator used twice) or d2, m2,
y2 (written out); `iso_date` turns a match into `YYYY-MM-DD`, None when the day does not
exist. ASCII spellings (`thang`, `nam`, `ngay`) are accepted: some texts lost their
diacritics.
"""
from __future__ import annotations

import datetime as _dt
import re

# Hyphen first, escaped: these characters go inside [...] classes.
DASHES = r"\-‐‑–—"
# The years of documents of the Socialist Republic (1945 on) and deadlines this century.
YEAR = r"(?:19[4-9]\d|20\d\d)"
DATE = rf"""(?P<d>\d{{1,2}})\s?(?P<sep>[/.{DASHES}])\s?(?P<m>\d{{1,2}})\s?(?P=sep)\s?(?P<y>{YEAR})
           |(?P<d2>\d{{1,2}})\s+th[áa]ng\s+(?P<m2>\d{{1,2}})\s+n[ăa]m\s+(?P<y2>{YEAR})"""
NGAY = r"[nN]g[àa]y"  # `ngày` (day) before a date


def iso_date(m: re.Match) -> str | None:
    """`YYYY-MM-DD` of a match of DATE (inside any larger pattern), None for an impossible day."""
    if m.group("d"):
        d, mo, y = m.group("d"), m.group("m"), m.group("y")
    else:
        d, mo, y = m.group("d2"), m.group("m2"), m.group("y2")
    if d is None:
        return None
    try:
        return _dt.date(int(y), int(mo), int(d)).isoformat()
    except (TypeError, ValueError):
        return None
