"""Quote speakers: who the story pages credit with each quote, against hand labels.

The sample
----------
Candidates are the quote sentences of the development corpus exactly as the
extractor sees them: each article read as the build reads it (``ingest`` then
the per-article stage), its sentences joined where the splitter cut a quote in two
(``quotes.joined_sentences``), kept when it holds a quotation of 6+ words in
straight double quotes (the cleaner makes every quote mark straight). Sources, in
this order (``SOURCES``): every row of ``multinews_sample/articles.jsonl``, the
CNN/DailyMail rows (``label == "cnndm"``) of ``frank_cnndm_xsum/articles.jsonl``,
every row of ``ecbplus/articles.jsonl``. A sentence that occurs in several articles
(Multi-News repeats pages) is a candidate once, at its first occurrence.
``random.Random(SEED).sample`` draws ``SAMPLE_SIZE`` of them; ``draw_sample``
reproduces the draw from the corpus. A second, disjoint draw (``draw_holdout``,
``eval/quote_labels_holdout.jsonl``) was labelled after the extractor had been
improved on the first and before it was run on them: the estimate that was not
tuned on.

The labels (``eval/quote_labels.jsonl``)
----------------------------------------
One line per drawn sentence: ``{"corpus", "article_id", "sentence_sha256",
"speaker"}`` (SHA-256 of the sentence's UTF-8 text as the extractor sees it),
never the sentence itself: the texts belong to their publishers. A drawn sentence
that cannot be labelled fairly has ``"skip": reason`` instead of a speaker and is
left out of every figure. Labelling rules, applied to *that sentence alone*
(nothing from the sentences around it):

1. ``speaker`` is who the sentence credits with the words of its quotation (the
   first of 6+ words): a person named in the attribution ("said CNN senior
   political analyst David Gergen" -> "David Gergen"; "University of Texas law
   professor Stephen Vladeck said" -> "Stephen Vladeck"), written as the sentence
   writes the name (a surname alone when only the surname is there: "Moss said"
   -> "Moss"), without role, title or honorific ("Mayor Elena Marsh" -> "Elena
   Marsh", "Dr. Ames" -> "Ames"); people who speak together as the sentence
   joins them ("said Ada Moss and Ben Ito" -> "Ada Moss and Ben Ito"). Attribution covers
   "said", "told", "wrote", "according to", "called it", a closing "-- Name" and
   the like, before or after the quotation.
2. An organisation or other named body only when it is itself the speaker ("the
   White House said" -> "White House", "the Pentagon said in a statement" ->
   "Pentagon"). "A White House spokesman said" names nobody: null.
3. ``null`` when the sentence names no one: a pronoun ("he said"), a description
   ("a neighbour said", "officials said", "police said"), a title alone ("the mayor
   said"), a quotation with no attribution at all, or quoted words that are not
   speech (a title, a slogan) with nobody credited.
4. ``skip`` when the sentence holds quotations from different speakers, when its
   quote marks pair wrongly (it starts inside a quotation, a mark was mis-decoded),
   or it is page furniture that cannot be read as a sentence (a bibliography).

The figures (``evaluate``)
--------------------------
Names are compared after ``normalise_name``: case, spacing and punctuation
ignored, a leading "the" and leading titles/honorifics ("Mr.", "Sen.", "President",
"Mayor", ...; only while a name is left) dropped, a trailing possessive and
"Jr."/"Sr."/"III" dropped.

- precision: of the sentences where the extractor names a speaker, the share whose
  name equals the label (naming someone where the label is null is an error);
- recall: of the sentences whose label names a speaker, the share where the
  extractor names that speaker;
- named share: the share of sentences with a named speaker, for the extractor and
  for the labels, so that precision cannot be bought by naming fewer.
"""

from __future__ import annotations

import hashlib
import json
import random
import re
from collections.abc import Iterator, Sequence
from dataclasses import dataclass
from pathlib import Path

from ..ingest import ingest
from ..prepare import prepare_articles
from ..quotes import joined_sentences, quote_in
from .gold import EvalDataError

# (file under the corpus folder, label the rows must have or None for every row)
SOURCES: tuple[tuple[str, str | None], ...] = (
    ("multinews_sample/articles.jsonl", None),
    ("frank_cnndm_xsum/articles.jsonl", "cnndm"),
    ("ecbplus/articles.jsonl", None),
)
SEED = 17
SAMPLE_SIZE = 240
HOLDOUT_SEED, HOLDOUT_SIZE = 18, 120
MIN_QUOTE_WORDS = 6

# Quotations in straight double quotes, paired in order (1st with 2nd mark, 3rd with 4th).
_QUOTATION = re.compile(r'"([^"]*)"')


