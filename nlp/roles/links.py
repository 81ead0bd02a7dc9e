"""Figures whose roles are decided together (nlp/rules/role_links.yml), and that decoding.

A figure in apposition to the one before it ("thu ngân sách 347.882 tỷ đồng, tăng gần
50.000 tỷ đồng", "hơn 1,5 triệu cổ phần, tương đương 4,08% vốn điều lệ"), the bounds of a
spelled range ("từ 3,5 đến 5 triệu đồng") and a pair joined by "và" are one statement, so
they share its role (in the gold, every such group does). The model scores each alone, and
the second one's own clause ("tăng ...") reads like a result even where the first is a
goal; decoding gives the linked figures the role whose summed log probability is highest.
"""
from __future__ import annotations

import re
from functools import lru_cache
from typing import Sequence

import numpy as np

from ..records import Figure
from ..rules import load

MAX_GAP = 80  # characters between two linked figures, at most


@lru_cache(maxsize=1)
def link_patterns() -> tuple[tuple[str, re.Pattern], ...]:
    return tuple((r["id"], re.compile(r["pattern"], re.IGNORECASE)) for r in load("role_links", required=("pattern",)))


def linked_rule(text: str, first: Figure, second: Figure) -> str | None:
    """The id of the rule that links `second` to `first` just before it, else None."""
    if not 0 <= second.start - first.end <= MAX_GAP:
        return None
    gap = text[first.end:second.start]
    return next((rid for rid, rx in link_patterns() if rx.search(gap)), None)


def link_groups(text: str, figures: Sequence[Figure]) -> list[list[int]]:
    """Indices of `figures` (of one text) in groups of two or more that share a role: each
    figure linked to the one before it in text order joins that one's group."""
    order = sorted(range(len(figures)), key=lambda i: figures[i].start)
    groups: list[list[int]] = []
    current: list[int] = []
    for prev, cur in zip(order, order[1:]):
        if linked_rule(text, figures[prev], figures[cur]) is not None:
            current = current or [prev]
            current.append(cur)
        else:
            if len(current) > 1:
                groups.append(current)
            current = []
    if len(current) > 1:
        groups.append(current)
    return groups


def joint_choice(probs: np.ndarray, members: Sequence[int], allowed: Sequence[set[str] | None],
                 classes: Sequence[str]) -> int | None:
    """The class index the group's members take together: the highest summed log probability
    among the classes every member may take; None when no class is allowed to all."""
    ok = [k for k, c in enumerate(classes) if all(allowed[i] is None or c in allowed[i] for i in members)]
    if not ok:
        return None
    total = np.log(np.clip(probs[list(members)][:, ok], 1e-9, 1.0)).sum(axis=0)
    return ok[int(np.argmax(total))]
