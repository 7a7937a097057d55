"""Page furniture: what a scraped web page prints around its article, told from prose.

Furniture is the text of the page's machinery, not of its reporting: widgets ("Share",
"Embed", "Copy this code to your website"), the media player ("Media playback is not
supported on this device", "Hide Transcript"), galleries and captions ("Gallery 12
photos", "Hide Caption"), credits and bylines ("By Ann Smith", "(Photo: Reuters)",
"© EPA"), time stamps ("Published on May 8, 2015", "7.57 pm"), robot and subscription
checks. It is recognised by what makes it furniture, not by a list of its strings:

- *machinery words*: a closed vocabulary of the things furniture names (player,
  caption, gallery, embed, share, transcript, autoplay, subscribe ...). A short line
  made mostly of them, or a run of them inside a sentence, is furniture; real
  reporting uses these words one at a time, inside a clause ("shares fell").
- *no prose*: jusText's measure. Prose is dense in function words (its English
  stoplist makes up 30% or more of running text); a short line with none and no
  sentence end is a label, a button or a heading.
- *credits*: "By" and a capitalised name and nothing else; a photo agency or a
  copyright sign inside brackets or after a slash.
- *time stamps*: a line that is a date or a clock time and little else.

``line_reason`` judges a whole line (a title, a key term, a paragraph of its own);
``inline_reason`` finds furniture glued inside a sentence. Both return why (a short
name) or None. The cleaner removes what they find; the audit counts what is left.
"""

from __future__ import annotations

import re
from functools import lru_cache

# The things furniture names. Strong words are furniture wherever two meet; the weak
# ones (also ordinary English) count only beside a strong one or on a short line.
STRONG_WORDS = frozenset(
    """
    autoplay playback embed transcript caption captions gallery slideshow fullscreen
    thumbnail thumbnails replay unmute popup newsletter newsletters advertisement
    advertisements sponsored javascript browser cookies captcha robot scroll
    """.split()  # noqa: SIM905 (a list of words reads better as words)
)
WEAK_WORDS = frozenset(
    """
    share shares shared sharing tweet tweets retweet facebook twitter pinterest linkedin
    whatsapp reddit instagram email e-mail print comment comments photo photos picture
    pictures image images video videos watch play player pause mute skip close hide show
    next previous prev copy code link url subscribe subscription sign log login logged
    click tap swipe loading load expand collapse menu toggle x more read continue
    related reading view enlarge zoom credit credits getty reuters afp ap epa pa
    published updated posted modified story stories audio listen download app website
    blog page here
    """.split()  # noqa: SIM905
)
MACHINERY = STRONG_WORDS | WEAK_WORDS

_TOKEN = re.compile(r"[A-Za-z][A-Za-z'\-]*|\d+(?:[.:]\d+)*|©")
_CAPITALISED = re.compile(r"^[A-Z][a-z'\-]+$|^[A-Z]\.?$")
_SENTENCE_END = re.compile(r"[.!?…][\"')\]]*$")

