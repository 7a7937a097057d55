"""The page audit: what a reader meets on the story pages a build wrote, counted.

Reads the build folder: ``digest.json`` (the record of what each story page shows,
written beside the pages by ``render.write_record``) and the story pages themselves
(for what they say about derived headlines and unknown dates). Pure functions: the
CLI prints what ``audit_build`` returns.

Kinds counted (each with a few examples: story slug, article id, the offending text):

- ``furniture_titles``, ``furniture_summary``, ``furniture_exclusives``,
  ``furniture_quotes``, ``furniture_terms``: page furniture (``furniture.py``);
- ``bad_titles``: headlines that are datelines, credits, furniture or under three words;
- ``unterminated_summary``: summary sentences with no final punctuation (one cut at
  ``excerpt_chars``, ending "…", is not one, unless the whole sentence has none either);
- ``glued_summary``: summary sentences with a caption or a second sentence glued on
  without a full stop (``captions.glue_points``; counted, not a target);
- ``derived_unmarked``: a headline taken from the text with no mark saying so;
- ``undated_unmarked``: an undated article whose page does not say "date unknown";
- ``repeated_sentences``: sentences shown twice or more on one page.

It also draws a seeded sample of summary sentences for a person to read: an audit
written by the same hand as the cleaner can agree with it by construction.
"""

from __future__ import annotations

import json
import random
import re
from collections import Counter
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from .captions import glue_points
from .datelines import find_dateline
from .errors import NewsdigestError
from .furniture import MACHINERY, STRONG_WORDS, inline_reason, line_reason, words

RECORD = "digest.json"
EXAMPLES = 5
SAMPLE = 50
SEED = 16
# What a story page prints for a headline taken from the text and an unknown date.
DERIVED_MARK = "headline taken from the text"
UNDATED_MARK = "date unknown"
TITLE_MIN_WORDS = 3

KINDS = (
    "furniture_titles",
    "furniture_summary",
    "furniture_exclusives",
    "furniture_quotes",
    "furniture_terms",
    "bad_titles",
    "unterminated_summary",
    "glued_summary",
    "derived_unmarked",
    "undated_unmarked",
    "repeated_sentences",
)
_SENTENCE_END = re.compile(r"[.!?…][\"')\]]*$")


class AuditError(NewsdigestError):
    """The build folder holds no record of its pages."""


@dataclass
class Finding:
    count: int = 0
    examples: list[dict[str, str]] = field(default_factory=list)

    def add(self, slug: str, article: str, text: str, why: str = "") -> None:
        self.count += 1
        if len(self.examples) < EXAMPLES:
            example = {"story": slug, "article": article, "text": text}
            if why:
                example["why"] = why
            self.examples.append(example)


@dataclass
class Audit:
    stories: int
    summary_sentences: int
    findings: dict[str, Finding]
    sample: list[dict[str, str]]

    def figures(self) -> dict[str, float]:
        """The gate's figures: each kind's count, and the rates the targets are set in."""
        figures: dict[str, float] = {k: float(f.count) for k, f in self.findings.items()}
        per = max(self.summary_sentences, 1)
        count = {k: f.count for k, f in self.findings.items()}
        figures["furniture_summary_per_1000"] = 1000 * count["furniture_summary"] / per
        figures["unterminated_summary_pct"] = 100 * count["unterminated_summary"] / per
        figures["bad_titles_pct"] = 100 * count["bad_titles"] / max(self.stories, 1)
        return figures

    def to_json(self) -> dict[str, Any]:
        return {
            "stories": self.stories,
            "summary_sentences": self.summary_sentences,
            "figures": {k: round(v, 2) for k, v in self.figures().items()},
            "kinds": {
                k: {"count": f.count, "examples": f.examples} for k, f in self.findings.items()
            },
            "sample": self.sample,
        }


def title_reason(title: str) -> str | None:
    """Why a headline is a bad one, or None."""
    text = title.rstrip("…").strip()
    dateline = find_dateline(text)
    if dateline is not None:
        return "dateline"
    if text[:1] and not (text[0].isalnum() or text[0] in "\"'\u201c\u2018(¡¿$£€#"):
        return "opens with punctuation"  # "- A Flagler County woman ...", "| Video"
    furniture = line_reason(text) or inline_reason(text)
    if furniture:
        return furniture
    first = text.split()[:1]
    if first and first[0].isupper() and len(first[0]) > 2 and line_reason(first[0]):
        return "furniture opening"  # "CLOSE The agency said ..."
    if len(text.split()) < TITLE_MIN_WORDS:
        return "under three words"
    return None


def terminated(text: str) -> bool:
    return bool(_SENTENCE_END.search(text.rstrip()))


def read_record(build: Path) -> dict[str, Any]:
    path = build / RECORD
    try:
        data = json.loads(path.read_text(encoding="utf-8"))
    except FileNotFoundError:
        raise AuditError(
            f"error: {path}: no record of the pages; build with this version first"
        ) from None
    except (OSError, ValueError) as err:
        raise AuditError(f"error: {path}: cannot read the record of the pages ({err})") from None
    if not isinstance(data, dict) or not isinstance(data.get("stories"), list):
        raise AuditError(f"error: {path}: not a record of the pages (no 'stories' list)")
    return data


