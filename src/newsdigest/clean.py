"""Cleaning: normalise text and remove publishing boilerplate.

Boilerplate is removed here, once, so that no later stage (summaries, grouping,
search) ever sees it. Each rule is a whole-line pattern: matching whole lines
(anchored, no nested quantifiers) keeps the regexes linear on long texts and
keeps a rule from eating part of a real sentence.
"""

from __future__ import annotations

import re
import unicodedata
from collections import Counter
from dataclasses import dataclass, replace

from .captions import is_caption_or_furniture
from .datelines import find_dateline, without_dateline
from .furniture import inline_reason
from .model import Article
from .sentences import first_sentence, split_sentences
from .unfurnish import strip_furniture

# "The post <title> appeared first on <outlet>." - the WordPress feed trailer.
# The title and outlet it names are real metadata, kept when the input has none.
_POST_TRAILER = re.compile(
    r"^The post (?P<title>[^\n]{1,500}?) appeared first on (?P<outlet>[^\n]{1,100}?)\.?$",
    re.MULTILINE,
)

# Lines that are publishing furniture, not reporting. Anchored at both ends.
_BOILERPLATE_LINES = [
    r"Bonus video:?",
    r"(?:Watch|Related|Bonus|Featured) (?:video|videos|coverage|stories|story)\s*:?.{0,80}",
    r"(?:Read|See) (?:more|also)\s*:.{0,200}",
    r"Advertisement",
    r"Share (?:this|on) (?:article|story|Facebook|Twitter|X)\W*",
    r"(?:Follow|Like) us on (?:Twitter|Facebook|Instagram|X)\b.{0,100}",
    r"Sign up (?:for|to) our .{0,100}newsletter.{0,100}",
    r"Click here to .{0,150}",
    r"Copyright \d{4}.{0,150}",
    r"All rights reserved\.?",
    r"This material may not be published, broadcast, rewritten,? or redistributed\.?",
    r"(?:Dow Jones )?Reprints: This copy is for your personal, non-commercial use only\..{0,300}",
    r"(?:Photo|Picture|Image)(?: credit)?: .{1,80}",
    # What a scraped web page says instead of the media, embeds and scripts it
    # could not run (seen across the Multi-News pages, which were fetched from the
    # Internet Archive): a page of nothing else is no article.
    r"Media playback is unsupported on your device\b.{0,300}",
    r"Image copyright .{1,300}",
    r"JavaScript is (?:disabled|required|not enabled)\.?",
    r"(?:You need to|Please) enable JavaScript\b.{0,120}",
    r"The interactive transcript could not be loaded\.?",
    r"Rating is available when the video has been rented\.?",
    r"This feature is not available right now\. Please try again later\.?",
    r"(?:Tweet with a location|Add a location to your Tweets)",
    r"(?:You can add location information to your Tweets"
    r"|When you tweet with a location, Twitter stores)\b.{0,300}",
    r"See more of .{1,80} on Facebook\.?",
    r"These crawls are part of an effort to archive pages\b.{0,1000}",
    r"Starting in 1996, Alexa Internet has been donating their crawl data\b.{0,300}",
    r"This collection contains .{0,80}\bcrawls\b.{0,120}",
]
_BOILERPLATE = re.compile(
    r"^[ \t]*(?:" + "|".join(_BOILERPLATE_LINES) + r")[ \t]*$", re.MULTILINE | re.IGNORECASE
)
# A label that opens the first line of a scraped page's own text ("Story highlights
# Police seek ..."): the label goes, the line stays.
_LABEL = re.compile(r"^[ \t]*Story highlights[ \t]+(?=\S)", re.MULTILINE)

