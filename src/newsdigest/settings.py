"""Digest settings: one YAML file (``newsdigest.yml``) over documented defaults.

Every option is declared here, once, with its type, default and meaning; a user
file overrides only the keys it sets, and an unknown or mistyped key is an error
naming the file, line and key. Site name, URL and language belong to
``mkdocs.yml`` and are not repeated here.
"""

from __future__ import annotations

from pathlib import Path
from zoneinfo import ZoneInfo, ZoneInfoNotFoundError

from pydantic import BaseModel, ConfigDict, Field, field_validator

from .configfile import ConfigError, ConfigInvalid, load_yaml, validate
from .editor_topics import KEYWORD_SHARE


class Settings(BaseModel):
    model_config = ConfigDict(extra="forbid")

    summary_sentences: int = Field(
        3, ge=1, le=20, description="sentences in each article's summary"
    )
    story_summary_sentences: int = Field(
        4, ge=1, le=20, description="sentences in each story's summary"
    )
    exclusive_sentences: int = Field(
        2, ge=0, le=10, description="per article: sentences only that outlet reports"
    )
    home_stories: int = Field(30, ge=1, le=1000, description="stories on the home page, at most")
    home_days: int = Field(
        2,
        ge=1,
        le=365,
        description="the home page shows stories with coverage in the last N days "
        "up to 'today' (the newest article's date); undated stories too",
    )
    retention_days: int = Field(
        0,
        ge=0,
        le=36500,
        description="publish only stories with coverage in the last N days; "
        "0 keeps every story (undated ones are always kept)",
    )
    excerpt_chars: int = Field(
        320,
        ge=40,
        le=2000,
        description="longest excerpt quoted from one sentence of an article; "
        "longer sentences are cut with an ellipsis",
    )
    max_article_share: float = Field(
        0.5,
        gt=0,
        le=1,
        description="most of an article's sentences one page may quote "
        "(0.5: half, rounded up): excerpts, never the full text",
    )
    key_quotes: int = Field(3, ge=0, le=20, description="quotes shown on a story page")
    key_terms: int = Field(8, ge=0, le=50, description="key terms shown on a story page")
    feed_items: int = Field(50, ge=1, le=1000, description="stories in each Atom/RSS/JSON feed")
    timezone: str = Field(
        "UTC", description="IANA time zone for dates on pages, e.g. Europe/London"
    )
    topics_dir: str = Field("topics", description="folder of editor topic YAML files")
    topic_keyword_share: float = Field(
        KEYWORD_SHARE,
        gt=0,
        le=1,
        description="a topic keyword (any, all, exclude) counts for a story when it is in "
        "an article's headline or lead (first two sentences), or mentioned more than once "
        "and in at least this share of the story's articles; one mention in passing never "
        "counts",
    )

    @field_validator("timezone")
    @classmethod
    def _zone(cls, value: str) -> str:
        try:
            ZoneInfo(value)
        except (ZoneInfoNotFoundError, ValueError):
            raise ValueError(
                f"unknown time zone {value!r}; expected an IANA name such as "
                "'UTC' or 'Europe/Berlin'"
            ) from None
        return value


def load_settings(path: Path | None) -> Settings:
    """Settings from ``path`` (defaults when it is None or absent); raises ConfigInvalid."""
    if path is None or not path.exists():
        return Settings()
    data, lines = load_yaml(path)
    if data is None:
        return Settings()
    if not isinstance(data, dict):
        raise ConfigInvalid(
            [
                ConfigError(
                    path.as_posix(), 1, "", f"got {type(data).__name__}; expected key: value lines"
                )
            ]
        )
    return validate(Settings, data, path.as_posix(), lines)
