"""Gold annotation files (corpus/gold/**/*.jsonl): loading, with offsets resolved.

A gold line names its document (`doc`, the text file's stem), its `type`, `text` and
`n` (which occurrence of `text` in the NFC document text). `start`/`end` are derived
from `text` + `n` when absent, and checked when present: a line whose offsets do not
slice to its `text` is an error, reported with the file and line number.
"""
from __future__ import annotations

import json
import unicodedata
from pathlib import Path
from typing import Any


class GoldError(ValueError):
    pass


def read_text(path: Path) -> str:
    """A corpus text file as the canonical NFC string (what offsets index)."""
    return unicodedata.normalize("NFC", path.read_bytes().decode("utf-8"))


def nth_occurrence(text: str, needle: str, n: int) -> int:
    pos = -1
    for _ in range(max(n, 1)):
        pos = text.find(needle, pos + 1)
        if pos < 0:
            return -1
    return pos


def resolve(line: dict[str, Any], text: str, where: str) -> dict[str, Any]:
    needle = unicodedata.normalize("NFC", line["text"])
    if "start" in line and "end" in line:
        if text[line["start"]:line["end"]] != needle:
            raise GoldError(f"{where}: offsets {line['start']}-{line['end']} do not slice to {needle!r}")
        return {**line, "text": needle}
    start = nth_occurrence(text, needle, int(line.get("n", 1)))
    if start < 0:
        raise GoldError(f"{where}: occurrence {line.get('n', 1)} of {needle!r} not found")
    return {**line, "text": needle, "start": start, "end": start + len(needle)}


def load_gold_file(path: Path, text_dirs: list[Path]) -> tuple[str, str, list[dict[str, Any]]]:
    """(doc id, NFC text, resolved gold lines) for one gold file."""
    doc = path.stem
    text_path = next((d / f"{doc}.txt" for d in text_dirs if (d / f"{doc}.txt").exists()), None)
    if text_path is None:
        raise GoldError(f"{path}: no text file {doc}.txt in {[str(d) for d in text_dirs]}")
    text = read_text(text_path)
    lines = []
    for i, raw in enumerate(path.read_text(encoding="utf-8").splitlines(), 1):
        if not raw.strip():
            continue
        try:
            obj = json.loads(raw)
        except json.JSONDecodeError as exc:
            raise GoldError(f"{path}:{i}: invalid JSON: {exc}") from exc
        lines.append(resolve(obj, text, f"{path}:{i}"))
    lines.sort(key=lambda d: (d["start"], d["end"]))
    return doc, text, lines


def load_gold(gold_dir: Path | str, text_dirs: list[Path | str] | Path | str) -> dict[str, tuple[str, list[dict[str, Any]]]]:
    """{doc id: (NFC text, gold lines)} for every *.jsonl under gold_dir (recursively)."""
    gold_dir = Path(gold_dir)
    if isinstance(text_dirs, (str, Path)):
        text_dirs = [text_dirs]
    dirs = [Path(d) for d in text_dirs]
    files = sorted(gold_dir.rglob("*.jsonl")) if gold_dir.is_dir() else [gold_dir]
    out: dict[str, tuple[str, list[dict[str, Any]]]] = {}
    for f in files:
        doc, text, lines = load_gold_file(f, dirs)
        out[doc] = (text, lines)
    return out
