"""Command-line interface: a thin layer over the library.

Exit codes (the same for every command):
  0  success
  1  the build ran but failed a requirement (no article could be read, or
     ``--fail-on-skip`` and something was skipped)
  2  usage error (unknown option, missing file)
  3  configuration error (topic or settings YAML): every mistake is listed

Output goes to stdout (summaries, JSON); messages and progress go to stderr.
"""

from __future__ import annotations

import json
import sys
from collections.abc import Callable, Sequence
from pathlib import Path

import click

from . import __version__
from .configfile import ConfigInvalid
from .model import Document, Problem

EXIT_FAILED = 1
EXIT_USAGE = 2
EXIT_CONFIG = 3


class Console:
    """Messages for people on stderr, filtered by -q / -v."""

    def __init__(self, verbosity: int):
        self.verbosity = verbosity

    def info(self, message: str) -> None:
        if self.verbosity >= 1:
            click.echo(message, err=True)

    def detail(self, message: str) -> None:
        if self.verbosity >= 2:
            click.echo(message, err=True)

    def error(self, message: str) -> None:
        click.echo(message, err=True)


def verbosity_options(func):
    func = click.option("-v", "--verbose", count=True, help="More messages (repeat for more).")(func)
    func = click.option("-q", "--quiet", is_flag=True, help="Only errors.")(func)
    return func


def _console(quiet: bool, verbose: int) -> Console:
    return Console(0 if quiet else 1 + verbose)


def _config_failed(console: Console, invalid: ConfigInvalid) -> None:
    errors = [e for e in invalid.errors if e.severity == "error"]
    console.error(f"configuration has {len(errors)} error{'s' if len(errors) != 1 else ''}:")
    for error in invalid.errors:
        console.error(f"  {error}" if error.severity == "error" else f"  warning: {error}")
    sys.exit(EXIT_CONFIG)


@click.group(context_settings={"help_option_names": ["-h", "--help"]})
@click.version_option(__version__, prog_name="newsdigest")
def main() -> None:
    """Turn a folder of news articles into a searchable static digest site."""


@main.command()
@click.option("--input", "-i", "inputs", multiple=True, type=click.Path(path_type=Path),
              help="Input folder or file (repeatable). Default: seeds/")
@click.option("--out", "-o", type=click.Path(path_type=Path), default=Path("build"), show_default=True,
              help="Where the Markdown pages and the generated mkdocs.yml go.")
@click.option("--settings", "settings_file", type=click.Path(path_type=Path), default=Path("newsdigest.yml"),
              show_default=True, help="Digest settings YAML (defaults when absent).")
@click.option("--topics", "topics_dir", type=click.Path(path_type=Path), default=None,
              help="Folder of topic YAML files. Default: the settings' topics_dir (topics/).")
@click.option("--templates", type=click.Path(path_type=Path, exists=True, file_okay=False),
              default=Path("site_templates"), show_default=True, help="Jinja2 page templates.")
@click.option("--mkdocs", "mkdocs_file", type=click.Path(path_type=Path, exists=True, dir_okay=False),
              default=Path("mkdocs.yml"), show_default=True, help="The site's MkDocs configuration.")
@click.option("--site-dir", type=click.Path(path_type=Path), default=None,
              help="Where `mkdocs build` puts the site. Default: site/ beside mkdocs.yml.")
@click.option("--report", type=click.Path(path_type=Path), help="Write what was read, repaired and skipped as JSON.")
@click.option("--fail-on-skip", is_flag=True, help="Exit 1 when any input was skipped (for CI).")
@click.option("--registry", "registry_file", type=click.Path(path_type=Path, dir_okay=False), default=None,
              help="Story registry (JSON, keep it in git): stories keep their URLs across builds and "
                   "merged stories' URLs redirect. Read, then updated.")
@click.option("--jobs", "-j", type=click.IntRange(1), default=1, show_default=True,
              help="Processes for the per-article stages (clean, sentences, summary).")
@click.option("--scheduler", default=None, metavar="ADDRESS",
              help="Run the per-article stages on this Dask scheduler (tcp://host:8786) instead.")
@click.option("--cache-dir", type=click.Path(path_type=Path, file_okay=False), default=Path(".cache/newsdigest"),
              show_default=True, help="Per-article cache: a rebuild redoes only new or changed articles.")
