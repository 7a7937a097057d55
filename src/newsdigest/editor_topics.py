"""Editor topics: topic pages defined in YAML files in ``topics/``, and the rules that
decide which stories they hold.

A topic file holds one topic (a mapping) or several (a list of mappings):

    name: Syria
    description: Syria after Assad.
    order: 10
    match:
      any: [al-Sharaa, Damascus, "Syrian president"]
      exclude: [football]
      outlets: [Al Jazeera]

Keywords match whole words, ignoring case, with common English endings
(s, es, 's, ed, ing) and an optional trailing ``*`` for any ending. They are
compiled to simple anchored alternations that run in linear time on any text.
"""

from __future__ import annotations

import re
from collections.abc import Sequence
from dataclasses import dataclass, field
from datetime import date
from functools import cached_property, lru_cache
from pathlib import Path
from typing import Annotated

from pydantic import AfterValidator, BaseModel, ConfigDict, Field, field_validator
from slugify import slugify

from .configfile import ConfigError, ConfigInvalid, key_name, load_yaml, validate

TOPIC_FILE_SUFFIXES = (".yml", ".yaml")
NOT_TOPICS = {
    "overrides.yml"
}  # the editor's story overrides live beside the topics (see overrides.py)


def _check_keyword(value: str) -> str:
    keyword = value.strip()
    if not re.search(r"\w", keyword):
        raise ValueError(f"keyword {value!r} has no letters or digits; expected a word or phrase")
    if "*" in keyword.rstrip("*") or keyword.count("*") > 1:
        raise ValueError(f"keyword {value!r}: '*' may only end a keyword (e.g. 'elect*')")
    return keyword


# Validated one by one, so an error names the keyword's own position (match.any[1]).
Keyword = Annotated[str, AfterValidator(_check_keyword)]


class MatchRules(BaseModel):
    """Which stories belong to the topic. A story matches when every given rule holds."""

    model_config = ConfigDict(extra="forbid")

    any: list[Keyword] = Field(default_factory=list, description="at least one of these keywords")
    all: list[Keyword] = Field(default_factory=list, description="every one of these keywords")
    exclude: list[Keyword] = Field(default_factory=list, description="none of these keywords")
    outlets: list[str] = Field(
        default_factory=list, description="at least one article from these outlets"
    )
    since: date | None = Field(None, description="stories with an article on or after this date")
    until: date | None = Field(None, description="stories with an article on or before this date")


class TopicSpec(BaseModel):
    """One topic page as an editor writes it."""

    model_config = ConfigDict(extra="forbid")

    name: str = Field(min_length=1)
    slug: str | None = None
    description: str = ""
    order: int = 100
    match: MatchRules = Field(default_factory=MatchRules)
    pinned: list[str] = Field(default_factory=list, description="story slugs listed first")

    @field_validator("slug")
    @classmethod
    def _slug(cls, value: str | None) -> str | None:
        if value is not None and value != slugify(value):
            raise ValueError(
                f"slug {value!r} is not URL-safe; expected lower-case words joined by "
                f"hyphens, such as {slugify(value)!r}"
            )
        return value


@dataclass(frozen=True)
class Topic:
    slug: str
    name: str
    description: str
    order: int
    automatic: bool
    source: str  # the file that defined it, or "automatic"
    spec: TopicSpec | None = None
    pinned: tuple[str, ...] = ()
    # the line of each key in its file ("match.any[0]" -> 7), for messages
    lines: dict[str, int] = field(default_factory=dict, compare=False, hash=False)


def keyword_pattern(keywords: Sequence[str]) -> re.Pattern | None:
    """One case-insensitive pattern matching any keyword as whole words, with endings."""
    return _keyword_pattern(tuple(keywords))


