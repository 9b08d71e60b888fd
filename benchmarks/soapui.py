"""What running Inera's SoapUI projects natively costs; prints figures from one run.

    .venv/bin/python benchmarks/soapui.py

- import: a cold interpreter imports harness.soapui and reads every corpus project (target ≤ 3 s);
- collection: ``pytest testsuites --collect-only`` with all corpus projects as --soapui-project;
- assertion overhead: median time per assertion of the GetCareDocumentation 3.0 project's cases,
  judged on a recorded answer (the reference producer's records), without the call (target ≤ 1 ms).

Nothing here is a pass/fail test: the numbers depend on the machine.
"""

from __future__ import annotations

import os
import statistics
import subprocess
import sys
import time
from pathlib import Path

REPO = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(REPO))

from harness.bundled import reference_fixtures  # noqa: E402
from harness.contracts.select import resolve_reference  # noqa: E402
from harness.soapui import find_projects, load_project  # noqa: E402
from harness.soapui.assertions import Checked, check  # noqa: E402
from harness.soapui.expansion import Scope  # noqa: E402
from harness.soapui.support import Message, ScriptEnv  # noqa: E402
from harness.testdata import load_testdata  # noqa: E402

CORPUS = Path(os.environ.get("RIVTA_CORPUS", REPO.parent / "shared" / "rivta-corpus"))
RELEASE = CORPUS / "domain-releases" / "clinicalprocess_healthcond_description_3.0.5"
GCD = RELEASE / "test-suite" / "GetCareDocumentation" / "GetCareDocumentation-soapui-project.xml"
DATA = REPO / "fixtures" / "testdata" / "GetCareDocumentation-3.toml"
COLD = f"""
import time
start = time.perf_counter()
from pathlib import Path
from harness.soapui import find_projects, load_project
projects = [load_project(p) for p in find_projects([Path({str(CORPUS)!r})])]
cases = sum(len(p.cases()) for p in projects)
print(len(projects), cases, time.perf_counter() - start)
"""


def cold_import() -> None:
    """Import and parse every corpus project in a fresh interpreter."""
    samples = []
    for _ in range(3):
        out = subprocess.run([sys.executable, "-c", COLD], capture_output=True, text=True, check=True, cwd=REPO)
        projects, cases, seconds = out.stdout.split()
        samples.append(float(seconds))
    print(f"import+parse, cold: {projects} projects, {cases} cases in {statistics.median(samples):.2f} s (median of 3)")


def collection() -> None:
    """pytest collection of every corpus project as SoapUI items, against the same run without them."""
    base = [sys.executable, "-m", "pytest", "testsuites", "--collect-only", "-q", "-p", "no:randomly"]
    arguments = list(base)
    for project in find_projects([CORPUS]):
        arguments += ["--soapui-project", str(project)]
    walls: dict[str, list[float]] = {"without": [], "with": []}
    items = 0
    for _ in range(3):  # interleaved, so machine load hits both alike
        for name, command in (("without", base), ("with", arguments)):
            start = time.perf_counter()
            out = subprocess.run(command, capture_output=True, text=True, cwd=REPO, check=False)
            walls[name].append(time.perf_counter() - start)
            items = max(items, sum(1 for line in out.stdout.splitlines() if "soapui-project" in line and "::" in line))
    without, with_projects = statistics.median(walls["without"]), statistics.median(walls["with"])
    print(
        f"pytest --collect-only: {items} SoapUI items add {with_projects - without:.2f} s "
        f"({with_projects:.2f} s wall against {without:.2f} s without them; medians of 3)"
    )


def assertion_overhead() -> None:
    """Median per-assertion time over the GCD 3.0 project's request steps, on a recorded answer."""
    project = load_project(GCD)
    contract = resolve_reference(f"{RELEASE}::GetCareDocumentation")[0]
    payload = (reference_fixtures() / "GetCareDocumentation_3.response.xml").read_bytes()
    body = payload.split(b"?>", 1)[1] if payload.startswith(b"<?xml") else payload
    response = (
        b'<?xml version="1.0" encoding="UTF-8"?><soapenv:Envelope xmlns:soapenv="http://schemas.xmlsoap.org/soap/envelope/">'
        b"<soapenv:Body>" + body + b"</soapenv:Body></soapenv:Envelope>"
    )
    data = load_testdata(DATA).suites["GetCareDocumentation"]
    samples: list[float] = []
    by_type: dict[str, list[float]] = {}
    for suite, case in project.cases():
        scope = Scope(project, suite, case, dict(project.properties), dict(suite.properties), dict(case.properties))
        scope.context.update(data.case_values(case.name))
        for step in case.steps:
            message = Message(response, (("Content-Type", "text/xml; charset=UTF-8"),), 200)
            env = ScriptEnv(scope, message, lambda: data, lambda path: [])
            checked = Checked(message, 12.0, contract, env)
            for assertion in step.assertions:
                for _ in range(5):
                    start = time.perf_counter()
                    check(assertion, case.name, checked)
                    samples.append(time.perf_counter() - start)
                    by_type.setdefault(assertion.type, []).append(samples[-1])
    print(
        f"per assertion (no call): median {statistics.median(samples) * 1000:.3f} ms, "
        f"p90 {statistics.quantiles(samples, n=10)[-1] * 1000:.3f} ms over {len(samples)} evaluations "
        "(Schematron excluded: harness.schematron's own benchmark)"
    )
    for kind, values in sorted(by_type.items()):
        print(f"  {kind}: median {statistics.median(values) * 1000:.3f} ms ({len(values)})")


if __name__ == "__main__":
    if not CORPUS.is_dir():
        sys.exit(f"corpus not found at {CORPUS} (set RIVTA_CORPUS)")
    cold_import()
    collection()
    assertion_overhead()