_QUOTES = str.maketrans(
    {
        "\u2018": "'",
        "\u2019": "'",
        "\u201a": "'",
        "\u201b": "'",
        "\u201c": '"',
        "\u201d": '"',
        "\u201e": '"',
        "\u201f": '"',
        "\u00a0": " ",
        "\u2007": " ",
        "\u202f": " ",
    }
)
# Zero-width joiners and non-joiners (U+200C, U+200D) stay: emoji sequences and Persian
# and Indic spelling need them.
_CONTROL = re.compile(r"[\x00-\x08\x0b\x0c\x0e-\x1f\x7f\u200b\ufeff]")
# Bidirectional embeddings, overrides and isolates (U+202A-202E, U+2066-2069): in a title,
# an outlet or a name they can make text read otherwise than it is ("gpj.exe" shown as
# "exe.jpg"), so they are removed there (and reported, see ``bidi_fields``).
_BIDI_CONTROLS = re.compile("[\u202a-\u202e\u2066-\u2069]")
_ONE_LINE_FIELDS = ("title", "source", "author")
_SPACES = re.compile(r"[ \t]+")
_BLANK_LINES = re.compile(r"\n{3,}")

# Language by stop-word share: the commonest function words of each language make
# up a third or more of running text in that language and almost none of another's.
# Cheap, deterministic and needs no model; it only answers when the text is long
# enough and one language clearly leads, and stays None otherwise.
_STOP_WORDS = {
    "en": "the of and to in a is that for on was with he it as at by from said his are be has have"
    " this not but an they were had which their been who will would its after",
    "fr": "le la les de des du et en un une est que qui dans pour pas sur au aux par il elle a ont"
    " ce cette son sa ses plus avec été sont",
    "de": "der die das und in den von zu mit sich des auf für ist im dem nicht ein eine als auch"
    " es an er hat aus bei sie nach wird wurde",
    "es": "el la los las de del y en que un una es por con para se su al lo como más pero sus le"
    " ha fue son han",
    "it": "il la le di del della e in che un una è per con non si da al alla sono ha come più anche"
    " nel gli dei delle",
    "pt": "o a os as de do da dos das e em que um uma é para com não se por no na ao mais foi como"
    " seu sua",
    "nl": "de het een en van in is dat op te met voor niet zijn aan er ook als bij door om maar"
    " werd heeft",
}
_STOP_SETS = {lang: frozenset(words.split()) for lang, words in _STOP_WORDS.items()}
_WORDS = re.compile(r"[^\W\d_]+")
LANGUAGE_MIN_WORDS = 20


def guess_language(text: str) -> str | None:
    """ISO 639-1 code of the text's language when stop words make it plain, else None."""
    head = text[:20_000]
    # Lower-casing first is faster and, for ASCII text, the same words.
    words = (
        _WORDS.findall(head.lower())
        if head.isascii()
        else [w.lower() for w in _WORDS.findall(head)]
    )
    if len(words) < LANGUAGE_MIN_WORDS:
        return None
    counts = Counter(words)  # each distinct word looked up once per language, not each occurrence
    shares = sorted(
        (
            (sum(counts[w] for w in stops & counts.keys()) / len(words), lang)
            for lang, stops in _STOP_SETS.items()
        ),
        reverse=True,
    )
    (best, lang), (second, _) = shares[0], shares[1]
    # Related languages share some function words ("de", "a", "in"): ask for a clear lead.
    if best >= 0.15 and best >= 1.5 * second:
        return lang
    return None


# A title taken from the first sentence is cut at a word boundary near this length.
DERIVED_TITLE_CHARS = 100


def one_line(value: str) -> str:
    """A metadata value (title, outlet, name) normalised, on one line, without bidi controls."""
    return " ".join(_BIDI_CONTROLS.sub("", normalise_text(value)).split())


def bidi_fields(article: Article) -> list[str]:
    """The metadata fields of ``article`` that hold bidirectional control characters."""
    return [
        name for name in _ONE_LINE_FIELDS if _BIDI_CONTROLS.search(getattr(article, name) or "")
    ]


def normalise_text(text: str) -> str:
    """Unicode NFC, straight quotes, no control characters, tidy whitespace.

    Straight quotes make "al-Sharaa’s" and "al-Sharaa's" the same token for the
    summariser and the grouper; the reader sees no difference that matters.
    """
    text = unicodedata.normalize("NFC", text).replace("\r\n", "\n").replace("\r", "\n")
    text = _CONTROL.sub("", text.translate(_QUOTES))
    lines = [_SPACES.sub(" ", line).strip() for line in text.split("\n")]
    return _BLANK_LINES.sub("\n\n", "\n".join(lines)).strip()


