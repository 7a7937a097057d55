"""Benchmark corpora: a month of a busy newsroom's wire, built from a small real corpus.

``make bench`` turns the ~2,400 distinct articles of ``../shared/corpus/`` into corpora
of 1,000, 10,000 and 50,000 articles (under ``.cache/bench/``, gitignored: the texts
belong to their publishers and never enter the repository), then times each stage.

How an article stream is made from a few thousand real articles (all deterministic:
every random choice comes from ``random.Random`` seeded with a string naming the
story and outlet, so the same base articles always give byte-identical corpora):

- Story ``s`` is built on base article ``s mod B`` (``B`` base articles), so each base
  is reused ``n / (B * 5.5)`` times; each reuse is its own story on its own day,
  one of 30 days chosen at random.
- 1 to 10 outlets (5.5 on average) cover each story; the outlets are drawn from 150
  invented names.
- Each outlet's article is a rewrite, not a copy: every sentence (the lead too) is
  dropped with probability 0.3, half of those kept lose one word (an edit that
  changes every word 5-gram across it), and one to three sentences are borrowed from
  other base articles (background paragraphs), so two outlets' articles share most
  of their substance but rarely enough identical text to be taken for a syndicated
  copy (at 1,000 articles, dedupe merges 3 of them; with sentence drops alone, 185).
- Half the outlets keep the base headline; the others give none (the pipeline then
  derives one from the first sentence, as it does for real wire copy without a title).

The stream is a prefix-stable sequence: the first ``n`` articles of a larger corpus are
the ``n`` articles of the smaller one (bar the last story's cut), which is what the
incremental benchmark uses to make "100 new articles arrived".
"""

from __future__ import annotations

import json
import random
from collections.abc import Iterator, Sequence
from dataclasses import dataclass
from datetime import UTC, datetime, timedelta
from pathlib import Path

from newsdigest.sentences import split_sentences

START = datetime(2025, 3, 1, tzinfo=UTC)
DAYS = 30
MAX_OUTLETS = 10
_PLACES = [
    "Northfield",
    "Harbor City",
    "Eastvale",
    "Riverton",
    "Lakeside",
    "Westmoor",
    "Kingsbridge",
    "Ashford",
    "Brookhaven",
    "Stonegate",
    "Fairview",
    "Millbrook",
    "Oakridge",
    "Seacliff",
    "Highland",
]
_KINDS = [
    "Herald",
    "Tribune",
    "Gazette",
    "Post",
    "Observer",
    "Chronicle",
    "Courier",
    "Times",
    "Sentinel",
    "Wire",
]
OUTLETS = [f"{place} {kind}" for place in _PLACES for kind in _KINDS]


@dataclass(frozen=True)
class Base:
    """One real article the stream reuses: its headline and sentences."""

    title: str | None
    sentences: tuple[str, ...]


def load_bases(corpus: Path) -> list[Base]:
    """Distinct, usable articles of every ``articles.jsonl`` under ``corpus``, in a fixed order.

    Boilerplate stubs, duplicates and articles under five sentences are left out.
    """
    bases, seen = [], set()
    for path in sorted(corpus.glob("*/articles.jsonl")):
        for line in path.read_text(encoding="utf-8").splitlines():
            item = json.loads(line)
            if item.get("is_boilerplate") or item.get("duplicate_of"):
                continue
            text = item.get("text") or ""
            if text in seen:
                continue
            seen.add(text)
            sentences = tuple(split_sentences(text))
            if len(sentences) >= 5:
                bases.append(Base(item.get("title"), sentences))
    return bases


def _reword(sentence: str, rng: random.Random) -> str:
    """An outlet's edit of a sentence: one word left out (not the first), half the time.

    Every word 5-gram across the gap changes, so two outlets' versions of a story share
    sentences in substance but not enough identical text to pass for a syndicated copy.
    """
    words = sentence.split()
    if len(words) < 6 or rng.random() < 0.5:
        return sentence
    del words[rng.randrange(1, len(words) - 1)]
    return " ".join(words)