# Phrases that are machinery whatever surrounds them (matched case-insensitively).
MACHINE_PHRASES = re.compile(
    r"\b(?:"
    r"not supported on (?:this|your) (?:device|browser)"
    r"|(?:please )?(?:enable|turn on) (?:javascript|cookies)"
    r"|verify (?:that )?you(?:'re| are) (?:not a robot|a human)"
    r"|are you a robot"
    r"|scroll (?:down|up) for(?: the)?(?: videos?| more| pictures| photos)?"
    r"|continue reading (?:the )?(?:main )?(?:story|article|below)"
    r"|(?:click|tap) (?:here|to [a-z]+)"
    r"|opens in (?:a )?new (?:window|tab)"
    r"|copy this code"
    r"|(?:sign|log) in to (?:comment|continue|read)"
    r"|subscribe (?:now|today|to (?:read|continue))"
    r"|already a subscriber"
    r"|(?:image|photo|picture) (?:caption|copyright|credit)"
    r"|^(?:photo|picture|image)s? by [A-Z]"
    r"|getty images|ap photo|afp photo|reuters photo|epa photo|pa wire"
    r"|(?-i:Story [Hh]ighlights)"
    r"|(?:hide|show) (?:caption|transcript)"
    r"|\d+ (?:photos?|images|pictures) (?:gallery|in this gallery)"
    r"|gallery \d+ photos?"
    r"|we've noticed that you"
    r"|(?:sign up|subscribe)\b.{0,60}\bnewsletter|newsletter\b.{0,60}\b(?:sign up|subscribe)"
    r"|in your inbox"
    r"|(?:just|must) watched?\b"
    r"|^file\s*[-\u2013\u2014]+\s*(?:in )?this\b.{0,120}\bphoto\b"
    r")",
    re.IGNORECASE,
)
# "By Ann Smith", "By ANN SMITH and Bo Li", "By Ann Smith, Staff Writer": a byline alone.
_BYLINE = re.compile(
    r"^(?:By|BY|Written by|Reporting by)\s+[A-Z][\w.'\-]+(?:\s+(?:[A-Z][\w.'\-]+|and|&|de|van|von))"
    r"{0,5}(?:\s*[,|/]\s*[\w .'\-]{0,40})?\.?$"
)
# A credit in brackets or after a slash: "(Photo: Reuters)", "Joe Bloggs/AFP", "© EPA".
_CREDIT = re.compile(
    r"©|\((?:photo|image|picture|credit|source)s?\b:?[^)]{0,60}\)"
    r"|\b[A-Z][\w.]+/(?:AFP|AP|Reuters|Getty|EPA|Getty Images|REX|Shutterstock)\b",
    re.IGNORECASE,
)
_MONTH = (
    r"(?:Jan(?:uary)?|Feb(?:ruary)?|Mar(?:ch)?|Apr(?:il)?|May|June?|July?|Aug(?:ust)?"
    r"|Sep(?:t(?:ember)?)?|Oct(?:ober)?|Nov(?:ember)?|Dec(?:ember)?)\.?"
)
# A time stamp and at most a label around it: "Published on May 8, 2015", "7.57 pm",
# "Updated 10:03 GMT", "Last modified on Tue 3 May 2016 09.00 BST".
_STAMP = re.compile(
    r"^(?:(?:Published|Updated|Posted|Last (?:modified|updated)|Modified|Created)"
    r"(?: on| at)?:?\s*)?"
    r"(?:(?:Mon|Tue|Wed|Thu|Fri|Sat|Sun)[a-z]*,?\s+)?"
    r"(?:\d{1,2}[:.]\d{2}\s*(?:[ap]\.?m\.?)?(?:\s*[A-Z]{2,4})?|" + _MONTH + r"\s+\d{1,2},?\s+\d{4}"
    r"|\d{1,2}\s+" + _MONTH + r",?\s+\d{4}|\d{4}-\d{2}-\d{2})"
    r"(?:,?\s*(?:at\s+)?\d{1,2}[:.]\d{2}\s*(?:[ap]\.?m\.?)?(?:\s*[A-Z]{2,4})?)?\W*$",
    re.IGNORECASE,
)

# An e-mail address or a social-media handle: a byline's contact line.
_CONTACT = re.compile(r"[\w.+\-]+@[\w\-]+\.[a-z]{2,}|\(@\w{3,}\)|^@\w{3,}$")

# Where someone stands in a photo, between commas: ", left,", ", second from right,". Only
# captions say it (none of 20,779 BBC sentences does; 22 Multi-News and 10 CNN/DailyMail
# captions do).
POSITION = re.compile(
    r", (?:(?:second|third|fourth) from )?(?:left|right|center|centre|top|bottom|front|rear"
    r"|foreground|background)\)?,"
)

# jusText: prose has this share of stop words or more (its "stopwords_high").
PROSE_STOPWORD_SHARE = 0.3
# A line this short (in words) with no stop word and no sentence end is no prose.
SHORT_LINE_WORDS = 6