def audit_build(build: Path, sample: int = SAMPLE, seed: int = SEED) -> Audit:
    """Audit the build folder ``build`` (what ``newsdigest build --out`` wrote)."""
    data = read_record(build)
    docs = build / "docs"
    pages = {}
    for story in data["stories"]:
        page = docs / str(story.get("page", ""))
        pages[story["slug"]] = page.read_text(encoding="utf-8") if page.is_file() else ""
    return audit_records(data["stories"], pages, sample, seed)


def audit_records(
    stories: list[dict[str, Any]], pages: dict[str, str], sample: int = SAMPLE, seed: int = SEED
) -> Audit:
    """The audit of these page records (``pages``: slug -> the page's Markdown)."""
    findings = {kind: Finding() for kind in KINDS}
    summary: list[dict[str, str]] = []
    for story in stories:
        slug = story["slug"]
        _audit_story(story, pages.get(slug, ""), findings)
        for item in story["sections"].get("summary", []):
            summary.append({"story": slug, "article": item["article"], "text": item["text"]})
    rng = random.Random(seed)
    drawn = sorted(rng.sample(range(len(summary)), min(sample, len(summary))))
    return Audit(len(stories), len(summary), findings, [summary[i] for i in drawn])


def _audit_story(story: dict[str, Any], page: str, findings: dict[str, Finding]) -> None:
    _audit_title(story, page, findings)
    sections = story["sections"]
    slug = story["slug"]
    for section in ("summary", "exclusives", "quotes"):
        for item in sections.get(section, []):
            reason = inline_reason(item["text"])
            if reason:
                findings[f"furniture_{section}"].add(slug, item["article"], item["text"], reason)
    for item in sections.get("summary", []):
        # A cut at excerpt_chars ("…") is no fault, unless the whole sentence runs on.
        if not terminated(item["text"]) or (item.get("cut") and not item.get("ends", True)):
            findings["unterminated_summary"].add(slug, item["article"], item["text"])
        if glue_points(item["text"]):
            findings["glued_summary"].add(slug, item["article"], item["text"])
    for term in story.get("terms", []):
        reason = _term_reason(term)
        if reason:
            findings["furniture_terms"].add(slug, "", term, reason)
    shown = Counter(
        " ".join(item["text"].split()).strip(" \"'").rstrip("….").lower()
        for section in ("summary", "exclusives", "quotes", "coverage")
        for item in sections.get(section, [])
    )
    for text, times in sorted(shown.items()):
        if times > 1:
            findings["repeated_sentences"].add(slug, "", text, f"{times} times")


def _audit_title(story: dict[str, Any], page: str, findings: dict[str, Finding]) -> None:
    """The headline, and what the page says about it and the articles' dates."""
    slug, title = story["slug"], story["title"]
    first = story["articles"][0]["id"] if story["articles"] else ""
    why = line_reason(title) or inline_reason(title)
    if why:
        findings["furniture_titles"].add(slug, first, title, why)
    bad = title_reason(title)
    if bad:
        findings["bad_titles"].add(slug, first, title, bad)
    if story.get("title_derived") and DERIVED_MARK not in page.lower():
        findings["derived_unmarked"].add(slug, first, title)
    undated = [a for a in story["articles"] if not a.get("dated")]
    if undated and page.lower().count(UNDATED_MARK) < len(undated):
        findings["undated_unmarked"].add(slug, undated[0]["id"], f"{len(undated)} undated")


# Words a key term of the news never needs: the page's machinery. A term with one
# ordinary word of it is news ("came close", "YouTube video"); one made only of them is not.
TERM_FURNITURE = STRONG_WORDS | {
    "hide", "click", "embed", "getty", "skip", "subscribe", "credit", "credits",
}  # fmt: skip


def _term_reason(term: str) -> str | None:
    """Why a key term is furniture: a word only the page's machinery uses, or nothing but
    machinery words ("email email", "click share")."""
    lowered = [w.lower() for w in words(term)]
    if any(w in TERM_FURNITURE for w in lowered):
        return "machinery word"
    if len(set(lowered)) > 1 and all(w in MACHINERY for w in lowered):
        return "machinery words"
    return None


def format_audit(audit: Audit, examples: bool = True) -> list[str]:
    """The audit as lines for the terminal (``examples``: with examples and the sample)."""
    figures = audit.figures()
    lines = [
        f"{audit.stories} story pages, {audit.summary_sentences} summary sentences",
        f"furniture per 1,000 summary sentences: {figures['furniture_summary_per_1000']:.1f}; "
        f"unterminated summary sentences: {figures['unterminated_summary_pct']:.1f}%; "
        f"bad titles: {figures['bad_titles_pct']:.1f}% of story pages",
    ]
    if not examples:
        counts = ", ".join(f"{kind} {f.count}" for kind, f in audit.findings.items())
        return [*lines, counts]
    for kind, finding in audit.findings.items():
        lines.append(f"{kind}: {finding.count}")
        for ex in finding.examples:
            where = ex["story"] + (f" / {ex['article']}" if ex["article"] else "")
            why = f" [{ex['why']}]" if ex.get("why") else ""
            lines.append(f"  {where}{why}: {ex['text'][:160]}")
    if audit.sample:
        lines.append(f"sample of {len(audit.sample)} summary sentences (seed {SEED}):")
        lines.extend(f"  {s['story']} / {s['article']}: {s['text']}" for s in audit.sample)
    return lines
