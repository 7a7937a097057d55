from datetime import UTC, datetime

import numpy as np
import pytest
import scipy.sparse as sp

from helpers import document, seed_documents
from newsdigest.group import (
    GroupSettings,
    average_link,
    document_vectors,
    group_documents,
    group_with_reasons,
    names_and_numbers,
    nearest_neighbours,
)
from newsdigest.neighbours import Search
from stories_text import (
    BUDGET,
    ESCAPE_NORWAY_A,
    ESCAPE_NORWAY_B,
    ESCAPE_TEXAS_A,
    ESCAPE_TEXAS_B,
    QUAKE_PERU_A,
    QUAKE_PERU_B,
)

QUAKE = (
    "A magnitude 6.1 earthquake struck northern Chile near Antofagasta on Monday, "
    "damaging roads and cutting power to 20,000 homes. No deaths were reported. "
    "The national emergency office said aftershocks continued through the night."
)
QUAKE_OTHER_OUTLET = (
    "Chile's Antofagasta region was shaken by a 6.1-magnitude quake on Monday. "
    "Power was cut to about 20,000 homes and several roads were damaged, officials said. "
    "Aftershocks were felt overnight, the emergency office reported."
)


def test_seeds_with_differently_spelt_names_are_one_story():
    # "Ahmad al-Shareh" and "Ahmed al-Sharaa": the same man, the same Kremlin meeting.
    assert group_documents(seed_documents()) == [[0, 1]]


def test_same_event_groups_and_different_events_stay_apart():
    docs = [
        *seed_documents(),
        document(QUAKE, "q1"),
        document(BUDGET, "b"),
        document(QUAKE_OTHER_OUTLET, "q2"),
    ]
    assert group_documents(docs) == [[0, 1], [2, 4], [3]]


def test_sibling_events_of_one_kind_stay_apart_and_spelling_variants_join():
    # Two prison escapes and two earthquakes share their vocabulary; names, places and
    # numbers tell them apart. "McAllister" / "MacAllister" is one sheriff.
    texts = [
        ESCAPE_NORWAY_A,
        ESCAPE_TEXAS_A,
        QUAKE,
        QUAKE_PERU_A,
        ESCAPE_NORWAY_B,
        ESCAPE_TEXAS_B,
        QUAKE_OTHER_OUTLET,
        QUAKE_PERU_B,
        BUDGET,
    ]
    docs = [document(t, f"d{i}") for i, t in enumerate(texts)]
    assert group_documents(docs) == [[0, 4], [1, 5], [2, 6], [3, 7], [8]]


def test_dated_articles_weeks_apart_are_different_events():
    early = document(QUAKE, "q1", date=datetime(2025, 1, 6, tzinfo=UTC))
    late = document(QUAKE_OTHER_OUTLET, "q2", date=datetime(2025, 3, 3, tzinfo=UTC))
    assert group_documents([early, late]) == [[0], [1]]
    near = document(QUAKE_OTHER_OUTLET, "q2", date=datetime(2025, 1, 7, tzinfo=UTC))
    assert group_documents([early, near]) == [[0, 1]]


def test_a_story_spanning_too_many_days_is_not_built_by_chaining():
    day = lambda d: datetime(2025, 1, d, tzinfo=UTC)  # noqa: E731
    docs = [
        document(QUAKE, "a", date=day(1)),
        document(QUAKE_OTHER_OUTLET, "b", date=day(6)),
        document(QUAKE, "c", date=day(11)),
    ]
    clusters = group_documents(docs)
    assert [0, 2] not in clusters and all(len(c) < 3 for c in clusters)


def test_average_link_does_not_chain_through_one_bridging_article():
    # 0-1 and 2-3 are tight pairs; article 1 is weakly like 2. Single link would make one
    # story of all four; average link keeps two.
    edges = {(0, 1): (1.0, 0.5), (2, 3): (1.0, 0.5), (1, 2): (0.9, 0.3)}
    grouping = average_link(4, edges, 0.6, [None] * 4, 7)
    assert grouping.clusters == [[0, 1], [2, 3]]
    assert [(j.left, j.right) for j in grouping.joins] == [((0,), (1,)), ((2,), (3,))]


def test_joins_name_the_most_similar_pair():
    docs = [document(QUAKE, "q1"), document(BUDGET, "b"), document(QUAKE_OTHER_OUTLET, "q2")]
    [join] = group_with_reasons(docs).joins
    assert join.pair == (0, 2) and 0 < join.cosine <= 1 and join.mean >= GroupSettings().threshold


