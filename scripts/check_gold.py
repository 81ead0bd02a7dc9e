#!/usr/bin/env python3
"""Check hand-written gold lines (GUIDELINES.md format) against their text, stdlib only.

    python3 scripts/check_gold.py corpus/gold/train/DOC.jsonl [--texts corpus/train] [--show]

Annotators run this instead of the extractor: it never calls solieu. Every line must be
valid JSON with the fields its type needs, and `text` + `n` must resolve to an occurrence
in the NFC document; --show prints each line's occurrence in context so a wrong `n` is seen.
"""
from __future__ import annotations

import argparse
import json
import re
import sys
import unicodedata
from pathlib import Path

FIGURE = {"value", "total", "unit", "role", "comparator", "indicator", "year"}
LEGAL = {"doc_type", "number", "year", "code", "id"}
ROLES = {"target", "actual", "other"}
COMPARATORS = {"=", ">=", ">", "<=", "<", "~"}


def nth(text: str, needle: str, n: int) -> int:
    pos = -1
    for _ in range(max(n, 1)):
        pos = text.find(needle, pos + 1)
        if pos < 0:
            return -1
    return pos


_NUMBER = re.compile(r"\d+(?:\.\d{3})*(?:,\d+)?")
_SCALE = re.compile(r"\s*(nghìn tỷ|nghìn tỉ|ngàn tỷ|ngàn tỉ|tỷ|tỉ|triệu|nghìn|ngàn)(?!\w)", re.IGNORECASE)
_SCALES = {"nghìn tỷ": 1e12, "nghìn tỉ": 1e12, "ngàn tỷ": 1e12, "ngàn tỉ": 1e12, "tỷ": 1e9, "tỉ": 1e9,
           "triệu": 1e6, "nghìn": 1e3, "ngàn": 1e3}


def scale_slip(text: str, value: float) -> str | None:
    """"1000 times" / "1/1000 of" when `value` is the written number with its scale word
    (`2.500 tỷ đồng` -> 2.5e12) off by a power of a thousand: the slip a hand-typed value
    makes (10^12 typed for tỷ). None when it matches, or when the text is not that simple."""
    m = _NUMBER.search(text)
    if not m or not value:
        return None
    num = float(m.group().replace(".", "").replace(",", "."))
    expected, pos, scaled = num, m.end(), False
    while (sc := _SCALE.match(text, pos)):  # `1,3 triệu tỷ` = 1,3 x 10^6 x 10^9
        expected, pos, scaled = expected * _SCALES[sc.group(1).lower()], sc.end(), True
    if not scaled or not expected:
        return None  # a bare number may be a range's lower bound, scaled like its upper one
    for k in (1, 2, 3, 4):
        for factor, word in ((1000.0 ** k, f"{1000 ** k:,} times".replace(",", ".")),
                             (1000.0 ** -k, f"1/{1000 ** k:,} of".replace(",", "."))):
            if abs(value - expected * factor) <= 1e-6 * abs(expected * factor):
                return word
    return None


def check(path: Path, text_dirs: list[Path], show: bool) -> list[str]:
    doc = path.stem
    tp = next((d / f"{doc}.txt" for d in text_dirs if (d / f"{doc}.txt").exists()), None)
    if tp is None:
        return [f"{path}: no text {doc}.txt"]
    text = unicodedata.normalize("NFC", tp.read_text(encoding="utf-8"))
    errors, seen = [], set()
    for i, raw in enumerate(path.read_text(encoding="utf-8").splitlines(), 1):
        if not raw.strip():
            continue
        where = f"{path.name}:{i}"
        try:
            o = json.loads(raw)
        except json.JSONDecodeError as e:
            errors.append(f"{where}: bad JSON: {e}"); continue
        if o.get("doc") != doc:
            errors.append(f"{where}: doc should be {doc!r}")
        kind = o.get("type")
        need = {"figure": FIGURE, "legal_ref": LEGAL, "ignore": set()}.get(kind)
        if need is None:
            errors.append(f"{where}: type must be figure, legal_ref or ignore"); continue
        missing = need - o.keys()
        if missing:
            errors.append(f"{where}: missing {sorted(missing)}")
        needle = unicodedata.normalize("NFC", o.get("text", ""))
        n = int(o.get("n", 1))
        start = nth(text, needle, n) if needle else -1
        if start < 0:
            errors.append(f"{where}: occurrence {n} of {needle!r} not found"); continue
        if (kind, start) in seen:
            errors.append(f"{where}: same occurrence annotated twice ({needle!r} n={n})")
        seen.add((kind, start))
        if kind == "figure":
            if o.get("role") not in ROLES:
                errors.append(f"{where}: role {o.get('role')!r}")
            if o.get("comparator") not in COMPARATORS:
                errors.append(f"{where}: comparator {o.get('comparator')!r}")
            if not isinstance(o.get("value"), (int, float)):
                errors.append(f"{where}: value must be a number")
            else:
                slip = scale_slip(needle, o["value"])
                if slip:
                    errors.append(f"{where}: value {o['value']} is {slip} what {needle!r} says "
                                  "(nghìn = 10^3, triệu = 10^6, tỷ = 10^9, nghìn tỷ = 10^12)")
            y = o.get("year")
            if y is not None and not (isinstance(y, int) and 1900 <= y <= 2100):
                errors.append(f"{where}: year {y!r}")
        if kind == "legal_ref" and not isinstance(o.get("number"), str):
            errors.append(f"{where}: number must be a string")
        if show:
            a, b = max(0, start - 60), min(len(text), start + len(needle) + 40)
            ctx = (text[a:start] + "[[" + needle + "]]" + text[start + len(needle):b]).replace("\n", " ")
            print(f"{where} {kind} {o.get('role', '')}: ...{ctx}...")
    return errors


def main() -> int:
    ap = argparse.ArgumentParser()
    ap.add_argument("files", nargs="+", type=Path)
    ap.add_argument("--texts", action="append", type=Path, default=[])
    ap.add_argument("--show", action="store_true")
    a = ap.parse_args()
    dirs = a.texts or [Path("corpus/train"), Path("corpus/extra"), Path("corpus/seeds")]
    errs = [e for f in a.files for e in check(f, dirs, a.show)]
    for e in errs:
        print(e, file=sys.stderr)
    print(f"{len(a.files)} file(s), {len(errs)} error(s)")
    return 1 if errs else 0


if __name__ == "__main__":
    sys.exit(main())
