"""newsdigest: turn a folder of news articles into a searchable static digest site.

The pipeline, one module per stage:

    ingest -> clean -> sentences -> summarise -> group -> topics -> render

``newsdigest.pipeline.build_digest`` runs it end to end; ``newsdigest.cli`` is a
thin command-line layer over it.
"""

from importlib.metadata import PackageNotFoundError, version

try:
    __version__ = version("newsdigest")
except PackageNotFoundError:  # running from a source tree that was never installed
    __version__ = "0.0.0"
