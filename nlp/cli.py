"""The `solieu` command: extract | eval | train | ingest | search | indicators | app.

Every user-facing failure is one line on stderr (`solieu: <what>: <why>`), never a
traceback (set SOLIEU_DEBUG=1 to see one); the exit code is 1 when anything failed.
"""
from __future__ import annotations

import json
import os
import sys
from pathlib import Path
from typing import Any

import click

REPO_ROOT = Path(__file__).resolve().parent.parent
FORMATS = ("jsonl", "json", "csv", "docbin")


def _fail_line(what: str, why: str) -> None:
    click.echo(f"solieu: {what}: {why}", err=True)


def _internal(what: str, exc: BaseException) -> str:
    if os.environ.get("SOLIEU_DEBUG"):
        import traceback

        traceback.print_exc()
    return f"internal error ({type(exc).__name__}: {exc})"


@click.group(context_settings={"help_option_names": ["-h", "--help"]})
@click.option("--db", "db", type=click.Path(dir_okay=False), envvar="SOLIEU_DB",
              help="The store: an SQLite file, or a PostgreSQL URL postgresql://USER:PASSWORD@HOST:PORT/DB "
                   "(postgresql:///DB over the local socket). Default: $SOLIEU_DB, else the user data dir.")
@click.version_option(package_name="solieu")
@click.pass_context
def main(ctx: click.Context, db: str | None) -> None:
    """solieu (số liệu): figures, targets and legal references from Vietnamese government text."""
    ctx.ensure_object(dict)
    ctx.obj["db"] = db


# ---------------------------------------------------------------- extract
def _read(path: str, progress: bool | None = None):
    from .readers import read_document

    return read_document(path, progress=progress)  # `-` is stdin, with the same size limit


def extract_one(path: str, *, with_text: bool = False, progress: bool | None = None) -> dict[str, Any]:
    """Read and extract one input: {"doc": header, ["text"], "records": [...]}. Raises DocumentError.
    Records of text read by OCR have a source starting with `ocr:`."""
    from .pipeline import extract
    from .readers import mark_ocr_records

    doc = _read(path, progress)
    out: dict[str, Any] = {"doc": doc.header()}
    if with_text:
        out["text"] = doc.text
    out["records"] = [r.to_dict() for r in mark_ocr_records(doc, extract(doc.text, source_date=doc.date))]
    return out


def expand_inputs(paths: tuple[str, ...] | list[str]) -> tuple[list[str], dict[str, int], bool]:
    """(files to read, {extension: count} skipped inside folders, whether a folder was given).

    A folder gives its files of a supported type, recursively, sorted, hidden ones left out;
    its other files are skipped (counted, not errors). A file named explicitly is always read
    (an unsupported one then gets its error line)."""
    from .readers import SUPPORTED_EXTENSIONS

    files: list[str] = []
    skipped: dict[str, int] = {}
    folder = False
    for path in paths:
        p = Path(path)
        if path != "-" and p.is_dir():
            folder = True
            for f in sorted(p.rglob("*")):
                rel = f.relative_to(p).parts
                if not f.is_file() or any(part.startswith(".") for part in rel):
                    continue
                ext = f.suffix.lower()
                if ext in SUPPORTED_EXTENSIONS:
                    files.append(str(f))
                else:
                    skipped[ext or "no extension"] = skipped.get(ext or "no extension", 0) + 1
        else:
            files.append(path)
    return files, skipped, folder


def summary_line(done: int, ocr: int, refused: dict[str, int], skipped: dict[str, int], seconds: float) -> str:
    """`extracted N (k by OCR), refused M (reason: n, …), skipped K (.ext: n, …) in S s`."""
    def counts(d: dict[str, int]) -> str:
        return ", ".join(f"{k}: {v}" for k, v in sorted(d.items(), key=lambda kv: (-kv[1], kv[0])))

    parts = [f"extracted {done}" + (f" ({ocr} by OCR)" if ocr else "")]
    n_refused = sum(refused.values())
    parts.append(f"refused {n_refused}" + (f" ({counts(refused)})" if n_refused else ""))
    if skipped:
        parts.append(f"skipped {sum(skipped.values())} not of a supported type ({counts(skipped)})")
    return "solieu extract: " + ", ".join(parts) + f" in {seconds:.1f} s"


