"""Word and character n-gram counts, and TF-IDF weighting, for many texts at once.

scikit-learn's vectorizers build every n-gram as a Python string and look it up
in a Python dict; at 10,000 articles that loop was most of the time spent
grouping and summarising stories (issue 7). Here the texts are joined into one
array of code points and every n-gram is hashed at once with numpy:

- a polynomial hash over 64-bit integers (wrapping arithmetic), computed for all
  windows together, or for variable-length words through prefix sums (the base is
  odd, so it has an inverse modulo 2**64);
- columns are the distinct hashes found, numbered in hash order: two different
  n-grams share a column only if their 64-bit hashes collide, which for a
  few million n-grams is practically never (unlike a fixed 2**20-bucket table);
- the numbering depends only on the texts given, so the same texts always give
  the same matrix, in any process (Python's own ``hash`` of a string is salted
  per process and could not be used).

The weighting in ``tfidf`` is scikit-learn's ``TfidfVectorizer(sublinear_tf=True)``
(1 + log tf, smooth idf, L2-normalised rows); only the vocabulary is hashed.
"""

from __future__ import annotations

import re
from collections.abc import Iterable, Sequence

import numpy as np
import scipy.sparse as sp

_BASE = np.uint64(0x100000001B3)  # odd (the FNV prime): invertible modulo 2**64
_BASE_INVERSE = np.uint64(pow(int(_BASE), -1, 2**64))
_MIX = np.uint64(0x9E3779B97F4A7C15)  # golden-ratio constant: spreads n-gram sizes apart

# Code points 0 and 1 never occur in cleaned text: they mark word and text boundaries.
_WORD_END, _TEXT_END = "\x00", "\x01"

# Text is processed this many code points at a time, so the temporary arrays stay
# small (a few tens of MB) however many texts come in.
CHUNK_CHARS = 2_000_000


def _unmarked(text: str) -> str:
    return text.replace(_WORD_END, " ").replace(_TEXT_END, " ")


def _codes(text: str) -> np.ndarray:
    return np.frombuffer(text.encode("utf-32-le"), dtype=np.uint32).astype(np.uint64)


def _chunks(
    pieces: Sequence[str], chunk_chars: int = CHUNK_CHARS
) -> Iterable[tuple[int, list[str]]]:
    """(index of the first text, texts) in runs of about ``chunk_chars`` characters."""
    start, size = 0, 0
    for i, piece in enumerate(pieces):
        size += len(piece) + 1
        if size >= chunk_chars:
            yield start, list(pieces[start : i + 1])
            start, size = i + 1, 0
    if start < len(pieces):
        yield start, list(pieces[start:])


def _count_matrix(
    rows: np.ndarray, hashes: np.ndarray, n_rows: int
) -> tuple[sp.csr_matrix, np.ndarray]:
    """Counts of each distinct hash per row, columns numbered in hash order; and each
    column's hash."""
    if not len(hashes):
        return sp.csr_matrix((n_rows, 0), dtype=np.float32), np.zeros(0, dtype=np.uint64)
    columns, inverse = np.unique(hashes, return_inverse=True)
    counts = sp.coo_matrix(
        (np.ones(len(hashes), dtype=np.float32), (rows, inverse)), shape=(n_rows, len(columns))
    ).tocsr()
    counts.sum_duplicates()
    return counts, columns


