"""The hashed n-gram counts agree with scikit-learn's vectorizers on real text."""

import numpy as np
import pytest
from sklearn.feature_extraction.text import ENGLISH_STOP_WORDS, CountVectorizer, TfidfVectorizer

from helpers import seed_documents
from newsdigest.ngrams import char_ngram_counts, tfidf, tokens, word_ngram_counts


@pytest.fixture(scope="module")
def sentences():
    return [s for d in seed_documents() for s in d.sentences]


def _sorted_rows(matrix):
    """Each row's counts as a sorted list: comparable whatever the column numbering."""
    matrix = matrix.tocsr()
    return [
        sorted(matrix.data[matrix.indptr[i] : matrix.indptr[i + 1]].tolist())
        for i in range(matrix.shape[0])
    ]


def test_char_ngrams_count_what_scikit_learn_counts(sentences):
    # Words of four letters or more give scikit-learn and us the same n-grams (it counts
    # a padded word shorter than n once more for each larger n; we do not).
    long_words = [" ".join(w for w in s.split() if len(w) >= 4) for s in sentences]
    ours = char_ngram_counts(long_words)
    theirs = CountVectorizer(analyzer="char_wb", ngram_range=(3, 5)).fit_transform(long_words)
    assert ours.shape == theirs.shape
    assert _sorted_rows(ours) == _sorted_rows(theirs)


def test_tfidf_similarities_match_scikit_learn(sentences):
    ours = tfidf(char_ngram_counts(sentences))
    theirs = TfidfVectorizer(
        analyzer="char_wb", ngram_range=(3, 5), sublinear_tf=True
    ).fit_transform(sentences)
    assert np.allclose((ours @ ours.T).toarray(), (theirs @ theirs.T).toarray(), atol=1e-3)


def test_word_unigrams_and_bigrams_after_stop_words(sentences):
    ours = tfidf(
        word_ngram_counts([tokens(s, ENGLISH_STOP_WORDS) for s in sentences], (1, 2)), max_df=0.5
    )
    theirs = TfidfVectorizer(
        stop_words="english", ngram_range=(1, 2), sublinear_tf=True, max_df=0.5
    ).fit_transform(sentences)
    assert ours.shape == theirs.shape
    assert np.allclose((ours @ ours.T).toarray(), (theirs @ theirs.T).toarray(), atol=1e-4)


def test_buckets_change_cosines_very_little(sentences):
    exact = tfidf(char_ngram_counts(sentences))
    bucketed = tfidf(char_ngram_counts(sentences, buckets=2**12))  # tiny table: many collisions
    difference = np.abs((exact @ exact.T).toarray() - (bucketed @ bucketed.T).toarray())
    assert 0 < difference.max() < 0.2  # collisions happen, and only nudge a cosine


def test_counts_do_not_depend_on_chunking(sentences):
    whole = char_ngram_counts(sentences)
    words = word_ngram_counts([tokens(s) for s in sentences], (1, 2))
    assert sum(map(len, sentences)) > 4 * 500  # many chunks of 500 characters
    assert (char_ngram_counts(sentences, chunk_chars=500) != whole).nnz == 0
    assert (
        word_ngram_counts([tokens(s) for s in sentences], (1, 2), chunk_chars=500) != words
    ).nnz == 0


def test_empty_texts_and_markers():
    counts = char_ngram_counts(["", "ab", "hello\x00world\x01again"])
    assert counts.shape[0] == 3 and counts[0].nnz == 0
    assert counts[2].nnz > 0  # boundary marks in the input are plain spaces
    # Hashed into buckets too, even when no text is long enough for a single n-gram.
    assert char_ngram_counts([""], buckets=2**12).shape == (1, 0)
    bucketed = char_ngram_counts(["", "ab", "hello world"], buckets=2**12)
    assert bucketed.shape[0] == 3 and bucketed[0].nnz == 0 and bucketed[2].nnz > 0
    assert word_ngram_counts([[], ["only"]], (1, 2)).shape == (2, 1)
    assert tfidf(word_ngram_counts([[], []])).shape == (2, 0)


def test_bigrams_that_move_a_letter_across_the_space_are_different_columns():
    # A linear hash of two linear word hashes made these one column (found on the bench
    # corpus: a story's key terms lost "Owens Award" to "Owen awards").
    pairs = [["owen", "awards"], ["owens", "award"], ["ca", "rts"], ["car", "ts"], ["cart", "s"]]
    counts, hashes = word_ngram_counts(pairs, (2, 2), with_hashes=True)
    assert counts.shape == (5, 5) and len(set(hashes.tolist())) == 5
    assert sorted(counts.tocsr().indices.tolist()) == [0, 1, 2, 3, 4]  # one column each


def test_word_shingles_stay_within_each_text(sentences):
    from newsdigest.ngrams import word_shingles

    lists = [tokens(s) for s in sentences[:40]] + [["too", "short"], []]
    shingles = word_shingles(lists, 5, 26)
    for words, found in zip(lists, shingles):
        distinct = {" ".join(words[i : i + 5]) for i in range(len(words) - 4)}
        assert len(found) == len(distinct) and (np.diff(found.astype(np.int64)) > 0).all()
        assert found.dtype == np.uint32 and (found < 2**26).all()
    # Two texts given together share no window across their boundary.
    together = word_shingles([lists[0] + lists[1]], 5, 26)[0]
    apart = word_shingles(lists[:2], 5, 26)
    assert len(together) > len(np.union1d(apart[0], apart[1]))
