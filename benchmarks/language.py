"""How often the stop-word language check answers, and what, on a JSON Lines corpus.

    .venv/bin/python benchmarks/language.py ../shared/corpus/bbc_news_summary/articles.jsonl

The corpora are English news, so any answer but "en" or None is a wrong guess.
"""

import sys
from collections import Counter

from newsdigest.clean import guess_language
from newsdigest.ingest import ingest

if __name__ == "__main__":
    articles = ingest([sys.argv[1]]).articles
    counts = Counter(guess_language(a.text) or "none" for a in articles)
    print(
        f"{len(articles)} articles: " + ", ".join(f"{lang} {n}" for lang, n in counts.most_common())
    )
    for article in articles:
        if (guess_language(article.text) or "en") != "en" or (
            "--show" in sys.argv and not guess_language(article.text)
        ):
            print("  ", article.id, guess_language(article.text), repr(article.text[:100]))