def char_ngram_counts(
    texts: Sequence[str],
    sizes: Sequence[int] = (3, 4, 5),
    buckets: int | None = None,
    chunk_chars: int = CHUNK_CHARS,
) -> sp.csr_matrix:
    """Character n-grams within words, lower-cased (scikit-learn's ``char_wb``).

    Each word is padded with a space on both sides, so an n-gram at a word's edge
    differs from one inside a word ("al-sh" opens "al-Shareh" and "al-Sharaa").

    With ``buckets`` (a power of two), hashes first fall into that many buckets (their
    top bits), and the columns are the buckets used, found with a table instead of a
    sort, and counted a chunk of text at a time: three times faster on the 30 million
    n-grams of 10,000 articles' leads, in a fraction of the memory. The table costs
    time in proportion to ``buckets``, so it only pays for large inputs.
    """
    padded = [
        f" {' '.join(_unmarked(t).lower().split()).replace(' ', f' {_WORD_END} ')} " for t in texts
    ]
    rows_parts: list[np.ndarray] = []
    hash_parts: list[np.ndarray] = []
    blocks: list[sp.csr_matrix] = []
    for first, chunk in _chunks(padded, chunk_chars):
        codes = _codes(_TEXT_END.join(chunk))
        boundary = (codes <= 1).astype(np.int64)
        crossings = np.concatenate([[0], np.cumsum(boundary)])
        text_of = np.cumsum(codes == 1)  # text index (in the chunk) of each code point
        # The polynomial of each window, grown one size at a time (the 4-grams' from the
        # 3-grams'), then mixed per size: every window starting at i is
        # sum(codes[i + k] * BASE**(n - 1 - k)), wrapping at 2**64.
        polynomial, size, by_size = np.zeros(len(codes) + 1, dtype=np.uint64), 0, {}
        for n in sorted({n for n in sizes if n <= len(codes)}):
            for k in range(size, n):
                polynomial = polynomial[: len(codes) - k] * _BASE + codes[k:]
            size = n
            windows = len(codes) - n + 1
            valid = crossings[n:] == crossings[:windows]  # no boundary inside the window
            by_size[n] = (
                text_of[:windows][valid],
                ((polynomial ^ np.uint64(n * int(_MIX) % 2**64)) * _MIX)[valid],
            )
        chunk_rows = [by_size[n][0] for n in sizes if n in by_size]
        chunk_hashes = [by_size[n][1] for n in sizes if n in by_size]
        if buckets:
            # Counted chunk by chunk, so memory holds one chunk's n-grams, not the input's.
            blocks.append(
                _bucket_counts(
                    np.concatenate(chunk_rows), np.concatenate(chunk_hashes), len(chunk), buckets
                )
                if chunk_rows
                else sp.csr_matrix((len(chunk), buckets), dtype=np.float32)
            )
        else:
            rows_parts.extend(r + first for r in chunk_rows)
            hash_parts.extend(chunk_hashes)
    if buckets:
        if not blocks:
            return sp.csr_matrix((len(texts), 0), dtype=np.float32)
        counts = sp.vstack(blocks, format="csr")
        used = np.zeros(buckets, dtype=bool)
        used[counts.indices] = True
        number = np.cumsum(used, dtype=np.int32) - 1
        return sp.csr_matrix(
            (counts.data, number[counts.indices], counts.indptr),
            shape=(len(texts), int(number[-1]) + 1),
        )
    if not hash_parts:
        return sp.csr_matrix((len(texts), 0), dtype=np.float32)
    return _count_matrix(np.concatenate(rows_parts), np.concatenate(hash_parts), len(texts))[0]


def _bucket_counts(
    rows: np.ndarray, hashes: np.ndarray, n_rows: int, buckets: int
) -> sp.csr_matrix:
    """Counts per row of each hash's bucket (its top bits), ``buckets`` columns wide."""
    bucket = (hashes >> np.uint64(64 - int(buckets).bit_length() + 1)).astype(np.int32)
    counts = sp.csr_matrix(
        (np.ones(len(hashes), dtype=np.float32), (rows, bucket)), shape=(n_rows, buckets)
    )
    counts.sum_duplicates()
    return counts


def _pair_hashes(hashes: np.ndarray) -> np.ndarray:
    """The hash of each pair of neighbouring tokens (a bigram), from the tokens' hashes."""
    return (hashes[:-1] * _BASE + hashes[1:]) ^ _MIX