@main.command("extract")
@click.argument("paths", nargs=-1, required=True)
@click.option("--format", "fmt", type=click.Choice(FORMATS), default="jsonl", show_default=True)
@click.option("--out", "out", type=click.Path(dir_okay=False, writable=True), help="Write here instead of stdout.")
@click.option("--with-text", is_flag=True, help="Include the canonical text that offsets index.")
@click.option("--progress/--no-progress", "progress", default=None,
              help="Progress bars on stderr (files of a folder, OCR pages). Default: when stderr is a terminal.")
def extract_cmd(paths: tuple[str, ...], fmt: str, out: str | None, with_text: bool, progress: bool | None) -> None:
    """Extract figures and legal references from PATH... (.txt .md .html .pdf .docx .doc, - for stdin).

    A folder is read recursively (files of a supported type); then a summary line on stderr
    says how many were extracted and refused, by reason. Scanned PDF pages are read by OCR.
    jsonl/json/csv print records; docbin writes a spaCy DocBin (records as doc.spans).
    """
    import time

    from .export import to_csv
    from .readers import DocumentError

    if fmt == "docbin" and not out:
        _fail_line("extract", "--format docbin writes a binary spaCy DocBin: give --out FILE.spacy")
        sys.exit(2)
    if out and not Path(out).resolve().parent.is_dir():
        # checked before any file is read: a long run must not end in a traceback
        _fail_line("extract", f"--out {out}: folder {Path(out).resolve().parent} does not exist")
        sys.exit(2)
    files, skipped, folder = expand_inputs(paths)
    show = (sys.stderr.isatty() if progress is None else progress) and (folder or len(files) > 1)
    results, refused, ocr = [], {}, 0
    t0 = time.perf_counter()
    if show:  # tqdm is imported only for a bar (~0.1 s of start-up)
        from tqdm import tqdm

        bar = tqdm(files, desc="extract", unit="file", file=sys.stderr, dynamic_ncols=True)

    def fail(path: str, why: str, kind: str) -> None:
        refused[kind] = refused.get(kind, 0) + 1
        line = f"solieu: {path}: {why}"
        tqdm.write(line, file=sys.stderr) if show else click.echo(line, err=True)

    for path in (bar if show else files):
        if show:
            bar.set_postfix_str(Path(path).name[-30:], refresh=False)
        try:
            result = extract_one(path, with_text=with_text or fmt == "docbin", progress=progress)
            results.append(result)
            ocr += bool(result["doc"].get("ocr"))
        except DocumentError as exc:
            fail(path, exc.reason, exc.kind)
        except Exception as exc:  # noqa: BLE001 - one bad file must not stop the others
            fail(path, _internal(path, exc), "internal error")
    if show:
        bar.close()
    failed = sum(refused.values())
    if folder:
        click.echo(summary_line(len(results), ocr, refused, skipped, time.perf_counter() - t0), err=True)
    if fmt == "docbin":
        from .spacy_doc import to_docbin

        Path(out).write_bytes(to_docbin((r["text"], r["records"]) for r in results))
        sys.exit(1 if failed else 0)
    if fmt == "jsonl":
        body = "".join(json.dumps(r, ensure_ascii=False) + "\n" for r in results)
    elif fmt == "json":
        body = json.dumps(results, ensure_ascii=False, indent=2) + "\n"
    else:
        body = to_csv({**rec, "doc": r["doc"]["id"]} for r in results for rec in r["records"])
    if out:
        try:
            Path(out).write_text(body, encoding="utf-8")
        except OSError as exc:
            _fail_line("extract", f"--out {out}: cannot write ({exc.strerror})")
            sys.exit(1)
    else:
        click.echo(body, nl=False)
    sys.exit(1 if failed else 0)


# ---------------------------------------------------------------- eval
@main.command("eval")
@click.argument("gold_dir", required=False, type=click.Path(exists=True))
@click.argument("text_dir", nargs=-1, type=click.Path(exists=True, file_okay=False))
@click.option("--json", "as_json", is_flag=True, help="Machine-readable scores.")
@click.option("--errors", is_flag=True, help="Also list misses, false alarms and matched records whose "
              "fields disagree with gold (one JSON line each).")
@click.option("--grouped", is_flag=True,
              help="Out of sample on the training gold (corpus/gold/extra + train, never dev), grouped by "
                   "document: the role model is retrained without each fold's documents (the code of "
                   "`solieu train`) and the extractor runs on them.")
