"""Search latency on the scale store (made by bench/ingest_scale.py): p50/p95 per kind.

Queries: decrees in user spellings (`nd 82/2024`, `nghi dinh 82`, `82/2024/nd-cp`, built
from the store's most cited ids in rotation, plus fixed ones), free-text document queries
(words and phrases), figure indicator queries and indicator (tracking) queries, at least
20 of each kind. Each query runs REPEAT times on a fresh read-only connection; all timings
count (the first, cold one included). Target (issue 9): p95 < 20 ms for decrees, documents,
figures and indicators alike. Also timed, for information: the whole search box
(`search_all`: every kind at once with the document counts, what the Search page runs)
and one indicator's series (`indicator_series`, what an indicator page reads).

    python bench/search_latency.py [--db bench/results/scale.db | --db postgresql://...] [--repeat 3] [--name NAME]

`--db` a PostgreSQL URL: the same queries on the PostgreSQL store (tsvector + GIN); the
result goes to bench/results/search_latency_postgresql.json unless --name says otherwise.
"""
from __future__ import annotations

import argparse
import json
import os
import statistics
import sys
import time
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))
from bench.common import RESULTS, save  # noqa: E402

FIXED_DECREES = [
    "nghị định 82", "nd 82/2024", "qd 06/ttg", "de an 06", "ct 34", "luật 38", "thông tư 76",
    "nghi dinh 46/2016", "nd 100", "quyết định 1012",
]
DOCUMENTS = [
    "chuyển đổi số", "tăng trưởng kinh tế", '"dịch vụ công trực tuyến"', "giải ngân vốn đầu tư công",
    "an toàn giao thông", "xuất khẩu gạo", "Hà Nội", "bảo hiểm xã hội", "giá xăng", "ngân hàng nhà nước lãi suất",
    '"thủ tướng chính phủ"', "doanh nghiệp nhỏ và vừa", "du lịch lượt khách", "dinh duong tre em",
    "bóng đá", "thị trường chứng khoán", "biến đổi khí hậu", "cải cách hành chính", "nông thôn mới",
    "tham nhũng", "giáo dục đại học", "y tế cơ sở", "đường cao tốc", "điện lực", "thuế thu nhập",
]
FIGURES = [
    "tỷ lệ", "tăng trưởng", "doanh thu", "kim ngạch xuất khẩu", "lượt khách", "GDP", "vốn đầu tư",
    "lãi suất", "giá", "dân số", "học sinh", "bệnh nhân", "diện tích", "sản lượng", "lợi nhuận",
    "ty le ho ngheo", "thu ngan sach", "người lao động", "doanh nghiệp", "tai nạn giao thông",
    "cổ phiếu", "vốn điều lệ", "hộ nghèo", "xuất khẩu", "tín dụng",
]


INDICATORS = [
    "chỉ số giá tiêu dùng", "tăng trưởng kinh tế", "tỷ lệ hộ nghèo", "kim ngạch xuất khẩu", "tốc độ tăng trưởng",
    "lượt khách", "tổng vốn đầu tư", "doanh thu", "GDP", "CPI", "lãi suất", "thu ngân sách", "giải ngân",
    "tỷ lệ", "dân số", "diện tích", "sản lượng", "lợi nhuận", "vốn điều lệ", "xuất khẩu", "tai nạn giao thông",
    "tăng trưởng tín dụng", "ty le ho so truc tuyen", "giá trị sản xuất", "năng suất lao động",
]


def decree_queries(store, n: int = 20) -> list[str]:
    """User spellings of the store's most cited ids (rotating through spelling styles)."""
    from nlp.lang.fold import fold

    out = list(FIXED_DECREES)
    top = [t[0] for t in store.stats(top=n)["top_cited"]]
    styles = [
        lambda e: fold(e["id"]),
        lambda e: f"{fold(e['doc_type'] or '')} {e['number']}",
        lambda e: f"{e['doc_type'] or ''} số {e['number']}" + (f"/{e['year']}" if e.get("year") else ""),
        lambda e: e["id"].lower(),
    ]
    for i, lid in enumerate(top):
        e = store.legal_document(lid, mentions_limit=0)
        if e and e.get("number"):
            out.append(styles[i % len(styles)](e))
    return out


def pct(values: list[float], q: float) -> float:
    return statistics.quantiles(values, n=100, method="inclusive")[q - 1] if len(values) > 1 else values[0]


