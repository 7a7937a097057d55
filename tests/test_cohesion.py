"""Cohesion: a published story reads as one event; the home page lists those first.

The rule is tested on text written for these tests (``stories_text``) and on hand-made
vectors; one test reads the Multi-News rows of ``../shared/corpus`` at run time (their
text is never copied here) and checks what a reader sees first.
"""

from datetime import UTC, datetime
from pathlib import Path

import numpy as np
import scipy.sparse as sp

from helpers import document
from newsdigest.group import (
    Grouping,
    GroupSettings,
    Split,
    cohesion,
    document_vectors,
    split_incoherent,
)
from newsdigest.model import Article, Story
from newsdigest.stories import LOOSE_COHESION, rank_stories, story_reasons
from stories_text import (
    BUDGET,
    ESCAPE_NORWAY_A,
    ESCAPE_NORWAY_B,
    ESCAPE_TEXAS_A,
    ESCAPE_TEXAS_B,
)

CORPUS = Path(__file__).resolve().parents[1] / ".." / "shared" / "corpus"
FLOOR = GroupSettings().min_similarity


def _vectors(*texts: str) -> sp.csr_matrix:
    return document_vectors([document(t, f"d{k}") for k, t in enumerate(texts)])


def test_two_events_in_one_story_are_cut_apart():
    # Two prison escapes: the same kind of news, two events (Norway, Texas).
    vectors = _vectors(ESCAPE_NORWAY_A, ESCAPE_NORWAY_B, ESCAPE_TEXAS_A, ESCAPE_TEXAS_B)
    clusters, splits, _ = split_incoherent([[0, 1, 2, 3]], vectors, FLOOR)
    assert clusters == [[0, 1], [2, 3]]
    assert [s.kind for s in splits] == ["cut"]
    assert splits[0].parts == ((0, 1), (2, 3))
    assert splits[0].score < splits[0].limit


def test_an_article_that_fits_no_part_of_the_story_is_taken_out():
    vectors = _vectors(ESCAPE_NORWAY_A, BUDGET, ESCAPE_NORWAY_B)
    clusters, splits, _ = split_incoherent([[0, 1, 2]], vectors, FLOOR)
    assert clusters == [[0, 2], [1]]
    assert [(s.kind, s.parts[1]) for s in splits] == [("misfit", (1,))]
    assert splits[0].score < FLOOR


def test_one_event_stays_whole_and_pairs_are_never_cut():
    vectors = _vectors(ESCAPE_NORWAY_A, ESCAPE_NORWAY_B, ESCAPE_TEXAS_A, BUDGET)
    clusters, splits, cohesions = split_incoherent([[0, 1], [2, 3]], vectors, FLOOR)
    assert (clusters, splits) == ([[0, 1], [2, 3]], [])
    assert cohesions == [cohesion(vectors, [0, 1]), cohesion(vectors, [2, 3])]


def test_a_chain_is_cut_where_its_links_are_weak():
    # Hand-made unit vectors: two tight groups of three joined by one weak link.
    rows = np.zeros((6, 4))
    rows[[0, 1, 2], 0] = 1.0
    rows[[3, 4, 5], 1] = 1.0
    rows[2, 2] = rows[3, 2] = 0.3  # the two events' only shared feature
    vectors = sp.csr_matrix(rows / np.linalg.norm(rows, axis=1, keepdims=True))
    clusters, splits, _ = split_incoherent([list(range(6))], vectors, FLOOR)
    assert clusters == [[0, 1, 2], [3, 4, 5]]
    assert splits[0].bridge < 0.26


def test_cohesion_is_the_mean_pairwise_cosine():
    vectors = sp.csr_matrix(np.array([[1.0, 0.0], [0.6, 0.8], [0.0, 1.0]]))
    assert np.isclose(cohesion(vectors, [0, 1, 2]), (0.6 + 0.0 + 0.8) / 3)
    assert cohesion(vectors, [1]) == 1.0


def _article(id: str, source: str | None = None, day: int | None = None) -> Article:
    date = datetime(2026, 3, day, tzinfo=UTC) if day else None
    return Article(id=id, text="x", origin=id, source=source, date=date)


def test_home_order_puts_cohesive_stories_before_loose_ones_and_singles_last():
    articles = {
        a.id: a
        for a in [
            *(_article(f"big{k}") for k in range(6)),  # undated, no outlets: Multi-News
            _article("tight1"),
            _article("tight2"),
            _article("alone"),
        ]
    }
    loose = Story("loose", "Six events", tuple(f"big{k}" for k in range(6)))
    tight = Story("tight", "One event", ("tight1", "tight2"))
    single = Story("alone", "One article", ("alone",))
    cohesion = {
        frozenset(loose.article_ids): LOOSE_COHESION / 2,
        frozenset(tight.article_ids): 0.5,
    }
    ranked = rank_stories([single, loose, tight], articles, cohesion)
    assert [s.slug for s in ranked] == ["tight", "loose", "alone"]


def test_home_order_among_cohesive_stories_is_outlets_then_recency_then_cohesion():
    articles = {
        a.id: a
        for a in [
            _article("a1", "Outlet A", 1),
            _article("a2", "Outlet B", 1),
            _article("a3", "Outlet C", 1),
            _article("b1", "Outlet A", 5),
            _article("b2", "Outlet B", 5),
            _article("c1", "Outlet A", 5),
            _article("c2", "Outlet B", 5),
        ]
    }
    old_wide = Story("old-wide", "t", ("a1", "a2", "a3"))
    new_loose = Story("new-looser", "t", ("b1", "b2"))
    new_tight = Story("new-tighter", "t", ("c1", "c2"))
    cohesion = {frozenset(("b1", "b2")): 0.3, frozenset(("c1", "c2")): 0.6}
    ranked = rank_stories([new_loose, new_tight, old_wide], articles, cohesion)
    assert [s.slug for s in ranked] == ["old-wide", "new-tighter", "new-looser"]


def test_explain_says_where_a_story_was_split():
    docs = [document(t, f"d{k}") for k, t in enumerate([ESCAPE_NORWAY_A, ESCAPE_NORWAY_B, BUDGET])]
    grouping = Grouping(
        [[0, 1], [2]], splits=[Split("misfit", ((0, 1), (2,)), 0.05, FLOOR)], cohesion=[0.5, 1.0]
    )
    stories = [Story("escape", "t", ("d0", "d1")), Story("budget", "t", ("d2",))]
    reasons = story_reasons(stories, docs, grouping, {})
    expected = "split: 'd2' taken out of 3 article(s): its cosine to the rest of the story is 0.050"
    assert reasons["escape"][0].startswith(expected)
    assert reasons["budget"][0].startswith(expected)


def test_the_first_home_stories_of_multi_news_are_one_event_each():
    # Every row, as the build reads them: undated, no outlets, the scraped notices kept.
    from newsdigest.pipeline import read_stories

    data = CORPUS / "multinews_sample" / "articles.jsonl"
    assert data.exists(), f"the evaluation corpus is needed at {CORPUS} (see CONTRIBUTING.md)"
    staged = read_stories([data])
    label = {d.id: d.article.extra("label") for d in staged.per_article.documents}
    first = staged.found.stories[0]
    assert len(first.article_ids) > 1
    assert len({label[i] for i in first.article_ids}) == 1