@click.option("--folds", type=click.IntRange(min=2), default=10, show_default=True, help="With --grouped.")
@click.option("--agreement", "second", type=click.Path(exists=True, file_okay=False), default=None,
              help="A second annotator's gold dir: score it against GOLD_DIR (the reference annotator) "
                   "on the documents both labelled, with role agreement and Cohen's kappa.")
def eval_cmd(gold_dir: str | None, text_dir: tuple[str, ...], as_json: bool, errors: bool, grouped: bool,
             folds: int, second: str | None) -> None:
    """Precision/recall/F1 per type and field accuracies (role, target recall/precision, year,
    unit, comparator, indicator, id) of the extractor on GOLD_DIR."""
    from .pipeline import extract
    from .training.gold import GoldError, load_gold
    from .training.scoring import evaluate, field_disagreements, format_report

    dirs = list(text_dir) or [str(REPO_ROOT / "corpus" / d) for d in ("seeds", "extra", "train", "heldout")]
    if grouped:
        _eval_grouped(folds, as_json, errors)
        return
    if gold_dir is None:
        _fail_line("eval", "give a GOLD_DIR (or --grouped)")
        sys.exit(2)
    if second is not None:
        _eval_agreement(Path(gold_dir), Path(second), [Path(d) for d in dirs], as_json)
        return
    try:
        gold = load_gold(gold_dir, dirs)
    except GoldError as exc:
        _fail_line(gold_dir, str(exc))
        sys.exit(1)
    if not gold:  # scores over nothing would print as a perfect 1.000
        _fail_line("eval", f"{gold_dir}: no gold files (*.jsonl) found")
        sys.exit(1)
    pairs: list = []
    report = evaluate(gold, lambda text: [r.to_dict() for r in extract(text)], pairs)
    if as_json:
        click.echo(json.dumps({"documents": len(gold), **report.to_dict()}, ensure_ascii=False, indent=2))
    else:
        click.echo(f"{len(gold)} documents")
        click.echo(format_report(report))
        fig = report.scores["figure"]
        tr, tp = fig.field("target_recall"), fig.field("target_precision")
        click.echo(f"targets: recall {tr if tr is not None else float('nan'):.3f} "
                   f"(n={len(fig.fields.get('target_recall', []))}), precision "
                   f"{tp if tp is not None else float('nan'):.3f} (n={len(fig.fields.get('target_precision', []))})")
    if errors:
        for e in report.errors + field_disagreements(pairs):
            click.echo(json.dumps(e, ensure_ascii=False))


def _eval_grouped(folds: int, as_json: bool, errors: bool = False) -> None:
    from .training.gold import GoldError
    from .training.grouped import grouped_eval, report_dict, table
    from .training.scoring import field_disagreements
    from .training.train import default_gold_dirs, default_text_dirs

    gold_dirs = default_gold_dirs()
    pairs: list = []
    try:
        reports = grouped_eval(gold_dirs, default_text_dirs(), k=folds,
                               progress=lambda m: click.echo(m, err=True), pairs=pairs)
    except (GoldError, ValueError) as exc:
        _fail_line("eval --grouped", str(exc))
        sys.exit(1)
    if as_json:
        click.echo(json.dumps({k: report_dict(v) for k, v in reports.items()}, ensure_ascii=False, indent=2))
        return
    click.echo(f"out of sample, {folds} folds grouped by document, gold {[d.name for d in gold_dirs]}")
    click.echo(table(list(reports.items())))
    if errors:
        for e in reports["all"].errors + field_disagreements(pairs):
            click.echo(json.dumps(e, ensure_ascii=False))


def _eval_agreement(first: Path, second: Path, text_dirs: list[Path], as_json: bool) -> None:
    from .training.gold import GoldError
    from .training.grouped import agreement, format_agreement, report_dict

    try:
        ag = agreement(second, first, text_dirs)
    except GoldError as exc:
        _fail_line("eval --agreement", str(exc))
        sys.exit(1)
    if as_json:
        click.echo(json.dumps({**{k: v for k, v in ag.items() if k != "report"}, "report": report_dict(ag["report"])},
                              ensure_ascii=False, indent=2))
        return
    click.echo(format_agreement(ag, str(first), str(second)))


# ---------------------------------------------------------------- train
@main.command("train")
@click.option("--gold", "gold_dirs", multiple=True, type=click.Path(file_okay=False),
              help="Gold dirs (repeatable; default: corpus/gold/extra, train, reviewed; never dev or agreement).")
