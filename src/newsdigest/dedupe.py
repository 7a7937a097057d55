"""Duplicates: syndicated copies of one text collapsed into one entry.

The same wire story run by two outlets, or the same article fetched twice, is one
article to the reader. Two articles are copies when most of the shorter one's
word 5-gram "shingles" also occur in the longer one (containment): an outlet's own
headline, byline or an added paragraph does not hide a copy, while two reports of
the same event in different words share almost no 5-grams. The kept entry lists
every other outlet that ran the text in ``also_in``.

Shared shingles are counted with one sparse matrix product, over shingles that
occur in more than one and at most ``MAX_POSTINGS`` documents, so the cost grows
with the number of shared shingles, not with the square of the article count.
"""

from __future__ import annotations

import re
from collections import defaultdict
from collections.abc import Sequence
from dataclasses import replace
from datetime import datetime

import numpy as np
from scipy import sparse

from .model import Document, Problem
from .ngrams import word_shingles

SHINGLE_WORDS = 5
# Word 5-grams hashed to 26 bits: with a million shingles, few collide, and a collision
# can only add a shared shingle or two, far from dedupe's 80% threshold.
SHINGLE_BITS = 26
_SHINGLE_TOKEN = re.compile(r"(?u)\b\w+\b")  # every word, one letter or digit too
# Share of the shorter text's shingles found in the longer one for "the same text".
MIN_CONTAINMENT = 0.8
# Texts shorter than this (in shingles) are too short to call copies: two one-line
# briefs can share a stock phrase.
MIN_SHINGLES = 8
# A shingle in more documents than this is stock phrasing, useless for finding pairs.
MAX_POSTINGS = 50
# Texts compared with all others at a time (bounds the memory of the pair counts).
COPY_BLOCK_ROWS = 5000


def shingle_sets(texts: Sequence[str]) -> list[np.ndarray]:
    """Each text's distinct hashed word 5-grams (lower-cased), ascending (uint32).

    Made once per article by the per-article stage (``newsdigest.prepare``) and kept
    in its cache, so a rebuild hashes only the new articles.
    """
    return word_shingles(
        [_SHINGLE_TOKEN.findall(text.lower()) for text in texts], SHINGLE_WORDS, SHINGLE_BITS
    )


def duplicate_groups(
    texts: Sequence[str],
    min_containment: float = MIN_CONTAINMENT,
    block_rows: int = COPY_BLOCK_ROWS,
) -> list[list[int]]:
    """Groups (of two or more indices, ascending) of texts that are copies of each other."""
    return copy_groups(shingle_sets(texts), min_containment, block_rows)


