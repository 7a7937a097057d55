"""Scale: parallel per-article stages, the article cache, Dask, and the bench corpus generator.

Inputs are text written here (and turned into a small stream by the bench generator),
never the evaluation corpus. Nothing here is timed.
"""

import functools
import json
import operator
from pathlib import Path

import numpy as np
import pytest

from bench import Base, load_bases, stream, write_corpus
from newsdigest import cache as cache_module
from newsdigest import prepare as prepare_module
from newsdigest.cache import LOCK_TIMEOUT_SECONDS, CacheConfig, Store, entry_key
from newsdigest.executor import Executor
from newsdigest.ingest import ingest
from newsdigest.model import Digest
from newsdigest.pipeline import Options, build_digest
from newsdigest.prepare import BATCH, from_payload, prepare_articles, to_payload
from newsdigest.render import write_site
from newsdigest.settings import Settings
from newsdigest.summarise import Length, exclusive_sentences

ROOT = Path(__file__).resolve().parent.parent

BASES = [
    Base(
        "Harbour bridge closes for repairs",
        (
            "The Old Harbour bridge will close for six weeks from Monday while engineers replace its cables.",
            "City officials said the closure was needed after an inspection found corroded anchor points.",
            "Commuters will be diverted over the river tunnel, which is expected to add twenty minutes to trips.",
            "The ferry service will run every ten minutes during the morning and evening rush.",
            "Shop owners near the bridge said they feared losing customers during the works.",
            "The council promised a compensation fund for businesses that lose more than a third of their trade.",
        ),
    ),
    Base(
        "Storm cuts power to thousands of homes",
        (
            "A storm with gusts of over 120 km/h cut power to 40,000 homes across the northern valleys overnight.",
            "Fallen trees blocked three main roads and a railway line near the mountain pass.",
            "The grid operator said most customers should have power back by Wednesday evening.",
            "Schools in the worst-hit villages stayed closed and exams were postponed.",
            "Forecasters warned that a second, weaker storm could arrive at the weekend.",
        ),
    ),
    Base(
        "Library wins national design award",
        (
            "The new central library has won the national architecture prize for public buildings.",
            "Judges praised its timber roof and the reading garden built on the old car park.",
            "Visitor numbers have doubled since it opened in the spring, the library said.",
            "The architects said the building uses a third of the energy of the library it replaced.",
            "A children's wing with a small theatre will open next year.",
            "The prize comes with a grant that the city plans to spend on mobile libraries.",
        ),
    ),
]


def markdown(folder: Path) -> dict[str, bytes]:
    return {p.relative_to(folder).as_posix(): p.read_bytes() for p in sorted(folder.rglob("*.md"))}


@pytest.fixture(scope="module")
def corpus(tmp_path_factory) -> Path:
    folder = tmp_path_factory.mktemp("stream") / "articles"
    write_corpus(BASES, 24, folder)
    return folder


class Run:
    """One build of the test corpus: its pages and how it used the caches."""

    def __init__(
        self,
        executor: Executor = Executor(),
        cache_dir: Path | None = None,
        batch: int = BATCH,
        lock_timeout: float = LOCK_TIMEOUT_SECONDS,
    ):
        self.executor, self.batch = executor, batch
        self.cache = CacheConfig(cache_dir, lock_timeout) if cache_dir else None
        self.digest: Digest | None = None

    @property
    def cache_stats(self) -> tuple[int, int, int] | None:
        return next(
            ((u.hits, u.misses, u.rebuilt) for u in self.digest.caches if u.name == "article"), None
        )

    @property
    def story_cache_stats(self) -> dict[str, tuple[int, int, int]]:
        return {
            u.name: (u.hits, u.misses, u.rebuilt) for u in self.digest.caches if u.name != "article"
        }


def build(
    corpus: Path, out: Path, run: Run | None = None, settings: Settings = Settings()
) -> dict[str, bytes]:
    run = run or Run()
    run.digest = build_digest(
        [corpus],
        settings,
        ROOT / "topics",
        options=Options(run.executor, run.cache, batch=run.batch),
    )
    write_site(
        run.digest,
        out,
        ROOT / "site_templates",
        settings,
        ROOT / "mkdocs.yml",
        out / "site",
        run.executor,
    )
    return markdown(out / "docs")


# --- parallel -----------------------------------------------------------------


def test_two_processes_give_the_same_site_as_one(corpus, tmp_path):
    one = build(corpus, tmp_path / "one", Run(Executor(jobs=1)))
    two = build(
        corpus, tmp_path / "two", Run(Executor(jobs=2), batch=3)
    )  # 8 batches over 2 processes
    assert len([n for n in one if n.startswith("stories/")]) >= 2
    assert two == one