@click.option("--no-cache", is_flag=True, help="Neither read nor write the per-article cache.")
@verbosity_options
def build(inputs, out, settings_file, topics_dir, templates, mkdocs_file, site_dir, report, fail_on_skip,
          registry_file, jobs, scheduler, cache_dir, no_cache, quiet, verbose):
    """Build the digest: Markdown pages and build/mkdocs.yml for `mkdocs build`."""
    from .pipeline import build_digest
    from .render import write_site
    from .settings import load_settings
    from .workers import ArticleWork, SchedulerError

    console = _console(quiet, verbose)
    inputs = list(inputs) or [Path("seeds")]
    from .registry import RegistryError, load_registry, save_registry

    try:
        registry = load_registry(registry_file) if registry_file else None
    except RegistryError as error:
        console.error(str(error))
        sys.exit(EXIT_CONFIG)
    work = ArticleWork(jobs=jobs, scheduler=scheduler, cache_dir=None if no_cache else cache_dir)
    try:
        settings = load_settings(settings_file)
        digest = build_digest(inputs, settings, topics_dir or Path(settings.topics_dir),
                              progress=console.info, registry=registry, work=work)
    except ConfigInvalid as invalid:
        _config_failed(console, invalid)
    except SchedulerError as error:
        console.error(str(error))
        sys.exit(EXIT_FAILED)
    for folder in work.removed_old_caches:
        console.info(f"removed {folder}: an earlier version's cache, no longer read")
    if work.cache_stats:
        hits, misses, rebuilt = work.cache_stats
        console.detail(f"article cache: {hits} hits, {misses} misses, {rebuilt} damaged entries rebuilt")
    for name, (hits, misses, rebuilt) in sorted(work.story_cache_stats.items()):
        console.detail(f"story cache ({name.rsplit('.', 1)[-1]}): {hits} hits, {misses} misses")
    if registry_file and digest.registry is not None:
        save_registry(digest.registry, registry_file)
    for problem in digest.problems:
        # A merged copy is news of the build, not a problem: -q leaves it out.
        (console.info if problem.action == "merged" else console.error)(str(problem))
    pages = write_site(digest, out, templates, settings, mkdocs_file, site_dir, jobs=jobs)
    counts = {action: sum(p.action == action for p in digest.problems)
              for action in ("skipped", "repaired", "merged", "warning")}
    console.info(f"read {digest.files_read} files: {len(digest.articles)} articles in "
                 f"{len(digest.stories)} stories, {len(digest.topics)} topics; "
                 f"{counts['repaired']} repaired, {counts['skipped']} skipped, {counts['merged']} merged as copies; "
                 f"{len(pages)} pages in {out}/docs")
    if report:
        report.write_text(json.dumps({
            "files_read": digest.files_read, "articles": len(digest.articles),
            "stories": len(digest.stories), **counts,
            "problems": [{"file": p.origin, "action": p.action, "reason": p.message} for p in digest.problems],
        }, indent=2) + "\n", encoding="utf-8")
    if not digest.articles:
        console.error("no article could be read from the input")
        sys.exit(EXIT_FAILED)
    if fail_on_skip and counts["skipped"]:
        console.error(f"--fail-on-skip: {counts['skipped']} input(s) skipped")
        sys.exit(EXIT_FAILED)


@main.command()
@click.option("--settings", "settings_file", type=click.Path(path_type=Path), default=Path("newsdigest.yml"),
              show_default=True)
@click.option("--topics", "topics_dir", type=click.Path(path_type=Path), default=None)
@click.option("--input", "-i", "inputs", multiple=True, type=click.Path(exists=True, path_type=Path),
              help="Also try the topic rules and overrides on this input: warn about rules that match nothing.")
@verbosity_options
def check(settings_file, topics_dir, inputs, quiet, verbose):
    """Validate the settings, topic files and overrides without building."""
    from .settings import Settings, load_settings
    from .topics import load_topics

    console = _console(quiet, verbose)
    errors = []
    settings = None
    try:
        settings = load_settings(settings_file)
    except ConfigInvalid as invalid:
        errors.extend(invalid.errors)
    folder = topics_dir or Path(settings.topics_dir if settings else "topics")
    topics = []
    try:
        topics = load_topics(folder)
    except ConfigInvalid as invalid:
        errors.extend(invalid.errors)
    from .overrides import load_overrides
    try:
        load_overrides(folder)
    except ConfigInvalid as invalid:
        errors.extend(invalid.errors)
    if errors:
        _config_failed(console, ConfigInvalid(errors))
    if inputs:
        from .pipeline import build_digest, story_facts
        from .topics import unmatched_rule_warnings

        digest = build_digest(list(inputs), settings or Settings(), folder)
        for problem in digest.problems:
            if problem.action == "warning":
                console.error(f"warning: {problem.origin}: {problem.message}")
        for warning in unmatched_rule_warnings(topics, [story_facts(s, digest.documents) for s in digest.stories]):
            if warning.key != "match":  # topic-level warnings came with the build's problems
                console.error(f"warning: {warning}")
    console.info(f"ok: {settings_file if settings_file.exists() else 'default settings'}; "
                 f"{len(topics)} topics in {folder}/")