def _rewrite(base: Base, bases: Sequence[Base], rng: random.Random) -> list[str]:
    """One outlet's version of a base article: sentences dropped and reworded, a few borrowed."""
    first, rest = base.sentences[0], base.sentences[1:]
    kept = [_reword(s, rng) for s in rest if rng.random() >= 0.3]
    if rng.random() >= 0.3:
        kept.insert(0, _reword(first, rng))
    for _ in range(rng.randint(1, 3)):
        donor = bases[rng.randrange(len(bases))]
        kept.insert(
            rng.randint(1, max(1, len(kept))), donor.sentences[rng.randrange(len(donor.sentences))]
        )
    return kept or [first]


def stream(bases: Sequence[Base], n: int, seed: str = "newsdigest") -> Iterator[dict]:
    """The first ``n`` articles of the deterministic stream, as JSON Lines records."""
    produced, story = 0, 0
    while produced < n:
        rng = random.Random(f"{seed}:story:{story}")
        base = bases[story % len(bases)]
        day = START + timedelta(days=rng.randrange(DAYS))
        outlets = rng.sample(OUTLETS, rng.randint(1, MAX_OUTLETS))
        for j, outlet in enumerate(outlets):
            if produced >= n:
                break
            article_rng = random.Random(f"{seed}:story:{story}:outlet:{j}")
            sentences = _rewrite(base, bases, article_rng)
            # Paragraphs of up to three sentences, as wire copy has.
            text = "\n\n".join(" ".join(sentences[i : i + 3]) for i in range(0, len(sentences), 3))
            when = day + timedelta(
                hours=article_rng.randrange(6, 23), minutes=article_rng.randrange(60)
            )
            yield {
                "id": f"bench-{story:06d}-{j}",
                "title": base.title if j % 2 == 0 else None,
                "text": text,
                "source": outlet,
                "date": when.isoformat(),
                "url": None,
            }
            produced += 1
        story += 1


def write_corpus(bases: Sequence[Base], n: int, folder: Path, extra: int = 0) -> Path:
    """Write ``n`` articles as one JSON Lines file per day into ``folder``.

    With ``extra``, the next ``extra`` articles of the stream go to ``folder``'s sibling
    ``<folder>-plus<extra>/`` as well: the same files plus ``incoming.jsonl``.
    """
    records = list(stream(bases, n + extra))
    targets = [(folder, records[:n])]
    if extra:
        targets.append((folder.with_name(f"{folder.name}-plus{extra}"), records))
    for target, items in targets:
        target.mkdir(parents=True, exist_ok=True)
        for old in target.glob("*.jsonl"):
            old.unlink()
        by_day: dict[str, list[str]] = {}
        for item in items[:n]:
            by_day.setdefault(item["date"][:10], []).append(json.dumps(item, ensure_ascii=False))
        for day, lines in sorted(by_day.items()):
            (target / f"{day}.jsonl").write_text("\n".join(lines) + "\n", encoding="utf-8")
        if len(items) > n:
            (target / "incoming.jsonl").write_text(
                "\n".join(json.dumps(i, ensure_ascii=False) for i in items[n:]) + "\n",
                encoding="utf-8",
            )
    return folder


# --- measuring ------------------------------------------------------------------


def _peak_mb() -> tuple[float, float]:
    """High-water resident memory of this process and of its largest child, in MB."""
    import resource

    own = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024
    children = resource.getrusage(resource.RUSAGE_CHILDREN).ru_maxrss / 1024
    return own, children


def _cpu_seconds() -> float:
    """CPU time of this process and its finished children: unlike wall time, it does
    not grow when other jobs share the cores."""
    import resource

    own, children = (
        resource.getrusage(resource.RUSAGE_SELF),
        resource.getrusage(resource.RUSAGE_CHILDREN),
    )
    return own.ru_utime + own.ru_stime + children.ru_utime + children.ru_stime


