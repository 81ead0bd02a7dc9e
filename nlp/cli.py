"""The `solieu` command: extract | eval | train | ingest | search | app.

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
              help="SQLite store (default: $SOLIEU_DB, else the user data dir).")
@click.version_option(package_name="solieu")
@click.pass_context
def main(ctx: click.Context, db: str | None) -> None:
    """solieu (số liệu): figures, targets and legal references from Vietnamese government text."""
    ctx.ensure_object(dict)
    ctx.obj["db"] = db


# ---------------------------------------------------------------- extract
def _read(path: str):
    from .text import read_document

    return read_document(path)  # `-` is stdin, with the same size limit


def extract_one(path: str, *, with_text: bool = False) -> dict[str, Any]:
    """Read and extract one input: {"doc": header, ["text"], "records": [...]}. Raises DocumentError."""
    from .pipeline import extract

    doc = _read(path)
    out: dict[str, Any] = {"doc": doc.header()}
    if with_text:
        out["text"] = doc.text
    out["records"] = [r.to_dict() for r in extract(doc.text)]
    return out


@main.command("extract")
@click.argument("paths", nargs=-1, required=True)
@click.option("--format", "fmt", type=click.Choice(FORMATS), default="jsonl", show_default=True)
@click.option("--out", "out", type=click.Path(dir_okay=False, writable=True), help="Write here instead of stdout.")
@click.option("--with-text", is_flag=True, help="Include the canonical text that offsets index.")
def extract_cmd(paths: tuple[str, ...], fmt: str, out: str | None, with_text: bool) -> None:
    """Extract figures and legal references from PATH... (.txt .md .html .pdf .docx, - for stdin).

    jsonl/json/csv print records; docbin writes a spaCy DocBin (records as doc.spans).
    """
    from .export import to_csv
    from .text import DocumentError

    if fmt == "docbin" and not out:
        _fail_line("extract", "--format docbin writes a binary spaCy DocBin: give --out FILE.spacy")
        sys.exit(2)
    results, failed = [], 0
    for path in paths:
        try:
            results.append(extract_one(path, with_text=with_text or fmt == "docbin"))
        except DocumentError as exc:
            failed += 1
            _fail_line(path, exc.reason)
        except Exception as exc:  # noqa: BLE001 - one bad file must not stop the others
            failed += 1
            _fail_line(path, _internal(path, exc))
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
        Path(out).write_text(body, encoding="utf-8")
    else:
        click.echo(body, nl=False)
    sys.exit(1 if failed else 0)


# ---------------------------------------------------------------- eval
@main.command("eval")
@click.argument("gold_dir", type=click.Path(exists=True))
@click.argument("text_dir", nargs=-1, type=click.Path(exists=True, file_okay=False))
@click.option("--json", "as_json", is_flag=True, help="Machine-readable scores.")
@click.option("--errors", is_flag=True, help="Also list misses and false alarms.")
def eval_cmd(gold_dir: str, text_dir: tuple[str, ...], as_json: bool, errors: bool) -> None:
    """Precision/recall/F1 per type and field accuracies of the extractor on GOLD_DIR."""
    from .evaluate import evaluate, format_report
    from .gold import GoldError, load_gold
    from .pipeline import extract

    dirs = list(text_dir) or [str(REPO_ROOT / "corpus" / "seeds"), str(REPO_ROOT / "corpus" / "extra")]
    try:
        gold = load_gold(gold_dir, dirs)
    except GoldError as exc:
        _fail_line(gold_dir, str(exc))
        sys.exit(1)
    report = evaluate(gold, lambda text: [r.to_dict() for r in extract(text)])
    if as_json:
        click.echo(json.dumps({"documents": len(gold), **report.to_dict()}, ensure_ascii=False, indent=2))
    else:
        click.echo(f"{len(gold)} documents")
        click.echo(format_report(report))
    if errors:
        for e in report.errors:
            click.echo(json.dumps(e, ensure_ascii=False))


# ---------------------------------------------------------------- train
@main.command("train")
@click.option("--gold", "gold_dirs", multiple=True, type=click.Path(file_okay=False),
              help="Gold dirs (default: corpus/gold/*).")
@click.option("--texts", "text_dirs", multiple=True, type=click.Path(file_okay=False),
              help="Text dirs (default: corpus/seeds, corpus/extra).")
@click.option("--out", "out_dir", type=click.Path(file_okay=False), default=str(REPO_ROOT / "models" / "role"),
              show_default=True)
@click.option("--reviewed", "reviewed", multiple=True, type=click.Path(exists=True, dir_okay=False),
              help="Review export (JSONL from the Review page); its documents' texts must be in --texts.")
@click.option("--from-store", is_flag=True,
              help="Also learn from the records accepted or corrected in the store (--db), with their texts.")
@click.pass_context
def train_cmd(ctx: click.Context, gold_dirs: tuple[str, ...], text_dirs: tuple[str, ...], out_dir: str,
              reviewed: tuple[str, ...], from_store: bool) -> None:
    """Train the figure-role classifier from gold in corpus/ (and reviews) and save it with meta.json."""
    import tempfile

    from .train import default_text_dirs, train_role

    try:
        with tempfile.TemporaryDirectory() as tmp:
            texts = [Path(d) for d in text_dirs] if text_dirs else default_text_dirs()
            files = [Path(f) for f in reviewed]
            if from_store:
                texts.append(_export_reviews(ctx, Path(tmp)))
                files.append(Path(tmp) / "reviewed.jsonl")
            meta = train_role(gold_dirs=[Path(d) for d in gold_dirs] or None, text_dirs=texts,
                              out_dir=Path(out_dir), reviewed=files)
    except Exception as exc:  # noqa: BLE001
        _fail_line("train", _internal("train", exc))
        sys.exit(1)
    click.echo(json.dumps({k: meta[k] for k in ("n_examples", "metrics") if k in meta}, ensure_ascii=False, indent=2))


def _export_reviews(ctx: click.Context, tmp: Path) -> Path:
    """The store's reviewed records as tmp/reviewed.jsonl and their documents as tmp/texts/<doc>.txt."""
    from .store import Store

    texts = tmp / "texts"
    texts.mkdir()
    store = Store(_store_path(ctx), readonly=True)
    try:
        body = store.export_reviewed("jsonl")
        (tmp / "reviewed.jsonl").write_text(body, encoding="utf-8")
        for doc in {json.loads(line)["doc"] for line in body.splitlines() if line.strip()}:
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
@click.option("--workers", type=int, default=None, help="Worker processes (default: all cores).")
@click.option("--no-progress", is_flag=True)
@click.pass_context
def ingest_cmd(ctx: click.Context, paths: tuple[str, ...], workers: int | None, no_progress: bool) -> None:
    """Add files, folders and .jsonl(.gz) collections to the store."""
    from .ingest import ingest
    from .store import Store, StoreError

    try:
        report = ingest(_store_path(ctx) or Store.default_path(), list(paths), workers=workers, progress=not no_progress)
    except StoreError as exc:
        _fail_line("store", str(exc))
        sys.exit(1)
    except KeyboardInterrupt:
        # Each document is one transaction: what was written stays, the rest resumes.
        _fail_line("ingest", "interrupted; run the same command again to resume")
        sys.exit(130)
    for name, reason in report.get("failed", []):
        _fail_line(str(name), str(reason))
    summary = {k: v for k, v in report.items() if k != "failed"}
    summary["failed"] = len(report.get("failed", []))
    click.echo(json.dumps(summary, ensure_ascii=False))
    sys.exit(1 if report.get("failed") else 0)