def _summary_inputs(path: Path, console: Console) -> list[tuple[str, Callable[[str], object], Document]]:
    """(id, field lookup, Document) for every input article, in input order.

    Articles are read and cleaned exactly as in the build. In a JSON Lines file a
    line the build would skip (no text, a bad date...) still has an id, so it gets
    an entry, summarised from whatever text it has: every input id is answered,
    with the id the input gave it.
    """
    from .clean import clean_article
    from .ingest import DecodeError, decode, ingest
    from .model import Article, Document
    from .pipeline import prepare_documents
    from .readers.jsonl import iter_items
    from .sentences import split_sentences

    read = ingest([path])
    for problem in read.problems:
        console.error(str(problem))
    problems: list = []
    documents = {d.id: d for d in prepare_documents(read.articles, problems)}
    for problem in problems:
        console.detail(str(problem))
    entries = [(a.id, lambda name, a=a: _field(a, name), documents.get(a.id) or Document(a, ()))
               for a in read.articles]
    if not (path.is_file() and path.suffix.lower() in (".jsonl", ".ndjson")):
        return entries
    by_origin = {entry[2].article.origin: entry for entry in entries}
    try:
        content, _ = decode(path.read_bytes())
    except (DecodeError, OSError):
        return entries
    in_order: list = []
    for number, item in iter_items(content):
        entry = by_origin.get(f"{path.as_posix()}:{number}")
        if not isinstance(item, dict):
            continue  # not an object: no id to answer with (reported above)
        if entry is None:  # the build skips this line; its text (if any) is still summarised
            if item.get("id") is None:
                continue
            text = item.get("text") if isinstance(item.get("text"), str) else ""
            article = clean_article(Article(id=str(item["id"]), text=text, origin=f"{path}:{number}"))
            entry = (article.id, lambda name, item=item: item.get(name),
                     Document(article, tuple(split_sentences(article.text))))
        elif item.get("id") is not None:  # the input's own id, even where ingest renamed a duplicate
            entry = (str(item["id"]), entry[1], entry[2])
        in_order.append(entry)
    return in_order


@main.command()
@click.argument("path", type=click.Path(exists=True, path_type=Path))
@click.option("-n", "--sentences", type=click.IntRange(1, 100), default=None,
              help="Summary length in sentences (default: the settings', 3 for articles, 4 for stories).")
@click.option("--words", type=click.IntRange(1), default=None,
              help="Summary length in words: whole sentences, best first, each one that still fits "
                   "(always at least one).")
@click.option("--jsonl", is_flag=True, help="One JSON object per article (or story) on stdout.")
@click.option("--by", "by_field", default=None,
              help="One story summary per distinct value of this field (e.g. label), as the site builds them.")
@click.option("--settings", "settings_file", type=click.Path(path_type=Path), default=Path("newsdigest.yml"),
              show_default=True, help="Digest settings YAML, as for build (defaults when absent).")
@verbosity_options
def summarize(path, sentences, words, jsonl, by_field, settings_file, quiet, verbose):
    """Print the summary of each article in PATH (an article file, folder or JSON Lines).

    Uses exactly the summariser, cleaning and defaults of the site build.
    Duplicates are not dropped: every input article gets its line, in input order.
    """
    from .pipeline import _date_key
    from .settings import load_settings
    from .summarise import Length, summarise_document, summarise_story

    console = _console(quiet, verbose)
    if sentences and words:
        raise click.UsageError("give -n/--sentences or --words, not both")
    try:
        settings = load_settings(settings_file)
    except ConfigInvalid as invalid:
        _config_failed(console, invalid)
    entries = _summary_inputs(path, console)
    if not entries:
        console.error(f"{path}: no article could be read")
        sys.exit(EXIT_FAILED)
    if by_field:
        length = Length(sentences=sentences or settings.story_summary_sentences, words=words)
        groups: dict[object, list] = {}
        for _, fields, document in entries:
            groups.setdefault(fields(by_field), []).append(document)
        for value, members in groups.items():
            # Articles in the order the site gives a story's articles: oldest first, then id.
            summary = summarise_story(sorted(members, key=lambda d: _date_key(d.article)), length)
            _emit({by_field: value, "summary": summary.text,
                   "sentences": [s.text for s in summary.sentences]}, jsonl, str(value))
        return
    length = Length(sentences=sentences or settings.summary_sentences, words=words)
    for article_id, _, document in entries:
        summary = summarise_document(document, length)
        _emit({"id": article_id, "summary": summary.text,
               "sentences": [s.text for s in summary.sentences]}, jsonl, document.article.title or article_id)