def test_nearest_neighbours_are_sorted_and_skip_far_dates():
    docs = [
        document(QUAKE, "a", date=datetime(2025, 1, 1, tzinfo=UTC)),
        document(QUAKE_OTHER_OUTLET, "b", date=datetime(2025, 6, 1, tzinfo=UTC)),
        document(QUAKE_PERU_A, "c"),
    ]
    vectors = document_vectors(docs)
    indices, sims = nearest_neighbours(vectors, 2, [d.article.date for d in docs], 7)
    assert 1 not in indices[0] and 0 not in indices[1]  # five months apart: never neighbours
    assert list(indices[2]) == [0, 1] or list(indices[2]) == [1, 0]
    assert sims[2][0] >= sims[2][1]


def test_names_and_numbers_skip_sentence_openers_and_fold_plurals():
    tokens = names_and_numbers(
        "The Oscars were held. Ellen hosted the Oscar show in 2014 for ABC's viewers."
    )
    assert tokens.count("oscar") == 2 and "2014" in tokens and "abc" in tokens
    assert "the" not in tokens and "ellen" not in tokens  # "Ellen" opens its sentence


def test_no_documents_no_stories():
    assert group_documents([]) == []
    assert group_documents([document(BUDGET, "b")]) == [[0]]


def test_two_pass_neighbour_search_finds_the_exact_neighbours():
    # Sentences of the test stories as short "articles": many share common words, so
    # the candidate search (rare features only) has something to leave out.

    texts = [
        s
        for text in (
            ESCAPE_NORWAY_A,
            ESCAPE_NORWAY_B,
            ESCAPE_TEXAS_A,
            ESCAPE_TEXAS_B,
            QUAKE_PERU_A,
            QUAKE_PERU_B,
            BUDGET,
            QUAKE,
            QUAKE_OTHER_OUTLET,
        )
        for s in text.split(". ")
    ]
    docs = [document(t, f"d{i}") for i, t in enumerate(texts)]
    vectors = document_vectors(docs)
    frequency = np.bincount(vectors.indices, minlength=vectors.shape[1])
    assert (frequency > 0.2 * len(docs)).any()  # the two-pass path really runs
    exact_indices, exact_sims = nearest_neighbours(vectors, 3, search=Search(exact=True))
    indices, sims = nearest_neighbours(vectors, 3, search=Search(max_df=0.2, min_articles=0))
    strong = exact_sims > 0.12  # the links grouping uses (GroupSettings.min_similarity)
    assert strong.sum() >= 10
    assert (indices[strong] == exact_indices[strong]).all()
    assert np.allclose(sims[strong], exact_sims[strong], atol=1e-5)


def test_pair_products_match_the_dense_products_including_empty_rows():
    from newsdigest.neighbours import pair_products

    rng = np.random.default_rng(7)
    dense = rng.random((30, 50)).astype(np.float32) * (rng.random((30, 50)) < 0.2)
    dense[[4, 29]] = 0  # rows with no features at all, the last one too
    vectors = sp.csr_matrix(dense)
    candidates = rng.integers(-1, 30, size=(30, 6))
    out = pair_products(vectors, candidates)
    full = dense @ dense.T
    for i in range(30):
        for s, j in enumerate(candidates[i]):
            assert out[i, s] == pytest.approx(full[i, j] if j >= 0 else 0.0, abs=1e-5)


def test_blocked_threaded_search_equals_one_block():

    sentences = [
        s
        for text in (
            ESCAPE_NORWAY_A,
            ESCAPE_NORWAY_B,
            ESCAPE_TEXAS_A,
            ESCAPE_TEXAS_B,
            QUAKE_PERU_A,
            QUAKE_PERU_B,
            BUDGET,
            QUAKE,
            QUAKE_OTHER_OUTLET,
        )
        for s in text.split(". ")
    ]
    # 120 "articles" of two sentences each, over 20 days: enough rows for several blocks.
    docs = [
        document(
            f"{sentences[i % len(sentences)]}. {sentences[i * 7 % len(sentences)]}.",
            f"d{i}",
            date=datetime(2025, 1, 1 + i % 20, tzinfo=UTC),
        )
        for i in range(120)
    ]
    vectors = document_vectors(docs)
    dates = [d.article.date for d in docs]
    whole = nearest_neighbours(vectors, 4, dates, 7, Search(exact=True))
    # 50-row blocks (the minimum): several run on threads.
    blocked = nearest_neighbours(vectors, 4, dates, 7, Search(exact=True, block_pairs=1))
    assert len(docs) > 100
    assert (whole[0] == blocked[0]).all() and np.array_equal(whole[1], blocked[1])