def test_story_pages_on_forked_processes_are_the_same_pages(corpus, tmp_path):
    import multiprocessing

    digest = build_digest([corpus], Settings(), ROOT / "topics")

    def site(jobs: int, out: Path, per_task: int) -> dict[str, bytes]:
        write_site(
            digest,
            out,
            ROOT / "site_templates",
            Settings(),
            ROOT / "mkdocs.yml",
            out / "site",
            Executor(jobs),
            per_task,
        )
        return markdown(out / "docs")

    one = site(1, tmp_path / "one", 100)
    assert "fork" in multiprocessing.get_all_start_methods() and len(digest.stories) >= 4
    assert site(2, tmp_path / "two", 1) == one  # every story its own task
    assert sum(name.startswith("stories/") for name in one) == len(digest.stories)


def test_cli_accepts_jobs_and_no_cache(corpus, tmp_path):
    from newsdigest.cli import run

    code = run(
        [
            "build",
            "-q",
            "--input",
            str(corpus),
            "--out",
            str(tmp_path / "out"),
            "--topics",
            str(ROOT / "topics"),
            "--templates",
            str(ROOT / "site_templates"),
            "--mkdocs",
            str(ROOT / "mkdocs.yml"),
            "--settings",
            str(tmp_path / "absent.yml"),
            "--jobs",
            "2",
            "--no-cache",
        ]
    )
    assert code == 0
    assert markdown(tmp_path / "out" / "docs") == build(corpus, tmp_path / "ref", Run())


# --- cache ----------------------------------------------------------------------


def test_warm_cache_is_used_and_gives_the_cold_output(corpus, tmp_path):
    reference = build(corpus, tmp_path / "nocache", Run())
    cold = Run(cache_dir=tmp_path / "cache")
    assert build(corpus, tmp_path / "cold", cold) == reference
    assert cold.cache_stats == (0, 24, 0)
    warm = Run(cache_dir=tmp_path / "cache")
    assert build(corpus, tmp_path / "warm", warm) == reference
    assert warm.cache_stats == (24, 0, 0)
    # Story-level values (story summaries, exclusive sentences) come from the cache too.
    assert sorted(warm.story_cache_stats) == ["newsdigest.summarise.story_summary_and_exclusives"]
    assert [stats[1:] for stats in warm.story_cache_stats.values()] == [(0, 0)]
    assert sum(stats[0] for stats in warm.story_cache_stats.values()) >= 2


def test_changed_article_misses_only_itself(corpus, tmp_path):
    changed = tmp_path / "changed"
    changed.mkdir()
    for path in corpus.glob("*.jsonl"):
        (changed / path.name).write_bytes(path.read_bytes())
    first = sorted(changed.glob("*.jsonl"))[0]
    lines = first.read_text(encoding="utf-8").splitlines()
    item = json.loads(lines[0])
    item["text"] += " Officials later corrected the figure."
    lines[0] = json.dumps(item)
    work = Run(cache_dir=tmp_path / "cache")
    build(corpus, tmp_path / "a", work)
    first.write_text("\n".join(lines) + "\n", encoding="utf-8")
    work = Run(cache_dir=tmp_path / "cache")
    pages = build(changed, tmp_path / "b", work)
    assert work.cache_stats == (23, 1, 0)
    assert pages == build(changed, tmp_path / "c", Run())


def test_changed_setting_or_version_invalidates(corpus, tmp_path, monkeypatch):
    build(corpus, tmp_path / "a", Run(cache_dir=tmp_path / "cache"))
    longer = Run(cache_dir=tmp_path / "cache")
    pages = build(corpus, tmp_path / "b", longer, Settings(summary_sentences=2))
    assert longer.cache_stats == (0, 24, 0)
    assert pages == build(corpus, tmp_path / "c", Run(), Settings(summary_sentences=2))

    monkeypatch.setattr(cache_module, "__version__", "999.0")
    cache_module.code_fingerprint.cache_clear()
    try:
        upgraded = Run(cache_dir=tmp_path / "cache")
        build(corpus, tmp_path / "d", upgraded)
        assert upgraded.cache_stats == (0, 24, 0)
    finally:
        monkeypatch.undo()
        cache_module.code_fingerprint.cache_clear()