def _field(article, name: str):
    value = getattr(article, name, None) if name in ("id", "title", "source", "url") else article.extra(name)
    return value


def _emit(record: dict, jsonl: bool, heading: str) -> None:
    if jsonl:
        click.echo(json.dumps(record, ensure_ascii=False))
    else:
        click.echo(f"# {heading}\n" + "\n".join(f"- {s}" for s in record["sentences"]) + "\n")


# --- grouping commands (group, explain) ------------------------------------
def _stories_for(path_or_paths, topics_dir: Path | None, console: Console):
    """The build's stories for PATH(s): exactly the site's grouping and defaults."""
    from .pipeline import build_digest
    from .settings import Settings

    paths = list(path_or_paths) if isinstance(path_or_paths, (list, tuple)) else [path_or_paths]
    try:
        digest = build_digest(paths, Settings(), topics_dir, progress=console.detail)
    except ConfigInvalid as invalid:
        _config_failed(console, invalid)
    for problem in digest.problems:
        console.detail(str(problem))
    return digest


@main.command()
@click.argument("paths", nargs=-1, required=True, type=click.Path(exists=True, path_type=Path))
@click.option("--jsonl", is_flag=True, help='One {"id", "story"} object per input article, in input order.')
@click.option("--topics", "topics_dir", type=click.Path(path_type=Path), default=None,
              help="Apply the editor overrides (overrides.yml) in this folder. Default: none.")
@verbosity_options
def group(paths, jsonl, topics_dir, quiet, verbose):
    """Print the story of each article in PATH(s), with the build's grouping and defaults."""
    import resource
    import time

    from .ingest import ingest
    from .overrides import load_overrides
    from .pipeline import find_stories, prepare_documents, without_takedowns
    from .settings import Settings

    console = _console(quiet, verbose)
    started = time.perf_counter()
    try:
        overrides = load_overrides(topics_dir) if topics_dir else None
    except ConfigInvalid as invalid:
        _config_failed(console, invalid)
    read = ingest(list(paths))
    for problem in read.problems:
        console.error(str(problem))
    problems = []
    documents = without_takedowns(prepare_documents(read.articles, problems), overrides)
    found = find_stories(documents, Settings(), overrides, None, problems, summarise=False)
    for problem in problems:
        console.detail(str(problem))
    story_of = {a: s.slug for s in found.stories for a in s.article_ids}
    if jsonl:
        kept = {d.id for d in documents}
        for article in read.articles:
            if article.id in kept:  # taken down or emptied articles have no story
                click.echo(json.dumps({"id": article.id, "story": story_of.get(article.id)}, ensure_ascii=False))
    else:
        titles = {d.id: d.article.title or "" for d in documents}
        for story in found.stories:
            click.echo(f"# {story.slug}: {story.title}")
            for article_id in story.article_ids:
                click.echo(f"- {article_id}: {titles[article_id]}")
            click.echo("")
    peak = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024
    console.info(f"{len(documents)} articles in {len(found.stories)} stories; "
                 f"{time.perf_counter() - started:.1f}s, peak memory {peak:.0f} MiB")


@main.command()
@click.argument("story")
@click.option("--input", "-i", "inputs", multiple=True, type=click.Path(exists=True, path_type=Path),
              help="Input folder or file (repeatable). Default: seeds/")
@click.option("--topics", "topics_dir", type=click.Path(path_type=Path), default=Path("topics"),
              show_default=True, help="Folder of topic YAML files and overrides.yml.")
