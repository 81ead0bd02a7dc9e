"""`solieu extract FOLDER`: mixed files, a progress bar and one summary line on stderr."""
import json
import shutil
import subprocess
import sys
from pathlib import Path

from tests.paths import SEEDS

FIX = Path(__file__).parent / "fixtures" / "readers"


def test_folder_of_mixed_files(tmp_path):
    folder = tmp_path / "in"
    (folder / "sub").mkdir(parents=True)
    shutil.copy(next(SEEDS.glob("*.txt")), folder / "a.txt")
    shutil.copy(FIX / "plan.docx", folder / "sub" / "plan.docx")
    shutil.copy(FIX / "law.doc", folder / "law.doc")
    shutil.copy(FIX / "scan.pdf", folder / "scan.pdf")
    (folder / "bad.pdf").write_bytes(b"%PDF-1.4\n%garbage without objects")
    (folder / "notes.json").write_text("{}", encoding="utf-8")
    (folder / ".hidden.txt").write_text("ẩn", encoding="utf-8")
    p = subprocess.run([sys.executable, "-m", "nlp", "extract", str(folder), "--progress"],
                       capture_output=True, timeout=600)
    err = p.stderr.decode()
    assert p.returncode == 1  # one file was refused
    assert "Traceback" not in err
    errors = [line for line in err.splitlines() if line.startswith("solieu: ")]
    assert len(errors) == 1 and "bad.pdf" in errors[0] and "broken PDF" in errors[0]
    summary = err.strip().splitlines()[-1]
    assert summary.startswith("solieu extract: extracted 4 (1 by OCR), refused 1 (broken PDF: 1), "
                              "skipped 1 not of a supported type (.json: 1) in "), summary
    assert "extract:" in err and "file/s" in err or "files/s" in err or "s/file" in err  # tqdm's bar
    docs = [json.loads(line) for line in p.stdout.decode().splitlines()]
    assert sorted(d["doc"]["id"] for d in docs) == ["a", "law", "plan", "scan"]
    scan = next(d for d in docs if d["doc"]["id"] == "scan")
    assert scan["doc"]["ocr"]["pages"] == [1] and all(r["source"].startswith("ocr:") for r in scan["records"])
    plan = next(d for d in docs if d["doc"]["id"] == "plan")
    assert any(r["source"].startswith("table:") for r in plan["records"])