def format_search(result: dict[str, Any]) -> str:
    """Human-readable search results: decrees with mentions, documents, figures."""
    lines: list[str] = []
    for d in result.get("decrees", []):
        aliases = ", ".join(d.get("aliases") or [])
        lines.append(f"[{d.get('doc_type') or ''}] {d['id']}" + (f"  (aliases: {aliases})" if aliases else ""))
        for r in d.get("relations") or []:
            lines.append(f"    {r.get('type')} {r.get('target')}")
        for m in d.get("mentions", []):
            sent = " ".join(str(m.get("sentence") or "").split())
            lines.append(f"  - {m.get('doc')} {m.get('date') or ''}: {sent[:160]}")
    for d in result.get("documents", []):
        lines.append(f"{d.get('id')}  {d.get('date') or ''}  {d.get('title') or ''}")
        lines.append(f"    {' '.join(str(d.get('snippet') or '').split())}")
    for f in result.get("figures", []):
        lines.append(f"{f.get('doc')}  {f.get('year') or '':<5} {f.get('role'):<7} {f.get('text'):<24} {f.get('indicator') or ''}")
    return "\n".join(lines) if lines else "no results"


@main.command("search")
@click.argument("query")
@click.option("--type", "kind", type=click.Choice(["decree", "document", "figure"]), default=None)
@click.option("--limit", type=int, default=20, show_default=True)
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
    """Search decrees (any spelling), documents (full text) and figures."""
    from .search import search
    from .store import Store, StoreError

    filters = {k: v for k, v in filters.items() if v is not None}
    try:
        store = Store(_store_path(ctx), readonly=True)
        try:
            result = search(store, query, type=kind, limit=limit, **filters)
        finally:
            store.close()
    except StoreError as exc:
        _fail_line("store", str(exc))
        sys.exit(1)
    if as_json:
        click.echo(json.dumps(result, ensure_ascii=False, indent=2))
    else:
        click.echo(format_search(result))


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
