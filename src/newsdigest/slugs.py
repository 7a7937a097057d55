"""Slugs: the URL and file name of a story, topic or outlet page.

A slug is made of ``[a-z0-9-]`` only, so no "..", "/" or absolute path can come out
of a title; it never takes a name a file system or the site reserves, and never one
already taken in the same build.
"""

from __future__ import annotations

from slugify import slugify

# Story slugs are cut to this many characters at a word boundary: readable URLs,
# and far below any file system's name limit.
SLUG_MAX_CHARS = 60
# Slugs become file names: never one that a file system or the site reserves
# (Windows device names, the section index pages).
RESERVED_SLUGS = frozenset(
    {
        "con",
        "prn",
        "aux",
        "nul",
        "index",
        "search",
        "assets",
        "sitemap",
        *(f"com{i}" for i in range(10)),
        *(f"lpt{i}" for i in range(10)),
    }
)


def make_slug(title: str, taken: set[str]) -> str:
    """A URL- and file-safe slug: [a-z0-9-] only, so no '..', '/' or absolute path survives."""
    base = slugify(title, max_length=SLUG_MAX_CHARS, word_boundary=True) or "story"
    if base in RESERVED_SLUGS:
        base = f"{base}-story"
    slug, number = base, 2
    while slug in taken:
        slug, number = f"{base}-{number}", number + 1
    taken.add(slug)
    return slug
