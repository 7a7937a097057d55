"""Speakers: who a sentence says is speaking, from the attribution beside its quote.

The speaker is the name the attribution gives, without the role or title around it
("CNN senior political analyst David Gergen" -> "David Gergen", "Mayor Elena Marsh" ->
"Elena Marsh"), an organisation only when it is itself the speaker ("the White House
said"); a title alone ("the mayor said"), a pronoun or a description ("officials said",
"a German official said") leaves it unknown. The word lists below say what a name,
a role, a speech verb or a sentence opener is; ``newsdigest.quotes`` finds the quotes.
"""

from __future__ import annotations

import re
from collections.abc import Sequence


def _words_of(text: str) -> frozenset[str]:
    return frozenset(text.split())


# Speech verbs that introduce or close a quote in news copy (and "according to").
_VERBS = _words_of("""
said says told tells added adds stated states declared declares insisted insists warned warns
wrote writes asked asks explained explains noted argued argues replied replies answered answers
recalled recalls testified testifies confirmed confirms reported announced announces continued
continues acknowledged admitted admits conceded concedes claimed maintained observed remarked
suggested commented tweeted posted recounted responded responds cautioned predicted promised
vowed vows pleaded urged urges boasted boasts joked jokes quipped quips mumbled shouted yelled
screamed whispered concluded agreed complained lamented countered stressed emphasized emphasised
recorded described describes called calls accused accuses denied denies began""")
# Words after which a name that follows a speech verb has ended ('said Ben Ito at a news
# conference').
_FUNCTION = _words_of("""
at in on of for from to with by about as after before during when while who whom whose which
that where and or but if because since than into over under near via per this these those
yesterday today tonight earlier later afterwards last next""")
# Before a noun phrase that is a place or an institution, not the speaker ("one woman in Tralee
# told").
# ("by" is missing on purpose: "a report issued by the Harbour Board said".)
_PREPOSITIONS = _words_of("at in on of for from to with about near into via inside outside")
# A capitalised word after these is described, not named ("a longtime Dubliner", "one EU diplomat").
_DETERMINERS = _words_of("a an one another two three four several some many")
# A name after these is in a clause about someone else ("the firm that owns Brightway").
_RELATIVES = _words_of("who whom whose which that where")
# Roles and titles: a name follows them ("spokesman Lu Wen", "Interior Minister Sheikh Khalid").
_ROLES = _words_of("""
mr mrs ms miss mx dr prof professor sir dame lord lady rev reverend fr father sheikh rabbi imam
pastor cleric elder archbishop pope duke duchess earl president vice prime minister secretary
chancellor premier sen senator rep representative congressman congresswoman gov governor mayor
councillor councilman councilwoman speaker whip judge justice attorney lawyer counsel prosecutor
sheriff undersheriff commissioner administrator acting deputy assistant chief gen general col
colonel lt lieutenant capt captain sgt sergeant maj cpl corporal adm admiral marshal commodore
commander officer insp detective inspector superintendent constable spokesman spokeswoman
spokesperson chairman chairwoman chairperson chair director ceo cfo coo pm executive manager
coach analyst economist strategist adviser advisor aide consultant editor reporter correspondent
columnist producer showrunner expert researcher scientist author founder leader member head
owner partner agent activist candidate nominee democrat republican neighbour neighbor resident
witness doctor surgeon nurse teacher student junior senior freshman sophomore official
ambassador envoy queen princess""")
# Titles kept before a lone surname, where they read as part of it ("Dr. Ames", "President
# Halvorsen").
_HONORIFICS = _words_of("""
mr mrs ms miss mx dr prof sir dame lord lady rev fr sheikh rabbi elder pope president sen
senator rep gov governor mayor speaker judge justice gen general col lt capt sgt maj adm
commodore chief coach queen princess""")
# The last word of an institution's name: no role is taken off it ("the Prime Minister's Office").
_INSTITUTIONS = _words_of("""
office department ministry bureau agency committee council commission board university college
school institute institution foundation association society league union federation party church
court house service services authority administration centre center bank museum hospital academy
company corporation group trust fund network station embassy consulate observatory program
programme force""")
# Capitalised words that never are the speaker on their own.
_NOT_NAMES = _words_of("""
he she they it we i you who this that these those there here it's he's she's we're i'm you're
they're that's there's here's the a an but and so yet or as when then later earlier asked
speaking meanwhile however still also now today yesterday tomorrow instead finally separately
already nevertheless nonetheless indeed moreover furthermore besides otherwise thus hence
perhaps maybe similarly likewise overall ultimately notably eventually originally where what why
how one everyone everybody someone somebody nobody many some others both all most police
officials authorities witnesses residents experts critics sources prosecutors investigators
researchers scientists analysts doctors organizers organisers fans parents students neighbours
neighbors officers republicans democrats conservatives liberals jan feb mar apr jun jul aug sep
sept oct nov dec january february march july september october november december american
british english french german italian spanish portuguese dutch swiss swede dane norwegian
russian ukrainian polish greek turkish israeli palestinian iranian iraqi syrian afghan pakistani
indian chinese japanese korean canadian mexican brazilian australian irish scottish egyptian
saudi libyan sudanese nigerian kenyan""")
# Capitalised words that open a sentence before the speaker ("But Putin said", "Said Smith:").
_OPENERS = _words_of("""
the a an but and so yet or as when then later earlier asked speaking meanwhile however still
also now instead finally separately where what why how while although though after before since
because if in on at for from with by to of said says told""")
# Between a speaker and the verb: '"...," Smith later said', 'Smith has told'.
_ADVERBS = _words_of("""
also later then has had have once again recently previously earlier further simply reportedly
publicly privately repeatedly quickly finally first initially would will did does always often
never just still even only however""")
# Inside a name between capitalised words: "University of Leeds", "Ada Moss and Ben Ito", "bin
# Omar".
_CONNECTORS = _words_of("of and & for de da del der van von bin ibn al el la le du dos")
_DAYS = _words_of("monday tuesday wednesday thursday friday saturday sunday")
# Abbreviations whose dot ends no sentence ("Dr. Ames"); initials ("William E. Smith") neither.
_ABBREVIATIONS = _words_of(
    "mr mrs ms dr prof st gen sen rep gov lt col sgt capt maj adm cpl rev fr jr sr insp "
    "mt ft no vs inc corp co ltd"
)

