"""The layers of nlp/, checked on the import statements themselves (ast), lazy imports inside
functions included: a dependency is a dependency whenever it is imported.

Data flows one way, file -> Document -> records -> store -> pages, and the imports follow
it. LAYERS below is the one statement of who may import whom; a module in no layer fails
the test until it is placed, so a new module cannot slip past the rules.
"""
from __future__ import annotations

import ast
from pathlib import Path

import pytest

from tests.paths import ROOT

# (layer, module prefixes, the layers its modules may import besides their own).
# A prefix covers the module and its submodules (`nlp.roles` covers `nlp.roles.model`);
# one ending in `*` covers every name that starts with it (`nlp.roles*`: `nlp.roles_cues` too).
LAYERS: list[tuple[str, tuple[str, ...], tuple[str, ...]]] = [
    ("rules", ("nlp.rules",), ()),
    ("lang", ("nlp.lang",), ("rules",)),
    # nlp.spans: the checks of a span edit against the stored text (records' validation).
    ("records", ("nlp.records", "nlp.export", "nlp.spans"), ("rules", "lang")),
    # What the store derives from records, pure functions over their text (issue 9): the
    # indicator key that groups figures of one measure, and what a citing sentence states.
    ("derived", ("nlp.indicator_key", "nlp.legal_facts"), ("rules", "lang", "records")),
    ("extraction", ("nlp.pipeline", "nlp.analysis", "nlp.segment", "nlp.leftovers", "nlp.context", "nlp.legal",
                    "nlp.legal_links", "nlp.figure_year", "nlp.indicator_grammar",
                    "nlp.figures", "nlp.numbers", "nlp.indicators", "nlp.roles*", "nlp.tables", "nlp.linear_model",
                    "nlp.spacy_doc", "nlp.lexicon", "nlp.confidence"),
     ("rules", "lang", "records")),
    ("readers", ("nlp.readers",), ("rules", "lang", "records", "extraction")),
    ("training", ("nlp.training", "nlp.train", "nlp.gold", "nlp.evaluate"),
     ("rules", "lang", "records", "extraction", "readers", "store")),
    ("store", ("nlp.store",), ("rules", "lang", "records", "derived")),
    ("query", ("nlp.legal_query", "nlp.search", "nlp.tracking"), ("rules", "lang", "records", "derived", "store")),
    ("ingest", ("nlp.ingest", "nlp.ingest_dask"), ("rules", "lang", "records", "extraction", "readers", "store")),
    ("ui", ("nlp.ui",), ("rules", "lang", "records", "derived", "extraction", "readers", "store", "query", "ingest")),
    ("cli", ("nlp.cli", "nlp.__main__"),
     ("rules", "lang", "records", "derived", "extraction", "readers", "training", "store", "query", "ingest", "ui")),
    # The package itself: `import nlp; nlp.extract(...)`, a lazy facade over the extractor.
    ("package", ("nlp",), ("extraction", "readers")),
]
# `nlp.__version__` is metadata (model provenance, --version): any layer may read it.
METADATA = {"__version__"}

# The store's seam: the drivers and the backends stay behind nlp.store's interface.
BACKENDS = ("nlp.store.sqlite", "nlp.store.postgres")
BACKEND_BASE = "nlp.store.delegating"  # the half both backends share: it holds their connection
# third-party module -> the only prefix that may import it (Dask: the cluster ingest alone)
DRIVERS = {"sqlite3": "nlp.store.sqlite", "psycopg": "nlp.store.postgres", "dask": "nlp.ingest_dask",
           "distributed": "nlp.ingest_dask"}
# Backend modules whose pure parts another backend shares: the record <-> row mapping
# (derived from nlp.records' field lists), the indicator keys' version and group columns,
# what a citing sentence states and the vote between mentions. Their SQL is not shared.
SHARED_BACKEND_MODULES = ("nlp.store.sqlite.rows", "nlp.store.sqlite.indicators", "nlp.store.sqlite.legal_facts")
CALLERS = [ROOT / "nlp", ROOT / "app_pages", ROOT / "app.py", ROOT / "bench"]  # never touch `.conn`


def _covers(prefix: str, module: str) -> bool:
    if prefix.endswith("*"):
        return module.startswith(prefix[:-1])
    return module == prefix or module.startswith(prefix + ".")


def layer_of(module: str) -> str | None:
    """The layer of a module: the one with the longest matching prefix (`nlp` is the package only)."""
    best, best_len = None, -1
    for name, prefixes, _ in LAYERS:
        for p in prefixes:
            if (p == "nlp" and module == "nlp") or (p != "nlp" and _covers(p, module)):
                if len(p) > best_len:
                    best, best_len = name, len(p)
    return best


ALLOWED = {name: set(may) | {name} for name, _, may in LAYERS}


def _module_name(path: Path) -> str:
    parts = list(path.relative_to(ROOT).with_suffix("").parts)
    if parts[-1] == "__init__":
        parts.pop()
    return ".".join(parts)


def _is_module(dotted: str) -> bool:
    p = ROOT.joinpath(*dotted.split("."))
    return p.with_suffix(".py").is_file() or (p / "__init__.py").is_file()


