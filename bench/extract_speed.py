"""Syllables/second of `solieu extract` as a whole process vs. underthesea.word_tokenize alone.

Both processes read the same first N articles of the scale corpus (default 300), written
as .txt files, in one run; each is timed from process start to exit (imports included).
Each is run --repeat times, interleaved; the medians are compared.
Target (issue 2): ratio extract_time / tokenize_time <= 1.0.
The CPU seconds (user + system) of the same processes are reported too: on a machine
shared with other work, wall-clock time varies with the load, CPU time much less.

    python bench/extract_speed.py [--n 300]
"""
from __future__ import annotations

import argparse
import resource
import statistics
import subprocess
import sys
import tempfile
import time
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))
from bench.common import save, scale_articles  # noqa: E402

TOKENIZE_ONLY = """
import sys
from pathlib import Path
from underthesea import word_tokenize
for p in sorted(Path(sys.argv[1]).glob('*.txt')):
    word_tokenize(p.read_text(encoding='utf-8'))
"""


def timed(cmd: list[str]) -> tuple[float, float]:
    """(wall seconds, CPU seconds) of one whole process."""
    before = resource.getrusage(resource.RUSAGE_CHILDREN)
    t0 = time.perf_counter()
    subprocess.run(cmd, check=True, stdout=subprocess.DEVNULL)
    wall = time.perf_counter() - t0
    after = resource.getrusage(resource.RUSAGE_CHILDREN)
    return wall, (after.ru_utime - before.ru_utime) + (after.ru_stime - before.ru_stime)


def main() -> None:
    ap = argparse.ArgumentParser()
    ap.add_argument("--n", type=int, default=300)
    ap.add_argument("--repeat", type=int, default=3, help="interleaved runs of each; medians are reported")
    args = ap.parse_args()
    with tempfile.TemporaryDirectory() as tmp:
        d = Path(tmp)
        syllables = 0
        for i, art in enumerate(scale_articles(args.n)):
            (d / f"{i:05d}.txt").write_text(art["text"], encoding="utf-8")
            syllables += len(art["text"].split())
        files = sorted(str(p) for p in d.glob("*.txt"))
        toks, exts, tok_cpu, ext_cpu = [], [], [], []
        for _ in range(args.repeat):  # interleaved, so that machine noise hits both alike
            wall, cpu = timed([sys.executable, "-c", TOKENIZE_ONLY, str(d)])
            toks.append(wall)
            tok_cpu.append(cpu)
            wall, cpu = timed([sys.executable, "-m", "nlp", "extract", *files, "--out", str(d / "out.jsonl")])
            exts.append(wall)
            ext_cpu.append(cpu)
        tok, ext = statistics.median(toks), statistics.median(exts)
        n_records = sum(1 for _ in open(d / "out.jsonl", encoding="utf-8"))
    result = {
        "articles": args.n, "syllables": syllables, "outputs": n_records,
        "repeat": args.repeat, "tokenize_runs_s": [round(t, 2) for t in toks], "extract_runs_s": [round(t, 2) for t in exts],
        "tokenize_seconds": round(tok, 2), "extract_seconds": round(ext, 2),
        "tokenize_syllables_per_s": round(syllables / tok), "extract_syllables_per_s": round(syllables / ext),
        "ratio_extract_over_tokenize": round(ext / tok, 3), "target_ratio": 1.0,
        "tokenize_cpu_s": round(statistics.median(tok_cpu), 2), "extract_cpu_s": round(statistics.median(ext_cpu), 2),
        "cpu_ratio_extract_over_tokenize": round(statistics.median(ext_cpu) / statistics.median(tok_cpu), 3),
    }
    print(save("extract_speed", result))
    for k, v in result.items():
        print(f"{k}: {v}")


if __name__ == "__main__":
    main()
