"""What cleaning removes from a JSON Lines corpus, against its ``is_boilerplate`` flags.

    .venv/bin/python benchmarks/boilerplate.py \
        ../shared/corpus/multinews_sample/articles.jsonl [--show]

Flagged rows: how many cleaning empties (the build then skips them, saying so), and
which keep text. Other rows: how many lines cleaning removes; ``--show`` lists every
removed line and every flagged row kept, to check by eye that no removed line is reporting.
"""

import sys

from newsdigest.clean import normalise_text, strip_boilerplate
from newsdigest.ingest import ingest
from newsdigest.sentences import split_sentences

if __name__ == "__main__":
    show = "--show" in sys.argv
    emptied, kept, removed = [], [], []
    articles = ingest([a for a in sys.argv[1:] if a != "--show"]).articles
    for article in articles:
        before = normalise_text(article.text)
        after, _ = strip_boilerplate(before)
        if article.extra("is_boilerplate") in ("True", "true", "1"):
            (kept if split_sentences(after) else emptied).append((article.id, after))
        else:
            remaining = set(after.split("\n"))
            removed += [
                (article.id, line)
                for line in before.split("\n")
                if line.strip() and line not in remaining
            ]
    print(
        f"{len(articles)} articles: {len(emptied) + len(kept)} flagged, {len(emptied)} of them "
        f"emptied, "
        f"{len(kept)} keep text; {len(removed)} lines removed from the other "
        f"{len(articles) - len(emptied) - len(kept)}"
    )
    if show:
        for identifier, text in kept:
            print("  flagged, kept:", identifier, repr(" ".join(text.split())[:110]))
        for identifier, line in removed:
            print("  removed:", identifier, repr(line[:110]))
