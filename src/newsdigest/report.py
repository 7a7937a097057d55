"""The build report: what a build read, repaired, skipped and merged, as one line for
people, as JSON for ``--report``, and as the build's exit code."""

from __future__ import annotations

from dataclasses import dataclass
from pathlib import Path

from .errors import EXIT_FAILED, EXIT_OK
from .model import Digest
from .nonarticle import NOT_AN_ARTICLE
from .render.markup import plural

ACTIONS = ("skipped", "repaired", "merged", "warning")


@dataclass(frozen=True)
class BuildReport:
    digest: Digest
    pages: int  # Markdown pages written
    docs: Path  # where

    @property
    def counts(self) -> dict[str, int]:
        return {action: sum(p.action == action for p in self.digest.problems) for action in ACTIONS}

    @property
    def not_articles(self) -> int:
        """Skipped pages that are not articles (crawl notices, walls, galleries)."""
        return sum(p.message.startswith(NOT_AN_ARTICLE) for p in self.digest.problems)

    def summary(self) -> str:
        digest, counts = self.digest, self.counts
        pages = f" ({self.not_articles} not articles)" if self.not_articles else ""
        return (
            f"read {plural(digest.files_read, 'file')}: {plural(len(digest.articles), 'article')} "
            f"in {plural(len(digest.stories), 'story', 'stories')}, "
            f"{plural(len(digest.topics), 'topic')}; "
            f"{counts['repaired']} repaired, {counts['skipped']} skipped{pages}, "
            f"{counts['merged']} merged as copies; "
            f"{plural(self.pages, 'page')} in {self.docs}"
        )

    def as_json(self) -> dict[str, object]:
        digest = self.digest
        return {
            "files_read": digest.files_read,
            "articles": len(digest.articles),
            "stories": len(digest.stories),
            **self.counts,
            "not_articles": self.not_articles,
            "problems": [
                {"file": p.origin, "action": p.action, "reason": p.message} for p in digest.problems
            ],
        }

    def failure(self, fail_on_skip: bool) -> tuple[int, str | None]:
        """(exit code, why) for this build: nothing read, or ``--fail-on-skip`` and a skip."""
        if not self.digest.articles:
            return EXIT_FAILED, "no article could be read from the input"
        if fail_on_skip and self.counts["skipped"]:
            return EXIT_FAILED, f"--fail-on-skip: {self.counts['skipped']} input(s) skipped"
        return EXIT_OK, None
