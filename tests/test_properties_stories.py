"""Property-based tests of the story stage: story summaries never repeat a sentence and keep
source order; grouping finds the same stories whatever order the articles come in; slugs
are file-safe, unique and stable."""

import re
from datetime import UTC, datetime, timedelta

from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from helpers import document
from newsdigest.group import group_documents
from newsdigest.slugs import RESERVED_SLUGS, SLUG_MAX_CHARS, make_slug
from newsdigest.stories import find_stories
from newsdigest.summarise import Length, summarise_story
from stories_text import (
    BUDGET,
    ESCAPE_NORWAY_A,
    ESCAPE_NORWAY_B,
    ESCAPE_TEXAS_A,
    ESCAPE_TEXAS_B,
    QUAKE_PERU_A,
    QUAKE_PERU_B,
)

TEXTS = [
    ESCAPE_NORWAY_A,
    ESCAPE_NORWAY_B,
    ESCAPE_TEXAS_A,
    ESCAPE_TEXAS_B,
    QUAKE_PERU_A,
    QUAKE_PERU_B,
    BUDGET,
]
SENTENCES = [s.strip() + "." for text in TEXTS for s in text.split(". ") if len(s.split()) > 3]
# A story of a few articles, each made of sentences of the test stories (repeats included:
# outlets copy each other's sentences), so that redundancy and ties turn up often.
ARTICLE = st.lists(st.sampled_from(SENTENCES), min_size=1, max_size=8).map(" ".join)
STORY = st.lists(ARTICLE, min_size=1, max_size=5)
FAST = settings(max_examples=60, deadline=None, suppress_health_check=[HealthCheck.too_slow])


@FAST
@given(STORY, st.integers(1, 8), st.sampled_from([None, 40, 120]))
def test_story_summary_repeats_no_sentence_and_keeps_source_order(texts, n, words):
    docs = [document(text, f"a{i}") for i, text in enumerate(texts)]
    summary = summarise_story(docs, Length(sentences=n, words=words)).sentences
    picked = [s.text for s in summary]
    assert len(picked) == len(set(picked))
    ids = [d.id for d in docs]
    keys = [(ids.index(s.article_id), s.index) for s in summary]
    assert keys == sorted(keys)
    assert all(docs[ids.index(s.article_id)].sentences[s.index] == s.text for s in summary)
    assert summary or not any(d.sentences for d in docs)


def _stories(docs):
    return {frozenset(docs[i].id for i in cluster) for cluster in group_documents(docs)}


@FAST
@given(st.permutations(range(len(TEXTS) + 3)), st.booleans())
def test_grouping_gives_the_same_stories_whatever_the_input_order(order, dated):
    # The test stories, plus exact ties: the same text under other ids (a tie is broken by
    # id, never by position in the input).
    texts = [*TEXTS, TEXTS[0], TEXTS[4], BUDGET]
    start = datetime(2025, 3, 1, tzinfo=UTC)
    docs = [
        document(t, f"d{i:02d}", date=start + timedelta(hours=i) if dated else None)
        for i, t in enumerate(texts)
    ]
    shuffled = [docs[i] for i in order]
    assert _stories(shuffled) == _stories(docs)
    # The whole story stage too: the same slugs for the same articles.
    found = {s.slug: frozenset(s.article_ids) for s in find_stories(docs).stories}
    again = {s.slug: frozenset(s.article_ids) for s in find_stories(shuffled).stories}
    assert found == again


@given(st.lists(st.text(max_size=200), max_size=30))
def test_slugs_are_file_safe_unique_and_stable(titles):
    taken: set[str] = set()
    slugs = [make_slug(t, taken) for t in titles]
    assert len(set(slugs)) == len(slugs)
    for slug in slugs:
        assert re.fullmatch(r"[a-z0-9]+(?:-[a-z0-9]+)*", slug), slug
        assert slug not in RESERVED_SLUGS and len(slug) <= SLUG_MAX_CHARS + 4
    again: set[str] = set()
    assert [make_slug(t, again) for t in titles] == slugs  # stable: the same titles, the same slugs