@lru_cache(maxsize=1)
def stoplist() -> frozenset[str]:
    """jusText's English stoplist (lower case), which trafilatura installs with it."""
    import justext

    return frozenset(w.lower() for w in justext.get_stoplist("English"))


# An address or a URL scheme ("javascript:alert(1)", "https://x.org/a") is no word of text.
_ADDRESS = re.compile(r"\b[a-z][a-z+.\-]*:(?://)?[^\s)\]]+")


def words(text: str) -> list[str]:
    return _TOKEN.findall(_ADDRESS.sub(" ", text))


def stopword_share(text: str) -> float:
    tokens = [w.lower() for w in words(text)]
    if not tokens:
        return 0.0
    stops = stoplist()
    return sum(1 for w in tokens if w in stops) / len(tokens)


def _machinery_share(tokens: list[str]) -> float:
    lowered = [t.lower() for t in tokens if not t[0].isdigit()]
    if not lowered:
        return 0.0
    return sum(1 for t in lowered if t in MACHINERY) / len(lowered)


def _machinery_run(tokens: list[str]) -> bool:
    """Two machinery words side by side, one of them strong, or three in four words
    ("Skip in Skip x Embed x Share", "Hide Caption", "autoplay autoplay")."""
    lowered = [t.lower() for t in tokens]
    if sum(1 for w in lowered if w in MACHINERY) < 2:  # most lines: nothing to look for
        return False
    for i in range(len(lowered) - 1):
        a, b = lowered[i], lowered[i + 1]
        if a in MACHINERY and b in MACHINERY and (a in STRONG_WORDS or b in STRONG_WORDS):
            return True
        window = lowered[i : i + 4]
        if (
            len(window) == 4
            and sum(1 for w in window if w in MACHINERY) >= 3
            and (any(w in STRONG_WORDS for w in window) or _capital_run(tokens[i : i + 4]))
        ):
            return True
    return False


def _capital_run(tokens: list[str]) -> bool:
    return all(_CAPITALISED.match(t) or t.lower() in ("x", "in", "on") for t in tokens)


def line_reason(text: str) -> str | None:
    """Why a whole line (a title, a key term, a paragraph alone) is furniture, or None."""
    line = " ".join(text.split()).strip()
    if not line:
        return None
    tokens = words(line)
    if not tokens:
        return "no words"
    if _STAMP.match(line):
        return "time stamp"
    if _CONTACT.search(line) and len(tokens) <= SHORT_LINE_WORDS * 2:
        return "contact"
    if _BYLINE.match(line):
        return "byline"
    if MACHINE_PHRASES.search(line):
        return "machinery phrase"
    if _CREDIT.search(line) and len(tokens) <= 12:
        return "credit"
    share = _machinery_share(tokens)
    if len(tokens) <= SHORT_LINE_WORDS and share >= 0.5:
        return "machinery words"
    if any(t.lower() in STRONG_WORDS for t in tokens) and len(tokens) <= 3:
        return "machinery words"
    if _machinery_run(tokens):
        return "machinery run"
    return None


def inline_reason(sentence: str) -> str | None:
    """Why a sentence holds furniture (glued to it or alone), or None."""
    line = " ".join(sentence.split())
    if MACHINE_PHRASES.search(line):
        return "machinery phrase"
    if POSITION.search(line):
        return "photo caption"
    tokens = words(line)
    if _machinery_run(tokens):
        return "machinery run"
    if _CREDIT.search(line):
        return "credit"
    if len(tokens) <= SHORT_LINE_WORDS * 2:
        return line_reason(line)
    return None


def is_prose(line: str) -> bool:
    """jusText's test, loosely: enough stop words, or a sentence's end and a few words."""
    tokens = words(line)
    if len(tokens) > SHORT_LINE_WORDS and stopword_share(line) >= PROSE_STOPWORD_SHARE / 2:
        return True
    return bool(_SENTENCE_END.search(line.strip())) and len(tokens) >= 4