_TOKEN = re.compile(r"\w[\w'.&-]*|\S")
_PARENTHESES = re.compile(r"\s*\([^()\"]*\)")  # "(R-S.C.)", "(Unite)"
_LOST_SPACE = re.compile(r"(?<=[a-z])\.(?=[A-Z][a-z])")  # "she said.Then"
_PARTY = re.compile(r"[RDI]-[A-Z][\w.]*")  # "R-Texas", "D-Mich."


def _key(token: str) -> str:
    return token.lower().rstrip(".,;:")


def _is_initial(token: str) -> bool:
    return bool(re.fullmatch(r"(?:[A-Z]\.)+", token))


def _ends_sentence(token: str) -> bool:
    """A dot that ends a sentence, not an initial ("E."), "U.S." or a title ("Dr.")."""
    return (
        token.endswith(".")
        and not _is_initial(token)
        and "." not in token[:-1]
        and token[:-1].lower() not in _ABBREVIATIONS
    )


def _is_name_word(token: str) -> bool:
    return (
        (token[:1].isupper() or token[:3].lower() in ("al-", "el-"))
        and _key(token) not in _DAYS
        and not _PARTY.fullmatch(token)
    )


def _is_role(word: str) -> bool:
    key = _key(word)
    return (
        key in _ROLES
        or key.endswith(("-based", "-born"))
        or (key.endswith("s") and key[:-1] in _ROLES)
        or ("-" in key and any(part in _ROLES for part in key.split("-")))
    )  # "Secretary-General"


def _is_possessive(token: str) -> bool:
    return token.endswith(("'s", "s'")) and len(token) > 2


def _run_forward(tokens: Sequence[str], start: int, end: int) -> int:
    """Where the run of name words starting at ``start`` ends (exclusive)."""
    j = start
    while j < end:
        if _is_name_word(tokens[j]):
            j += 1
            if _ends_sentence(tokens[j - 1]):
                break
        elif (
            j > start
            and tokens[j].lower() in _CONNECTORS
            and j + 1 < end
            and _is_name_word(tokens[j + 1])
            and not _ends_sentence(tokens[j - 1])
        ):
            j += 1
        else:
            break
    return j


