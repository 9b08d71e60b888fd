"""Running a TK load profile as a check: requests from the test data, a baseline, Locust, a verdict.

The public entry of ``harness.load``. A check in ``testsuites/`` calls ``run_check(rivta,
"basic")``; everything else (settings, the child processes, the figures) is behind it.

1. Requests: the contract's valid request once per patient in ``[tk.<Contract>] load_patients``
   (else patientId1/patientId2 of the TK case "6.1 Loadtest" or "6.2 Recovery"; values at
   ``load_patient_path``, found by name when not given), so every virtual user's answer can be
   told apart: an answer that carries another patient's value is mixed data.
2. Baseline: each request is sent alone, twice; the answer it gets then is what it must get
   under load (when the two differ the producer's answer is not stable and only the patient
   check applies).
3. Load: Locust in child processes (``harness.load.processes``) runs the profile.
4. Verdict: mixed data, failed calls and SLA breaches are findings; every distinct unexpected
   answer is validated against the schema here, once. A run that could not finish is an
   error with what was measured; recovery needs a valid answer after the load.
"""

from __future__ import annotations

import time
from collections.abc import Callable, Mapping, Sequence
from dataclasses import asdict, dataclass
from typing import Any

from cryptography.hazmat.primitives import serialization
from lxml import etree

from harness import xmlsafe
from harness.certs import load_ca_bundle
from harness.checks import answers
from harness.checks.compare import differences
from harness.contracts.sample import MessageBuilder
from harness.errors import LoadError
from harness.load.answers import payload_digest
from harness.load.processes import generate, sealed_credentials
from harness.load.profiles import PROFILES, Profile
from harness.load.settings import LoadSettings
from harness.results import CheckFailed, NotTested
from harness.soap import request_envelope
from harness.suite import Rivta
from harness.transport.client import CONSUMER_HSA_HEADER, CONTENT_TYPE
from harness.transport.exchange import Exchange

PATIENT_PATHS = (
    "patientId/extension", "patientId/id", "personId/extension", "personId/id", "subjectOfCareId/extension",
    "patientId", "personId",
)  # fmt: skip
TK_CASES = {"basic": "6.1 Loadtest", "endurance": "6.1 Loadtest", "recovery": "6.2 Recovery"}  # Inera's data.xml
RECOVERY_WINDOW_S = 60.0  # scaled like the profile, at least MIN_RECOVERY_WINDOW_S
MIN_RECOVERY_WINDOW_S = 3.0
MAX_SLICES = 60


@dataclass(frozen=True, slots=True)
class LoadRequest:
    """One distinct request the virtual users send, and what it gets when sent alone."""

    patient: str | None
    payload: etree._Element
    baseline: Exchange | None = None
    digest: str | None = None


def run_check(rivta: Rivta, name: str, settings: LoadSettings, stop_run: Callable[[str], None] | None = None) -> None:
    """Run profile ``name`` against the producer and give the check its verdict (by raising, as checks do)."""
    profile = PROFILES[name]
    if not settings.enabled:
        raise NotTested(
            f"not tested: load profiles run only on request ({profile.describe()}); "
            "run them with `rivta-harness load run` (same options) or add --load"
        )
    if name not in settings.profiles:
        raise NotTested(f"not tested: --load-profile {','.join(settings.profiles)} leaves {name} out")
    scaled = profile.scaled(settings.scale)
    requests = _baseline(rivta, _requests(rivta, name))
    plan = _plan(rivta, scaled, requests)
    credentials = rivta.session.credentials
    if credentials is None:
        raise LoadError("no client certificate is loaded for the load generator")
    generated = generate(
        plan,
        sealed_credentials(credentials),
        workers=settings.workers,
        master_bind=settings.master_bind,
        ui_port=settings.ui_port,
    )
    result = generated.result
    rivta.measure("load", _figures(scaled, result))
    if generated.interrupted:
        if stop_run is not None:
            stop_run("interrupted (Ctrl-C) during a load profile")
        raise LoadError(f"interrupted after {result['duration_s']:g} s of {scaled.duration_s:g} s; figures kept")
    overloaded = name == "recovery" and result.get("producer_refused")  # refusing under maximum load is allowed
    if result["aborted"] and not overloaded:
        _probe(rivta, requests[0], "call after the load stopped early")  # unreachable: a TransportError
        raise LoadError(f"the load run stopped after {result['duration_s']:g} s: {result['aborted']}")
    if result["requests"] == 0:
        raise LoadError("the load generator made no call")
    # Under TF 6.2.1's maximum load failed and slow calls are expected; mixed data never is.
    findings = _findings(rivta, requests, result, scaled, judge_failures=name != "recovery")
    if name == "recovery":
        recovered = _recovered(rivta, requests[0], settings.scale)
        rivta.measure("recovered", recovered)
        if overloaded:
            rivta.measure("stopped_early", result["aborted"])
        if not recovered:
            findings.append(
                f"after {result['users_reached']} users no valid answer to a plain TF 1.1.1 call came within "
                f"{_recovery_window(settings.scale):g} s"
            )
    if name == "endurance":
        rivta.measure("held_s", _held_for(result))
    rivta.expect(findings, f"{profile.tf} {name}: {len(findings)} problem(s) under {scaled.describe()}")


