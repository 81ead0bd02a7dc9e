"""Sentences and words from underthesea, aligned to the characters of the original text.

underthesea returns strings, not offsets, and splits `82/2024/NĐ-CP` into pieces; this
module maps its output back onto the text so that every sentence and word is an exact
(start, end) slice. Reference and number matching run on characters elsewhere; the
words and POS tags here are features.

Word segmentation + POS tagging is the heaviest step of the pipeline, so callers run
`analyze` only on sentences that hold a candidate (see pipeline.py); the per-document
lookup of a span's sentence and the memo of analysed words are nlp.analysis.Analysis.
"""
from __future__ import annotations

import importlib
import importlib.util
import re
import sys
from dataclasses import dataclass
from functools import lru_cache
from os.path import dirname, isdir, join


# POS tags (VLSP) of the nouns a number can count: common, classifier, unit, abbreviation
# and other nouns. Proper nouns (Np) also continue a noun phrase (`tỉnh Quảng Ninh`), but
# a number before one is a house number or a name's, not a count.
COUNTED_NOUN_TAGS = frozenset({"N", "Nc", "Nu", "Ny", "Nb"})
NOUN_TAGS = COUNTED_NOUN_TAGS | {"Np"}

# Where a clause ends inside a sentence: punctuation, a dash between spaces, and a comma
# that is not a decimal mark (`22,4`). A pattern, for consumers to extend and compile.
CLAUSE_BREAK = r"[;:()\[\]“”\"«»…!?]|(?<!\d),|,(?!\d)|\s[-–—]\s"


@dataclass(frozen=True)
class Word:
    start: int
    end: int
    text: str
    pos: str  # VLSP POS tag (N, Np, V, A, M, E, CH, ...)


def _align(text: str, pieces: list[str], offset: int = 0, limit: int | None = None) -> list[tuple[int, int]]:
    """Find each piece in `text` in order, tolerant of whitespace differences.

    underthesea may normalise spaces inside a piece; we match the non-space characters
    one by one. A piece that cannot be aligned is skipped (never a wrong offset).
    """
    spans: list[tuple[int, int]] = []
    limit = len(text) if limit is None else limit
    pos = offset
    for piece in pieces:
        # Fast path: the piece is verbatim at the next non-space position (the usual case).
        i = pos
        while i < limit and text[i].isspace():
            i += 1
        if text.startswith(piece, i) and i + len(piece) <= limit and piece and not piece[0].isspace():
            spans.append((i, i + len(piece)))
            pos = i + len(piece)
            continue
        chars = [c for c in piece if not c.isspace()]
        if not chars:
            continue
        i = pos
        while i < limit and text[i].isspace():
            i += 1
        j, k = i, 0
        while j < limit and k < len(chars):
            if text[j] == chars[k]:
                k += 1
                j += 1
            elif text[j].isspace():
                j += 1
            else:
                break
        if k == len(chars):
            spans.append((i, j))
            pos = j
        else:  # resynchronise: look for the piece further on
            found = text.find(piece.strip(), pos, limit)
            if found >= 0:
                spans.append((found, found + len(piece.strip())))
                pos = found + len(piece.strip())
    return spans


# Where a line break is structure, not a wrap (see `unwrap`).
_ITEM_LINE = re.compile(
    r"(?:[-–—+•●▪■◦*]\s|\(?\d{1,2}[.)](?!\d)|\([a-zđ]\)|[a-zđ]\)\s|[IVX]{1,5}[.)]\s|#{1,6}\s"
    r"|(?:Điều|Chương|Mục|Phần)\s+(?:\d+|[IVXL]+)\s*[.:]|\|)")
_SENTENCE_FINAL = ".!?…"
_CLOSERS = "\"”’»)]*_ "
# A line that runs on for this many characters (since the last structural break) is read
# as wrapped: titles and headings are shorter, a wrapped line of prose is longer (PDF text
# layers and reposted texts wrap at 60-100 characters).
WRAP_MIN = 50


def _is_caps(line: str) -> bool:
    letters = [c for c in line if c.isalpha()]
    return len(letters) >= 4 and sum(c.isupper() for c in letters) > 0.6 * len(letters)


