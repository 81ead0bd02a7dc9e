import argparse
import sys
from collections import Counter
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

try:
    from nlp.training.gold import load_gold
except ImportError:
    from nlp.gold import load_gold

from nlp.context import DocumentContext

SETS = {
    "train": (ROOT / "corpus/gold/train", ROOT / "corpus/train", 2017),
    "extra": (ROOT / "corpus/gold/extra", ROOT / "corpus/extra", None),
}


def prf(tp, fp, fn):
    p = tp / (tp + fp) if tp + fp else 0.0
    r = tp / (tp + fn) if tp + fn else 0.0
    return p, r, (2 * p * r / (p + r) if p + r else 0.0)


def score(name, source_year=None, show_errors=0):
    gold_dir, text_dir, _ = SETS[name]
    gold = load_gold(gold_dir, text_dir)
    n_year = ok_year = n_null = filled_null = n_all = ok_all = 0
    by_source = Counter()
    ok_by_source = Counter()
    role = {"union": [0, 0, 0], "hint": [0, 0, 0], "frame": [0, 0, 0], "period": [0, 0, 0]}
    errors = []
    for doc, (text, lines) in sorted(gold.items()):
        ctx = DocumentContext.build(text, source_date=source_year)
        for g in lines:
            if g["type"] != "figure":
                continue
            s, e = g["start"], g["end"]
            year, src = ctx.year_at(s, e)
            gy = g.get("year")
            n_all += 1
            ok_all += year == gy
            if gy is None:
                n_null += 1
                filled_null += year is not None
            else:
                n_year += 1
                ok_year += year == gy
                by_source[src] += 1
                ok_by_source[src] += year == gy
                if year != gy:
                    errors.append((doc, g["text"], gy, year, src, text[max(0, s - 90):s].replace("\n", " ")))
            frame = ctx.frame_at(s)
            period = ctx.period_at(s, e, inherit=False)
            preds = {
                "frame": frame.kind == "target",
                "period": period is not None and period.relation == "future",
                "hint": ctx.role_hint(s, e) == "target",
            }
            preds["union"] = preds["frame"] or preds["period"]
            is_target = g["role"] == "target"
            for k, pred in preds.items():
                role[k][0] += pred and is_target
                role[k][1] += pred and not is_target
                role[k][2] += (not pred) and is_target
    label = name + (f" (source year {source_year})" if source_year else "")
    print(f"== {label}: {len(gold)} documents, {n_all} figures, {n_year} with a gold year")
    print(f"  year accuracy (gold year set)      {ok_year / n_year:.3f}  ({ok_year}/{n_year})")
    print(f"  year exact incl. null              {ok_all / n_all:.3f}  ({ok_all}/{n_all})")
    print(f"  year filled where gold is null     {filled_null}/{n_null}")
    print("  by source: " + ", ".join(f"{k or 'none'} {ok_by_source[k]}/{v}" for k, v in by_source.most_common()))
    for k in ("union", "hint", "frame", "period"):
        tp, fp, fn = role[k]
        p, r, f = prf(tp, fp, fn)
        what = {"union": "target frame or future period", "frame": "target frame only",
                "period": "future period only", "hint": "role_hint (forecasts kept actual)"}[k]
        print(f"  target <= {what:34s} P {p:.3f}  R {r:.3f}  F1 {f:.3f}  (tp {tp}, fp {fp}, fn {fn})")
    for err in errors[:show_errors]:
        print("   ", err)


def main():
    ap = argparse.ArgumentParser()
    ap.add_argument("--errors", type=int, default=0)
    ap.add_argument("--set", choices=sorted(SETS), action="append")
    args = ap.parse_args()
    for name in args.set or ["train", "extra"]:
        score(name, show_errors=args.errors)
        if SETS[name][2]:
            score(name, SETS[name][2], show_errors=0)


if __name__ == "__main__":
    main()