def _run_backward(tokens: Sequence[str], start: int, end: int) -> int:
    """Where the run of name words ending at ``end`` (exclusive) starts, not before ``start``."""
    s = end
    while s > start:
        token = tokens[s - 1]
        if (_is_name_word(token) and not (s < end and _ends_sentence(token))) or (
            s < end
            and token.lower() in _CONNECTORS
            and s - 2 >= start
            and _is_name_word(tokens[s - 2])
            and not _ends_sentence(tokens[s - 2])
        ):
            s -= 1
        else:
            break
    return s


def _clean_name(words: Sequence[str]) -> str | None:
    """The speaker's name in a run of capitalised words, without the roles and titles
    before it; None when no name is left ("Mayor", "Police", "He")."""
    kept = _without_roles(_before_of(_without_openers(_after_owner(list(words)))))
    if not kept or all(_key(w) in _NOT_NAMES for w in kept):
        return None
    last = kept[-1]
    if last.endswith(".") and not _is_initial(last) and _key(last) not in _ABBREVIATIONS:
        kept[-1] = last[:-1]
    return " ".join(kept).strip(",;:") or None


def _after_owner(words: list[str]) -> list[str]:
    """A possessive names whom the speaker belongs to ("the Tax Council's Lena Park"),
    unless an institution of the owner's follows ("the Prime Minister's Office")."""
    owners = [k for k, w in enumerate(words[:-1]) if _is_possessive(w)]
    if owners and not (len(words) - owners[-1] == 2 and _key(words[-1]) in _INSTITUTIONS):
        return words[owners[-1] + 1 :]
    return words


def _without_openers(words: list[str]) -> list[str]:
    while words and _key(words[0]) in _OPENERS:
        words = words[1:]
    return words


def _before_of(words: list[str]) -> list[str]:
    """ "Ruth Oduya of Kent", but "Department of Health", "Secretary of State Jo Ames"."""
    for k, word in enumerate(words):
        if word.lower() == "of" and k:
            if _key(words[k - 1]) not in _INSTITUTIONS and not _is_role(words[k - 1]):
                return words[:k]
            break
    return words


def _without_roles(words: list[str]) -> list[str]:
    """The words after the last role or title ("Secretary of State Jo Ames" -> "Jo Ames"),
    the title kept before a lone surname ("Dr. Ames")."""
    roles = [k for k, w in enumerate(words) if _is_role(w)]
    if not roles or not words or _key(words[-1]) in _INSTITUTIONS:
        return words
    title, rest = words[roles[-1]], words[roles[-1] + 1 :]
    if rest and rest[0].lower() in ("of", "for"):  # "Secretary of State Jo Ames"
        rest = rest[1:]
        return rest[-2:] if len(rest) >= 3 else []
    if len(rest) == 1 and _key(title) in _HONORIFICS:
        return [title, *rest]
    return rest


def _described(tokens: Sequence[str], start: int, lo: int) -> bool:
    """Whether the name word at ``start`` follows "a"/"one" and lower-case words
    ("a longtime Dubliner")."""
    k = start - 1
    while (
        k >= lo
        and k > start - 4
        and tokens[k].isalpha()
        and tokens[k].islower()
        and tokens[k] not in _DETERMINERS
    ):
        k -= 1
    return k >= lo and tokens[k].lower() in _DETERMINERS


def _name_ending_at(tokens: Sequence[str], lo: int, hi: int) -> tuple[str, int, str | None]:
    """What ends at ``hi`` in tokens[lo:hi]: ("name", start, name or None for a title alone),
    ("object", ...) for a name after a preposition ("from Tunisia"), or ("none", ...)."""
    start = _run_backward(tokens, lo, hi)
    if start == hi:
        return "none", hi, None
    k = start - 1
    while k >= lo and tokens[k].lower() == "the":
        k -= 1
    if k >= lo and tokens[k].lower() in _PREPOSITIONS:
        return "object", start, None
    if hi - start == 1 and _described(tokens, start, lo):
        return "none", start, None
    return "name", start, _clean_name(tokens[start:hi])