@click.option("--texts", "text_dirs", multiple=True, type=click.Path(file_okay=False),
              help="Text dirs (repeatable; default: corpus/extra, train, seeds, reviewed_texts).")
@click.option("--out", "out_dir", type=click.Path(file_okay=False), default=str(REPO_ROOT / "models" / "role"),
              show_default=True)
@click.option("--reviewed", "reviewed", multiple=True, type=click.Path(exists=True, dir_okay=False),
              help="Review export (JSONL from the Review page, repeatable); its documents' texts must be in --texts.")
@click.option("--from-store", is_flag=True,
              help="Also learn from the records accepted or corrected in the store (--db), with their texts.")
@click.option("--seed", type=int, default=0, show_default=True)
@click.option("--eval", "eval_gold", multiple=True, type=click.Path(exists=True, file_okay=False),
              help="After training, report role accuracy on this held-out gold dir (repeatable).")
@click.option("--json", "as_json", is_flag=True, help="Print the model's meta as JSON.")
@click.pass_context
def train_cmd(ctx: click.Context, gold_dirs: tuple[str, ...], text_dirs: tuple[str, ...], out_dir: str,
              reviewed: tuple[str, ...], from_store: bool, seed: int, eval_gold: tuple[str, ...], as_json: bool) -> None:
    """Train the figure-role classifier from gold in corpus/ (and reviews) and save it with meta.json."""
    import tempfile

    from .roles.model import load
    from .training.train import default_text_dirs, evaluate_roles, summary, train_role

    texts = [Path(d) for d in text_dirs] if text_dirs else default_text_dirs()
    try:
        with tempfile.TemporaryDirectory() as tmp:
            files = [Path(f) for f in reviewed]
            if from_store:
                texts.append(_export_reviews(ctx, Path(tmp)))
                files.append(Path(tmp) / "reviewed.jsonl")
            meta = train_role(gold_dirs=[Path(d) for d in gold_dirs] or None, text_dirs=texts,
                              out_dir=Path(out_dir), seed=seed, reviewed=files)
            if eval_gold:
                meta["holdout"] = evaluate_roles(load(Path(out_dir)), [Path(d) for d in eval_gold], texts)
    except (ValueError, OSError) as exc:  # no usable gold, an unreadable file: the reason says it
        _fail_line("train", str(exc))
        sys.exit(1)
    except Exception as exc:  # noqa: BLE001
        _fail_line("train", _internal("train", exc))
        sys.exit(1)
    if as_json:
        click.echo(json.dumps(meta, ensure_ascii=False, indent=2))
        return
    click.echo(summary(meta))
    if eval_gold:
        h = meta["holdout"]
        click.echo(f"held-out {list(eval_gold)}: accuracy {h['accuracy']:.3f}, macro-F1 {h['macro_f1']:.3f} (n={h['n']})")


def _export_reviews(ctx: click.Context, tmp: Path) -> Path:
    """The store's reviewed records as tmp/reviewed.jsonl and their documents as tmp/texts/<doc>.txt."""
    from .store import open_store

    texts = tmp / "texts"
    texts.mkdir()
    store = open_store(_store_path(ctx), readonly=True)
    try:
        body = store.export_reviewed("jsonl")
        (tmp / "reviewed.jsonl").write_text(body, encoding="utf-8")
        rows = [json.loads(line) for line in body.splitlines() if line.strip()]
        figs = [r for r in rows if r.get("type") == "figure" and r.get("status") in ("accepted", "corrected")
                and not r.get("flagged")]
        added = sum(str(r.get("source") or "").startswith("review:added") for r in figs)
        click.echo(f"solieu train: from the store: {len(figs)} reviewed figure{'s' * (len(figs) != 1)}, "
                   f"{added} of them added by a reviewer", err=True)
        for doc in {r["doc"] for r in rows}:
            d = store.get_document(doc)
            if d is not None:
                (texts / f"{doc}.txt").write_text(d["text"], encoding="utf-8")
    finally:
        store.close()
    return texts


# ---------------------------------------------------------------- store
def _store_path(ctx: click.Context) -> str | None:
    return ctx.obj.get("db") if ctx.obj else None


@main.command("ingest")
@click.argument("paths", nargs=-1, required=True)
@click.option("--workers", type=int, default=None,
              help="Worker processes (default: all cores); with --scheduler local, the local cluster's workers.")
