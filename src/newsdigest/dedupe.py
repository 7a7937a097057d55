"""Duplicates: syndicated copies of one text collapsed into one entry.

The same wire story run by two outlets, or the same article fetched twice, is one
article to the reader. Two articles are copies when most of the shorter one's
word 5-gram "shingles" also occur in the longer one (containment): an outlet's own
headline, byline or an added paragraph does not hide a copy, while two reports of
the same event in different words share almost no 5-grams. The kept entry lists
every other outlet that ran the text in ``also_in``.

Candidate pairs come from an inverted index of shingles, so the cost grows with
the number of shared shingles, not with the square of the article count.
"""

from __future__ import annotations

import re
import zlib
from collections import defaultdict
from collections.abc import Sequence
from dataclasses import replace
from datetime import datetime

from .model import Document, Problem

SHINGLE_WORDS = 5
# Share of the shorter text's shingles found in the longer one for "the same text".
MIN_CONTAINMENT = 0.8
# Texts shorter than this (in shingles) are too short to call copies: two one-line
# briefs can share a stock phrase.
MIN_SHINGLES = 8
# A shingle in more documents than this is stock phrasing, useless for finding pairs.
MAX_POSTINGS = 50

_WORD = re.compile(r"\w+")


def shingles(text: str) -> frozenset[int]:
    words = _WORD.findall(text.lower())
    return frozenset(zlib.crc32(" ".join(words[i:i + SHINGLE_WORDS]).encode("utf-8"))
                     for i in range(max(len(words) - SHINGLE_WORDS + 1, 0)))


def duplicate_groups(texts: Sequence[str], min_containment: float = MIN_CONTAINMENT) -> list[list[int]]:
    """Groups (of two or more indices, ascending) of texts that are copies of each other."""
    sets = [shingles(t) for t in texts]
    postings: dict[int, list[int]] = defaultdict(list)
    for index, shingle_set in enumerate(sets):
        if len(shingle_set) >= MIN_SHINGLES:
            for shingle in shingle_set:
                postings[shingle].append(index)
    shared: dict[tuple[int, int], int] = defaultdict(int)
    for members in postings.values():
        if 1 < len(members) <= MAX_POSTINGS:
            for a_pos, a in enumerate(members):
                for b in members[a_pos + 1:]:
                    shared[a, b] += 1
    parent = list(range(len(texts)))

    def root(i: int) -> int:
        while parent[i] != i:
            parent[i] = parent[parent[i]]
            i = parent[i]
        return i

    for (a, b), count in sorted(shared.items()):
        if count / min(len(sets[a]), len(sets[b])) >= min_containment:
            parent[max(root(a), root(b))] = min(root(a), root(b))
    groups: dict[int, list[int]] = defaultdict(list)
    for index in range(len(texts)):
        groups[root(index)].append(index)
    return [g for _, g in sorted(groups.items()) if len(g) > 1]


def _keeper_key(doc: Document) -> tuple:
    # Keep the earliest dated copy (the likeliest original), then the one with the
    # most metadata, then the longest text; the id keeps the choice total.
    a = doc.article
    known = sum(v is not None for v in (a.title if not a.title_derived else None, a.source, a.url, a.author))
    return (a.date is None, a.date or datetime.min, -known, -len(a.text), a.id)


def collapse_duplicates(documents: Sequence[Document], problems: list[Problem]) -> list[Document]:
    """One document per group of copies, its ``also_in`` naming the other outlets; order kept."""
    groups = duplicate_groups([d.article.text for d in documents])
    dropped: set[int] = set()
    kept: dict[int, Document] = {}
    for group in groups:
        keeper_index = min(group, key=lambda i: _keeper_key(documents[i]))
        keeper = documents[keeper_index].article
        others = [documents[i].article for i in group if i != keeper_index]
        outlets = {a.source for a in others if a.source} | set(keeper.also_in)
        outlets.discard(keeper.source)
        kept[keeper_index] = replace(documents[keeper_index],
                                     article=replace(keeper, also_in=tuple(sorted(outlets))))
        for other in sorted(others, key=lambda a: a.id):
            listed = f"; '{other.source}' listed under 'also in'" if other.source and other.source != keeper.source else ""
            problems.append(Problem(other.origin, f"same text as {keeper.origin}: merged into its entry{listed}",
                                    action="merged"))
        dropped.update(i for i in group if i != keeper_index)
    return [kept.get(i, d) for i, d in enumerate(documents) if i not in dropped]