@lru_cache(maxsize=1024)  # a topic's keywords are matched against every story
def _keyword_pattern(keywords: tuple[str, ...]) -> re.Pattern | None:
    if not keywords:
        return None
    parts = []
    for keyword in keywords:
        wildcard = keyword.endswith("*")
        words = keyword.rstrip("*").split()
        body = r"\s+".join(re.escape(w) for w in words)
        ending = r"\w*" if wildcard else r"(?:s|es|'s|ed|d|ing)?"
        parts.append(body + ending)
    return re.compile(r"(?<!\w)(?:" + "|".join(parts) + r")(?!\w)", re.IGNORECASE)


def load_topics(folder: Path) -> list[Topic]:
    """Every topic in ``folder``; raises ConfigInvalid listing all errors across files."""
    return load_topics_and_warnings(folder)[0]


def load_topics_and_warnings(folder: Path) -> tuple[list[Topic], list[ConfigError]]:
    """Every topic in ``folder`` and the warnings about them (keywords that look like
    regular expressions, empty files); raises ConfigInvalid listing all errors."""
    errors: list[ConfigError] = []
    topics: list[Topic] = []
    if not folder.exists():
        return [], []
    for path in sorted(
        p for p in folder.iterdir() if p.suffix in TOPIC_FILE_SUFFIXES and p.name not in NOT_TOPICS
    ):
        topics += _load_file(path, errors)
    errors += _duplicate_slugs(topics)
    if any(e.severity == "error" for e in errors):
        raise ConfigInvalid(errors)
    return sorted(topics, key=lambda t: (t.order, t.slug)), errors


def _load_file(path: Path, errors: list[ConfigError]) -> list[Topic]:
    display = path.as_posix()
    try:
        data, lines = load_yaml(path, display)
    except ConfigInvalid as invalid:
        errors.extend(invalid.errors)
        return []
    if data is None:
        message = "file is empty; expected a topic (name:, match:, ...) or a list of topics"
        errors.append(ConfigError(display, None, "", message, "warning"))
        return []
    topics = []
    items = data if isinstance(data, list) else [data]
    for index, item in enumerate(items):
        prefix = (index,) if isinstance(data, list) else ()
        if not isinstance(item, dict):
            errors.append(
                ConfigError(
                    display,
                    lines.get(prefix),
                    "",
                    f"got {type(item).__name__}; "
                    "expected a topic as key: value lines (name:, match:, ...)",
                )
            )
            continue
        item, misplaced = _misplaced_rules(item, display, lines, prefix)
        errors += misplaced
        try:
            spec = validate(TopicSpec, item, display, lines, prefix)
        except ConfigInvalid as invalid:
            errors.extend(invalid.errors)
            continue
        if misplaced:
            continue
        errors += _regex_warnings(spec, display, lines, prefix)
        topics.append(
            Topic(
                slug=spec.slug or slugify(spec.name),
                name=spec.name,
                description=spec.description,
                order=spec.order,
                automatic=False,
                source=f"{display}:{lines.get(prefix, 1)}",
                spec=spec,
                pinned=tuple(spec.pinned),
                lines={
                    key_name(k[len(prefix) :]): n
                    for k, n in lines.items()
                    if k[: len(prefix)] == prefix
                },
            )
        )
    return topics


def _misplaced_rules(
    item: dict, display: str, lines: dict[tuple, int], prefix: tuple
) -> tuple[dict, list[ConfigError]]:
    """A rule key (any:, exclude:, ...) beside ``match:`` instead of under it, and a
    ``match:`` with nothing under it: an error that says to indent; the item without them."""
    rules = set(MatchRules.model_fields)
    errors = []
    cleaned = dict(item)
    for key in item:
        if key in rules and key not in TopicSpec.model_fields:
            errors.append(
                ConfigError(
                    display,
                    lines.get((*prefix, key)),
                    key_name((*prefix, key)),
                    f"'{key}' is a match rule: indent it under match: "
                    f"(match: on its own line, then '  {key}: ...')",
                )
            )
            del cleaned[key]
    if "match" in item and item["match"] is None:
        errors.append(
            ConfigError(
                display,
                lines.get((*prefix, "match")),
                key_name((*prefix, "match")),
                "has no rules under it; expected any:, all:, exclude:, outlets:, since: or "
                "until: indented under match:",
            )
        )
        cleaned["match"] = {}
    return cleaned, errors


