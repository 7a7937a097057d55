"""A folder of broken inputs, written by the tests (the 50 MB file is never committed)."""

from pathlib import Path

BIG_FILE_BYTES = 50 * 1024 * 1024

# file name -> (action reported, words in the reason); files missing here are read cleanly.
EXPECTED_PROBLEMS = {
    "empty.txt": ("skipped", "empty file"),
    "blank.md": ("skipped", "empty file"),
    "binary.txt": ("skipped", "binary file"),
    "photo.jpg": ("skipped", "unsupported file type"),
    "latin1.txt": ("repaired", "decoded as Windows-1252"),
    "cp1252.txt": ("repaired", "decoded as Windows-1252"),
    "bom.md": ("repaired", "byte order mark removed"),
    "truncated.html": ("repaired", "cut off?"),
    "nav-only.html": ("skipped", "no article text"),
    "not-a-feed.rss": ("skipped", "not an RSS or Atom feed"),
    "empty-feed.xml": ("warning", "no entries"),
    "wrong-types.md": ("repaired", "ignored"),
    "impossible-date.md": ("repaired", "'2025-02-31' is not a date"),
    "unclosed.md": ("skipped", "no closing '---'"),
    "sources.yml": ("warning", "'missing.txt', which is not in the folder"),
    "manifest-bad-date.txt": ("repaired", "'someday' is not a date"),
    "ids.jsonl:2": ("skipped", "not JSON"),
    "ids.jsonl:3": ("repaired", "renamed to 'same-id-2'"),
    "big.txt": ("skipped", "over the 5 MB limit"),
}

# Every article that must reach the site, by title.
VALID_TITLES = [
    "Café owners in Lyon protest over rent rises",
    "Euro coins redesigned for the anniversary",
    "Marathon route changes announced",
    "Hospital opens new maternity ward",
    "Zoo welcomes two red panda cubs",
    "Bakery wins national bread prize",
    "Bus drivers agree new rota",
    "Storm hits the coast",
    "Storm hits the coast",
    "Museum returns stolen painting",
    "Museum adds night openings",
]


def write_bad_input(folder: Path, big: bool = True) -> Path:
    folder.mkdir(parents=True, exist_ok=True)
    w = lambda name, data: (folder / name).write_bytes(data)  # noqa: E731
    w("empty.txt", b"")
    w("blank.md", b"  \n\n\t\n")
    w("binary.txt", b"\x89PNG\r\n\x1a\n\x00\x00\x00\rIHDR\x00\x00\x01\x00")
    w("photo.jpg", b"\xff\xd8\xff\xe0\x00\x10JFIF")
    w(
        "latin1.txt",
        "Café owners in Lyon protest over rent rises.\nThe owners of thirty cafés marched to the "
        "town hall on Monday. They said rents had risen by a third in two years.".encode("latin-1"),
    )
    w(
        "cp1252.txt",
        "Euro coins redesigned for the anniversary.\nThe central bank showed the new \u20ac2 coin "
        "on Thursday \u2013 its \u201cfirst redesign in twenty years\u201d, officials said.".encode(
            "cp1252"
        ),
    )
    w(
        "bom.md",
        "\ufeff---\ntitle: Marathon route changes announced\n---\nThe city marathon will avoid "
        "the old bridge this year, organisers said.\n".encode("utf-8"),
    )
    w(
        "truncated.html",
        b"<html><head><title>Hospital opens new maternity ward</title></head><body><article>"
        b"<h1>Hospital opens new maternity ward</h1><p>The county hospital opened a new maternity ward on "
        b"Wednesday with twenty beds and two operating theatres.</p><p>Midwives said the old ward had been "
        b"overcrowded for years, and waiting times for scans should now fall by half, the hospital said in a sta",
    )
    w("nav-only.html", b"<html><body><nav><a href='/'>Home</a></nav></body></html>")
    w("not-a-feed.rss", b'this is not XML at all {"oops": true}')
    w(
        "empty-feed.xml",
        b"<?xml version='1.0'?><rss version='2.0'><channel><title>Quiet Feed</title>"
        b"</channel></rss>",
    )
    w(
        "wrong-types.md",
        b"---\ntitle: Zoo welcomes two red panda cubs\nauthor: {name: Sam}\ndate: 12\n"
        b"url: javascript:alert(1)\nsource: [not, an, outlet]\n---\nThe city zoo said two red panda cubs were "
        b"born in its mountain enclosure last month.\n",
    )
    w(
        "impossible-date.md",
        b"---\ntitle: Bakery wins national bread prize\ndate: 2025-02-31\n---\n"
        b"A family bakery on Mill Lane won the national sourdough prize on Saturday.\n",
    )
    w("unclosed.md", b"---\ntitle: Never closed\nThe body never starts.\n")
    w(
        "sources.yml",
        b"manifest-bad-date.txt:\n  title: Bus drivers agree new rota\n  date: someday\n"
        b"missing.txt:\n  title: A file that is not here\n",
    )
    w(
        "manifest-bad-date.txt",
        b"Bus drivers and the transport company agreed a new rota after two weeks "
        b"of talks, the union said.\n",
    )
    w(
        "same-slug-a.md",
        b"---\ntitle: Storm hits the coast\ndate: 2025-01-10\n---\nA winter storm brought "
        b"waves over the sea wall at Porthaven, flooding the harbour car park.\n",
    )
    w(
        "same-slug-b.md",
        b"---\ntitle: Storm hits the coast\ndate: 2025-08-02\n---\nA summer thunderstorm "
        b"knocked out power to 4,000 homes in the eastern valleys and closed the airport for an hour.\n",
    )
    w(
        "ids.jsonl",
        b'{"id": "same-id", "title": "Museum returns stolen painting", "text": "The museum '
        b'returned a painting stolen in 1990 to the family of its owner on Friday."}\n'
        b"{not json\n"
        b'{"id": "same-id", "title": "Museum adds night openings", "text": "The art museum will stay open '
        b'until ten on Thursday evenings from next month."}\n',
    )
    if big:
        line = b"This line repeats to make a file far too big to be a news article.\n"
        with open(folder / "big.txt", "wb") as handle:
            handle.write(line * (BIG_FILE_BYTES // len(line) + 1))
    return folder