def _mkdocs_warnings(output: str) -> list[str]:
    """MkDocs' WARNING and ERROR lines in its output."""
    return [line for line in output.splitlines() if line.startswith(("WARNING", "ERROR"))]


def measure(corpus: Path, out: Path, jobs: int, cache_dir: Path | None, mkdocs: bool) -> dict:
    """Build ``corpus`` once, timing each stage: stage -> (seconds, peak MB so far, child peak MB).

    Stage boundaries are the pipeline's own progress messages, so what is timed is
    exactly what ``newsdigest build`` runs. Peak memory is the process's high-water
    mark when the stage ends (it never goes down, so a stage's own peak is where it jumps).
    """
    import os
    import subprocess
    import sys
    import time

    from newsdigest.executor import Executor
    from newsdigest.pipeline import Options, build_digest
    from newsdigest.render import write_site
    from newsdigest.settings import Settings

    root = Path.cwd()
    marks: list[tuple[str, float]] = []
    names = {
        "ingest": "ingest",
        "clean": "clean + sentences + summaries (per article)",
        "copies": "syndicated copies",
        "summarise": "summaries (collect)",
        "group": "group into stories",
        "stories": "story summaries + exclusives",
        "topics": "topics",
    }
    stages: dict[str, tuple[float, float, float]] = {}
    start = time.perf_counter()

    cpu: dict[str, float] = {}

    def progress(message: str) -> None:
        now, used = time.perf_counter(), _cpu_seconds()
        if marks:
            name, began = marks[-1]
            stages[names.get(name, name)] = (now - began, *_peak_mb())
            cpu[names.get(name, name)] = used - cpu_marks[-1]
            # Progress on stderr: a long run shows its stages before it ends.
            print(
                f"{names.get(name, name)}: {now - began:.1f} s, "
                f"peak {stages[names.get(name, name)][1]:.0f} MB",
                file=sys.stderr,
                flush=True,
            )
        marks.append((message.split(":", 1)[0], now))
        cpu_marks.append(used)

    cpu_marks: list[float] = []

    executor = Executor(jobs=jobs)
    settings = Settings()
    digest = build_digest(
        [corpus], settings, root / "topics", progress=progress, options=Options(executor, cache_dir)
    )
    progress("render: Markdown")
    pages = write_site(
        digest, out, root / "site_templates", settings, root / "mkdocs.yml", out / "site", executor
    )
    progress("end")
    digest_seconds = time.perf_counter() - start
    result = {
        "articles": len(digest.articles),
        "stories": len(digest.stories),
        "topics": len(digest.topics),
        "pages": len(pages),
        "jobs": jobs,
        "cores": os.cpu_count(),
        "stages": stages,
        "cpu": cpu,
        "digest_seconds": digest_seconds,
        "cache": next(
            ([u.hits, u.misses, u.rebuilt] for u in digest.caches if u.name == "article"), None
        ),
    }
    if mkdocs:
        # A process forked from this big one starts with its memory high-water mark, so
        # mkdocs is started by a small launcher and measured as the launcher's child.
        launcher = (
            "import resource, subprocess, sys; code = subprocess.call(sys.argv[1:]); "
            "u = resource.getrusage(resource.RUSAGE_CHILDREN); "
            "print(u.ru_utime + u.ru_stime, u.ru_maxrss, code)"
        )
        began = time.perf_counter()
        done = subprocess.run(
            [
                sys.executable,
                "-c",
                launcher,
                sys.executable,
                "-m",
                "mkdocs",
                "build",
                "--strict",
                "-f",
                str(out / "mkdocs.yml"),
            ],
            capture_output=True,
            text=True,
            env={**os.environ, "NO_MKDOCS_2_WARNING": "1"},
        )
        used, peak_kb, code = done.stdout.split()[-3:]
        result["mkdocs"] = {
            "seconds": time.perf_counter() - began,
            "cpu": float(used),
            "peak_mb": int(peak_kb) / 1024,
            # Not -q: MkDocs 1.6's --quiet also switches --strict off, so its warnings are
            # found in its output instead.
            "ok": code == "0" and not _mkdocs_warnings(done.stderr),
        }
        site = out / "site"
        index = site / "search" / "search_index.json"
        # Pagefind's bundle (README, "Search"), or Material's one index when it is the search.
        bundle = [p for p in (site / "pagefind").rglob("*") if p.is_file()]
        result["site"] = {
            "html_pages": sum(1 for _ in site.rglob("*.html")),
            "mb": sum(p.stat().st_size for p in site.rglob("*") if p.is_file()) / 1e6,
            "search_index_mb": (
                index.stat().st_size if index.exists() else sum(p.stat().st_size for p in bundle)
            )
            / 1e6,
        }
    return result