# Characters that mean something in a regular expression and nothing in a keyword.
# A keyword is plain words: "U.S." and "C++" are fine; "Pyongyang|Seoul", "Kim.*",
# "(North )?Korea" or "\bIran" are patterns that match only those characters literally.
_REGEX_SIGNS = re.compile(r"[|\\^$()\[\]{}?]|\.[*+?]|\w[*+]\w")


def _regex_warnings(
    spec: TopicSpec, display: str, lines: dict[tuple, int], prefix: tuple
) -> list[ConfigError]:
    warnings = []
    for rule in ("any", "all", "exclude"):
        for index, keyword in enumerate(getattr(spec.match, rule)):
            if _REGEX_SIGNS.search(keyword):
                where = (*prefix, "match", rule, index)
                warnings.append(
                    ConfigError(
                        display,
                        lines.get(where) or lines.get(where[:-1]),
                        key_name(where),
                        f"keyword {keyword!r} looks like a regular expression; keywords are "
                        "plain words matched literally: list each word or phrase on its own "
                        "(e.g. [Pyongyang, Seoul]), with '*' only at the end for any ending",
                        "warning",
                    )
                )
    return warnings


def _duplicate_slugs(topics: list[Topic]) -> list[ConfigError]:
    """An error at each topic whose slug an earlier one (earlier file, or earlier in the
    same file) already has: the later one is the one to rename."""
    errors = []
    seen: dict[str, Topic] = {}
    for topic in topics:
        first = seen.setdefault(topic.slug, topic)
        if first is not topic:
            path, line = _where(topic, "slug" if topic.spec and topic.spec.slug else "name")
            errors.append(
                ConfigError(
                    path,
                    line,
                    "slug",
                    f"slug '{topic.slug}' is already used by '{first.name}' at {first.source}; "
                    "give this topic its own slug (slug: ...) or another name",
                )
            )
    return errors


# The only characters outside ASCII that Python's re, ignoring case, takes for an ASCII
# letter (checked over every code point): dotted and dotless i, the Kelvin sign, long s.
_ASCII_FOLD = (("\u0130", "i"), ("\u0131", "i"), ("\u212a", "k"), ("\u017f", "s"))

# A keyword counts for a story when it is prominent there: in an article's headline or
# lead (its first two sentences), or anywhere in at least this share of its articles
# (Settings.topic_keyword_share overrides it; README: Topics).
KEYWORD_SHARE = 0.3


@dataclass(frozen=True)
class ArticleFacts:
    """What a topic rule looks at in one article of a story."""

    id: str
    headline: str
    lead: str  # its first two sentences
    text: str  # headline and the whole text


def _fold(text: str) -> str:
    """The text lower-cased, with the four letters above as the ASCII letter they match."""
    for letter, ascii_letter in _ASCII_FOLD if not text.isascii() else ():
        text = text.replace(letter, ascii_letter)  # str.translate was slower than the search
    return text.lower()


@dataclass(frozen=True)
class StoryFacts:
    """What a topic rule looks at in a story."""

    slug: str
    text: str  # titles and text of its articles
    outlets: frozenset[str]
    dates: tuple[date, ...]
    articles: tuple[ArticleFacts, ...] = ()  # empty: the text is all lead (any mention counts)

    @cached_property
    def folded(self) -> str:
        return _fold(self.text)

    @property
    def parts(self) -> tuple[ArticleFacts, ...]:
        return self.articles or (ArticleFacts("", "", self.text, self.text),)