def main() -> None:
    ap = argparse.ArgumentParser()
    ap.add_argument("--db", default=str(RESULTS / "scale.db"), help="an SQLite file or a postgresql:// URL")
    ap.add_argument("--repeat", type=int, default=3)
    ap.add_argument("--name", default=None, help="result file name (bench/results/NAME.json)")
    args = ap.parse_args()

    from nlp.search import search, search_decrees, search_documents, search_figures
    from nlp.store import is_postgres, open_store
    from nlp.tracking import indicator_series, search_indicators

    postgres = is_postgres(args.db)
    if not postgres and not Path(args.db).exists():
        raise SystemExit(f"no store at {args.db}: run bench/ingest_scale.py first")
    with open_store(args.db, readonly=True) as s:
        kinds = {
            "decree": (decree_queries(s), lambda st, q: search_decrees(st, q, limit=20)),
            "document": (DOCUMENTS, lambda st, q: search_documents(st, q, limit=20)),
            "figure": (FIGURES, lambda st, q: search_figures(st, q, limit=50)),
            "indicator": (INDICATORS, lambda st, q: search_indicators(st, q, limit=20)),
        }
        extra = {  # for information, no target: the Search page's whole box, an indicator page's data
            "search_all": ([*DOCUMENTS[:10], *FIXED_DECREES[:5], *INDICATORS[:10]],
                           lambda st, q: search(st, q, limit=30)["documents"]),
            "indicator_series": ([g for q in INDICATORS[:10] for g in search_indicators(s, q, limit=2)],
                                 lambda st, g: (indicator_series(st, g["key"], g["unit"]) or {}).get("points", [])),
        }
        n_docs = s.count_documents()
    result: dict = {"db": _redacted(args.db), "backend": "postgresql" if postgres else "sqlite", "documents": n_docs,
                    "repeat": args.repeat, "kinds": {}}
    for kind, (queries, fn) in {**kinds, **extra}.items():
        times, cpu, hits = [], [], {}
        with open_store(args.db, readonly=True) as s:  # a fresh connection (SQLite: a cold page cache)
            for q in queries:
                for _ in range(args.repeat):
                    t0, c0 = time.perf_counter(), time.process_time()
                    found = fn(s, q)
                    times.append((time.perf_counter() - t0) * 1000)
                    cpu.append((time.process_time() - c0) * 1000)
                hits[q if isinstance(q, str) else f"{q['key']} [{q['unit']}]"] = len(found)
        result["kinds"][kind] = {
            "queries": len(queries), "runs": len(times),
            "p50_ms": round(pct(times, 50), 2), "p95_ms": round(pct(times, 95), 2), "max_ms": round(max(times), 2),
            # CPU time of this process (SQLite searches in-process): what the search costs,
            # whatever else the machine runs at the time (wall times above include waiting for a core)
            "cpu_p50_ms": round(pct(cpu, 50), 2), "cpu_p95_ms": round(pct(cpu, 95), 2),
            "queries_with_hits": sum(1 for v in hits.values() if v), "hits": hits,
        }
    # The store calls the app's pages make on every run (overview, review queue, decree page).
    calls = {
        "stats": lambda st: st.stats(top=10),
        "list_documents_page": lambda st: st.list_documents(limit=50),
        "review_queue_page": lambda st: st.list_records(status="pending", order="confidence", limit=50),
        "review_queue_figure_targets": lambda st: st.list_records(status="pending", kind="figure", role="target", limit=50),
        "legal_document_most_cited": lambda st: st.legal_document(st.stats(top=1)["top_cited"][0][0]),
    }
    result["store_calls_ms"] = {}
    with open_store(args.db, readonly=True) as s:
        for name, call in calls.items():
            t0 = time.perf_counter()
            call(s)
            result["store_calls_ms"][name] = round((time.perf_counter() - t0) * 1000, 1)
    result["load_average"] = os.getloadavg()  # the machine may be shared: read timings with it
    result["target"] = "p95 < 20 ms for decree, document, figure and indicator (issue 9; issue 11: on PostgreSQL too)"
    result["meets_target"] = all(result["kinds"][k]["p95_ms"] < 20 for k in kinds)
    print(json.dumps({k: {m: v[m] for m in ("queries", "p50_ms", "p95_ms", "max_ms", "cpu_p95_ms", "queries_with_hits")}
                      for k, v in result["kinds"].items()}, indent=2))
    print(json.dumps(result["store_calls_ms"], indent=2))
    print("saved", save(args.name or ("search_latency_postgresql" if postgres else "search_latency"), result))


def _redacted(location: str) -> str:
    import re

    return re.sub(r"(://[^:/@]*):[^@/]*@", r"\1:***@", location)


if __name__ == "__main__":
    main()