def _measure_apart(
    corpus: Path, out: Path, jobs: int, cache_dir: Path | None, mkdocs: bool
) -> dict:
    """``measure`` in a fresh process, so each build's peak memory is its own."""
    import subprocess
    import sys

    command = [
        sys.executable,
        __file__,
        "--measure",
        str(corpus),
        str(out),
        str(jobs),
        str(cache_dir or ""),
        "1" if mkdocs else "",
    ]
    done = subprocess.run(command, check=True, capture_output=True, text=True)
    return json.loads(done.stdout)


def main(argv: list[str] | None = None) -> int:
    import argparse
    import shutil
    import sys

    argv = sys.argv[1:] if argv is None else argv
    if argv[:1] == ["--measure"]:
        corpus, out, jobs, cache_dir, mkdocs = argv[1:6]
        print(
            json.dumps(
                measure(
                    Path(corpus),
                    Path(out),
                    int(jobs),
                    Path(cache_dir) if cache_dir else None,
                    bool(mkdocs),
                )
            )
        )
        return 0

    parser = argparse.ArgumentParser(prog="benchmarks/bench.py", description=__doc__.split("\n")[0])
    parser.add_argument("--corpus", type=Path, default=Path("../shared/corpus"))
    parser.add_argument("--work", type=Path, default=Path(".cache/bench"))
    parser.add_argument("--sizes", type=int, nargs="+", default=[1000, 10000, 50000])
    parser.add_argument("--jobs", type=int, default=2)
    parser.add_argument(
        "--no-mkdocs-above",
        type=int,
        default=10000,
        help="skip `mkdocs build` for larger corpora (it grows past the time limit)",
    )
    parser.add_argument(
        "--incremental", type=int, default=100, help="new articles for the warm-cache run"
    )
    parser.add_argument(
        "--cold-only-above",
        type=int,
        default=10000,
        help="for larger corpora, only the cold build (the warm and reference builds "
        "would triple a run that already takes minutes)",
    )
    args = parser.parse_args(argv)
    if not (args.corpus / "README.md").exists():
        print(
            f"{args.corpus}: no evaluation corpus here; pass --corpus PATH (e.g. ../shared/corpus)"
        )
        return 2
    bases = load_bases(args.corpus)
    results = {}
    for n in args.sizes:
        folder = write_corpus(bases, n, args.work / f"corpus-{n}", extra=args.incremental)
        cache = args.work / f"cache-{n}"
        shutil.rmtree(cache, ignore_errors=True)
        cold = _measure_apart(
            folder, args.work / f"out-{n}", args.jobs, cache, n <= args.no_mkdocs_above
        )
        results[n] = {"cold": cold}
        if n <= args.cold_only_above:
            plus = folder.with_name(f"{folder.name}-plus{args.incremental}")
            warm = _measure_apart(plus, args.work / f"out-{n}-plus", args.jobs, cache, False)
            reference = _measure_apart(
                plus, args.work / f"out-{n}-plus-cold", args.jobs, None, False
            )
            same = _markdown(args.work / f"out-{n}-plus") == _markdown(
                args.work / f"out-{n}-plus-cold"
            )
            results[n].update(
                incremental=warm, incremental_reference=reference, incremental_identical=same
            )
        (args.work / f"results-{n}.json").write_text(json.dumps(results[n], indent=2) + "\n")
        print(json.dumps(results[n], indent=2), flush=True)
        record(Path("BENCHMARKS.md"), n, report_table(n, results[n]))
    return 0


