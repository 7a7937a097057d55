"""Layout: which pages the site has and where each one lives (the URL scheme), and which
stories each page lists: the home page, every topic, outlet and day.

Paths are Markdown pages relative to the docs folder (``stories/<slug>.md``); MkDocs
turns them into URLs (``SiteInfo.page_path``). Only published stories are listed
(``Digest.published``: ``retention_days``).
"""

from __future__ import annotations

from datetime import date, datetime
from zoneinfo import ZoneInfo

from ..dates import days_of, local_day, newest, within
from ..model import Article, Digest, Story
from ..settings import Settings
from ..slugs import make_slug


def story_page(slug: str) -> str:
    return f"stories/{slug}.md"


def topic_page(slug: str) -> str:
    return f"topics/{slug}.md"


def outlet_page(slug: str) -> str:
    return f"outlets/{slug}.md"


def day_page(day: date | None) -> str:
    return f"archive/{day.isoformat() if day else 'undated'}.md"


def outlet_names(articles: list[Article]) -> list[str]:
    """Every outlet that ran an article of the story, syndicated copies included."""
    return sorted(
        {a.source for a in articles if a.source} | {o for a in articles for o in a.also_in}
    )


class Site:
    """The digest arranged for pages: the published stories, those on the home page and
    under each topic, outlet and day, and the outlets' slugs."""

    def __init__(self, digest: Digest, settings: Settings):
        self.digest = digest
        self.settings = settings
        self.zone = ZoneInfo(settings.timezone)
        self.date = digest.date
        self.today: date | None = local_day(self.date, self.zone) if self.date else None
        self.stories = digest.published
        published = {s.slug for s in self.stories}
        self.topic_stories = {
            t.slug: [s for s in digest.topic_stories[t.slug] if s in published]
            for t in digest.topics
        }
        self.topics = [t for t in digest.topics if self.topic_stories[t.slug]]
        self.home = [
            s
            for s in self.stories
            if within(digest.story_articles(s), self.today, settings.home_days, self.zone)
        ][: settings.home_stories]
        taken: set[str] = set()
        self.outlet_slugs = {
            name: make_slug(name, taken) for name in outlet_names(list(digest.articles.values()))
        }
        self.by_outlet = self._by_outlet()
        self.by_day = self._by_day()

    def topic_moves(self) -> dict[str, tuple[str, str]]:
        """Old automatic topic slug -> (the page now holding its stories, that page's name):
        the topic's page, or the topics index when it is gone or has no page."""
        shown = {t.slug: t.name for t in self.topics}
        return {
            old: (topic_page(new), shown[new]) if new in shown else ("topics/index.md", "Topics")
            for old, new in self.digest.topic_redirects.items()
        }

    def _by_outlet(self) -> dict[str, list[Story]]:
        by_outlet: dict[str, list[Story]] = {name: [] for name in self.outlet_slugs}
        for story in self.stories:
            for name in outlet_names(self.digest.story_articles(story)):
                by_outlet[name].append(story)
        return {name: stories for name, stories in by_outlet.items() if stories}

    def _by_day(self) -> dict[date | None, list[Story]]:
        by_day: dict[date | None, list[Story]] = {}
        for story in self.stories:
            days: list[date | None] = list(days_of(self.digest.story_articles(story), self.zone))
            for day in days or [None]:
                by_day.setdefault(day, []).append(story)
        return by_day

    def newest(self, story: Story) -> datetime | None:
        return newest(self.digest.story_articles(story))
