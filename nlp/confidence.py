"""The confidence of a legal reference: how often a mention of its form is right.

A reference is certain in proportion to what its mention spells out. Its form is one of
- `code+year`: the full official number, with the issuer code and the year (`82/2024/NĐ-CP`);
- `code`: number and code without a year (`06/QĐ-TTg`, `93/KH-UBND`);
- `bare-code`: a code with no type word before it (`Số: 636/TB-VPCP`);
- `inferred`: no code written, the id completed from the type, the issuer and the year
  (`Nghị định số 82 năm 2024` -> `82/2024/NĐ-CP`);
- `alias`: a short form that the text ties to a full id (`Đề án 06` -> `06/QĐ-TTg`,
  `Công điện 159` after `159/CĐ-TTg`);
- `short`: type and number only (`Chỉ thị số 34`, `Nghị quyết 02`).
Its confidence is the share of mentions of that form which match a gold reference with
the right id, measured on the training gold by `solieu train` (nlp.training.legal_calibration)
and shrunk towards the overall share for forms seen rarely; the table is
models/role/legal_confidence.json. Without the table, PRIOR stands in.
"""
from __future__ import annotations

import json
import logging
import re
from functools import lru_cache
from pathlib import Path

from .records import LegalRef
from .roles.model import DEFAULT_MODEL_DIR

log = logging.getLogger(__name__)

FORMS = ("code+year", "code", "bare-code", "inferred", "alias", "short")
TABLE_FILE = "legal_confidence.json"
# Before any calibration: more spelled out, more certain (the order the forms are listed in).
PRIOR = {"code+year": 0.98, "code": 0.95, "bare-code": 0.9, "inferred": 0.9, "alias": 0.85, "short": 0.8}
_YEAR = re.compile(r"(?<!\d)(?:19|20)\d\d(?!\d)")


def legal_form(ref: LegalRef) -> str:
    """The form of a mention (see the module's docstring)."""
    if ref.source.endswith("bare-code"):
        return "bare-code"
    if ref.code:
        return "code+year" if _YEAR.search(ref.text) else "code"
    if ref.refers_to:
        return "alias"
    if "/" in ref.id and any(ch.isupper() for ch in ref.id.split("/")[-1]):
        return "inferred"  # an issuer code the mention does not write
    return "short"


@lru_cache(maxsize=4)
def load_table(model_dir: Path = DEFAULT_MODEL_DIR) -> dict[str, float]:
    """{form: confidence} from models/role/legal_confidence.json, PRIOR where it says nothing."""
    path = Path(model_dir) / TABLE_FILE
    table = dict(PRIOR)
    try:
        saved = json.loads(path.read_text(encoding="utf-8"))
        for form, row in (saved.get("forms") or {}).items():
            if form in table and isinstance(row, dict) and isinstance(row.get("confidence"), (int, float)):
                table[form] = float(row["confidence"])
    except FileNotFoundError:
        pass
    except (OSError, ValueError) as exc:
        log.warning("solieu: %s unreadable (%s); legal references take the prior confidence", path, exc)
    return table


def with_confidence(refs: list[LegalRef], table: dict[str, float] | None = None) -> list[LegalRef]:
    """The references with `confidence` set from their form."""
    table = table if table is not None else load_table()
    return [r.with_(confidence=table.get(legal_form(r), PRIOR["short"])) for r in refs]