def report_table(n: int, result: dict) -> str:
    """The Markdown block ``make bench`` writes into BENCHMARKS.md for one corpus size."""
    cold, warm = result["cold"], result.get("incremental")
    lines = [
        f"**{n:,} articles** ({cold['articles']:,} after cleaning, {cold['stories']:,} stories, "
        f"{cold['topics']} topics, {cold['pages']:,} Markdown pages; {cold['cores']} cores, "
        f"`--jobs {cold['jobs']}`)",
        "",
        "| stage | cold: wall s | cold: CPU s | cold: peak MB (main / worker) | +100, warm cache: "
        "wall s |",
        "|---|---:|---:|---:|---:|",
    ]
    for stage, (seconds, peak, child) in cold["stages"].items():
        again = f"{warm['stages'].get(stage, (float('nan'),))[0]:.1f}" if warm else "not run"
        used = cold.get("cpu", {}).get(stage)
        lines.append(
            f"| {stage} | {seconds:.1f} | {'' if used is None else f'{used:.1f}'} | "
            f"{peak:.0f} / {child:.0f} | {again} |"
        )
    if warm:
        reference = result["incremental_reference"]["digest_seconds"]
        lines.append(
            f"| **digest stages (all above)** | **{cold['digest_seconds']:.1f}** | | | "
            f"**{warm['digest_seconds']:.1f}** ({100 * warm['digest_seconds'] / reference:.0f}% "
            f"of a cold build of the same input, {reference:.1f} s) |"
        )
    else:
        lines.append(
            f"| **digest stages (all above)** | **{cold['digest_seconds']:.1f}** | | | not run |"
        )
    if "mkdocs" in cold:
        m, site = cold["mkdocs"], cold["site"]
        used = f"{m['cpu']:.1f}" if "cpu" in m else ""
        lines.append(
            f"| mkdocs build --strict | {m['seconds']:.1f} | {used} | "
            f"{m['peak_mb']:.0f} | not run |"
        )
        lines += [
            "",
            f"Site: {site['html_pages']:,} HTML pages, {site['mb']:.1f} MB, search index "
            f"{site['search_index_mb']:.2f} MB (all of it on disk; a reader fetches only parts of "
            "Pagefind's).",
        ]
    else:
        lines += ["", "`mkdocs build` not run at this size (see the page budget below)."]
    if warm:
        lines += [
            "",
            f"Cache after +100: {warm['cache'][0]:,} hits, {warm['cache'][1]:,} misses; warm "
            "output byte-identical to a cold build: "
            f"{'yes' if result['incremental_identical'] else 'NO'}.",
        ]
    else:
        lines += ["", "Cold build only at this size (`--cold-only-above`)."]
    return "\n".join(lines)


def record(path: Path, n: int, block: str) -> None:
    """Replace the block between ``<!-- bench:N -->`` markers in ``path`` (if they are there)."""
    if not path.exists():
        return
    text = path.read_text(encoding="utf-8")
    start, end = f"<!-- bench:{n} -->", f"<!-- /bench:{n} -->"
    if start in text and end in text:
        head, rest = text.split(start, 1)
        path.write_text(f"{head}{start}\n{block}\n{end}{rest.split(end, 1)[1]}", encoding="utf-8")


def _markdown(folder: Path) -> dict[str, bytes]:
    return {
        p.relative_to(folder).as_posix(): p.read_bytes()
        for p in sorted((folder / "docs").rglob("*.md"))
    }


if __name__ == "__main__":
    raise SystemExit(main())
