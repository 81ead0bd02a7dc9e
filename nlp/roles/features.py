"""The features of a figure's role: a flat dict per figure for the trained model.

Cue groups by where they stand relative to the figure (just before, same clause, earlier
in the sentence, after, in the lead-in of its list, in the sentence before), the order of
roles in its clause, its unit, the POS of its neighbours and the verb that governs it,
the rule vote, and the document context (`context_features`: the frame the figure stands
in, its period relative to the article's time, the context's role hint).

Everything is read from `doc.flat` (line breaks inside a sentence read as spaces), the
sentences and words split on it and the DocumentContext built on it: a hard line break
inside a sentence changes no feature. FEATURE_VERSION names this set: a model trained on
another set is refused at load time.
"""
from __future__ import annotations

import re

from ..analysis import Analysis
from ..records import Figure
from .context import (clause, counted_noun, lead_in, near_left_start, near_right_end, previous_sentence,
                      unit_kind, window)
from .cues import CueHit, cues_in, find_cues, unit_groups
from .vote import rule_vote

FEATURE_VERSION = "role-features-v3"
_LETTER = re.compile(r"[^\W\d_]")
_WORDS_LEFT, _WORDS_RIGHT, _WORDS_OPENING = 6, 3, 4
# The sentence as a bag of syllable pairs ("kế hoạch", "đã đạt", "dự toán"): what the cue
# lists do not name, learned from the gold. Weighted so that the bag has a fixed norm
# (BAG_WEIGHT): a long sentence does not outweigh the figure's own cues. Measured on the
# gold (10 folds grouped by document, first pass): weight 2 gives 0.811, 3 gives 0.812, 4
# gives 0.810 against 0.800 without the bag.
_SYLLABLE = re.compile(r"\b\w\w+\b")
BAG_WEIGHT = 3.0
BAG_PREFIX = "bag:"
# Training keeps a syllable pair only when it stands in this many documents: a pair seen in
# one article teaches nothing about the next, and the rare ones made the model five times
# larger (slower to load at every start) for no measured gain.
BAG_MIN_DOCS = 2


def _bucket(n: int, edges=(0, 1, 3, 6, 12)) -> str:
    for e in edges:
        if n <= e:
            return f"<={e}"
    return f">{edges[-1]}"