def test_interrupted_build_keeps_the_batches_it_finished(corpus, tmp_path, monkeypatch):
    articles = ingest([corpus]).articles
    real, done = prepare_module.prepare_batch, []

    def fails_on_third_batch(batch, length):
        if len(done) == 2:
            raise KeyboardInterrupt  # the build is stopped part way
        done.append(batch)
        return real(batch, length)

    monkeypatch.setattr(prepare_module, "prepare_batch", fails_on_third_batch)
    with pytest.raises(KeyboardInterrupt):
        prepare_articles(articles, Length(), cache=CacheConfig(tmp_path / "cache"), batch=4)
    monkeypatch.undo()
    again = prepare_articles(articles, Length(), cache=CacheConfig(tmp_path / "cache"), batch=4)
    [use] = again.caches
    assert (use.hits, use.misses, use.rebuilt) == (
        8,
        16,
        0,
    )  # two batches of four were stored as they finished


def test_deleted_cache_costs_only_time(corpus, tmp_path):
    import shutil

    before = build(corpus, tmp_path / "a", Run(cache_dir=tmp_path / "cache"))
    shutil.rmtree(tmp_path / "cache")
    again = Run(cache_dir=tmp_path / "cache")
    assert build(corpus, tmp_path / "b", again) == before
    assert again.cache_stats == (0, 24, 0)


def test_an_earlier_versions_cache_folders_are_removed_and_nothing_else(corpus, tmp_path, capsys):
    from newsdigest.cli import run

    # The layout before the SQLite store: one JSON file per entry, under two hex digits.
    cache = tmp_path / "cache"
    for kind in ("articles", "stories"):
        entry = cache / kind / "3f" / ("3f" + "a" * 62 + ".json")
        entry.parent.mkdir(parents=True)
        entry.write_text('{"format": 2}', encoding="utf-8")
    (cache / "articles" / "3f" / ".tmp-x1y2.json").write_text(
        "", encoding="utf-8"
    )  # a write cut short
    # A folder of the same name that holds anything else is someone's own: left alone.
    elsewhere = tmp_path / "elsewhere"
    (elsewhere / "articles" / "ab").mkdir(parents=True)
    (elsewhere / "articles" / "ab" / "notes.txt").write_text("mine", encoding="utf-8")
    (elsewhere / "stories").mkdir()
    (elsewhere / "stories" / "draft.json").write_text("{}", encoding="utf-8")

    args = ["build", "--input", str(corpus), "--out", str(tmp_path / "out")]
    assert run([*args, "--cache-dir", str(cache)]) == 0
    assert not (cache / "articles").exists() and not (cache / "stories").exists()
    assert (cache / "articles.sqlite").exists()
    err = capsys.readouterr().err
    assert f"removed {cache / 'articles'}: an earlier version's cache, no longer read" in err
    assert f"removed {cache / 'stories'}" in err
    assert run([*args, "--cache-dir", str(elsewhere)]) == 0
    assert (elsewhere / "articles" / "ab" / "notes.txt").exists() and (
        elsewhere / "stories" / "draft.json"
    ).exists()
    assert "removed" not in capsys.readouterr().err


def test_moved_input_folder_keeps_every_cache_entry(corpus, tmp_path):
    import shutil

    before = build(corpus, tmp_path / "a", Run(cache_dir=tmp_path / "cache"))
    moved = shutil.copytree(corpus, tmp_path / "elsewhere" / "renamed")
    again = Run(cache_dir=tmp_path / "cache")
    assert build(moved, tmp_path / "b", again) == before
    assert again.cache_stats == (24, 0, 0)
    [(hits, misses, rebuilt)] = again.story_cache_stats.values()
    assert hits >= 2 and (misses, rebuilt) == (0, 0)