def word_hashes(words: Sequence[str]) -> np.ndarray:
    """The hash of each word, as ``word_ngram_counts`` computes it (for stop words)."""
    if not words:
        return np.zeros(0, dtype=np.uint64)
    _, hashes = _token_hashes(_WORD_END.join(words))
    return hashes


def _token_hashes(joined: str) -> tuple[np.ndarray, np.ndarray]:
    """(end position, hash) of each token in tokens joined by boundary marks."""
    codes = _codes(joined + _WORD_END)
    ends = np.flatnonzero(codes <= 1)
    starts = np.concatenate([[0], ends[:-1] + 1])
    powers = np.cumprod(np.full(len(codes), _BASE, dtype=np.uint64))  # BASE**(i+1)
    inverse = np.cumprod(np.full(len(codes), _BASE_INVERSE, dtype=np.uint64))
    prefix = np.concatenate([[np.uint64(0)], np.cumsum(codes * powers, dtype=np.uint64)])
    # hash(token) = sum of c_i * BASE**(i - start + 1): the prefix-sum difference,
    # shifted back to its own start with the inverse power.
    shift = np.concatenate([[np.uint64(1)], inverse])[starts]
    hashes = (prefix[ends] - prefix[starts]) * shift
    return ends, _avalanche(hashes)


def _avalanche(hashes: np.ndarray) -> np.ndarray:
    """splitmix64's finaliser: every output bit depends on every input bit.

    The polynomial hash is linear, and bigram hashes combine two of them linearly, so
    without this "owen awards" and "owens award" (a letter moved across the word
    boundary) had the same hash.
    """
    hashes = (hashes ^ (hashes >> np.uint64(30))) * np.uint64(0xBF58476D1CE4E5B9)
    hashes = (hashes ^ (hashes >> np.uint64(27))) * np.uint64(0x94D049BB133111EB)
    return hashes ^ (hashes >> np.uint64(31))


def _list_token_hashes(
    token_lists: Iterable[Sequence[str]], chunk_chars: int = CHUNK_CHARS
) -> tuple[np.ndarray, np.ndarray, int]:
    """Every token's hash, the index of the list it is in, and the number of lists.
    ``token_lists`` is read once (it may be a generator)."""
    sizes: list[int] = []
    joined: list[str] = []
    for tokens in token_lists:
        sizes.append(len(tokens))
        if tokens:
            joined.append(_WORD_END.join(tokens))
    owner = np.repeat(np.arange(len(sizes)), np.asarray(sizes, dtype=np.int64))
    hashes = (
        np.concatenate(
            [_token_hashes(_WORD_END.join(chunk))[1] for _, chunk in _chunks(joined, chunk_chars)]
        )
        if joined
        else np.zeros(0, dtype=np.uint64)
    )
    return hashes, owner, len(sizes)


def word_ngram_counts(
    token_lists: Iterable[Sequence[str]],
    ngram_range: tuple[int, int] = (1, 1),
    with_hashes: bool = False,
    chunk_chars: int = CHUNK_CHARS,
):
    """Word n-grams (up to bigrams) of already tokenised texts, one row per text.

    Bigrams join neighbouring tokens of the list given (so after any stop words
    were taken out, as scikit-learn does). ``with_hashes``: (matrix, each column's
    hash), to tell which n-gram a column counts (see ``ngram_hashes``).
    ``token_lists`` may be a generator: each list is read once and not kept (a
    Python list of 5 million token strings alone is ~300 MB).
    """
    low, high = ngram_range
    if not 1 <= low <= high <= 2:
        raise ValueError("word n-grams are unigrams and/or bigrams")
    rows_parts, hash_parts = [], []
    hashes, text_of_token, n = _list_token_hashes(token_lists, chunk_chars)
    if low == 1:
        rows_parts.append(text_of_token)
        hash_parts.append(hashes)
    if high == 2 and len(hashes) > 1:
        same_text = text_of_token[1:] == text_of_token[:-1]
        rows_parts.append(text_of_token[1:][same_text])
        hash_parts.append(_pair_hashes(hashes)[same_text])
    if hash_parts:
        counts, columns = _count_matrix(np.concatenate(rows_parts), np.concatenate(hash_parts), n)
    else:
        counts, columns = sp.csr_matrix((n, 0), dtype=np.float32), np.zeros(0, dtype=np.uint64)
    return (counts, columns) if with_hashes else counts


