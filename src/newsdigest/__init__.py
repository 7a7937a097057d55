"""newsdigest: turn a folder of news articles into a searchable static digest site.

The pipeline, one module per stage (``pipeline.build_digest`` runs it end to end):

    ingest -> prepare (clean, sentences, summarise) -> dedupe -> stories (group)
    -> topics -> highlights -> render

``newsdigest.cli`` is a thin command-line layer over it; ``newsdigest.evaluation``
measures it against gold data.
"""

from importlib.metadata import PackageNotFoundError, version

try:
    __version__ = version("newsdigest")
except PackageNotFoundError:  # running from a source tree that was never installed
    __version__ = "0.0.0"
