import sys
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parent.parent
# The benchmark driver is not part of the package; its corpus generator is tested here.
sys.path.insert(0, str(ROOT / "benchmarks"))
SEEDS = ROOT / "seeds"


@pytest.fixture
def seeds() -> Path:
    return SEEDS


@pytest.fixture
def root() -> Path:
    return ROOT