def imports(path: Path, me: str | None = None) -> list[tuple[str, int, tuple[str, ...]]]:
    """(imported module, line, names imported from it) for every import in a file (module `me`)."""
    tree = ast.parse(path.read_text(encoding="utf-8"), filename=str(path))
    me = me or _module_name(path)
    package = me if path.name == "__init__.py" else me.rpartition(".")[0]
    out = []
    for node in ast.walk(tree):
        if isinstance(node, ast.Import):
            out += [(a.name, node.lineno, ()) for a in node.names]
        elif isinstance(node, ast.ImportFrom):
            if node.level:
                base = package.split(".")[: len(package.split(".")) - node.level + 1]
                base_mod = ".".join(base + ([node.module] if node.module else []))
            else:
                base_mod = node.module or ""
            for a in node.names:
                sub = f"{base_mod}.{a.name}"
                # `from . import figures` imports a module; `from .store import Store` a name.
                out.append((sub, node.lineno, ()) if _is_module(sub) else (base_mod, node.lineno, (a.name,)))
    return out


def _sources(root: Path) -> list[Path]:
    return [root] if root.is_file() else sorted(root.rglob("*.py"))


NLP_FILES = _sources(ROOT / "nlp")


def test_every_module_has_a_layer():
    missing = sorted(_module_name(f) for f in NLP_FILES if layer_of(_module_name(f)) is None)
    assert not missing, f"modules in no layer: {missing}; add them to LAYERS in tests/test_layers.py"


def violations(files: list[tuple[Path, str]]) -> list[str]:
    """One line per import against LAYERS in (file, module name) pairs: where, who, what, why."""
    problems = []
    for f, me in files:
        mine = layer_of(me)
        for target, line, names in imports(f, me):
            if not (target == "nlp" or target.startswith("nlp.")):
                continue
            theirs = layer_of(target)
            if target == "nlp" and names and set(names) <= METADATA:
                continue
            if mine is None or theirs is None or theirs in ALLOWED[mine]:
                continue
            where = f.relative_to(ROOT) if f.is_relative_to(ROOT) else f
            problems.append(f"{where}:{line}: {me} ({mine}) imports {target} ({theirs}); "
                            f"{mine} modules may import only {', '.join(sorted(ALLOWED[mine]))}")
    return problems


def test_no_module_imports_a_layer_it_may_not():
    problems = violations([(f, _module_name(f)) for f in NLP_FILES])
    assert not problems, "imports against the layers:\n" + "\n".join(problems)


def test_the_store_driver_and_backends_stay_behind_the_interface():
    problems = []
    for f in NLP_FILES:
        me = _module_name(f)
        for target, line, _ in imports(f):
            where = f"{f.relative_to(ROOT)}:{line}: {me} imports {target}"
            for driver, owner in DRIVERS.items():
                if _covers(driver, target) and not _covers(owner, me):
                    problems.append(f"{where}: only {owner} talks to {driver}")
            # Callers open a store with nlp.store.open_store; only that function picks a backend.
            theirs = next((b for b in BACKENDS if _covers(b, target)), None)
            mine = next((b for b in BACKENDS if _covers(b, me)), None)
            if theirs and me != "nlp.store" and mine != theirs and not (
                    mine and any(_covers(m, target) for m in SHARED_BACKEND_MODULES)):
                problems.append(f"{where}: use nlp.store.open_store / the Store interface instead")
    assert not problems, "\n".join(problems)


def test_no_caller_touches_a_store_connection():
    problems = []
    for root in CALLERS:
        for f in _sources(root):
            if any(_covers(b, _module_name(f)) for b in (*BACKENDS, BACKEND_BASE)):
                continue
            for node in ast.walk(ast.parse(f.read_text(encoding="utf-8"))):
                if isinstance(node, ast.Attribute) and node.attr in ("conn", "_conn", "_q"):
                    problems.append(f"{f.relative_to(ROOT)}:{node.lineno}: .{node.attr}: "
                                    "add a method to nlp.store.Store instead of reaching into a backend")
    assert not problems, "\n".join(problems)


# The rules of the architecture issue, so that loosening LAYERS above is a visible decision.
@pytest.mark.parametrize("layer,never", [
    ("extraction", ("store", "query", "ingest", "cli", "ui", "training", "readers")),
    ("records", ("extraction", "store", "query", "ingest", "cli", "ui", "training")),
    ("store", ("query", "ingest", "cli", "ui", "extraction", "training")),
    ("lang", ("records", "extraction", "store", "query")),
    ("rules", ("lang", "records", "extraction", "store", "query")),
])
def test_the_table_keeps_the_rules(layer, never):
    assert not ALLOWED[layer] & set(never), f"LAYERS lets {layer} import {sorted(ALLOWED[layer] & set(never))}"


def test_the_checker_names_an_upward_import(tmp_path):
    assert layer_of("nlp.legal_query") == "query" and layer_of("nlp.legal") == "extraction"
    assert layer_of("nlp.roles.model") == "extraction" and layer_of("nlp.training.cv") == "training"
    assert layer_of("nlp.store.sqlite.review") == "store" and layer_of("nlp") == "package"
    fake = tmp_path / "fake.py"
    fake.write_text("from ..lang.fold import fold\n\ndef f():\n    from ..search import search\n", encoding="utf-8")
    (problem,) = violations([(fake, "nlp.store.fake")])
    assert problem.startswith(f"{fake}:4: nlp.store.fake (store) imports nlp.search (query);"), problem
    (problem,) = violations([(fake, "nlp.lang.fake")])
    assert "nlp.lang.fake (lang) imports nlp.search (query)" in problem