def _names_someone(tokens: Sequence[str], lo: int, hi: int) -> bool:
    """Whether tokens[lo:hi] end in a name or title, not a place after a preposition or
    "Already"."""
    kind, start, _ = _name_ending_at(tokens, lo, hi) if hi > lo else ("none", hi, None)
    return kind == "name" and not all(_key(w) in _NOT_NAMES for w in tokens[start:hi])


def _speaker_before(tokens: Sequence[str], start: int, verb: int) -> str | None:
    """The speaker named just before a speech verb: 'Smith said', 'Nadia Brandt, a spokeswoman
    for the port, told', 'Her lawyer, Jo Ames, said', 'Karim, 35, from Tunisia told'."""
    parts = _comma_parts(tokens, start, _subject_end(tokens, start, verb))
    for n, (lo, hi) in enumerate(parts):
        if lo == hi or tokens[lo].lower() in _PREPOSITIONS or _PARTY.fullmatch(tokens[lo]):
            continue  # next to a comma; "from Tunisia", "R-Texas"
        direct = n == 0  # no comma between it and the verb
        kind, name_start, name = _name_ending_at(tokens, lo, hi)
        if kind == "none" or any(t.lower() in _RELATIVES for t in tokens[lo:name_start]):
            if direct:
                return None  # "he said", "the company said", "the woman who met Smith said"
            continue  # an apposition: "a port spokeswoman", "56", "who runs the depot"
        if kind == "object" or name is None:
            if direct and kind == "name":
                return None  # a title alone: "the mayor said"
            continue  # "the chairman of the House Committee", a title in an apposition
        # A whole-name apposition counts after a description ("Her lawyer, Jo Ames, said"),
        # not after a name or title ("Jo Ames, Chief Press Officer, Transport, said"; "Ames,
        # of Salem County, Oregon, told").
        named_before = any(_names_someone(tokens, *part) for part in parts[n + 1 : n + 3])
        if not direct and name_start == lo and named_before:
            continue
        return name
    return None


def _subject_end(tokens: Sequence[str], start: int, verb: int) -> int:
    """Where the subject of the verb ends: before adverbs and "on Monday" ('Smith later said')."""
    end = verb
    while end > start and _key(tokens[end - 1]) in _ADVERBS:
        end -= 1
    if end - 2 >= start and _key(tokens[end - 1]) in _DAYS and tokens[end - 2].lower() == "on":
        end -= 2
    return end


def _comma_parts(tokens: Sequence[str], start: int, end: int) -> list[tuple[int, int]]:
    """The comma-separated parts before ``end``, the nearest first (empty where a comma is
    next to it), at most five."""
    parts: list[tuple[int, int]] = []
    hi = end
    while hi >= start and len(parts) < 5:
        lo = hi
        while lo > start and tokens[lo - 1] != ",":
            lo -= 1
        parts.append((lo, hi))
        hi = lo - 1
    return parts


def _speaker_after(tokens: Sequence[str], start: int, end: int) -> str | None:
    """The speaker named just after a speech verb: 'said CNN senior political analyst David
    Gergen', 'said the 36-year-old Ruiz, who ...', 'said the lawyer, Harold W. Grant III'."""
    j, passed = start, 0
    while j < end and passed <= 8:
        token = tokens[j]
        if token == "," and passed:  # 'said the lawyer, Harold W. Grant III.'
            return _name_after_comma(tokens, j + 1, end)
        if not token[0].isalnum():
            return None
        if _is_name_word(token):
            stop = _run_forward(tokens, j, end)
            if _name_run_ends(tokens, stop, end):
                if stop - j == 1 and _described(tokens, j, start):
                    return None
                return _clean_name(tokens[j:stop])
            # Lower-case words follow: the run was part of a role ("CNN senior political analyst").
            passed += stop - j
            j = stop
            continue
        if _key(token) in _FUNCTION:
            return None
        j += 1
        passed += 1
    return None


def _name_after_comma(tokens: Sequence[str], start: int, end: int) -> str | None:
    stop = _run_forward(tokens, start, end)
    if stop > start and (
        stop == end or not tokens[stop][0].isalnum() or _key(tokens[stop]) in _FUNCTION
    ):
        return _clean_name(tokens[start:stop])
    return None


