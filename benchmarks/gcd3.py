"""The full GetCareDocumentation 3 run (generic + TK suite) against a producer that takes 200 ms per answer.

    .venv/bin/python benchmarks/gcd3.py [LATENCY_MS]

Prints the run's wall time beside the sum of its calls' latency (every answered exchange of
the run, each once, from the self-declaration's evidence): independent calls overlap over the
shared keep-alive pool and identical requests are asked once, so the wall time should stay
well under that sum (target ≤ 0.5×). Then the Schematron cost per answer after the one-time
compile. Needs the corpus (../shared/rivta-corpus or $RIVTA_CORPUS). Not a test: figures
depend on the machine.
"""

from __future__ import annotations

import copy
import json
import os
import statistics
import subprocess
import sys
import tempfile
import time
from pathlib import Path

REPO = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(REPO))

from lxml import etree  # noqa: E402

from harness.schematron import compile_schematron, release_schematron  # noqa: E402

CORPUS = Path(os.environ.get("RIVTA_CORPUS", REPO.parent / "shared" / "rivta-corpus"))
RELEASE = CORPUS / "domain-releases" / "clinicalprocess_healthcond_description_3.0.5"


def run_suite(latency_ms: int) -> None:
    with tempfile.TemporaryDirectory() as out:
        command = [
            str(REPO / ".venv/bin/rivta-harness"), "run", "-q", "-p", "no:cacheprovider",
            "--contract", f"{RELEASE}::GetCareDocumentation",
            "--testdata", str(REPO / "fixtures/testdata/GetCareDocumentation-3.toml"),
            "--declaration", str(REPO / "fixtures/declarations/GetCareDocumentation-3.toml"),
            "--embedded-latency", str(latency_ms), "--report-dir", out,
        ]  # fmt: skip
        started = time.perf_counter()
        subprocess.run(command, check=False, capture_output=True)
        wall = time.perf_counter() - started
        document = json.loads((Path(out) / "self-declaration.json").read_text(encoding="utf-8"))
        unique: dict[tuple[str, str, str], float] = {}
        for check in document["checks"]:
            if check["evidence"]:
                evidence = json.loads((Path(out) / check["evidence"]).read_text(encoding="utf-8"))
                for exchange in evidence["exchanges"]:
                    if exchange["status"] is not None:
                        key = (exchange["started_at"], exchange["label"], exchange["url"])
                        unique[key] = exchange["timing_ms"]["total"] / 1000
        total = sum(unique.values())
        print(f"GetCareDocumentation 3 run at {latency_ms} ms per answer: {len(document['checks'])} checks, "
              f"{len(unique)} answered calls")  # fmt: skip
        print(f"  wall time (start-up, every check, report)   {wall:7.2f} s")
        print(f"  sum of the calls' latency                   {total:7.2f} s")
        print(f"  wall / sum                                  {wall / total:7.2f}   (target <= 0.5)")


def schematron_cost() -> None:
    rules_source = release_schematron(RELEASE, "GetCareDocumentation")
    assert rules_source is not None
    started = time.perf_counter()
    rules = compile_schematron(rules_source, name="constraints.xml")
    compiled = time.perf_counter() - started
    fixture = etree.parse(str(REPO / "fixtures/reference-producer/GetCareDocumentation_3.response.xml")).getroot()
    for size in (1, 11, 32):
        answer = _first_records(fixture, size)
        rules.validate(answer)
        times = []
        for _ in range(30):
            started = time.perf_counter()
            rules.validate(answer)
            times.append(time.perf_counter() - started)
        print(f"Schematron (constraints.xml, compiled once in {compiled * 1000:.0f} ms): answer of {size:2d} records "
              f"{statistics.median(times) * 1000:5.1f} ms median (target <= 5 ms for a typical answer)")  # fmt: skip


def _first_records(fixture: etree._Element, size: int) -> etree._Element:
    answer = copy.deepcopy(fixture)
    for record in [child for child in answer if etree.QName(child).localname == "careDocumentation"][size:]:
        answer.remove(record)
    return answer


if __name__ == "__main__":
    if not RELEASE.is_dir():
        sys.exit(f"corpus release not found at {RELEASE}; set RIVTA_CORPUS")
    run_suite(int(sys.argv[1]) if len(sys.argv) > 1 else 200)
    schematron_cost()