def copy_groups(
    shingles: Sequence[np.ndarray],
    min_containment: float = MIN_CONTAINMENT,
    block_rows: int = COPY_BLOCK_ROWS,
) -> list[list[int]]:
    """``duplicate_groups`` from each text's shingle set (``shingle_sets``); ``block_rows``
    texts are compared with all others at a time."""
    if len(shingles) < 2:
        return []
    sizes = np.array([len(s) for s in shingles], dtype=np.int64)  # distinct shingles per text
    matrix = sparse.csr_matrix(
        (
            np.ones(int(sizes.sum()), dtype=np.int32),
            np.concatenate(shingles).astype(np.int64),
            np.concatenate(([0], np.cumsum(sizes))),
        ),
        shape=(len(shingles), 2**SHINGLE_BITS),
    )
    # Pairs sharing a shingle, and how many: one sparse product over the shingles found
    # in more than one text but no more than MAX_POSTINGS (stock phrasing finds no copies).
    shingle_ids, counts = np.unique(matrix.indices, return_counts=True)
    useful = shingle_ids[(counts > 1) & (counts <= MAX_POSTINGS)]
    if not len(useful):
        return []
    # Renumber the useful shingles 0..k-1 (slicing 2**SHINGLE_BITS columns would allocate that
    # many).
    position = np.searchsorted(useful, matrix.indices)
    keep = useful[np.minimum(position, len(useful) - 1)] == matrix.indices
    rows = np.repeat(np.arange(len(shingles)), sizes)[keep]
    compact = sparse.csr_matrix(
        (np.ones(int(keep.sum()), dtype=np.int32), (rows, position[keep])),
        shape=(len(shingles), len(useful)),
    )
    parent = list(range(len(shingles)))

    def root(i: int) -> int:
        while parent[i] != i:
            parent[i] = parent[parent[i]]
            i = parent[i]
        return i

    # A block of rows at a time, and only the pairs that pass leave numpy: a month of
    # rewritten wire copy shares millions of shingle pairs, almost none of them copies.
    columns = compact.T.tocsr()
    for start in range(0, len(shingles), block_rows):
        shared = (compact[start : start + block_rows] @ columns).tocoo()
        a, b = shared.row.astype(np.int64) + start, shared.col.astype(np.int64)
        smaller = np.minimum(sizes[a], sizes[b])
        copies = (
            (a < b)
            & (smaller >= MIN_SHINGLES)
            & (shared.data / np.maximum(smaller, 1) >= min_containment)
        )
        # The root of a component is its smallest index, whatever the order of the unions.
        for x, y in zip(a[copies].tolist(), b[copies].tolist()):
            parent[max(root(x), root(y))] = min(root(x), root(y))
    groups: dict[int, list[int]] = defaultdict(list)
    for index in range(len(shingles)):
        groups[root(index)].append(index)
    return [g for _, g in sorted(groups.items()) if len(g) > 1]


def _keeper_key(doc: Document) -> tuple:
    # Keep the earliest dated copy (the likeliest original), then the one with the
    # most metadata, then the longest text; the id keeps the choice total.
    a = doc.article
    known = sum(
        v is not None for v in (a.title if not a.title_derived else None, a.source, a.url, a.author)
    )
    return (a.date is None, a.date or datetime.min, -known, -len(a.text), a.id)


def collapse_duplicates(
    documents: Sequence[Document],
    problems: list[Problem],
    shingles: Sequence[np.ndarray] | None = None,
) -> list[Document]:
    """One document per group of copies, its ``also_in`` naming the other outlets; order kept.

    ``shingles[i]``: ``documents[i]``'s shingle set (``shingle_sets``), when the
    per-article stage made it; else it is made here (the same values).
    """
    return merge_copies(documents, problems, shingles)[0]


def merge_copies(
    documents: Sequence[Document],
    problems: list[Problem],
    shingles: Sequence[np.ndarray] | None = None,
) -> tuple[list[Document], dict[str, str]]:
    """``collapse_duplicates``, and where each copy went: {merged copy's id: kept entry's id}."""
    groups = copy_groups(
        shingles if shingles is not None else shingle_sets([d.article.text for d in documents])
    )
    dropped: set[int] = set()
    kept: dict[int, Document] = {}
    copies: dict[str, str] = {}
    for group in groups:
        keeper_index = min(group, key=lambda i: _keeper_key(documents[i]))
        keeper = documents[keeper_index].article
        others = [documents[i].article for i in group if i != keeper_index]
        outlets = {a.source for a in others if a.source} | set(keeper.also_in)
        outlets.discard(keeper.source)
        kept[keeper_index] = replace(
            documents[keeper_index], article=replace(keeper, also_in=tuple(sorted(outlets)))
        )
        for other in sorted(others, key=lambda a: a.id):
            listed = (
                f"; '{other.source}' listed under 'also in'"
                if other.source and other.source != keeper.source
                else ""
            )
            problems.append(
                Problem(
                    other.origin,
                    f"same text as {keeper.origin}: merged into its entry{listed}",
                    action="merged",
                )
            )
        dropped.update(i for i in group if i != keeper_index)
        copies.update((documents[i].id, keeper.id) for i in group if i != keeper_index)
    return [kept.get(i, d) for i, d in enumerate(documents) if i not in dropped], copies