@dataclass(frozen=True)
class Candidate:
    corpus: str  # file under the corpus folder
    article_id: str
    sentence: str  # as the extractor sees it; never written anywhere

    @property
    def sha256(self) -> str:
        return sentence_hash(self.sentence)


def sentence_hash(sentence: str) -> str:
    return hashlib.sha256(sentence.encode("utf-8")).hexdigest()


def has_quotation(sentence: str, min_words: int = MIN_QUOTE_WORDS) -> bool:
    """Whether the sentence holds a quotation of ``min_words`` or more words."""
    return any(len(m.group(1).split()) >= min_words for m in _QUOTATION.finditer(sentence))


def candidates(
    corpus: Path, sources: Sequence[tuple[str, str | None]] = SOURCES
) -> Iterator[Candidate]:
    """Every quote sentence of the sources, in corpus order, each distinct sentence once."""
    seen: set[str] = set()
    for name, label in sources:
        articles = ingest([Path(corpus) / name]).articles
        if label is not None:
            articles = [a for a in articles if a.extra("label") == label]
        for document in prepare_articles(articles).documents:
            for sentence in joined_sentences(document):
                if has_quotation(sentence) and sentence not in seen:
                    seen.add(sentence)
                    yield Candidate(name, document.id, sentence)


def draw_sample(corpus: Path, seed: int = SEED, size: int = SAMPLE_SIZE) -> list[Candidate]:
    """The labelled sample: ``size`` candidates drawn with ``random.Random(seed)``, in draw
    order."""
    pool = list(candidates(corpus))
    return random.Random(seed).sample(pool, min(size, len(pool)))


def draw_holdout(
    corpus: Path, seed: int = HOLDOUT_SEED, size: int = HOLDOUT_SIZE
) -> list[Candidate]:
    """The held-out check (``eval/quote_labels_holdout.jsonl``): ``size`` more candidates, none
    of them in ``draw_sample()``, drawn with ``random.Random(seed)``. Labelled after the
    extractor was written and before it was run on them: the honest estimate."""
    taken = {c.sentence for c in draw_sample(corpus)}
    pool = [c for c in candidates(corpus) if c.sentence not in taken]
    return random.Random(seed).sample(pool, min(size, len(pool)))


# --- the evaluation ---------------------------------------------------------
@dataclass(frozen=True)
class Label:
    corpus: str
    article_id: str
    sentence_sha256: str
    speaker: str | None
    skip: str | None = None  # why a drawn sentence is left out of the figures


def load_labels(path: Path) -> list[Label]:
    """The labels of a file like ``eval/quote_labels.jsonl``; EvalDataError naming the line."""
    labels = []
    for number, line in enumerate(Path(path).read_text(encoding="utf-8").splitlines(), start=1):
        if not line.strip():
            continue
        try:
            row = json.loads(line)
            labels.append(
                Label(
                    str(row["corpus"]),
                    str(row["article_id"]),
                    str(row["sentence_sha256"]),
                    row.get("speaker"),
                    row.get("skip"),
                )
            )
        except (json.JSONDecodeError, KeyError, TypeError) as error:
            raise EvalDataError(
                f'{path}:{number}: expected {{"corpus", "article_id", "sentence_sha256", '
                f'"speaker"}} ({error})'
            ) from None
    return labels


_TITLE_WORDS = {
    "mr",
    "mrs",
    "ms",
    "miss",
    "dr",
    "prof",
    "professor",
    "sir",
    "dame",
    "lord",
    "lady",
    "rev",
    "reverend",
    "sheikh",
    "president",
    "vice",
    "prime",
    "minister",
    "sen",
    "senator",
    "rep",
    "representative",
    "gov",
    "governor",
    "mayor",
    "judge",
    "justice",
    "gen",
    "general",
    "col",
    "lt",
    "capt",
    "sgt",
    "commodore",
    "admiral",
    "chief",
    "coach",
    "pope",
    "king",
    "queen",
    "prince",
    "princess",
}
_SUFFIXES = {"jr", "sr", "ii", "iii", "iv"}


def normalise_name(name: str | None) -> str | None:
    """The form in which two names are compared: lower case, letters and digits only,
    without a leading "the", leading titles ("Sen.", "President") or a trailing
    possessive or "Jr."/"III". None stays None."""
    if name is None:
        return None
    words = [w.strip("'-") for w in re.findall(r"[\w'-]+", name.lower().replace("’", "'"))]
    words = [w[:-2] if w.endswith("'s") else w for w in words if w.strip("'-")]
    while words and words[0] == "the":
        words = words[1:]
    # Titles go only while a name is left ("King" said is a name, "King Abdullah" a title).
    while len(words) > 1 and words[0] in _TITLE_WORDS:
        words = words[1:]
    while len(words) > 1 and words[-1] in _SUFFIXES:
        words = words[:-1]
    return " ".join(words) or None


