"""Plain text (.txt/.md, stdin, pastes): UTF-8 (BOM tolerated) or UTF-16 with a BOM; nothing stripped."""
from __future__ import annotations

import re

from .base import DocumentError

_CONTROL = re.compile(r"[\x00-\x08\x0e-\x1f\x7f]")


def decode_text(data: bytes) -> tuple[str, dict]:
    """UTF-8 (BOM tolerated), or UTF-16 when a BOM says so; nothing else is guessed."""
    if data[:2] in (b"\xff\xfe", b"\xfe\xff"):
        try:
            text, encoding = data.decode("utf-16"), "utf-16"
        except UnicodeDecodeError as exc:
            raise DocumentError("", f"invalid UTF-16 at byte offset {exc.start}", "invalid UTF-16") from None
    else:
        nul = data.find(b"\x00")
        if nul >= 0:
            raise DocumentError("", f"binary data, not text (NUL byte at byte offset {nul})", "binary data")
        try:
            text, encoding = data.decode("utf-8-sig"), "utf-8"
        except UnicodeDecodeError as exc:
            bad = data[exc.start:exc.start + 1].hex()
            line = data.count(b"\n", 0, exc.start) + 1
            raise DocumentError("", f"invalid UTF-8 at byte offset {exc.start} (line {line}, byte 0x{bad}); "
                                    "save the file as UTF-8", "invalid UTF-8") from None
    sample = text[:4096]
    if sample and len(_CONTROL.findall(sample)) > max(8, len(sample) // 20):
        raise DocumentError("", "binary data, not text (many control characters)", "binary data")
    return text, {"encoding": encoding}
