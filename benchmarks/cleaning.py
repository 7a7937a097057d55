"""What cleaning removes from real articles, for a person to check that no real sentence goes.

    python benchmarks/cleaning.py --show ../shared/corpus/multinews_sample/articles.jsonl
    python benchmarks/cleaning.py ../shared/corpus/frank_cnndm_xsum/articles.jsonl --label cnndm

Without --show: counts per reason (removed pieces, articles touched, lines split off at
a glue point). With --show: every removal, with the article id and why (to the terminal
only: the texts belong to their publishers).
"""

from __future__ import annotations

import argparse
import json
from collections import Counter
from pathlib import Path

from newsdigest.clean import _BOILERPLATE, _LABEL, normalise_text
from newsdigest.unfurnish import strip_furniture


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("data", type=Path, help="a JSON Lines file of articles")
    parser.add_argument("--label", help="only rows with this label")
    parser.add_argument("--show", action="store_true", help="print every removal")
    parser.add_argument("--limit", type=int, default=0, help="at most this many rows")
    args = parser.parse_args()
    reasons: Counter[str] = Counter()
    touched = split = rows = 0
    with args.data.open(encoding="utf-8") as file:
        for line in file:
            row = json.loads(line)
            if args.label and row.get("label") != args.label:
                continue
            rows += 1
            if args.limit and rows > args.limit:
                break
            # The whole-line rules first, as clean.strip_boilerplate runs them.
            text = _LABEL.sub("", _BOILERPLATE.sub("", normalise_text(row.get("text") or "")))
            _, removed = strip_furniture(text)
            touched += any(not r.reason.startswith("split off") for r in removed)
            split += any(r.reason.startswith("split off") for r in removed)
            for item in removed:
                reasons[item.reason] += 1
                if args.show:
                    print(f"{row['id']}\t{item.reason}\t{item.text}")
    print(
        f"{rows} articles: {touched} with furniture removed, {split} with a caption or "
        "standfirst split off its sentence (kept, on a line of its own)"
    )
    for reason, count in reasons.most_common():
        print(f"  {count:5d}  {reason}")


if __name__ == "__main__":
    main()