@dataclass(frozen=True)
class Judged:
    label: Label
    sentence: str
    found: str | None  # the speaker the extractor names

    @property
    def correct(self) -> bool:
        return normalise_name(self.found) == normalise_name(self.label.speaker)


def sentences_by_hash(corpus: Path, names: set[str]) -> dict[tuple[str, str], str]:
    """(article id, SHA-256) -> sentence, for every joined sentence of the named corpus files."""
    found = {}
    for name in sorted(names):
        for document in prepare_articles(ingest([Path(corpus) / name]).articles).documents:
            for sentence in joined_sentences(document):
                found[document.id, sentence_hash(sentence)] = sentence
    return found


def judge(labels: Sequence[Label], corpus: Path, speaker=None) -> tuple[list[Judged], list[Label]]:
    """Each usable label with its sentence and the extractor's speaker (``speaker(sentence)``,
    by default ``quotes.quote_in``'s), and the labels whose sentence is no longer found."""
    if speaker is None:

        def speaker(sentence: str) -> str | None:
            found = quote_in(sentence)
            return found[1] if found else None

    sentences = sentences_by_hash(corpus, {label.corpus for label in labels})
    judged, missing = [], []
    for label in labels:
        if label.skip:
            continue
        sentence = sentences.get((label.article_id, label.sentence_sha256))
        if sentence is None:
            missing.append(label)
        else:
            judged.append(Judged(label, sentence, speaker(sentence)))
    return judged, missing


def figures(judged: Sequence[Judged]) -> dict[str, float]:
    """Precision, recall and the named shares (x 100) of judged labels, with the counts."""
    named = [j for j in judged if j.found]
    gold_named = [j for j in judged if j.label.speaker]
    right = [j for j in named if j.correct]

    def share(part: int, whole: int) -> float:
        return 100 * part / whole if whole else 0.0

    return {
        "sentences": len(judged),
        "named": len(named),
        "gold_named": len(gold_named),
        "correct": len(right),
        "precision": share(len(right), len(named)),
        "recall": share(sum(j.correct for j in gold_named), len(gold_named)),
        "named_share": share(len(named), len(judged)),
        "gold_named_share": share(len(gold_named), len(judged)),
    }


def evaluate(labels_path: Path, corpus: Path, speaker=None) -> dict:
    """The figures of ``figures`` for the labels of ``labels_path`` against ``corpus``, with
    ``labels``, ``skipped`` and ``missing`` (labels whose sentence is no longer found)."""
    labels = load_labels(labels_path)
    judged, missing = judge(labels, corpus, speaker)
    return {
        **figures(judged),
        "labels": len(labels),
        "skipped": sum(1 for label in labels if label.skip),
        "missing": len(missing),
    }


@dataclass
class QuoteEvaluation:
    """What ``newsdigest eval quotes`` measured."""

    labels_path: Path
    corpus: Path
    labels: list[Label]
    judged: list[Judged]
    missing: list[Label]  # labels whose sentence is no longer in the corpus

    @property
    def result(self) -> dict[str, float]:
        return figures(self.judged)

    def figures(self) -> dict[str, float]:
        """What the gate reads."""
        return {k: self.result[k] for k in ("precision", "recall", "named_share")}

    def failures(self) -> list[str]:
        """A labelled sentence that is gone fails the gate: the labels need a look."""
        return [f"{len(self.missing)} labelled sentence(s) no longer found"] if self.missing else []

    def table(self, errors: bool = False) -> str:
        result = self.result
        skipped = sum(1 for label in self.labels if label.skip)
        lines = [
            f"{self.labels_path}: {len(self.labels)} labels, {skipped} skipped as unusable, "
            f"{len(self.missing)} whose sentence is no longer in {self.corpus}; "
            f"{result['sentences']} scored",
            f"precision {result['precision']:.1f} "
            f"({result['correct']} of {result['named']} named)  "
            f"recall {result['recall']:.1f} (of {result['gold_named']} that name a speaker)",
            f"named speaker: newsdigest {result['named_share']:.1f}%, "
            f"labels {result['gold_named_share']:.1f}%",
        ]
        for item in (j for j in self.judged if not j.correct) if errors else ():
            first = " ".join(item.sentence.split())[:70]
            lines.append(
                f"  {item.label.article_id}  expected {item.label.speaker!r}, "
                f"found {item.found!r}  {first}"
            )
        return "\n".join(lines)

    def missing_lines(self) -> list[str]:
        return [
            f"  not found: {m.corpus} {m.article_id} {m.sentence_sha256[:12]}" for m in self.missing
        ]


def evaluate_quotes(labels_path: Path, corpus: Path) -> QuoteEvaluation:
    labels = load_labels(labels_path)
    judged, missing = judge(labels, corpus)
    return QuoteEvaluation(labels_path, corpus, labels, judged, missing)
