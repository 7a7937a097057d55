"""Datelines and wire credits at the start of a report: "KIEV (Reuters) -", "Seoul (CNN)",
"WASHINGTON --", "DONETSK/KIEV, Ukraine —", "(CNN) --".

A dateline says where a report was filed and, in brackets, who filed it; it is not part
of the first sentence's news, so a headline taken from that sentence leaves it out, and
the credit ("Reuters") is evidence of the agency that reported it.
"""

from __future__ import annotations

import re
from dataclasses import dataclass

_PLACE_WORD = r"[A-Z][\w.'\-]*"
_REGION = rf"(?:,\s*{_PLACE_WORD}(?: {_PLACE_WORD}){{0,2}})?"  # ", Ukraine", ", New Mexico"
_PLACE = rf"(?!The\b){_PLACE_WORD}(?:[ /]{_PLACE_WORD}){{0,3}}{_REGION}"
_CAPS_WORD = r"[A-Z][A-Z.'\-]+"
_CAPS_PLACE = rf"{_CAPS_WORD}(?:[ /]{_CAPS_WORD}){{0,3}}{_REGION}"
_DASH = r"(?:-{1,2}|\u2014|\u2013|:)"
# A credit in brackets names a news agency or broadcaster: "(UN)" after a name is an
# abbreviation, "(D)" a party, so the bracket must hold one of these.
AGENCIES = (
    "Reuters|AP|The Associated Press|Associated Press|AFP|CNN|CNNMoney|CNN Money|Bloomberg|UPI"
    "|dpa|DPA|Xinhua|Yonhap|Kyodo|TASS|Interfax|ANSA|EFE|PTI|IANS|BBC|CNBC|ABC|NBC|CBS|Fox"
    "|PA|AAP|CP|Mashable|TheWrap|Variety|Deadline|EW|RTTNews|MarketWatch"
)
_CREDIT = rf"\((?P<credit>{AGENCIES})\)"
# A wire dateline may carry the day it was filed: "LAS VEGAS, June 10 (UPI) --".
_FILED = (
    r"(?:,\s*(?:Jan|Feb|Mar|Apr|May|Jun|Jul|Aug|Sep|Sept|Oct|Nov|Dec)[a-z]*\.?\s+\d{1,2}"
    r"(?:,\s*\d{4})?)?"
)

_WITH_CREDIT = re.compile(rf"^(?:(?P<place>{_PLACE}){_FILED}\s*)?{_CREDIT}\s*{_DASH}?\s*")
# The dash may touch the sentence when it is a double or long one: "HIROSHIMA--A stray dog".
_CAPS_DASH = re.compile(
    rf"^(?P<place>{_CAPS_PLACE})\s*(?:{_DASH}\s+|(?:--|\u2014|\u2013)(?=[A-Z\"'\u201c]))"
)
# An upper-case place, a comma and a country run straight into the sentence:
# "DONETSK/KIEV, Ukraine Pro-Russian protesters ...".
_CAPS_COMMA = re.compile(
    rf"^(?P<place>{_CAPS_WORD}(?:[ /]{_CAPS_WORD}){{0,3}},\s*[A-Z][a-z]+)\s+(?=[A-Z])"
)


@dataclass(frozen=True)
class Dateline:
    text: str  # the dateline as printed, with its credit and dash
    place: str | None
    credit: str | None  # "Reuters", "AP", "CNN"


def find_dateline(sentence: str) -> Dateline | None:
    """The dateline the sentence opens with, or None."""
    text = sentence.lstrip()
    for pattern in (_WITH_CREDIT, _CAPS_DASH, _CAPS_COMMA):
        match = pattern.match(text)
        if match and match.end() < len(text):
            groups = match.groupdict()
            return Dateline(match.group(0), groups.get("place"), groups.get("credit"))
    return None


def without_dateline(sentence: str) -> str:
    """The sentence after its dateline (the sentence itself when it has none); a label
    before it goes too ("EXCLUSIVE: LONDON (AP) - ...")."""
    text = sentence
    for _ in range(2):
        found = find_dateline(text)
        if found is None:
            break
        rest = text.lstrip()[len(found.text) :].lstrip()
        if not rest:
            break
        text = rest[:1].upper() + rest[1:]
    return text
