"""How fast the EI mock judges Updates; prints figures from one run (not a pass/fail test).

    .venv/bin/python benchmarks/ei_update.py

Target (issue 13): a 1000-engagement Update judged (schema + general and domain Schematron +
unique keys) in at most 100 ms after warm-up, and answers kept coming while a vendor's
initial load sends 1000-engagement calls back to back over mutual TLS.
"""

from __future__ import annotations

import os
import statistics
import sys
import tempfile
import time
from collections.abc import Callable
from pathlib import Path

REPO = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(REPO))

from harness.certs import generate_test_pki  # noqa: E402
from harness.ei import EiSettings, load_rules, start_ei_mock  # noqa: E402
from harness.ei.judge import judge_update, read_engagements  # noqa: E402
from harness.producer.runtime import ServerCertificates  # noqa: E402
from harness.schematron import validate_all  # noqa: E402
from tests.ei.consumer import Consumer, people, result_of, update  # noqa: E402

CORPUS = Path(os.environ.get("RIVTA_CORPUS", REPO.parent / "shared" / "rivta-corpus"))
EI_RELEASE = CORPUS / "domain-releases" / "itintegration_engagementindex_1.0.10"
HEALTHCOND = CORPUS / "domain-releases" / "clinicalprocess_healthcond_description_3.0.5"
WARM_UP = 5
ROUNDS = 30


def samples(action: Callable[[], object], rounds: int = ROUNDS) -> tuple[list[float], list[float]]:
    """Wall and CPU milliseconds of each of ``rounds`` runs after ``WARM_UP`` unmeasured ones.

    CPU time is this process's own: on a machine shared with other work it shows the cost
    without the waiting for a core that inflates the wall time.
    """
    for _ in range(WARM_UP):
        action()
    wall, cpu = [], []
    for _ in range(rounds):
        start, start_cpu = time.perf_counter(), time.process_time()
        action()
        wall.append((time.perf_counter() - start) * 1000)
        cpu.append((time.process_time() - start_cpu) * 1000)
    return wall, cpu


def p95(values: list[float]) -> float:
    ordered = sorted(values)
    return ordered[max(0, int(0.95 * len(ordered)) - 1)]


def line(label: str, measured: tuple[list[float], list[float]]) -> None:
    wall, cpu = measured
    print(
        f"  {label:<40} wall median {statistics.median(wall):6.1f} ms, p95 {p95(wall):6.1f} ms;"
        f"  CPU median {statistics.median(cpu):6.1f} ms"
    )


def main() -> None:
    rules = load_rules(EI_RELEASE, [HEALTHCOND])
    domain = rules.domains["riv:clinicalprocess:healthcond:description"].schematron
    payload = update(people(1000))
    print(f"Judging one 1000-engagement Update ({WARM_UP} warm-up rounds, {ROUNDS} measured)")
    line("schema (lxml)", samples(lambda: rules.update.schema.validate(payload)))
    line("general Schematron (saxonche)", samples(lambda: rules.general.validate(payload)))
    line("domain Schematron (saxonche)", samples(lambda: domain.validate(payload)))
    line("both Schematron files, one Saxon parse", samples(lambda: validate_all([rules.general, domain], payload)))
    line("unique keys", samples(lambda: len({e.key for e in read_engagements(payload)})))
    whole = samples(lambda: judge_update(payload, rules))
    line("whole judgement (all of the above)", whole)
    met = statistics.median(whole[0]) <= 100
    print(
        f"  {'target <= 100 ms (wall median)':<40} {'met' if met else 'NOT met'} (load average {os.getloadavg()[0]:.1f})"
    )

    print("Initial load over mutual TLS: 1000-engagement Updates back to back, one consumer")
    with tempfile.TemporaryDirectory() as folder:
        pki = generate_test_pki(Path(folder))
        certificates = ServerCertificates(pki.producer_cert, pki.producer_key, pki.ca_bundle)
        with start_ei_mock(rules, EiSettings(keep_calls=20), certificates=certificates) as running:
            consumer = Consumer(running.url, pki, rules.update)
            batches = [people(1000, start=1000 * n) for n in range(40)]
            consumer.send(batches[0])
            latencies = []
            start = time.perf_counter()
            for batch in batches[1:]:
                exchange = consumer.send(batch)
                assert result_of(exchange)[0] in ("OK", "INFO"), result_of(exchange)
                latencies.append(exchange.timing.total_ms)
            elapsed = time.perf_counter() - start
            consumer.close()
    rate = len(latencies) / elapsed
    print(f"  {'call round trip':<40} median {statistics.median(latencies):6.1f} ms, p95 {p95(latencies):6.1f} ms")
    print(f"  {'throughput':<40} {rate:6.1f} calls/s = {1000 * rate:,.0f} engagements/s")


if __name__ == "__main__":
    main()