def find_keyword(keywords: Sequence[str], story: StoryFacts) -> re.Match | None:
    """The first match of any of ``keywords`` in the story's text (``keyword_pattern``), or None.

    A match needs the keyword's first word in the text in some case: a substring test
    on the folded text rules most stories out without running the pattern (its search
    of a story's text was most of the time topics took). Only for ASCII words, where
    the test is exact: any match of the pattern is a match of the substring.
    """
    firsts = [(keyword.rstrip("*").split() or [""])[0].lower() for keyword in keywords]
    if all(w and w.isascii() for w in firsts) and not any(w in story.folded for w in firsts):
        return None
    pattern = keyword_pattern(keywords)
    return pattern.search(story.text) if pattern else None


@dataclass(frozen=True)
class Evidence:
    """Where a story mentions some keywords, and whether that counts (is prominent)."""

    prominent: bool
    said: str  # the words as the text has them ("Iraq"), empty when nowhere
    where: str  # "the headline of a1", "a lead (a1)", "3 of 4 articles", "1 of 13 articles (a7)"


def keyword_evidence(
    keywords: Sequence[str], story: StoryFacts, share: float = KEYWORD_SHARE
) -> Evidence:
    """Whether any of ``keywords`` is prominent in ``story``: in a headline or a lead, or
    mentioned more than once in all and in at least ``share`` of its articles (a single
    mention in passing never counts, even in a story of one article)."""
    if find_keyword(keywords, story) is None:
        return Evidence(False, "", "")
    pattern = keyword_pattern(keywords)
    assert pattern is not None
    parts = story.parts
    for kind, field_name in (("headline", "headline"), ("lead", "lead")):
        for part in parts:
            found = pattern.search(getattr(part, field_name))
            if found:
                return Evidence(True, found.group(0), f"the {kind} of {part.id or 'the story'}")
    hits = [(part, len(m)) for part in parts if (m := pattern.findall(part.text))]
    if not hits:  # the keyword only spans a headline and the text after it
        return Evidence(False, "", "")
    said = pattern.search(story.text)
    mentions = sum(n for _, n in hits)
    where = f"{len(hits)} of {len(parts)} article{'s' if len(parts) != 1 else ''}"
    if len(hits) <= 3 and parts[0].id:
        where += " (" + ", ".join(p.id for p, _ in hits) + ")"
    if mentions == 1:
        where += ", once"
    prominent = mentions > 1 and len(hits) >= share * len(parts)
    return Evidence(prominent, said.group(0) if said else "", where)


@dataclass(frozen=True)
class RuleCheck:
    """One rule of a topic tried on one story."""

    rule: str  # "match.any", "match.exclude", ...
    passed: bool
    reason: str


def _said(evidence: Evidence) -> str:
    return f"{evidence.said!r} in {evidence.where}"


def _keyword_checks(rules: MatchRules, story: StoryFacts, share: float) -> list[RuleCheck]:
    checks = []
    percent = f"{share:.0%} of the articles"
    if rules.any:
        found = keyword_evidence(rules.any, story, share)
        if found.prominent:
            checks.append(RuleCheck("match.any", True, f"the story says {_said(found)}"))
        elif found.said:
            checks.append(
                RuleCheck(
                    "match.any",
                    False,
                    f"only {_said(found)}: not in a headline or lead, nor in {percent}",
                )
            )
        else:
            keywords = ", ".join(repr(k) for k in rules.any)
            checks.append(RuleCheck("match.any", False, f"none of {keywords} appears"))
    for keyword in rules.all:
        found = keyword_evidence([keyword], story, share)
        if found.prominent:
            checks.append(RuleCheck("match.all", True, f"{keyword!r}: {_said(found)}"))
        else:
            why = f"only {_said(found)}, not prominent" if found.said else "does not appear"
            checks.append(RuleCheck("match.all", False, f"{keyword!r} {why}"))
    if rules.exclude:
        found = keyword_evidence(rules.exclude, story, share)
        if found.prominent:
            checks.append(RuleCheck("match.exclude", False, f"excluded: {_said(found)}"))
        elif found.said:
            checks.append(
                RuleCheck(
                    "match.exclude", True, f"only {_said(found)}, in passing: does not exclude"
                )
            )
        else:
            keywords = ", ".join(repr(k) for k in rules.exclude)
            checks.append(RuleCheck("match.exclude", True, f"none of {keywords} appears"))
    return checks