@verbosity_options
def explain(story, inputs, topics_dir, quiet, verbose):
    """Tell why STORY (a story slug) has its articles and its topics."""
    from .pipeline import story_facts
    from .topics import match_reasons

    console = _console(quiet, verbose)
    digest = _stories_for(list(inputs) or [Path("seeds")], topics_dir, console)
    slug = digest.redirects.get(story, story)
    found = next((s for s in digest.stories if s.slug == slug), None)
    if found is None:
        from difflib import get_close_matches

        from .overrides import load_overrides
        overrides = load_overrides(topics_dir)
        if overrides and story in overrides.spec.hide:
            console.error(f"story '{story}' is hidden by the editor: {overrides.source} lists it under hide")
            sys.exit(EXIT_FAILED)
        near = get_close_matches(story, [s.slug for s in digest.stories], n=3)
        console.error(f"no story '{story}' in this input" + (f"; did you mean {', '.join(near)}?" if near else
                                                               "; `newsdigest group PATH` lists the stories"))
        sys.exit(EXIT_USAGE)
    if slug != story:
        click.echo(f"'{story}' now redirects to '{slug}'.")
    click.echo(f"Story '{found.slug}': {found.title}")
    click.echo(f"\nArticles ({len(found.article_ids)}):")
    for article_id in found.article_ids:
        article = digest.articles[article_id]
        date = article.date.date().isoformat() if article.date else "date unknown"
        click.echo(f"  - {article_id}: {article.title or ''} ({article.source or 'outlet unknown'}, {date})")
    click.echo("\nWhy these articles are together:")
    reasons = digest.story_reasons.get(found.slug, [])
    if not reasons:
        click.echo("  - a single article: no other article was similar enough")
    for line in reasons:
        click.echo(f"  - {line}")
    click.echo("\nTopics:")
    facts = story_facts(found, digest.documents)
    topics = {t.slug: t for t in digest.topics}
    for topic_slug in found.topics:
        topic = topics[topic_slug]
        if topic.automatic:
            click.echo(f"  - {topic.name} ({topic.slug}): automatic; no editor topic claims the story, and "
                       f"it shares the terms {topic.name!r} with the topic's other stories")
            continue
        if found.slug in topic.pinned:
            click.echo(f"  - {topic.name} ({topic.slug}): pinned in {topic.source}")
            continue
        why = match_reasons(topic.spec, facts) or []
        click.echo(f"  - {topic.name} ({topic.slug}), {topic.source}: " + "; ".join(why))


# --- ingest commands (fetch) ------------------------------------------------
@main.command()
@click.argument("subscriptions", type=click.Path(exists=True, dir_okay=False, path_type=Path))
@click.option("--out", "-o", type=click.Path(file_okay=False, path_type=Path), default=Path("fetched"),
              show_default=True, help="Input folder the feeds are saved into (for `build --input`).")
@click.option("--timeout", type=click.FloatRange(0.1), default=15.0, show_default=True,
              help="Seconds to wait for a server.")
@click.option("--retries", type=click.IntRange(0, 10), default=3, show_default=True,
              help="Extra attempts on 5xx, 429 and network errors (with back-off).")
@click.option("--delay", type=click.FloatRange(0), default=1.0, show_default=True,
              help="Seconds between two requests to one host.")
@verbosity_options
def fetch(subscriptions, out, timeout, retries, delay, quiet, verbose):
    """Download the feeds listed in SUBSCRIPTIONS (YAML) into an input folder.

    Exit 1 when no feed could be fetched (a failed feed keeps its previous copy).
    """
    from .fetch import FetchSettings, SubscriptionError, fetch_feeds, load_subscriptions

    console = _console(quiet, verbose)
    try:
        urls = load_subscriptions(subscriptions)
    except SubscriptionError as error:
        console.error(str(error))
        sys.exit(EXIT_CONFIG)
    settings = FetchSettings(timeout=timeout, retries=retries, delay=delay)
    results = fetch_feeds(urls, out, settings, log=console.detail)
    for result in results:
        if result.status in ("failed", "disallowed"):
            console.error(str(result))
    counts = {s: sum(r.status == s for r in results) for s in ("new", "updated", "unchanged", "failed", "disallowed")}
    console.info(f"fetched {len(results)} feeds into {out}/: " + ", ".join(f"{n} {s}" for s, n in counts.items()))
    if results and counts["failed"] + counts["disallowed"] == len(results):
        sys.exit(EXIT_FAILED)


# --- evaluation: `newsdigest eval summaries|stories|topics` -----------------
@main.group(name="eval")
def eval_group() -> None:
    """Measure summary and grouping quality against gold data (e.g. ../shared/corpus/)."""


# --- the quality gate of every eval command ---
def floor_options(function):
    """``--floors FILE --gate NAME``: the quality gate of ``make eval`` (eval/floors.yml)."""
    function = click.option("--gate", default=None, help="With --floors: which entry of the floors file applies.")(function)
    return click.option("--floors", type=click.Path(exists=True, dir_okay=False, path_type=Path), default=None,
                        help="YAML of minimum figures; exit 1 when newsdigest falls below the --gate entry.")(function)