@click.option("--scheduler", default=None, metavar="tcp://HOST:PORT|local",
              help="Extract on a Dask cluster (its scheduler's address), or on a local Dask cluster "
                   "(`local`), instead of the local process pool. Needs pip install \"solieu[scale]\".")
@click.option("--limit", type=click.IntRange(min=1), default=None, metavar="N",
              help="Only the first N documents of each .jsonl(.gz) collection (files and folders are read whole).")
@click.option("--no-progress", is_flag=True)
@click.pass_context
def ingest_cmd(ctx: click.Context, paths: tuple[str, ...], workers: int | None, scheduler: str | None,
               limit: int | None, no_progress: bool) -> None:
    """Add files, folders and .jsonl(.gz) collections to the store."""
    from .ingest import ingest
    from .ingest_dask import SchedulerError
    from .store import StoreError, default_location

    try:
        report = ingest(_store_path(ctx) or default_location(), list(paths), workers=workers, progress=not no_progress,
                        scheduler=scheduler, limit=limit)
    except StoreError as exc:
        _fail_line("store", str(exc))
        sys.exit(1)
    except SchedulerError as exc:  # the Dask cluster cannot be used
        _fail_line("scheduler", str(exc))
        sys.exit(1)
    except KeyboardInterrupt:
        # Each document is one transaction: what was written stays, the rest resumes.
        _fail_line("ingest", "interrupted; run the same command again to resume")
        sys.exit(130)
    for name, reason in report.get("failed", []):
        _fail_line(str(name), str(reason))
    for v in report.get("versions", []):  # nothing replaced silently: a changed document is a new version
        click.echo(f"solieu: {v['doc']}: content changed, stored as version {v['version']}; version "
                   f"{v['version'] - 1} is kept as {v['previous']} ({v['carried']} reviews carried over"
                   + (f", {v['flagged']} flagged there: no longer matching" if v.get("flagged") else "") + ")", err=True)
    summary = {k: v for k, v in report.items() if k not in ("failed", "versions")}
    summary["failed"] = len(report.get("failed", []))
    click.echo(json.dumps(summary, ensure_ascii=False))
    sys.exit(1 if report.get("failed") else 0)


def format_search(result: dict[str, Any]) -> str:
    """Human-readable search results: decrees with mentions, documents, indicators, figures."""
    lines: list[str] = []
    for d in result.get("decrees", []):
        aliases = ", ".join(d.get("aliases") or [])
        lines.append(f"[{d.get('doc_type') or ''}] {d['id']}" + (f"  (aliases: {aliases})" if aliases else "")
                     + ("  (closest)" if d.get("match") == "fuzzy" else ""))
        facts = [f for f in (d.get("issuer"), d.get("issued")) if f]
        if facts or d.get("title"):
            lines.append("    " + " · ".join([*facts, *([d["title"]] if d.get("title") else [])]))
        for r in d.get("relations") or []:
            lines.append(f"    {r.get('type')} {r.get('target')}")
        for m in d.get("mentions", []):
            sent = " ".join(str(m.get("sentence") or "").split())
            lines.append(f"  - {m.get('doc')} {m.get('date') or ''}: {sent[:160]}")
    words_started = False
    for d in result.get("documents", []):
        if d.get("match") == "words" and not words_started:
            words_started = True
            lines.append("-- every word, not as one phrase:")
        lines.append(f"{d.get('id')}  {d.get('date') or ''}  {d.get('title') or ''}")
        lines.append(f"    {' '.join(str(d.get('snippet') or '').split())}")
    for g in result.get("indicators", []):
        lines.append(format_indicator(g))
    for f in result.get("figures", []):
        lines.append(f"{f.get('doc')}  {f.get('year') or '':<5} {f.get('role'):<7} {f.get('text'):<24} {f.get('indicator') or ''}")
    return "\n".join(lines) if lines else "no results"


def format_indicator(g: dict[str, Any]) -> str:
    years = (f"{g['year_min']}–{g['year_max']}" if g.get("year_min") and g.get("year_max") != g.get("year_min")
             else str(g.get("year_min") or ""))
    n, nd = g.get("n") or 0, g.get("n_docs") or 0
    return (f"{g.get('label')}  [{g.get('unit') or 'no unit'}]  {n} figure{'s' * (n != 1)} in {nd} "
            f"document{'s' * (nd != 1)}"
            + (f", {years}" if years else "") + f"  (key: {g.get('key')})")


