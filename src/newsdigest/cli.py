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
from collections.abc import Sequence
from pathlib import Path

import click

from . import __version__
from .configfile import ConfigInvalid

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
@verbosity_options
def build(inputs, out, settings_file, topics_dir, templates, mkdocs_file, site_dir, report, fail_on_skip,
          registry_file, quiet, verbose):
    """Build the digest: Markdown pages and build/mkdocs.yml for `mkdocs build`."""
    from .pipeline import build_digest
    from .render import write_site
    from .settings import load_settings

    console = _console(quiet, verbose)
    inputs = list(inputs) or [Path("seeds")]
    from .registry import RegistryError, load_registry, save_registry

    try:
        registry = load_registry(registry_file) if registry_file else None
    except RegistryError as error:
        console.error(str(error))
        sys.exit(EXIT_CONFIG)
    try:
        settings = load_settings(settings_file)
        digest = build_digest(inputs, settings, topics_dir or Path(settings.topics_dir),
                              progress=console.detail, registry=registry)
    except ConfigInvalid as invalid:
        _config_failed(console, invalid)
    if registry_file and digest.registry is not None:
        save_registry(digest.registry, registry_file)
    for problem in digest.problems:
        console.error(str(problem))
    pages = write_site(digest, out, templates, settings, mkdocs_file, site_dir)
    counts = {action: sum(p.action == action for p in digest.problems)
              for action in ("skipped", "repaired", "warning")}
    console.info(f"read {digest.files_read} files: {len(digest.articles)} articles in "
                 f"{len(digest.stories)} stories, {len(digest.topics)} topics; "
                 f"{counts['repaired']} repaired, {counts['skipped']} skipped; {len(pages)} pages in {out}/docs")
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


def _articles_from(path: Path, console: Console):
    from .ingest import ingest
    from .pipeline import prepare_documents

    read = ingest([path])
    for problem in read.problems:
        console.error(str(problem))
    problems = []
    documents = prepare_documents(read.articles, problems)
    for problem in problems:
        console.detail(str(problem))
    return read.articles, {d.id: d for d in documents}


@main.command()
@click.argument("path", type=click.Path(exists=True, path_type=Path))
@click.option("-n", "--sentences", type=click.IntRange(1, 100), default=None,
              help="Summary length in sentences (default 3).")
@click.option("--words", type=click.IntRange(1), default=None,
              help="Summary length in words: whole sentences while they fit (at least one).")
@click.option("--jsonl", is_flag=True, help="One JSON object per article on stdout.")
@click.option("--by", "by_field", default=None,
              help="With --jsonl: one story summary per distinct value of this field (e.g. label).")
@verbosity_options
def summarize(path, sentences, words, jsonl, by_field, quiet, verbose):
    """Print the summary of each article in PATH (an article file, folder or JSON Lines)."""
    from .model import Document
    from .settings import Settings
    from .summarise import Length, summarise_document, summarise_story

    console = _console(quiet, verbose)
    defaults = Settings()
    articles, documents = _articles_from(path, console)
    empty = lambda a: Document(a, ())  # noqa: E731 - an article with nothing left still gets a line
    if by_field:
        length = Length(sentences=sentences or defaults.story_summary_sentences, words=words)
        groups: dict[str, list] = {}
        for article in articles:
            value = _field(article, by_field)
            groups.setdefault(value, []).append(documents.get(article.id) or empty(article))
        for value, members in groups.items():
            summary = summarise_story(members, length)
            _emit({by_field: value, "summary": summary.text,
                   "sentences": [s.text for s in summary.sentences]}, jsonl, value)
        return
    length = Length(sentences=sentences or defaults.summary_sentences, words=words)
    for article in articles:
        summary = summarise_document(documents.get(article.id) or empty(article), length)
        _emit({"id": article.id, "summary": summary.text,
               "sentences": [s.text for s in summary.sentences]}, jsonl, article.title or article.id)


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


# --- evaluation: `newsdigest eval summaries|stories|topics` -----------------
@main.group(name="eval")
def eval_group() -> None:
    """Measure summary and grouping quality against gold data (e.g. ../shared/corpus/)."""


# --- eval summaries ---


# --- eval stories / topics ---
def _gold_documents(data: Path, skip_flagged: bool, console: Console):
    from .ingest import ingest
    from .pipeline import prepare_documents

    read = ingest([data])
    articles = [a for a in read.articles if not (skip_flagged and a.extra("is_boilerplate") in ("True", "true", "1"))]
    documents = prepare_documents(articles, [])
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
@verbosity_options
def eval_stories(data, skip_flagged, as_json, min_f1, quiet, verbose):
    """B-cubed P/R/F1 and ARI of the story grouping against the gold `label`, beside baselines."""
    import time

    from .eval_stories import average_link_baseline, score
    from .group import GroupSettings, group_documents

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
    if as_json:
        click.echo(json.dumps({"data": str(data), "articles": len(documents), "gold_stories": len(set(gold)),
                               "seconds": round(seconds, 2), "baseline_threshold": threshold,
                               **{name: {k: round(v, 4) for k, v in vars(s).items()} for name, s in rows.items()}}))
    else:
        click.echo(f"{data}: {len(documents)} articles, {len(set(gold))} gold stories; grouping took {seconds:.1f}s")
        click.echo(f"{'method':<44}{'B3-P':>7}{'B3-R':>7}{'B3-F1':>7}{'ARI':>7}{'stories':>9}")
        for name, s in rows.items():
            label = f"{name} (best threshold {threshold:.3f})" if name == "tfidf-average-link" else name
            click.echo(f"{label:<44}{s.precision * 100:7.1f}{s.recall * 100:7.1f}{s.f1 * 100:7.1f}"
                       f"{s.ari * 100:7.1f}{s.clusters:9d}")
    if min_f1 is not None and rows["newsdigest"].f1 * 100 < min_f1:
        console.error(f"story grouping B-cubed F1 {rows['newsdigest'].f1 * 100:.1f} is below the floor {min_f1}")
        sys.exit(EXIT_FAILED)


@eval_group.command(name="topics")
@click.argument("data", type=click.Path(exists=True, dir_okay=False, path_type=Path))
@click.option("--min-nmi", type=float, default=None, help="Exit 1 when NMI (0-100) is below this.")
@verbosity_options
def eval_topics(data, min_nmi, quiet, verbose):
    """NMI and purity of automatic topics against the gold `label` (e.g. BBC categories)."""
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