def features(doc: Analysis, fig: Figure, sentence: tuple[int, int]) -> dict[str, float | str]:
    """Features of one figure read in `sentence` (a flat dict for DictVectorizer); the words
    and POS tags are those of the figure's own sentence."""
    text = doc.flat
    words = doc.words(fig.sentence)
    s, e = window(text, fig, sentence)
    cs, ce = clause(text, (s, e), fig)
    near_l = near_left_start(words, fig, s)
    near_r = near_right_end(words, fig, e)
    f: dict[str, float | str] = {}

    kind = unit_kind(fig)
    f["unit_kind"] = kind
    noun = counted_noun(fig)
    if noun:
        f["unit_head"] = " ".join(noun.split()[:2])
    for group in unit_groups(noun):
        f[f"unit:{group}"] = 1.0

    hits = [h for h in cues_in(doc, s, e) if h.end <= fig.start or h.start >= fig.end]
    nearest: CueHit | None = None
    nearest_clause: CueHit | None = None
    for h in hits:
        if h.end <= fig.start:
            f[f"L_sent:{h.group}"] = 1.0
            if h.start >= cs:
                f[f"L_clause:{h.group}"] = 1.0
            if h.start >= near_l:
                f[f"L_near:{h.group}"] = 1.0
            if h.role != "none":
                nearest = h  # hits are sorted: the last one seen is the closest
                if h.start >= cs:
                    nearest_clause = h
        else:
            if h.end <= ce:
                f[f"R_clause:{h.group}"] = 1.0
            if h.end <= near_r:
                f[f"R_near:{h.group}"] = 1.0
            f[f"R_sent:{h.group}"] = 1.0
    if nearest is not None:
        f["nearest_left"] = nearest.group
        gap = len(text[nearest.end:fig.start].split())
        f["nearest_left_words"] = _bucket(gap)
        if gap == 0:  # the cue heads the figure: "mục tiêu 48.000", "đạt 42%", "gồm 5"
            f["nearest_left_adjacent"] = nearest.group
    if nearest_clause is not None:
        f["nearest_left_clause"] = nearest_clause.group
    # The order of roles before the figure in its clause: "phấn đấu đạt X" (target, actual)
    # is a goal, "đạt X" alone a result.
    seq: list[str] = []
    for h in hits:
        if h.end <= fig.start and h.start >= cs and h.role != "none" and (not seq or seq[-1] != h.role):
            seq.append(h.role)
    f["left_clause_roles"] = ">".join(seq[-2:]) or "none"
    # A sentence that opens with a cue ("Mục tiêu đến năm 2025, ...") frames all its figures.
    for h in cues_in(doc, s, min(e, fig.start, s + 40)):
        if h.role != "none":
            f["sent_opens"] = h.group
            break

    # Lead-in of a list or table: the heading that says these are goals or results.
    kind_ctx, leads = lead_in(text, (s, e))
    if kind_ctx:
        f["ctx"] = kind_ctx
        ctx_nearest = None
        for a, b in leads:  # nearest lead-in first
            for h in cues_in(doc, a, b):
                f[f"ctx:{h.group}"] = 1.0
                if h.role != "none" and ctx_nearest is None:
                    ctx_nearest = h.group
        if ctx_nearest:
            f["ctx_nearest"] = ctx_nearest

    # The sentence before, in the same paragraph: "Dự kiến đến cuối năm, thành phố sẽ ...".
    prev = previous_sentence(text, s)
    if prev is not None:
        for h in cues_in(doc, *prev):
            if h.role != "none":
                f[f"P_sent:{h.group}"] = 1.0

    # Words and POS around the figure (the words feed features, characters feed cues).
    before = [w for w in words if w.end <= fig.start and w.start >= s]
    after = [w for w in words if w.start >= fig.end and w.end <= e]
    f["pos_prev"] = before[-1].pos if before else "BOS"
    f["pos_prev2"] = before[-2].pos if len(before) > 1 else "BOS"
    f["pos_next"] = after[0].pos if after else "EOS"
    if before:
        f["word_prev"] = before[-1].text.lower()
    if after:
        f["word_next"] = after[0].text.lower()
    # The words themselves (lowercase, words with letters only): the last ones before the
    # figure, those of its clause, the first after it, the first of its sentence ("Nếu ...",
    # "Tổng mức đầu tư ...", "Kế hoạch vốn ..."): what the cue lists do not name.
    for w in before[-_WORDS_LEFT:]:
        if _LETTER.search(w.text):
            f[f"w_left:{w.text.lower()}"] = 1.0
    for w in before:
        if w.start >= cs and _LETTER.search(w.text):
            f[f"w_clause:{w.text.lower()}"] = 1.0
    for w in after[:_WORDS_RIGHT]:
        if _LETTER.search(w.text):
            f[f"w_right:{w.text.lower()}"] = 1.0
    for w in words[:_WORDS_OPENING]:
        if _LETTER.search(w.text):
            f[f"w_open:{w.text.lower()}"] = 1.0
    verbs = [w for w in before if w.pos == "V" and w.start >= cs]
    if verbs:
        gov = verbs[-1].text.lower()
        f["gov_verb"] = gov
        for h in find_cues(gov, 0, len(gov)):
            if h.role != "none":
                f[f"gov_verb:{h.group}"] = 1.0
    else:
        f["gov_verb"] = "none"

    f.update(doc.remember(("roles.bag", sentence), lambda: sentence_bag(text, sentence)))

    # Position: list items after a colon, heads of clauses, asides in parentheses.
    gap = text[cs:fig.start]
    f["clause_initial"] = 1.0 if not re.search(r"\w", gap) else 0.0
    prev_char = text[s:fig.start].rstrip()[-1:] if text[s:fig.start].strip() else ""
    f["prev_char"] = prev_char if prev_char and not prev_char.isalnum() else "word"
    f["in_parens"] = 1.0 if text.rfind("(", s, fig.start) > text.rfind(")", s, fig.start) else 0.0
    rel = (fig.start - s) / max(1, e - s)
    f["sent_pos"] = "start" if rel < 0.2 else ("end" if rel > 0.7 else "mid")
    # The transparent rule's vote, and which step of it fired, are features: the model
    # learns how far to trust each step.
    role, _, why = rule_vote(doc, fig, (s, e))
    f["rule"] = role
    f["rule_step"] = f"{why}:{role}"
    ctx = context_features(doc, fig)
    f.update(ctx)
    # A count of plan parts or members ("53 chỉ tiêu", "05 nhóm nhiệm vụ", "16 đồng chí")
    # describes the plan or the body whatever frame it stands in (corpus/GUIDELINES.md:
    # `other`): the frame, the hint and the rule vote are also read together with that
    # unit group, so that the model can weigh them apart for such counts.
    for group in unit_groups(noun):
        f[f"{group}&frame:{ctx['cx_frame']}"] = 1.0
        f[f"{group}&hint:{ctx['cx_hint']}"] = 1.0
        f[f"{group}&rule:{role}"] = 1.0
    return f