# -- requests and baseline ---------------------------------------------------------------------


def _requests(rivta: Rivta, profile: str) -> list[LoadRequest]:
    name = rivta.contract.name
    testdata = rivta.session.testdata
    known = [p.path for p in MessageBuilder(rivta.contract).value_paths(rivta.contract.operation.request_element)]
    path = testdata.fact(name, "load_patient_path") or next(
        (p for wanted in PATIENT_PATHS for p in known if p == wanted or p.endswith(f"/{wanted}")), None
    )
    if path is None:
        return [LoadRequest(None, rivta.request())]  # nothing patient-specific to vary (e.g. PingForConfiguration)
    patients = testdata.fact(name, "load_patients")
    suite = testdata.suite(name)
    if patients is None and suite is not None:
        patients = [p for key in ("patientId1", "patientId2") if (p := suite.value(TK_CASES[profile], key))]
    if not isinstance(patients, list) or len({str(p) for p in patients}) < 2:
        raise NotTested(
            "not tested: the load profiles need at least two patients to tell answers apart: "
            f"{testdata.describe_key(name, 'load_patients')} (a list of patient ids for {path}), or patientId1 and "
            f"patientId2 of the TK case {TK_CASES[profile]!r}"
        )
    return [LoadRequest(str(p), rivta.request({str(path): str(p)})) for p in dict.fromkeys(str(p) for p in patients)]


def _baseline(rivta: Rivta, requests: list[LoadRequest]) -> list[LoadRequest]:
    """Each request sent alone, twice: the answer it must get under load."""
    done = []
    for request in requests:
        who = f" for patient {request.patient}" if request.patient else ""
        first, second = (
            rivta.call(etree.fromstring(etree.tostring(request.payload)), label=f"alone{who} #{n}") for n in (1, 2)
        )
        rivta.answered(first)
        problems = answers.response_envelope_findings(first) or answers.response_schema_findings(rivta.contract, first)
        if problems:
            raise CheckFailed(
                "the request gets no valid answer even when sent alone", [f"{first.label}: {p}" for p in problems[:3]]
            )
        digest = payload_digest(first.envelope.payload)  # type: ignore[union-attr]
        again = second.envelope.payload if second.envelope is not None else None
        stable = again is not None and payload_digest(again) == digest
        done.append(LoadRequest(request.patient, request.payload, first, digest if stable else None))
    return done


def _plan(rivta: Rivta, profile: Profile, requests: Sequence[LoadRequest]) -> dict[str, Any]:
    session = rivta.session
    client = session.start()
    contract = rivta.contract
    headers = {"Content-Type": CONTENT_TYPE, "SOAPAction": f'"{contract.operation.soap_action}"'}
    if client.consumer_hsa_id:
        headers[CONSUMER_HSA_HEADER] = client.consumer_hsa_id
    ca_pem = None
    if client.ca_bundle:
        ca_pem = "".join(
            c.public_bytes(serialization.Encoding.PEM).decode("ascii") for c in load_ca_bundle(client.ca_bundle)
        )
    return {
        "url": client.url,
        "verify_hostname": client.settings.verify_hostname,
        "ca_pem": ca_pem,
        "connect_timeout": client.settings.connect_timeout,
        "read_timeout": client.settings.read_timeout,
        "sla_seconds": session.options.sla_seconds,
        "headers": headers,
        "requests": [
            {
                "patient": r.patient,
                "digest": r.digest,
                "body": request_envelope(contract, r.payload, logical_address=session.logical_address).decode(),
            }
            for r in requests
        ],
        "profile": asdict(profile),
        "slice_s": max(1, round(profile.duration_s / MAX_SLICES)),
    }


# -- judging -----------------------------------------------------------------------------------


def _figures(profile: Profile, result: Mapping[str, Any]) -> dict[str, Any]:
    """What the report shows: totals, per-slice figures, the profile and the scale."""
    keep = (
        "requests", "failures", "over_sla", "avg_ms", "p50_ms", "p95_ms", "p99_ms", "max_ms", "throughput_rps",
        "users_reached", "duration_s", "planned_s", "aborted", "producer_refused", "workers", "failure_kinds", "by_worker", "slices",
        "samples",
    )  # fmt: skip
    return {"profile": profile.name, "tf": profile.tf, "scale": profile.scale, "describe": profile.describe()} | {
        key: result.get(key) for key in keep
    }