@pytest.mark.parametrize("damage", ["garbage", "truncated", "tampered"])
def test_corrupt_entry_is_rebuilt_not_trusted(corpus, tmp_path, damage):
    import sqlite3

    reference = build(corpus, tmp_path / "a", Run(cache_dir=tmp_path / "cache"))
    database = tmp_path / "cache" / "articles.sqlite"
    with sqlite3.connect(database) as db:
        key, payload = db.execute(
            "SELECT key, payload FROM entries ORDER BY key LIMIT 1"
        ).fetchone()
        if damage == "garbage":
            damaged = "\x00\xff not json"
        elif damage == "truncated":
            damaged = payload[: len(payload) // 2]
        else:  # valid JSON, but the summary says something the article never did
            damaged = payload.replace('"sentences":["', '"sentences":["Invented. ', 1)
        assert damaged != payload
        db.execute("UPDATE entries SET payload = ? WHERE key = ?", (damaged, key))
    work = Run(cache_dir=tmp_path / "cache")
    assert build(corpus, tmp_path / "b", work) == reference
    assert work.cache_stats == (23, 0, 1)
    with sqlite3.connect(database) as db:  # rebuilt: the entry holds the true value again
        assert (
            db.execute("SELECT payload FROM entries WHERE key = ?", (key,)).fetchone()[0] == payload
        )


def test_damaged_cache_file_is_replaced_not_trusted(corpus, tmp_path):
    reference = build(corpus, tmp_path / "a", Run(cache_dir=tmp_path / "cache"))
    for name in ("articles.sqlite", "stories.sqlite"):
        (tmp_path / "cache" / name).write_bytes(b"\x00\xff this is not a database" * 100)
        for suffix in ("-wal", "-shm"):
            (tmp_path / "cache" / f"{name}{suffix}").unlink(missing_ok=True)
    work = Run(cache_dir=tmp_path / "cache")
    assert build(corpus, tmp_path / "b", work) == reference
    assert work.cache_stats == (0, 24, 1)  # every article made again, the file replaced once
    again = Run(cache_dir=tmp_path / "cache")
    assert build(corpus, tmp_path / "c", again) == reference and again.cache_stats == (24, 0, 0)


def test_cache_locked_by_another_build_is_left_alone(corpus, tmp_path):
    import sqlite3

    build(corpus, tmp_path / "a", Run(cache_dir=tmp_path / "cache"))
    other = sqlite3.connect(tmp_path / "cache" / "articles.sqlite", isolation_level=None)
    other.execute("BEGIN EXCLUSIVE")  # another build is writing the file, and takes its time
    shorter = Settings(summary_sentences=2)  # another setting: every article misses
    try:
        work = Run(cache_dir=tmp_path / "cache", lock_timeout=0.1)
        assert build(corpus, tmp_path / "b", work, shorter) == build(
            corpus, tmp_path / "c", Run(), shorter
        )
        assert work.cache_stats == (0, 24, 0)  # built, without waiting at every entry
    finally:
        other.execute("ROLLBACK")
        other.close()
    # Nothing was deleted, and nothing written while the other build held the file.
    first = Run(cache_dir=tmp_path / "cache")
    build(corpus, tmp_path / "d", first)
    assert first.cache_stats == (24, 0, 0)
    later = Run(cache_dir=tmp_path / "cache")
    build(corpus, tmp_path / "e", later, shorter)
    assert later.cache_stats == (0, 24, 0)


def test_cache_round_trip_keeps_every_field(tmp_path):
    articles = ingest([ROOT / "seeds"]).articles
    fresh = prepare_articles(articles, Length(sentences=2)).prepared
    with Store(tmp_path / "articles") as store:
        for article, prepared in zip(articles, fresh):
            store.put(entry_key(article, "test"), to_payload(prepared))
        loaded = [store.get(entry_key(a, "test"), from_payload) for a in articles]
    assert loaded == fresh
    # The global stages' features too (shingles are left out of ==).
    assert [p.names for p in loaded] == [p.names for p in fresh] and any(p.names for p in fresh)
    assert all(
        np.array_equal(a.shingles, b.shingles) and len(a.shingles) for a, b in zip(loaded, fresh)
    )


def test_cached_features_give_what_the_stages_compute_themselves(corpus):
    # Copies and grouping read names and shingles from the per-article stage when it made
    # them, and compute them when they are not given (documents made elsewhere): same result.
    from dataclasses import replace

    from newsdigest.dedupe import collapse_duplicates, shingle_sets
    from newsdigest.group import group_with_reasons

    per_article = prepare_articles(ingest([corpus]).articles, Length())
    documents = per_article.documents
    shingles = [per_article.features[d.id].shingles for d in documents]
    names = [per_article.features[d.id].names for d in documents]
    # A copy among them, so that the copy finder has something to find.
    copy = replace(
        documents[0], article=replace(documents[0].article, id="copy", source="Other Wire")
    )
    found, bare_found = [], []
    with_copy = [*documents, copy]
    assert collapse_duplicates(
        with_copy, found, shingles + shingle_sets([copy.article.text])
    ) == collapse_duplicates(with_copy, bare_found)
    assert len(found) == 1 and [str(p) for p in found] == [str(p) for p in bare_found]
    assert group_with_reasons(documents, names=names) == group_with_reasons(documents)


# --- Dask -----------------------------------------------------------------------


def test_dask_local_cluster_gives_the_same_results(corpus):
    import distributed  # the dask extra: `make test` installs it, so this never skips

    articles = ingest([corpus]).articles
    local = prepare_articles(articles, Length(sentences=3)).prepared
    with distributed.LocalCluster(
        host="127.0.0.1",
        protocol="tcp",
        n_workers=1,
        threads_per_worker=2,
        processes=False,
        dashboard_address=None,
    ) as cluster:
        assert cluster.scheduler_address.startswith("tcp://127.0.0.1:")
        remote = Executor(scheduler=cluster.scheduler_address)
        assert prepare_articles(articles, Length(sentences=3), remote, batch=5).prepared == local
        groups = [[p.document for p in local[i : i + 3]] for i in range(0, 12, 3)]
        assert remote.map(exclusive_sentences, groups, 2) == [
            exclusive_sentences(g, 2) for g in groups
        ]


def test_per_story_on_processes_matches_one_process(corpus):
    prepared = prepare_articles(ingest([corpus]).articles).prepared
    groups = [[p.document for p in prepared[i : i + 4]] for i in range(0, 24, 4)]
    expected = [exclusive_sentences(g, 2) for g in groups]
    assert any(expected)
    assert Executor(jobs=2).map(exclusive_sentences, groups, 2) == expected


def _blas_threads(documents) -> list[int]:
    from threadpoolctl import threadpool_info

    return [pool["num_threads"] for pool in threadpool_info() if pool["user_api"] == "blas"]


def test_the_workers_multiply_matrices_on_one_blas_thread(corpus):
    # The ranker's matrices are tiny: BLAS's thread pool only made the workers fight over
    # the cores. One BLAS thread in the worker processes and in-process, and the main
    # process's own setting is given back afterwards.
    from threadpoolctl import threadpool_limits

    groups = [[] for _ in range(6)]
    with threadpool_limits(limits=2, user_api="blas"):
        assert set(
            functools.reduce(operator.iadd, Executor(jobs=2).map(_blas_threads, groups), [])
        ) == {1}
        assert set(
            functools.reduce(operator.iadd, Executor(jobs=1).map(_blas_threads, groups), [])
        ) == {1}
        assert set(_blas_threads([])) == {2}


# --- bench corpus generator -------------------------------------------------------


def test_stream_is_deterministic_and_prefix_stable():
    first = list(stream(BASES, 40))
    assert first == list(stream(BASES, 40))
    assert list(stream(BASES, 25)) == first[:25]
    assert list(stream(BASES, 40, seed="other")) != first


def test_stream_articles_are_rewrites_not_copies():
    items = list(stream(BASES, 60))
    assert len({i["id"] for i in items}) == 60
    assert len({i["text"] for i in items}) == 60
    days = {i["date"][:10] for i in items}
    assert len(days) > 3 and all("2025-03-01" <= d <= "2025-03-30" for d in days)
    by_story: dict[str, list[dict]] = {}
    for item in items:
        by_story.setdefault(item["id"].rsplit("-", 1)[0], []).append(item)
    for story in by_story.values():
        assert len({i["source"] for i in story}) == len(story)  # one article per outlet
        assert len({i["date"][:10] for i in story}) == 1
    assert any(len(story) > 2 for story in by_story.values())
    # Several outlets per story, and their versions rarely pass for syndicated copies: with
    # these five-sentence bases, 3 of 60 do (sentence drops alone made 37 of 60 copies).
    from newsdigest.dedupe import duplicate_groups

    assert sum(len(group) - 1 for group in duplicate_groups([i["text"] for i in items])) <= 6


def test_write_corpus_is_byte_identical_and_plus_folder_adds_incoming(tmp_path):
    write_corpus(BASES, 30, tmp_path / "a", extra=5)
    write_corpus(BASES, 30, tmp_path / "b")
    a, b, plus = (markdown_like(tmp_path / name) for name in ("a", "b", "a-plus5"))
    assert a == b
    assert set(plus) == set(a) | {"incoming.jsonl"}
    assert sum(len(t.splitlines()) for t in a.values()) == 30
    assert len(plus["incoming.jsonl"].splitlines()) == 5


def markdown_like(folder: Path) -> dict[str, bytes]:
    return {p.name: p.read_bytes() for p in sorted(folder.glob("*.jsonl"))}


def test_load_bases_skips_boilerplate_duplicates_and_stubs(tmp_path):
    (tmp_path / "set").mkdir()
    text = " ".join(BASES[0].sentences)
    rows = [
        {"id": "a", "title": "T", "text": text},
        {"id": "b", "title": "T", "text": text},  # same text again
        {"id": "c", "title": None, "text": "Too short. Only two sentences."},
        {"id": "d", "title": None, "text": text + " More.", "is_boilerplate": True},
    ]
    (tmp_path / "set" / "articles.jsonl").write_text(
        "\n".join(json.dumps(r) for r in rows), encoding="utf-8"
    )
    bases = load_bases(tmp_path)
    assert [b.title for b in bases] == ["T"] and bases[0].sentences == BASES[0].sentences