def _cut_note(result: dict[str, Any]) -> None:
    if result.get("cut"):
        from .search import MAX_QUERY_CHARS

        click.echo(f"solieu: query cut to its first {MAX_QUERY_CHARS} characters", err=True)


@main.command("search")
@click.argument("query")
@click.option("--type", "kind", type=click.Choice(["decree", "document", "indicator", "figure"]), default=None)
@click.option("--limit", type=click.IntRange(min=1), default=20, show_default=True)
@click.option("--json", "as_json", is_flag=True)
@click.option("--date-from", help="Documents/figures dated on or after (YYYY-MM-DD).")
@click.option("--date-to", help="Documents/figures dated on or before (YYYY-MM-DD).")
@click.option("--source", help="Documents from this source.")
@click.option("--cited-type", help="Documents citing this document type (e.g. 'Nghị định').")
@click.option("--cited-year", type=int, help="Documents citing a document of this year.")
@click.option("--unit", help="Figures with this unit (e.g. %).")
@click.option("--role", type=click.Choice(["target", "actual", "other"]), help="Figures with this role.")
@click.option("--year-from", type=int, help="Figures referring to this year or later.")
@click.option("--year-to", type=int, help="Figures referring to this year or earlier.")
@click.pass_context
def search_cmd(ctx: click.Context, query: str, kind: str | None, limit: int, as_json: bool, **filters: Any) -> None:
    """Search decrees (any spelling), documents (full text), indicators and figures.

    Decrees carry the title, issue date and issuer their citing sentences state."""
    from .search import search
    from .store import StoreError, open_store

    filters = {k: v for k, v in filters.items() if v is not None}
    try:
        store = open_store(_store_path(ctx), readonly=True)
        try:
            result = search(store, query, type=kind, limit=limit, **filters)
        finally:
            store.close()
    except StoreError as exc:
        _fail_line("store", str(exc))
        sys.exit(1)
    _cut_note(result)
    if as_json:
        click.echo(json.dumps(result, ensure_ascii=False, indent=2))
    else:
        click.echo(format_search(result))


@main.command("indicators")
@click.argument("query")
@click.option("--limit", type=click.IntRange(min=1), default=20, show_default=True, help="Indicator groups.")
@click.option("--points", type=click.IntRange(min=1), default=500, show_default=True, help="Points per group.")
@click.option("--json", "as_json", is_flag=True)
@click.pass_context
def indicators_cmd(ctx: click.Context, query: str, limit: int, points: int, as_json: bool) -> None:
    """Track an indicator: its figures grouped by indicator key and unit, targets and results by year.

    Each group is one measure in one unit (never averaged with another); each point names
    its document, record id (rid) and sentence."""
    from .store import StoreError, open_store
    from .tracking import indicators_json

    try:
        store = open_store(_store_path(ctx), readonly=True)
        try:
            result = indicators_json(store, query, limit=limit, points=points)
        finally:
            store.close()
    except StoreError as exc:
        _fail_line("store", str(exc))
        sys.exit(1)
    _cut_note(result)
    if as_json:
        click.echo(json.dumps(result, ensure_ascii=False, indent=2))
        return
    if not result["indicators"]:
        click.echo("no indicator matches")
        return
    for g in result["indicators"]:
        years = [p["year"] for p in g["points"] if p["year"]]
        click.echo(format_indicator({**g, "year_min": min(years, default=None), "year_max": max(years, default=None)}))
        for p in g["points"]:
            value = f"{p['comparator'] if p['comparator'] != '=' else ''}{p['value']:g}" if p["value"] is not None else "?"
            sent = " ".join(str(p.get("sentence") or "").split())
            click.echo(f"  {p['year'] or '—':<5} {p['role']:<7} {value:<14} {p['doc']}#{p['rid']}  {sent[:110]}")


@main.command("app")
@click.option("--port", type=int, default=8501, show_default=True)
@click.pass_context
def app_cmd(ctx: click.Context, port: int) -> None:
    """Start the browser app (Streamlit) on the store."""
    import subprocess

    env = dict(os.environ)
    if _store_path(ctx):
        env["SOLIEU_DB"] = str(_store_path(ctx))
    cmd = [sys.executable, "-m", "streamlit", "run", str(REPO_ROOT / "app.py"),
           "--server.port", str(port), "--server.headless", "true"]
    # Streamlit reads .streamlit/config.toml (upload limit, theme) from its working directory.
    sys.exit(subprocess.call(cmd, env=env, cwd=REPO_ROOT))


if __name__ == "__main__":
    main()
