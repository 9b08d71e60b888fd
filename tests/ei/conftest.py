"""EI mock fixtures: rules from the real corpus (read in place), a mock on a free port per test."""

from __future__ import annotations

from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path

import pytest

from harness.ei import EiSettings, RuleSet, load_rules, start_ei_mock
from harness.producer.runtime import ServerCertificates
from tests.ei.consumer import Consumer, FakeClock

EI_RELEASE = "domain-releases/itintegration_engagementindex_1.0.10"
HEALTHCOND_RELEASE = "domain-releases/clinicalprocess_healthcond_description_3.0.5"


@pytest.fixture(scope="session")
def ei_release(corpus: Path) -> Path:
    return corpus / EI_RELEASE


@pytest.fixture(scope="session")
def healthcond_release(corpus: Path) -> Path:
    return corpus / HEALTHCOND_RELEASE


@pytest.fixture(scope="session")
def rules(ei_release: Path, healthcond_release: Path) -> RuleSet:
    return load_rules(ei_release, [healthcond_release])


@pytest.fixture
def clock() -> FakeClock:
    return FakeClock()


@pytest.fixture
def serve(rules, pki, clock):
    """``with serve(**settings) as (running, consumer)``: a mock and a scripted consumer over mTLS."""

    @contextmanager
    def started(**settings: object) -> Iterator[tuple[object, Consumer]]:
        running = start_ei_mock(
            rules,
            EiSettings(**settings),  # type: ignore[arg-type]
            certificates=ServerCertificates(pki.producer_cert, pki.producer_key, pki.ca_bundle),
            clock=clock,
        )
        consumer = Consumer(running.url, pki, rules.update)
        try:
            yield running, consumer
        finally:
            consumer.close()
            running.stop()

    return started