def word_shingles(token_lists: Sequence[Sequence[str]], size: int, bits: int) -> list[np.ndarray]:
    """Each token list's distinct word ``size``-grams, hashed to ``bits``-bit integers
    (uint32), ascending. One pass over many lists: per-list numpy calls would cost
    more than the hashing."""
    empty = np.zeros(0, dtype=np.uint32)
    hashes, list_of, _ = _list_token_hashes(token_lists)
    windows = len(hashes) - size + 1
    if windows <= 0:
        return [empty for _ in token_lists]
    combined = np.zeros(windows, dtype=np.uint64)
    for k in range(size):
        combined = combined * _BASE + hashes[k : k + windows]
    keys = (_avalanche(combined) >> np.uint64(64 - bits)).astype(np.uint32)
    inside = list_of[:windows] == list_of[size - 1 :]  # windows within one list
    keys, owners = keys[inside], list_of[:windows][inside]
    bounds = np.searchsorted(owners, np.arange(len(token_lists) + 1))
    return [np.unique(keys[bounds[i] : bounds[i + 1]]) for i in range(len(token_lists))]


def ngram_hashes(
    token_list: Sequence[str], ngram_range: tuple[int, int] = (1, 1)
) -> tuple[np.ndarray, np.ndarray, np.ndarray]:
    """The n-grams of one token list as ``word_ngram_counts`` hashes them:
    (hash, index of the first token, number of tokens) for each."""
    low, high = ngram_range
    hashes = word_hashes(token_list)
    parts, starts, sizes = [], [], []
    if low == 1:
        parts.append(hashes)
        starts.append(np.arange(len(hashes)))
        sizes.append(np.ones(len(hashes), dtype=np.int64))
    if high == 2 and len(hashes) > 1:
        parts.append(_pair_hashes(hashes))
        starts.append(np.arange(len(hashes) - 1))
        sizes.append(np.full(len(hashes) - 1, 2, dtype=np.int64))
    if not parts:
        return (
            np.zeros(0, dtype=np.uint64),
            np.zeros(0, dtype=np.int64),
            np.zeros(0, dtype=np.int64),
        )
    return np.concatenate(parts), np.concatenate(starts), np.concatenate(sizes)


def tfidf(counts: sp.csr_matrix, max_df: float = 1.0) -> sp.csr_matrix:
    """TF-IDF rows: 1 + log(tf), smooth idf, L2-normalised (float32).

    ``max_df``: columns found in more than this share of the rows are dropped
    (scikit-learn's float ``max_df``); rows left with nothing are all zeros.
    """
    counts = sp.csr_matrix(counts, dtype=np.float32, copy=True)
    n = counts.shape[0]
    frequency = np.bincount(counts.indices, minlength=counts.shape[1])
    if max_df < 1.0:
        counts.data[frequency[counts.indices] > max_df * n] = 0
        counts.eliminate_zeros()
    idf = (np.log((1.0 + n) / (1.0 + frequency)) + 1.0).astype(np.float32)
    counts.data = (1.0 + np.log(counts.data)) * idf[counts.indices]
    norms = np.sqrt(np.asarray(counts.multiply(counts).sum(axis=1)).ravel())
    norms[norms == 0] = 1.0
    return sp.csr_matrix(sp.diags((1.0 / norms).astype(np.float32)) @ counts)


_WORD = re.compile(r"(?u)\b\w\w+\b")  # scikit-learn's default token pattern


def tokens(text: str, stop_words: frozenset[str] = frozenset()) -> list[str]:
    """Lower-cased words of two or more characters, stop words left out."""
    return [w for w in _WORD.findall(text.lower()) if w not in stop_words]