@dataclass(frozen=True)
class Trailer:
    """What a "The post ... appeared first on ..." trailer says about its article."""

    title: str
    outlet: str


def strip_boilerplate(text: str) -> tuple[str, Trailer | None]:
    """Remove boilerplate lines; return the text and the trailer's metadata, if any."""
    trailer = None
    match = _POST_TRAILER.search(text)
    if match:
        trailer = Trailer(match.group("title").strip(), match.group("outlet").strip())
        text = _POST_TRAILER.sub("", text)
    text = _LABEL.sub("", _BOILERPLATE.sub("", text))
    # What the lines above do not name: furniture by its make-up, inside sentences too.
    text, _ = strip_furniture(text)
    return _BLANK_LINES.sub("\n\n", text).strip(), trailer


# A derived title is the first sentence of the article's opening ones that is news (a
# heading, a caption, a line of furniture are passed over), else its first sentence.
TITLE_SEARCH_SENTENCES = 8
TITLE_MIN_WORDS = 4
# Marks a headline never opens with: dashes, colons, bullets and separators left over.
_OPENING_MARKS = "-\u2013\u2014:;,.|\u2022\u00b7 "


def derive_title(text: str) -> str | None:
    """A headline from the article's lead: its first sentence that is news, not a caption or
    furniture, without the dateline it opens with ("KIEV (Reuters) -"), cut at a word
    boundary if long; None for empty text."""
    lead = split_sentences(text)[:TITLE_SEARCH_SENTENCES]
    if not lead:
        return None
    # A dateline the splitter made a sentence of ("PALM COAST, Fla." / "- A Flagler County
    # woman ...") leaves its dash on the next one.
    candidates = [without_dateline(s).lstrip(_OPENING_MARKS) for s in lead]
    first = next(
        (
            c
            for c in candidates
            if len(c.split()) >= TITLE_MIN_WORDS
            and not is_caption_or_furniture(c)
            and inline_reason(c) is None
        ),
        candidates[0],
    )
    return title_cut(first)


def title_cut(sentence: str) -> str:
    """The sentence as a headline: without its full stop, cut at a word boundary if long."""
    if len(sentence) <= DERIVED_TITLE_CHARS:
        return sentence.rstrip(".")
    cut = sentence[:DERIVED_TITLE_CHARS].rsplit(" ", 1)[0].rstrip(",;:-\u2013\u2014 ")
    return cut + "…"


def wire_credit(text: str) -> str | None:
    """The agency a dateline credits ("KIEV (Reuters) -" -> "Reuters"), or None."""
    first = first_sentence(text)
    found = find_dateline(first) if first else None
    return found.credit if found else None


def clean_article(article: Article) -> Article:
    """Return the article with normalised, boilerplate-free text and honest derived metadata.

    Title and outlet are taken from a feed trailer that names them; failing that, a
    title from the article's own first sentence (marked as derived). Nothing else
    is invented: unknown metadata stays None.
    """
    text, trailer = strip_boilerplate(normalise_text(article.text))
    changes: dict = {"text": text}
    title = one_line(article.title) if article.title else ""
    changes["title"] = None  # a blank title is no title
    if title:
        changes["title"] = title
    elif trailer:
        changes["title"] = one_line(trailer.title)
    else:
        derived = derive_title(text)
        if derived:
            changes.update(title=one_line(derived), title_derived=True)
    for name in ("source", "author"):  # metadata is shown on one line, like the title
        value = getattr(article, name)
        if value:
            changes[name] = one_line(value) or None
    if not article.source and trailer:
        changes["source"] = one_line(trailer.outlet)
    credit = wire_credit(text)
    if credit and not changes.get("source", article.source) and not article.extra("credit"):
        # Evidence in the text of who filed it, shown as "via Reuters"; not an outlet.
        changes["extras"] = (*article.extras, ("credit", credit))
    if not article.language:
        changes["language"] = guess_language(text)
    else:
        changes["language"] = article.language.strip().lower().replace("_", "-") or None
    return replace(article, **changes)
