"""Legacy Word 97-2003 `.doc`: antiword (UTF-8 output), else catdoc, else LibreOffice headless.

antiword writes a table row as `|cell   |cell   |`; rows are rewritten as the readers'
table lines (`| cell | cell |`, readers.grid) — antiword writes one line per visual line
of a row, so a cell of several lines spreads over several rows. LibreOffice (converting
to .docx, then read as a .docx) runs only when it is installed and the converters above
are missing or cannot read the file.
"""
from __future__ import annotations

import os
import re
import shutil
import subprocess
import tempfile
from pathlib import Path

from .base import DocumentError, clean_extracted, is_blank

OLE_MAGIC = b"\xd0\xcf\x11\xe0\xa1\xb1\x1a\xe1"
TIMEOUT = 120  # seconds per converter run
INSTALL_HINT = "Debian: apt-get install antiword"
_BLANKS = re.compile(r"\n{3,}")


def read_doc(data: bytes) -> tuple[str, dict]:
    if data.lstrip()[:5] == b"{\\rtf":
        return _via_libreoffice_or(data, "an RTF file named .doc: save it as .docx", "RTF")
    if data[:8] != OLE_MAGIC:
        raise DocumentError("", "broken .doc: not a Word 97-2003 document (no OLE2 header)", "broken DOC")
    errors = []
    with tempfile.TemporaryDirectory(prefix="solieu-doc-") as tmp:
        path = Path(tmp) / "in.doc"
        path.write_bytes(data)
        for tool, args in (("antiword", ["-m", "UTF-8.txt", "-w", "0"]), ("catdoc", ["-d", "utf-8", "-w"])):
            exe = shutil.which(tool)
            if exe is None:
                continue
            try:
                p = subprocess.run([exe, *args, str(path)], capture_output=True, timeout=TIMEOUT,
                                   env={**os.environ, "LC_ALL": "C.UTF-8"})
            except subprocess.TimeoutExpired:
                errors.append(f"{tool} took more than {TIMEOUT} s")
                continue
            text = p.stdout.decode("utf-8", "replace")
            if p.returncode == 0 and not is_blank(text):
                return _tidy(text, tool), {"converter": tool}
            errors.append(" ".join(p.stderr.decode("utf-8", "replace").split())[:120] or f"{tool} found no text")
    if errors:
        return _via_libreoffice_or(data, f"broken .doc, cannot be read ({errors[0]})", "broken DOC")
    return _via_libreoffice_or(data, f"reading .doc needs antiword or catdoc, and neither is installed ({INSTALL_HINT})",
                               "DOC converter missing")


def _tidy(text: str, tool: str) -> str:
    lines = []
    for line in clean_extracted(text).split("\n"):
        line = line.rstrip()
        stripped = line.strip()
        if tool == "antiword" and len(stripped) > 1 and stripped.startswith("|") and stripped.endswith("|"):
            cells = [" ".join(c.split()) for c in stripped[1:-1].split("|")]
            if not any(cells):
                continue
            line = "| " + " | ".join(cells) + " |"
        lines.append(line)
    return _BLANKS.sub("\n\n", "\n".join(lines)).strip("\n")


def _libreoffice() -> str | None:
    return shutil.which("soffice") or shutil.which("libreoffice")


def _via_libreoffice_or(data: bytes, reason: str, kind: str) -> tuple[str, dict]:
    """LibreOffice headless .doc/.rtf -> .docx, read as a .docx; else the DocumentError given."""
    exe = _libreoffice()
    if exe is None:
        raise DocumentError("", reason, kind)
    from .docx import read_docx

    with tempfile.TemporaryDirectory(prefix="solieu-lo-") as tmp:
        src = Path(tmp) / "in.doc"
        src.write_bytes(data)
        try:
            subprocess.run([exe, f"-env:UserInstallation=file://{tmp}/profile", "--headless", "--convert-to",
                            "docx", "--outdir", tmp, str(src)], capture_output=True, timeout=TIMEOUT)
        except subprocess.TimeoutExpired:
            raise DocumentError("", reason, kind) from None
        out = Path(tmp) / "in.docx"
        if not out.exists():
            raise DocumentError("", reason, kind)
        text, info = read_docx(out.read_bytes())
    info["converter"] = "libreoffice"
    return text, info