def _findings(
    rivta: Rivta,
    requests: Sequence[LoadRequest],
    result: Mapping[str, Any],
    profile: Profile,
    *,
    judge_failures: bool,
) -> list[str]:
    findings: list[str] = []
    kinds: dict[str, int] = dict(result["failure_kinds"])
    samples: Mapping[str, list[dict[str, Any]]] = result["samples"]
    if kinds.get("other-patient"):
        findings.append(
            f"mixed data: {kinds.pop('other-patient')} answers carried another patient's values"
            + _sample(samples.get("other-patient"))
        )
    if kinds.get("differs-from-alone"):
        findings.append(
            f"mixed data: {kinds.pop('differs-from-alone')} answers differ from the answer the same request gets alone"
        )
        for answer in result["unexpected_answers"].values():
            findings += _unexpected(rivta, requests[answer["request"]], answer)
    over = kinds.pop("over-sla", 0)
    if not judge_failures:
        return findings
    if kinds:
        listed = ", ".join(f"{kind} ×{count}" for kind, count in sorted(kinds.items(), key=lambda kv: -kv[1]))
        first = next(iter(sorted(kinds, key=lambda k: -kinds[k])))
        findings.append(
            f"{sum(kinds.values())} of {result['requests']} calls failed: {listed}" + _sample(samples.get(first))
        )
    if over:
        findings.append(
            f"{over} calls took longer than the SLA of {rivta.session.options.sla_seconds:g} s "
            f"(max {result['max_ms']:g} ms)" + _sample(samples.get("over-sla"))
        )
    if profile.name == "basic" and result["users_reached"] < profile.users:
        raise LoadError(f"the load generator reached only {result['users_reached']} of {profile.users} users")
    return findings


def _sample(found: Sequence[Mapping[str, Any]] | None) -> str:
    if not found:
        return ""
    first = found[0]
    what = first["error"] or f"HTTP {first['status']}: {' '.join(first['body'].split())[:160]}"
    who = f" for patient {first['patient']}" if first["patient"] else ""
    return f" (e.g. the call{who} after {first['ms']:g} ms: {what})"


def _unexpected(rivta: Rivta, request: LoadRequest, answer: Mapping[str, Any]) -> list[str]:
    """Why one distinct unexpected answer differs, and whether it is schema-valid."""
    who = f"patient {request.patient}" if request.patient else "the request"
    try:
        root = xmlsafe.parse(answer["body"].encode(), source="load answer")
    except Exception:  # the body is kept as text; unparseable means not even XML
        return [f"an answer for {who} (×{answer['count']}) is not XML"]
    body = root.find("{http://schemas.xmlsoap.org/soap/envelope/}Body")
    payload = body[0] if body is not None and len(body) else None
    if payload is None or request.baseline is None or request.baseline.envelope is None:
        return [f"an answer for {who} (×{answer['count']}) has no response element"]
    baseline = request.baseline.envelope.payload
    assert baseline is not None
    found = [f"answer for {who} (×{answer['count']}) vs alone: {d}" for d in differences(baseline, payload, limit=2)]
    found += [f"answer for {who} (×{answer['count']}): {f}" for f in rivta.contract.schema.validate(payload)[:2]]
    return found


def _held_for(result: Mapping[str, Any]) -> float:
    """Seconds the producer held before the first slice with a failure (the whole run when none)."""
    for piece in result["slices"]:
        if piece["failures"]:
            return float(piece["t_s"])
    return float(result["duration_s"])


def _recovery_window(scale: float) -> float:
    return max(MIN_RECOVERY_WINDOW_S, RECOVERY_WINDOW_S * scale)


def _probe(rivta: Rivta, request: LoadRequest, label: str) -> Exchange:
    return rivta.call(etree.fromstring(etree.tostring(request.payload)), label=label)


def _recovered(rivta: Rivta, request: LoadRequest, scale: float) -> bool:
    """A plain TF 1.1.1 call answered validly (as when sent alone) within the recovery window.

    Refused connections are tolerated while the window lasts (the producer may be restarting);
    still unreachable at its end, the producer is gone: an error, not a verdict.
    """
    deadline = time.monotonic() + _recovery_window(scale)
    client = rivta.session.start()
    attempt = 0
    while True:
        attempt += 1
        exchange = client.call(
            rivta.contract,
            etree.fromstring(etree.tostring(request.payload)),
            logical_address=rivta.session.logical_address,
            label=f"TF 1.1.1 call after the load, attempt {attempt}",
        )
        payload = exchange.envelope.payload if exchange.envelope is not None and exchange.status == 200 else None
        valid = payload is not None and not rivta.contract.schema.validate(payload)
        last = time.monotonic() > deadline
        if exchange.status is not None or valid or last:
            rivta.record(exchange)
        if valid and (request.digest is None or payload_digest(payload) == request.digest):
            return True
        if last:
            return False
        time.sleep(0.5)