def unwrap(text: str) -> str:
    """`text` with its soft line breaks (wraps inside a sentence) turned into spaces; same length.

    A line break is structure, and stays, where it is unambiguous: a blank line, a line
    that opens with an item marker or is a table row (or follows one), the end of a
    sentence (`.`, `!`, `?`, `…`), a `:` or `;` before a capital (a lead-in and its items),
    the end of the document's first line (its title) or of a line in capitals (a heading)
    before a line that is not, and the end of a short line (a heading, a short item: under
    WRAP_MIN characters since the last structural break) before a capital. Every other
    line break is a wrap: before a lower-case word or a digit, after `,` `-` `/` `(`, or
    after a long run of text. Only characters on both sides of the break and the length of
    the run decide, so a text wrapped inside its sentences at any width of WRAP_MIN or
    more reads exactly as the same text unwrapped: the features read from it do not
    change with its line breaks (a .pdf's text layer and the .txt of the same article).
    """
    if "\n" not in text:
        return text
    out = list(text)
    pos = 0
    run = 0  # characters of the logical line so far
    first = True  # still in the document's first non-blank line
    lines = text.split("\n")
    for i, line in enumerate(lines[:-1]):
        brk = pos + len(line)  # index of this "\n"
        pos = brk + 1
        cur = line.strip()
        if not cur:
            run = 0
            continue
        run += len(cur) + 1
        nxt = lines[i + 1].strip()
        if _soft(cur, nxt, run, first):
            out[brk] = " "
            if line.endswith("\r"):
                out[brk - 1] = " "
        else:
            run = 0
            first = False
    return "".join(out)


def _soft(cur: str, nxt: str, run: int, first: bool) -> bool:
    if not nxt or _ITEM_LINE.match(nxt) or cur.count("|") >= 2 or nxt.count("|") >= 2:
        return False
    last = cur.rstrip(_CLOSERS)[-1:] or cur[-1]
    head = nxt[0]
    lower = head.islower() or head.isdigit() or head in ",;:.%)"
    if last in _SENTENCE_FINAL:
        return False
    if last in ":;":
        return lower
    if last in ",-/(" or lower:
        return True
    if first or (_is_caps(cur) and not _is_caps(nxt)):
        return False  # the title; a heading in capitals
    return run >= WRAP_MIN


def _blocks(flat: str) -> list[tuple[int, int]]:
    """The non-blank lines of an unwrapped text, stripped: the blocks sentences are split in."""
    blocks, pos = [], 0
    for line in flat.split("\n"):
        s, e = pos, pos + len(line)
        pos = e + 1
        lead = len(line) - len(line.lstrip())
        trail = len(line) - len(line.rstrip())
        if e - trail > s + lead:
            blocks.append((s + lead, e - trail))
    return blocks


def split_sentences(text: str) -> list[tuple[int, int]]:
    """Sentence spans (start, end) over `text`, in order, non-overlapping, never empty.

    Sentences are split inside the lines of `unwrap(text)` (same length, so offsets hold):
    a wrap inside a sentence never splits it.
    """
    sent_tokenize = _tokenizers().sent_tokenize.sent_tokenize
    flat = unwrap(text)
    out: list[tuple[int, int]] = []
    for bs, be in _blocks(flat):
        block = flat[bs:be].replace("\r", " ")
        try:
            pieces = sent_tokenize(block)
        except Exception:  # noqa: BLE001 - underthesea fails on some inputs: the block is one sentence
            pieces = [block]
        spans = _align(block, pieces)
        if not spans:
            spans = [(0, len(block))]
        # Cover the whole block: gaps between aligned sentences join the previous one.
        fixed: list[tuple[int, int]] = []
        prev_end = 0
        for i, (s, e) in enumerate(spans):
            s = min(s, prev_end) if i == 0 else prev_end
            while s < e and block[s].isspace():
                s += 1
            fixed.append((s, e))
            prev_end = e
        if fixed and prev_end < len(block):
            s, _ = fixed[-1]
            fixed[-1] = (s, len(block.rstrip()))
        out.extend((bs + s, bs + e) for s, e in fixed if e > s)
    return out


# The parts of underthesea that extraction runs: sentence and word tokenisation (its POS
# model is loaded directly, `_pos_model`).
_PARTS = ("underthesea.pipeline.text_normalize", "underthesea.pipeline.word_tokenize",
          "underthesea.pipeline.sent_tokenize")


@lru_cache(maxsize=1)
def _tokenizers():
    """underthesea.pipeline, with its sentence and word tokenizers imported.

    When nothing has imported underthesea yet, its package `__init__` is not run for them:
    it imports every pipeline (NER, chunking, classification with requests, language
    detection, ...), ~0.2 s of CPU at each process start that extraction never uses. The
    package module is registered without running it and completes itself (runs its own
    `__init__`) the first time anything reads one of its attributes (PEP 562), so any other
    code's `import underthesea` / `from underthesea import x` behaves as usual. On any
    failure the plain import is used."""
    if "underthesea" not in sys.modules:
        _register_lazy_package("underthesea")
    try:
        for name in _PARTS:
            importlib.import_module(name)
    except Exception:  # noqa: BLE001 - whatever a new release changed: the plain import
        for name in [m for m in sys.modules if m == "underthesea" or m.startswith("underthesea.")]:
            del sys.modules[name]
        import underthesea  # noqa: F401
        for name in _PARTS:
            importlib.import_module(name)
    return sys.modules["underthesea.pipeline"]