def _gate_pair(floors: Path | None, gate: str | None) -> None:
    """Checked before any work: a mistake in the options should not cost an evaluation's time."""
    if (floors is None) != (gate is None):
        raise click.UsageError("--floors and --gate go together")


def _check_gate(floors: Path | None, gate: str | None, figures: dict[str, float], example: str,
                more_failures: Sequence[str] = ()) -> None:
    """Exit 1, naming each figure, when one is below the floors of entry ``gate``."""
    if floors is None:
        return
    import yaml

    from .eval_summaries import check_floors

    entry = (yaml.safe_load(floors.read_text(encoding="utf-8")) or {}).get(gate)
    if not isinstance(entry, dict):
        click.echo(f"error: {floors}: no entry '{gate}' with figures such as '{example}'", err=True)
        sys.exit(EXIT_FAILED)
    failures = check_floors(figures, entry) + list(more_failures)
    for failure in failures:
        click.echo(f"gate {gate}: FAILED: newsdigest {failure} ({floors})", err=True)
    if failures:
        sys.exit(EXIT_FAILED)
    click.echo(f"gate {gate}: ok (floors in {floors})")


# --- eval summaries ---
@eval_group.command(name="summaries")
@click.argument("data", type=click.Path(exists=True, dir_okay=False, path_type=Path))
@click.option("--label", default=None, help="Only articles with this label (e.g. cnndm in frank_cnndm_xsum).")
@click.option("--skip-flagged", is_flag=True, help="Leave out rows flagged duplicate_of or is_boilerplate.")
@click.option("-n", "--sentences", type=click.IntRange(1, 100), default=None,
              help="Budget in sentences (default 3), the same for every system.")
@click.option("--words", type=click.IntRange(1), default=None,
              help="Budget in words: whole sentences while they fit (at least one).")
@click.option("--match-reference", is_flag=True,
              help="Budget per item: the reference's length in words (for long references such as BBC's).")
@click.option("--clusters", type=click.Path(exists=True, dir_okay=False, path_type=Path), default=None,
              help="Score story summaries against these gold stories (clusters.jsonl).")
@click.option("--by", "by_field", default="label", show_default=True,
              help="With --clusters: the article field naming its story.")
@click.option("--slice", "slice_", default=None, metavar="START:STOP[:STEP]",
              help="Score only these items (after filtering), as a Python slice: 0:300:4 takes every 4th "
                   "of the first 300.")
@click.option("--limit", type=click.IntRange(1), default=None, help="Score at most this many items.")
@click.option("--seed", type=int, default=1, show_default=True, help="Seed of the random-k baseline.")
@click.option("--baselines/--no-baselines", default=True, show_default=True,
              help="Also score LEAD-k, random-k, sumy TextRank and LexRank (stories: first-article lead, "
                   "TextRank over the story).")
@floor_options
def eval_summaries(data, label, skip_flagged, sentences, words, match_reference, clusters, by_field, slice_, limit, seed,
                   baselines, floors, gate):
    """ROUGE-1/2/Lsum F1 of newsdigest's summaries and of baselines on gold DATA (JSON Lines)."""
    from .eval_summaries import (article_systems, evaluate, format_table, reference_words, story_checks,
                                 story_systems)
    from .evaldata import EvalDataError, load_articles, load_stories
    from .summarise import Length

    if sum(map(bool, (sentences, words, match_reference))) > 1:
        raise click.UsageError("give one of -n/--sentences, --words and --match-reference")
    _gate_pair(floors, gate)
    part = _parse_slice(slice_)
    length = Length(sentences=sentences or 3, words=words)
    budget = ("the reference's word count" if match_reference else
              f"{words} words" if words else f"{length.sentences} sentence{'s' if length.sentences != 1 else ''}")
    try:
        gold = load_articles(data)
        stories = load_stories(clusters) if clusters else None
    except EvalDataError as error:
        click.echo(f"error: {error}", err=True)
        sys.exit(EXIT_FAILED)
    chosen = [a for a in gold if (label is None or str(a.row.get("label")) == label)
              and not (skip_flagged and a.flagged)]
    if stories is None:
        chosen = [a for a in chosen if a.reference][part][:limit]
        items = [(a.reference, a.document.sentences) for a in chosen]
        lengths = [Length(words=reference_words(a.reference)) if match_reference else length for a in chosen]
        systems = article_systems([a.document for a in chosen], lengths, seed, baselines)
        what = f"{len(items)} articles"
    else:
        members: dict[str, list] = {}
        for article in chosen:
            members.setdefault(str(article.row.get(by_field)), []).append(article.document)
        scored = [s for s in stories if s.reference and members.get(s.label)][part][:limit]
        # Articles in the order the site puts them in a story (oldest first, then id).
        from .pipeline import _date_key
        story_docs = [sorted(members[s.label], key=lambda d: _date_key(d.article)) for s in scored]
        items = [(s.reference, ()) for s in scored]
        lengths = [Length(words=reference_words(s.reference)) if match_reference else length for s in scored]
        systems = story_systems(story_docs, lengths, baselines)
        what = f"{len(items)} stories ({sum(map(len, story_docs))} articles)"
    if not items:
        click.echo(f"error: {data}: nothing to score (no article with a reference"
                   f"{f' and label {label!r}' if label else ''})", err=True)
        sys.exit(EXIT_FAILED)
    filters = ", ".join(x for x in (f"label {label}" if label else "", "flagged rows skipped" if skip_flagged else "",
                                    f"slice {slice_}" if slice_ else "", f"first {limit}" if limit else "") if x)
    click.echo(f"{data}: {what}{f' ({filters})' if filters else ''}, budget {budget}")
    results = evaluate(items, systems)
    click.echo(format_table(results, len(items)))
    if stories is not None:
        checks = story_checks(story_docs, lengths)
        click.echo("newsdigest story summaries: " + ", ".join(f"{v} {k}" for k, v in checks.items()))
    _check_gate(floors, gate, results[0].figures(), "rouge1: 40.0",
                [f"story summaries: {v} {k}" for k, v in checks.items() if v] if stories is not None else [])


