"""Shared configuration for the project's own tests (the harness plugin registers itself via pytest11)."""

from __future__ import annotations

import os
from pathlib import Path

import pytest

REPO = Path(__file__).resolve().parent
CONTRACTS = REPO / "contracts"
EXAMPLE_CONTRACT = CONTRACTS / "example_clinicalprocess_notes"
PING_CONTRACT = CONTRACTS / "itintegration_monitoring"


def corpus_path() -> Path:
    """The real RIVTA corpus: $RIVTA_CORPUS, else ../shared/rivta-corpus beside the checkout."""
    configured = os.environ.get("RIVTA_CORPUS")
    return Path(configured) if configured else REPO.parent / "shared" / "rivta-corpus"


@pytest.fixture(scope="session")
def corpus() -> Path:
    """Path of the corpus; tests that need it are skipped, with the reason shown, when it is absent."""
    path = corpus_path()
    if not (path / "contracts").is_dir():
        pytest.skip(f"RIVTA corpus not found at {path}; set RIVTA_CORPUS to its folder")
    return path
