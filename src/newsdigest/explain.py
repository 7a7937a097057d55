"""``newsdigest explain STORY``: why a story holds its articles and sits under its topics,
in words, from what the build recorded (``Digest.story_reasons``) and the topic rules."""

from __future__ import annotations

from difflib import get_close_matches

from .editor_topics import KEYWORD_SHARE, check_rules
from .errors import NewsdigestError, UsageError
from .model import Digest, Story
from .overrides import Overrides
from .topics import story_facts


class StoryHidden(NewsdigestError):
    """The editor hid the story: there is nothing to explain on the site."""


def explain_story(
    digest: Digest, story: str, overrides: Overrides | None, share: float = KEYWORD_SHARE
) -> list[str]:
    """The explanation's lines; raises StoryHidden or UsageError (no such story).

    ``share``: the build's ``topic_keyword_share``."""
    slug = digest.redirects.get(story, story)
    found = next((s for s in digest.stories if s.slug == slug), None)
    if found is None:
        if overrides and story in overrides.spec.hide:
            raise StoryHidden(
                f"story '{story}' is hidden by the editor: {overrides.source} lists it under hide"
            )
        near = get_close_matches(story, [s.slug for s in digest.stories], n=3)
        raise UsageError(
            f"no story '{story}' in this input"
            + (
                f"; did you mean {', '.join(near)}?"
                if near
                else "; `newsdigest group PATH` lists the stories"
            )
        )
    lines = [f"'{story}' now redirects to '{slug}'."] if slug != story else []
    lines += [f"Story '{found.slug}': {found.title}", f"\nArticles ({len(found.article_ids)}):"]
    for article_id in found.article_ids:
        article = digest.articles[article_id]
        date = article.date.date().isoformat() if article.date else "date unknown"
        lines.append(
            f"  - {article_id}: {article.title or ''} ({article.source or 'outlet unknown'}, "
            f"{date})"
        )
    lines.append("\nWhy these articles are together:")
    reasons = digest.story_reasons.get(found.slug, [])
    if not reasons:
        lines.append("  - a single article: no other article was similar enough")
    lines += [f"  - {line}" for line in reasons]
    lines += ["\nTopics:", *_topic_lines(digest, found, share)]
    return lines + _missed_lines(digest, found, share)


def _missed_lines(digest: Digest, story: Story, share: float) -> list[str]:
    """Why each editor topic the story is not under did not take it: the rule that
    failed, the exclude that hit, in which article."""
    facts = story_facts(story, digest.documents)
    lines = []
    for topic in digest.topics:
        if topic.automatic or topic.slug in story.topics or topic.spec is None:
            continue
        checks = check_rules(topic.spec, facts, share)
        if not checks:
            lines.append(f"  - {topic.name} ({topic.slug}), {topic.source}: no rules; pinned only")
            continue
        failed = "; ".join(f"{c.rule}: {c.reason}" for c in checks if not c.passed)
        lines.append(f"  - {topic.name} ({topic.slug}), {topic.source}: {failed}")
    return ["\nNot under these editor topics:", *lines] if lines else []


def _topic_lines(digest: Digest, story: Story, share: float) -> list[str]:
    facts = story_facts(story, digest.documents)
    topics = {t.slug: t for t in digest.topics}
    lines = []
    for topic in (topics[slug] for slug in story.topics):
        if topic.automatic and topic.name == "Other news":
            lines.append(
                f"  - {topic.name} ({topic.slug}): automatic; no editor topic claims the story, "
                "and the stories grouped with it share no subject (no word in most of them)"
            )
        elif topic.automatic:
            lines.append(
                f"  - {topic.name} ({topic.slug}): automatic; no editor topic claims the story, "
                f"and "
                f"it shares the terms {topic.name!r} with the topic's other stories"
            )
        elif story.slug in topic.pinned:
            lines.append(f"  - {topic.name} ({topic.slug}): pinned in {topic.source}")
        else:
            checks = check_rules(topic.spec, facts, share) if topic.spec else []
            why = [f"{c.rule}: {c.reason}" for c in checks]
            lines.append(f"  - {topic.name} ({topic.slug}), {topic.source}: " + "; ".join(why))
    return lines