def _parse_slice(text: str | None) -> slice:
    if not text:
        return slice(None)
    parts = text.split(":")
    try:
        if not 2 <= len(parts) <= 3:
            raise ValueError
        return slice(*(int(p) if p.strip() else None for p in parts))
    except ValueError:
        raise click.BadParameter(f"{text!r}: expected START:STOP or START:STOP:STEP, e.g. 0:300:4",
                                 param_hint="--slice") from None


# --- eval stories / topics ---
def _gold_documents(data: Path, skip_flagged: bool, console: Console):
    from .ingest import ingest
    from .pipeline import prepare_documents

    read = ingest([data])
    articles = [a for a in read.articles if not (skip_flagged and a.extra("is_boilerplate") in ("True", "true", "1"))]
    skipped: list[Problem] = []
    documents = prepare_documents(articles, skipped)
    if skipped:  # scored without them: say so, they are part of what the grouping is judged on
        console.info(f"{data}: {len(skipped)} article(s) skipped and not scored "
                     f"(e.g. {skipped[0]})")
    missing = [d.id for d in documents if d.article.extra("label") is None]
    if missing:
        console.error(f"{data}: {len(missing)} article(s) have no 'label' (e.g. {missing[0]}); "
                      "expected a gold label on every line")
        sys.exit(EXIT_USAGE)
    return documents