def _name_run_ends(tokens: Sequence[str], stop: int, end: int) -> bool:
    """Whether a run of name words ending at ``stop`` is a whole name, not part of a role."""
    after = tokens[stop] if stop < end else ""
    return (
        not after
        or not after[0].isalnum()
        or _ends_sentence(tokens[stop - 1])
        or _is_name_word(after)
        or _key(after) in _FUNCTION | _ADVERBS | _VERBS | _DAYS
        or after.endswith("ly")
    )


def _verb_at(tokens: Sequence[str], k: int) -> int:
    """How many tokens the speech verb at ``k`` takes (0 when there is none)."""
    key = _key(tokens[k])
    if key == "according" and k + 1 < len(tokens) and _key(tokens[k + 1]) == "to":
        return 2
    return 1 if key in _VERBS and tokens[k] == tokens[k].lower() else 0


def _after_conjunction(tokens: Sequence[str], verb: int) -> bool:
    """Whether the verb at ``verb`` follows "and"/"but" (a second verb of the same subject)."""
    before = verb
    while before > 0 and _key(tokens[before - 1]) in _ADVERBS:
        before -= 1
    return before > 0 and tokens[before - 1].lower() in ("and", "but")


def _attribution(tokens: Sequence[str], verb: int, size: int) -> str | None:
    """The speaker of the verb at ``verb``: its subject where it has one, else the name after it."""
    before = verb
    while before > 0 and _key(tokens[before - 1]) in _ADVERBS:
        before -= 1
    # A subject, perhaps with an apposition ('Smith, 56, said'), or none ('"...," said Smith').
    if size == 1 and before > 0 and tokens[before - 1][0].isalnum():
        return _speaker_before(tokens, 0, verb)
    if size == 1 and before >= 2 and tokens[before - 1] == "," and tokens[before - 2][0].isalnum():
        # 'Smith, 56, said' or, where no subject is found, a clause and then 'said Smith'.
        return _speaker_before(tokens, 0, verb) or _speaker_after(tokens, verb + size, len(tokens))
    return _speaker_after(tokens, verb + size, len(tokens))


def _tokens(text: str) -> list[str]:
    """Words and marks, without parentheses ("(R-S.C.)"), a lost space restored ("said.Then")."""
    return _TOKEN.findall(_LOST_SPACE.sub(". ", _PARENTHESES.sub("", text)))


def speaker_following(text: str, closed: bool) -> tuple[bool, str | None]:
    """The attribution just after a quotation: (whether there is one, the speaker it names).
    After a quotation ``closed`` by a full stop only a dash names the speaker ('"..." —
    Harriet Vane'): the words after it are the next sentence."""
    tokens = _tokens(text)
    if tokens[:1] and tokens[0] in ("—", "–", "-"):  # '"..." — Harriet Vane'
        rest = 1 + (tokens[1:2] == ["-"])
        stop = _run_forward(tokens, rest, len(tokens))
        return (True, _clean_name(tokens[rest:stop])) if stop > rest else (False, None)
    for k in range(0 if closed else min(len(tokens), 14)):
        if tokens[k] == '"':
            break
        size = _verb_at(tokens, k)
        if size:
            if _after_conjunction(tokens, k):
                break  # '"...," and added that': the sentence's subject said both
            return True, _attribution(tokens, k, size)
        if _ends_sentence(tokens[k]):
            break
    return False, None


def speaker_preceding(text: str) -> str | None:
    """The speaker of the nearest speech verb before a quotation ('Ada Moss told reporters
    that')."""
    tokens = _tokens(text)
    for k in range(len(tokens) - 1, max(-1, len(tokens) - 31), -1):
        if _ends_sentence(tokens[k]) and k < len(tokens) - 1:
            return None
        if tokens[k].endswith("ing") and k and tokens[k - 1] == ",":
            return None  # ', asserting that "...": the subject is further back than we look
        size = _verb_at(tokens, k)
        if size:
            if _after_conjunction(tokens, k):
                continue  # 'Lena Park said ... but added: "..."': the subject is the first verb's
            return _attribution(tokens, k, size)
    return None