def _coverage_checks(rules: MatchRules, story: StoryFacts) -> list[RuleCheck]:
    checks = []
    if rules.outlets:
        wanted = {o.casefold() for o in rules.outlets}
        hits = sorted(o for o in story.outlets if o.casefold() in wanted)
        checks.append(
            RuleCheck("match.outlets", True, f"covered by {', '.join(hits)}")
            if hits
            else RuleCheck(
                "match.outlets", False, f"no article from {', '.join(sorted(rules.outlets))}"
            )
        )
    for rule, day, holds in (
        ("since", rules.since, lambda d, day: d >= day),
        ("until", rules.until, lambda d, day: d <= day),
    ):
        if day is not None:
            side = "after" if rule == "since" else "before"
            ok = any(holds(d, day) for d in story.dates)
            checks.append(
                RuleCheck(
                    f"match.{rule}",
                    ok,
                    f"{'an' if ok else 'no'} article on or {side} {day}",
                )
            )
    return checks


def check_rules(
    spec: TopicSpec, story: StoryFacts, share: float = KEYWORD_SHARE
) -> list[RuleCheck]:
    """Every rule of the topic tried on ``story``; empty for a topic with no rules (it
    holds only pinned stories)."""
    rules = spec.match
    if not (rules.any or rules.all or rules.outlets or rules.since or rules.until):
        return []
    return _keyword_checks(rules, story, share) + _coverage_checks(rules, story)


def match_reasons(
    spec: TopicSpec, story: StoryFacts, share: float = KEYWORD_SHARE
) -> list[str] | None:
    """Why ``story`` belongs to the topic (one line per rule), or None when a rule fails."""
    checks = check_rules(spec, story, share)
    if not checks or not all(c.passed for c in checks):
        return None
    return [f"{c.rule}: {c.reason}" for c in checks]


def topic_matches(spec: TopicSpec, story: StoryFacts, share: float = KEYWORD_SHARE) -> bool:
    return match_reasons(spec, story, share) is not None


def _where(topic: Topic, key: str = "") -> tuple[str, int]:
    """The file and line of ``key`` of the topic ("match.any[0]"), else of the topic."""
    path, _, line = topic.source.rpartition(":")
    return path, topic.lines.get(key) or int(line)


def unmatched_topic_warnings(
    topics: Sequence[Topic], matched: dict[str, list[str]]
) -> list[ConfigError]:
    """A warning for each topic with keyword or outlet rules that no story matched
    (``matched``: topic slug -> the stories its rules matched)."""
    warnings = []
    for topic in topics:
        rules = topic.spec.match if topic.spec else None
        if rules and not matched.get(topic.slug) and (rules.any or rules.all or rules.outlets):
            warnings.append(
                ConfigError(
                    *_where(topic, "match"),
                    "match",
                    f"topic '{topic.slug}' matches no story "
                    "in this input; check its keywords, outlets and dates",
                    "warning",
                )
            )
    return warnings


def unmatched_keyword_warnings(
    topics: Sequence[Topic], stories: Sequence[StoryFacts]
) -> list[ConfigError]:
    """A warning for each keyword (``match.any``, ``match.all``) that no story contains.

    A keyword that never matches is usually a typo or a name spelt another way;
    it is a warning, not an error, because tomorrow's news may contain it.
    """
    warnings = []
    for topic in topics:
        if topic.spec is None:
            continue
        for key in ("any", "all"):
            for index, keyword in enumerate(getattr(topic.spec.match, key)):
                if not any(find_keyword([keyword], s) for s in stories):
                    warnings.append(
                        ConfigError(
                            *_where(topic, f"match.{key}[{index}]"),
                            f"match.{key}",
                            f"keyword {keyword!r} of topic "
                            f"'{topic.slug}' matches nothing in this input",
                            "warning",
                        )
                    )
    return warnings