@eval_group.command(name="stories")
@click.argument("data", type=click.Path(exists=True, dir_okay=False, path_type=Path))
@click.option("--skip-flagged", is_flag=True, help="Drop rows flagged is_boilerplate (Multi-News scrapes).")
@click.option("--json", "as_json", is_flag=True, help="One JSON object instead of a table.")
@click.option("--min-f1", type=float, default=None, help="Exit 1 when our B-cubed F1 (0-100) is below this.")
@click.option("--errors", is_flag=True, help="Also list the wrong merges and the missed merges (ids, first words).")
@floor_options
@verbosity_options
def eval_stories(data, skip_flagged, as_json, min_f1, errors, floors, gate, quiet, verbose):
    """B-cubed P/R/F1 and ARI of the story grouping against the gold `label`, beside baselines."""
    _gate_pair(floors, gate)
    import time

    from .eval_stories import average_link_baseline, linkable_ceiling, score, story_errors
    from .group import GroupSettings, document_vectors, group_documents

    console = _console(quiet, verbose)
    documents = _gold_documents(data, skip_flagged, console)
    gold = [d.article.extra("label") for d in documents]
    started = time.perf_counter()
    clusters = group_documents(documents, GroupSettings())
    seconds = time.perf_counter() - started
    predicted = [0] * len(documents)
    for number, cluster in enumerate(clusters):
        for index in cluster:
            predicted[index] = number
    rows = {"newsdigest": score(predicted, gold), "singletons": score(list(range(len(documents))), gold)}
    threshold, rows["tfidf-average-link"] = average_link_baseline([d.article.text for d in documents], gold)
    settings = GroupSettings()
    rows["linkable-ceiling"] = linkable_ceiling(document_vectors(documents, settings), gold, settings.min_similarity)
    mixed, split = story_errors(predicted, gold) if errors else ([], [])
    if as_json:
        ids = [[documents[i].id for i in c] for c in mixed], [[documents[i].id for i in c] for c in split]
        click.echo(json.dumps({"data": str(data), "articles": len(documents), "gold_stories": len(set(gold)),
                               "seconds": round(seconds, 2), "baseline_threshold": threshold,
                               **{name: {k: round(v, 4) for k, v in vars(s).items()} for name, s in rows.items()},
                               **({"wrong_merges": ids[0], "missed_merges": ids[1]} if errors else {})}))
    else:
        click.echo(f"{data}: {len(documents)} articles, {len(set(gold))} gold stories; grouping took {seconds:.1f}s")
        click.echo(f"{'method':<44}{'B3-P':>7}{'B3-R':>7}{'B3-F1':>7}{'ARI':>7}{'stories':>9}")
        for name, s in rows.items():
            label = {"tfidf-average-link": f"{name} (best threshold {threshold:.3f})",
                     "linkable-ceiling": f"ceiling: gold cut at cosine < {settings.min_similarity}"}.get(name, name)
            click.echo(f"{label:<44}{s.precision * 100:7.1f}{s.recall * 100:7.1f}{s.f1 * 100:7.1f}"
                       f"{s.ari * 100:7.1f}{s.clusters:9d}")
        for heading, groups, key in (("wrong merges (one of our stories, several gold stories)", mixed, gold),
                                     ("missed merges (one gold story, several of ours)", split, predicted)
                                     ) if errors else ():
            click.echo(f"\n{heading}: {len(groups)}")
            for members in groups:
                click.echo("")
                for i in members:
                    first = " ".join(documents[i].article.text.split())[:70]
                    click.echo(f"  {'gold ' if key is gold else 'story '}{key[i]}  {documents[i].id}  {first}")
    if min_f1 is not None and rows["newsdigest"].f1 * 100 < min_f1:
        console.error(f"story grouping B-cubed F1 {rows['newsdigest'].f1 * 100:.1f} is below the floor {min_f1}")
        sys.exit(EXIT_FAILED)
    _check_gate(floors, gate, {"f1": rows["newsdigest"].f1 * 100}, "f1: 90.0")


@eval_group.command(name="topics")
@click.argument("data", type=click.Path(exists=True, dir_okay=False, path_type=Path))
@click.option("--min-nmi", type=float, default=None, help="Exit 1 when NMI (0-100) is below this.")
@floor_options
@verbosity_options
def eval_topics(data, min_nmi, floors, gate, quiet, verbose):
    """NMI and purity of automatic topics against the gold `label` (e.g. BBC categories)."""
    _gate_pair(floors, gate)
    from sklearn.metrics import normalized_mutual_info_score

    from .eval_stories import purity
    from .group import GroupSettings, group_documents
    from .model import Story
    from .pipeline import assign_topics

    console = _console(quiet, verbose)
    documents = _gold_documents(data, False, console)
    by_id = {d.id: d for d in documents}
    # Topics only need each story's articles: skip the story summaries.
    stories = [Story(slug=f"s{n}", title="", article_ids=tuple(documents[i].id for i in cluster))
               for n, cluster in enumerate(group_documents(documents, GroupSettings()))]
    stories, topics, _ = assign_topics(stories, by_id, [])
    topic_of = {a: s.topics[0] for s in stories for a in s.article_ids}
    predicted = [topic_of[d.id] for d in documents]
    gold = [d.article.extra("label") for d in documents]
    nmi = normalized_mutual_info_score(gold, predicted) * 100
    click.echo(f"{data}: {len(documents)} articles, {len(set(gold))} gold categories, {len(stories)} stories, "
               f"{len(topics)} automatic topics")
    click.echo(f"NMI {nmi:.1f}  purity {purity(predicted, gold) * 100:.1f}")
    if min_nmi is not None and nmi < min_nmi:
        console.error(f"automatic topics NMI {nmi:.1f} is below the floor {min_nmi}")
        sys.exit(EXIT_FAILED)
    _check_gate(floors, gate, {"nmi": nmi}, "nmi: 75.0")


def run(argv: Sequence[str] | None = None) -> int:
    """Run the CLI in-process (for tests); return the exit code."""
    try:
        main.main(args=list(argv or []), prog_name="newsdigest", standalone_mode=False)
    except SystemExit as exit_:
        return int(exit_.code or 0)
    except click.ClickException as error:
        error.show()
        return error.exit_code
    return 0