def sentence_bag(text: str, sentence: tuple[int, int]) -> dict[str, float]:
    """The sentence's syllable pairs (lowercase), each weighted BAG_WEIGHT / sqrt(count)."""
    syl = _SYLLABLE.findall(text[sentence[0]:sentence[1]].lower())
    pairs = {f"{BAG_PREFIX}{a} {b}" for a, b in zip(syl, syl[1:])}
    if not pairs:
        return {}
    w = BAG_WEIGHT / len(pairs) ** 0.5
    return {k: w for k in pairs}


def _relative(year: int | None, anchor: int | None) -> str:
    if year is None:
        return "none"
    if anchor is None:
        return "no-anchor"
    return "after" if year > anchor else ("same" if year == anchor else "before")


def context_features(doc: Analysis, fig: Figure) -> dict[str, float | str]:
    """What the document around the figure says (nlp.context, built once per document):

    - the frame it stands in (a heading, a list's lead-in, a ":" or ";"-chain, its
      sentence): kind (target/actual/none), shape, strength and the cue that decided it,
      and whether the frame's year lies after the article's own year;
    - its period: its own time expression or one inherited from an earlier sentence,
      past/current/future relative to the article's time, and its year against the anchor;
    - the context's role hint and whether the sentence states the present.
    Every value is a category, combined with the frame kind where its sense depends on it.
    """
    ctx = doc.context
    s, e = fig.start, fig.end
    f: dict[str, float | str] = {}
    anchor = ctx.anchor.current_year
    fr = ctx.frame_at(s)
    f["cx_frame"] = fr.kind
    f["cx_frame_shape"] = f"{fr.kind}:{fr.shape}"
    f["cx_frame_strength"] = f"{fr.kind}:{min(fr.strength, 3)}"
    if fr.cue:
        f["cx_frame_cue"] = f"{fr.kind}:{fr.cue}"
    f["cx_frame_year"] = f"{fr.kind}:{_relative(fr.year, anchor)}"
    own = ctx.period_at(s, e, inherit=False)
    if own is not None:
        f["cx_period"] = own.relation
        f["cx_period_kind"] = f"{own.kind}:{own.relation}"
        f["cx_period_year"] = _relative(own.year, anchor)
    else:
        inherited = ctx.period_at(s, e, inherit=True)
        f["cx_period"] = f"inherited:{inherited.relation}" if inherited is not None else "none"
        if inherited is not None:
            f["cx_period_year"] = "inherited:" + _relative(inherited.year, anchor)
    f["cx_hint"] = ctx.role_hint(s, e) or "none"
    f["cx_present"] = 1.0 if ctx.states_present(s) else 0.0
    # Without an anchor the relation is unknown: where the figure's year stands among the
    # years the document names (a plan reaches to its furthest years, a report to its last).
    period = own if own is not None else ctx.period_at(s, e, inherit=True)
    year = period.year if period is not None and period.year is not None else fr.year
    if year is not None:
        f["cx_year_rank"] = _year_rank(doc, year)
    return f


def _year_rank(doc: Analysis, year: int) -> str:
    years = doc.remember(("roles.years", 0), lambda: sorted({p.year for p in doc.context.periods
                                                              if p.year is not None and not p.comparison}))
    if len(years) < 2:
        return "only"
    if year >= years[-1]:
        return "last"
    if year <= years[0]:
        return "first"
    return "upper" if year > years[len(years) // 2] else "lower"
