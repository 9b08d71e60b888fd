"""What Schematron costs: the one-time compile and the validation of each response after it.

    .venv/bin/python benchmarks/schematron.py     # reads the corpus from ../shared (or $RIVTA_CORPUS)

Target (issue 9): at most 5 ms per GetCareDocumentation answer once the rules are compiled.
"""

from __future__ import annotations

import os
import statistics
import sys
import time
from pathlib import Path

REPO = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(REPO))

from harness.schematron import compile_schematron  # noqa: E402

CORPUS = Path(os.environ.get("RIVTA_CORPUS", REPO.parent / "shared" / "rivta-corpus"))
RELEASE = CORPUS / "domain-releases" / "clinicalprocess_healthcond_description_3.0.5"
RESPONDER = "urn:riv:clinicalprocess:healthcond:description:GetCareDocumentationResponder:3"
CORE = "urn:riv:clinicalprocess:healthcond:description:3"


def answer(records: int) -> bytes:
    """A GetCareDocumentation 3 answer envelope with ``records`` distinct notes."""
    one = (
        "<careDocumentation><c:header><c:accessControlHeader><c:patientId><c:root>1.2.752.129.2.1.3.1</c:root>"
        "<c:extension>191212121212</c:extension></c:patientId><c:blockComparisonTime>20240102101500"
        "</c:blockComparisonTime><c:approvedForPatient>true</c:approvedForPatient></c:accessControlHeader>"
        "<c:sourceSystemId><c:root>1.2.752.129.2.1.4.1</c:root><c:extension>SE1</c:extension></c:sourceSystemId>"
        "<c:record><c:id><c:root>1.2.3.{n}</c:root></c:id><c:timestamp>20240102101500</c:timestamp></c:record>"
        "</c:header><c:body><c:clinicalDocumentNoteCode><c:code>utr</c:code><c:codeSystem>1.2.752.129.2.2.2.11"
        "</c:codeSystem></c:clinicalDocumentNoteCode><c:clinicalDocumentNoteText>Text {n}"
        "</c:clinicalDocumentNoteText></c:body></careDocumentation>"
    )
    body = "".join(one.format(n=n) for n in range(records))
    return (
        '<s:Envelope xmlns:s="http://schemas.xmlsoap.org/soap/envelope/"><s:Body>'
        f'<GetCareDocumentationResponse xmlns="{RESPONDER}" xmlns:c="{CORE}">{body}'
        "<result><c:resultCode>OK</c:resultCode></result></GetCareDocumentationResponse></s:Body></s:Envelope>"
    ).encode()


def main() -> int:
    rules_file = RELEASE / "test-suite" / "GetCareDocumentation" / "constraints.xml"
    if not rules_file.is_file():
        print(f"corpus not found at {CORPUS}; set RIVTA_CORPUS", file=sys.stderr)
        return 1
    start = time.perf_counter()
    rules = compile_schematron(rules_file, name="GetCareDocumentation/constraints.xml")
    print(f"compile, first (Saxon start + skeleton + stylesheet): {1000 * (time.perf_counter() - start):8.1f} ms")
    start = time.perf_counter()
    compile_schematron(rules_file, name="again")
    print(f"compile, same content again (cache):                   {1000 * (time.perf_counter() - start):8.3f} ms")
    other = RELEASE / "test-suite" / "GetAlertInformation" / "constraints.xml"
    start = time.perf_counter()
    compile_schematron(other, name="GetAlertInformation/constraints.xml")
    print(f"compile, another file (warm Saxon):                    {1000 * (time.perf_counter() - start):8.1f} ms")
    for records in (1, 10, 100):
        document = answer(records)
        assert rules.validate(document) == []
        samples = []
        for _ in range(200):
            start = time.perf_counter()
            rules.validate(document)
            samples.append(time.perf_counter() - start)
        print(
            f"validate, {records:3d} record(s), {len(document):7d} bytes: median "
            f"{1000 * statistics.median(samples):6.2f} ms, p95 {1000 * sorted(samples)[189]:6.2f} ms"
        )
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