def _register_lazy_package(name: str) -> None:
    spec = importlib.util.find_spec(name)
    if spec is None or spec.loader is None or spec.submodule_search_locations is None:
        return
    pkg = importlib.util.module_from_spec(spec)

    def complete(attr: str):
        if pkg.__dict__.pop("__getattr__", None) is None:  # completing already: a real miss
            raise AttributeError(f"module {name!r} has no attribute {attr!r}")
        spec.loader.exec_module(pkg)  # the package's own __init__, in its own namespace
        return getattr(pkg, attr)

    pkg.__getattr__ = complete  # type: ignore[attr-defined]
    sys.modules[name] = pkg


def _load_crf(path: str):
    """underthesea's FastCRFSequenceTagger of the model folder `path`, as its own `load` makes
    it, but with the feature list and the dictionary (a set of 72,000 words) read by the C
    unpickler: joblib.load reads these plain pickles with the pure-Python one, ~0.12 s of
    CPU per model at every start. A file that is not a plain pickle of the expected type
    goes through joblib, as underthesea does."""
    import pickle

    from underthesea.models.fast_crf_sequence_tagger import FastCRFSequenceTagger
    from underthesea_core import CRFFeaturizer, CRFTagger

    model = FastCRFSequenceTagger()

    def read(name: str, kind: type):
        try:
            with open(join(path, name), "rb") as fh:
                value = pickle.load(fh)
            if type(value) is kind:
                return value
        except Exception:  # noqa: BLE001 - not a plain pickle: joblib's own format
            pass
        import joblib

        return joblib.load(join(path, name))

    features = read(model.path_features, list)
    dictionary = read(model.path_dictionary, set)
    estimator = CRFTagger()
    estimator.load(join(path, model.path_model))
    model.featurizer = CRFFeaturizer(features, dictionary)
    model.estimator = estimator
    return model


@lru_cache(maxsize=1)
def _pos_model():
    _tokenizers()  # the light import of underthesea, when it is the first
    # The Rust CRF tagger shipped inside underthesea (no download); underthesea's own
    # `pos_tag(model="v2.0")` only returns on its first call, so we call the model directly
    # (its folder is found without importing underthesea.pipeline.pos_tag's own feature code).
    folder = importlib.util.find_spec("underthesea.pipeline.pos_tag").submodule_search_locations[0]
    return _load_crf(join(folder, "models", "pos_crf_vlsp2013_20230303"))


@lru_cache(maxsize=1)
def _word_tokenize():
    """underthesea's word_tokenize, its segmentation model loaded by `_load_crf` (it keeps the
    model in a module global, loaded on its first call: we fill that global first)."""
    ws_pkg = _tokenizers().word_tokenize
    path = join(dirname(ws_pkg.__file__), "models", _WS_MODEL)
    # The folder word_tokenize loads (underthesea 9.5); another version loads its own.
    if ws_pkg.word_tokenize_model is None and isdir(path):
        ws_pkg.word_tokenize_model = _load_crf(path)
    return ws_pkg.word_tokenize


_WS_MODEL = "ws_crf_vlsp2013_20230727"


@lru_cache(maxsize=4096)
def _analyze_cached(sentence: str) -> tuple[tuple[str, str], ...]:
    words = _word_tokenize()(sentence)
    if not words:
        return ()
    tags = _pos_model().predict([[w] for w in words])
    return tuple((w, t[2:] if t.startswith(("B-", "I-")) else t) for w, t in zip(words, tags))


def analyze(text: str, start: int, end: int) -> list[Word]:
    """Words with POS tags for text[start:end], each an exact slice of `text`."""
    sentence = text[start:end]
    if not sentence.strip():
        return []
    try:
        tagged = _analyze_cached(sentence)
    except Exception:  # noqa: BLE001 - underthesea fails on some inputs: a sentence without words
        return []  # (figures then lack POS-read units; the document's other records stand)
    spans = _align(text, [w for w, _ in tagged], start, end)
    # _align skips pieces it cannot place; keep words and tags paired by re-aligning one by one.
    if len(spans) != len(tagged):
        words: list[Word] = []
        pos = start
        for w, t in tagged:
            sp = _align(text, [w], pos, end)
            if sp:
                words.append(Word(sp[0][0], sp[0][1], text[sp[0][0]:sp[0][1]], t))
                pos = sp[0][1]
        return words
    return [Word(s, e, text[s:e], t) for (s, e), (_, t) in zip(spans, tagged)]
