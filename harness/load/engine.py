"""The Locust side of a load run; executed only as a child process (``python -m harness.load.engine``).

Importing Locust monkey-patches the whole interpreter for gevent. That must never reach the
pytest process, the harness's own threads or the reference producer, so this module is the
only one that imports Locust, and it runs in a process of its own. The parent writes one JSON
document to our stdin: the plan (what to send, what to expect) and the client credentials as
a PKCS#12 encrypted with a single-use password; nothing secret touches the disk. The result
is one JSON line on stdout; Locust's own logging goes to stderr.

Modes: ``local`` (users in this process), ``master BIND N`` (waits for N workers, sends them
the plan, merges their tallies), ``worker MASTER`` (runs users for a master).
"""

from __future__ import annotations

import base64
import contextlib
import itertools
import json
import logging
import signal
import ssl
import sys
import time
import uuid
from typing import Any
from urllib.parse import urlsplit

import gevent
import gevent.event
import locust  # noqa: F401  (first: gevent's monkey-patching must precede every other import)
from cryptography.hazmat.primitives.serialization import pkcs12
from geventhttpclient import HTTPClient
from locust import User, between, events, task
from locust.env import Environment
from locust.runners import STATE_MISSING, MasterRunner

from harness.certs import ClientCredentials
from harness.load.answers import inspect_answer
from harness.load.profiles import Profile
from harness.load.tally import OK, REFUSED, Tally

UNREACHABLE_ABORT_S = 3
WORKER_WAIT_S = 60.0
FLUSH_WAIT_S = 3.0
REPORT_LAG_S = 4  # workers report every 3 s: judge the master's view with that delay
BODY_SAMPLE_BYTES = 4000

_state: dict[str, Any] = {"plan": None, "context": None, "abort": None}
_tally = Tally()
_plan_ready = gevent.event.Event()
_workers: set[str] = set()
_flushed: set[str] = set()


def _context(plan: dict[str, Any], secrets: dict[str, str]) -> ssl.SSLContext:
    """A TLS context with our function certificate, built from the PKCS#12 handed over the pipe."""
    key, cert, extra = pkcs12.load_key_and_certificates(
        base64.b64decode(secrets["pkcs12"]), secrets["password"].encode()
    )
    assert key is not None
    assert cert is not None
    context = ssl.create_default_context(ssl.Purpose.SERVER_AUTH, cadata=plan.get("ca_pem") or None)
    context.minimum_version = ssl.TLSVersion.TLSv1_2
    context.check_hostname = bool(plan["verify_hostname"])
    ClientCredentials([cert, *extra], key, source="the load controller").apply_to(context)  # type: ignore[arg-type]
    return context


def _use_plan(plan: dict[str, Any]) -> None:
    plan["profile"] = Profile(**plan["profile"])
    patients = plan.get("patients") or [r["patient"] for r in plan["requests"] if r["patient"]]
    for request in plan["requests"]:
        request["body"] = request["body"].encode()
        request["others"] = frozenset(p for p in patients if p != request["patient"])
    parts = urlsplit(plan["url"])
    plan["host"], plan["port"] = parts.hostname, parts.port or 443
    plan["path"] = parts.path + (f"?{parts.query}" if parts.query else "")
    _state["plan"] = plan
    if _state["context"] is not None:
        _plan_ready.set()


class RivtaUser(User):
    """One virtual consumer: a kept-alive mTLS connection, the plan's requests in turn, checked answers."""

    _numbers = itertools.count()

    def wait_time(self) -> float:
        profile: Profile = _state["plan"]["profile"]
        return between(profile.think_min_s, profile.think_max_s)(self)

    def on_start(self) -> None:
        _plan_ready.wait()
        plan = _state["plan"]
        self._turn = next(self._numbers)
        self._client = HTTPClient(
            plan["host"],
            port=plan["port"],
            ssl=True,
            ssl_context_factory=lambda *args, **kwargs: _state["context"],
            insecure=not plan["verify_hostname"],
            connection_timeout=plan["connect_timeout"],
            network_timeout=plan["read_timeout"],
            concurrency=1,
        )

    def on_stop(self) -> None:
        with contextlib.suppress(Exception):
            self._client.close()

    @task
    def call(self) -> None:
        plan = _state["plan"]
        requests = plan["requests"]
        index = self._turn % len(requests)
        self._turn += 1
        request = requests[index]
        headers = {**plan["headers"], "x-skltp-correlation-id": str(uuid.uuid4())}
        started = time.time()
        begin = time.perf_counter()
        status, body, error = None, b"", None
        try:
            response = self._client.post(plan["path"], body=request["body"], headers=headers)
            status = response.status_code
            body = response.read()
        except gevent.GreenletExit:
            raise
        except Exception as exc:  # every network, TLS and timeout failure is a finding, not a crash
            error = exc
        ms = (time.perf_counter() - begin) * 1000
        _record(request, index, int(started), ms, (status, body, error))


def _record(
    request: dict[str, Any], index: int, second: int, ms: float, answer: tuple[int | None, bytes, Exception | None]
) -> None:
    status, body, error = answer
    plan = _state["plan"]
    slow = ms > plan["sla_seconds"] * 1000
    unexpected = None
    if error is not None:
        kind = _error_kind(error)
    elif status != 200:
        kind = f"http-{status}"
    else:
        inspection = inspect_answer(body, request["others"])
        kind = OK if inspection.kind == "data" else inspection.kind
        if inspection.foreign is not None:
            kind = "other-patient"
        elif inspection.digest is not None and request["digest"] and inspection.digest != request["digest"]:
            kind = "differs-from-alone"
            kept = _tally.knows_answer(inspection.digest)
            unexpected = (inspection.digest, index, "" if kept else body.decode("utf-8", "replace"))
    sample = None
    if (kind != OK or slow) and _tally.wants_sample(kind if kind != OK else "over-sla"):
        sample = {
            "kind": kind,
            "request": index,
            "patient": request["patient"],
            "status": status,
            "ms": round(ms, 1),
            "error": None if error is None else f"{type(error).__name__}: {error}"[:300],
            "body": body[:BODY_SAMPLE_BYTES].decode("utf-8", "replace"),
        }
    _tally.add(second, ms, kind, slow=slow, sample=sample, answer=unexpected)


def _error_kind(error: Exception) -> str:
    text = f"{type(error).__name__} {error}".lower()
    if isinstance(error, ConnectionRefusedError) or "refused" in text:
        return REFUSED
    if isinstance(error, ssl.SSLError):
        return "tls-error"
    if isinstance(error, TimeoutError | gevent.Timeout) or "timed out" in text:
        return "timeout"
    if isinstance(error, ConnectionResetError) or "reset" in text or "closed" in text:
        return "connection-reset"
    return "transport-error"


# -- controlling the run (local runner or master) ---------------------------------------------


def _drive(environment: Environment, expected_workers: int) -> dict[str, Any]:
    plan = _state["plan"]
    profile: Profile = plan["profile"]
    runner = environment.runner
    assert runner is not None
    if isinstance(runner, MasterRunner):
        waited = time.monotonic()
        while runner.worker_count < expected_workers and _state["abort"] is None:
            if time.monotonic() - waited > WORKER_WAIT_S:
                _state["abort"] = f"only {runner.worker_count} of {expected_workers} load workers joined"
            gevent.sleep(0.1)
    users: dict[int, int] = {}
    start = time.time()
    target = -1
    while _state["abort"] is None:
        elapsed = time.time() - start
        if elapsed >= profile.duration_s:
            break
        wanted = profile.users_at(elapsed)
        if wanted != target:
            runner.start(wanted, spawn_rate=max(wanted, 1) * 10)
            target = wanted
        now = int(time.time())
        users[now] = max(users.get(now, 0), runner.user_count)
        _watch(runner, expected_workers, now, elapsed)
        gevent.sleep(0.2)
    end = time.time()
    users[int(end)] = max(users.get(int(end), 0), runner.user_count)
    runner.stop()
    if isinstance(runner, MasterRunner):
        _collect_final_tallies(runner)
    summary = _tally.summary(start, end, users, plan["slice_s"])
    return {
        "started_at": start,
        "duration_s": round(end - start, 3),
        "planned_s": profile.duration_s,
        "aborted": _state["abort"],
        "producer_refused": bool(_state.get("refused")),
        "workers": expected_workers,
        **summary,
    }


def _collect_final_tallies(runner: MasterRunner) -> None:
    """Ask every worker for what it counted since its last report (Locust sends its own only on quit)."""
    gone = {client.id for client in runner.clients.all if client.state == STATE_MISSING}
    for worker in _workers - gone:
        runner.send_message("rivta-flush", None, client_id=worker)
    deadline = time.monotonic() + FLUSH_WAIT_S
    while not (_workers - gone) <= _flushed and time.monotonic() < deadline:
        gevent.sleep(0.05)


def _watch(runner: Any, expected_workers: int, now: int, elapsed: float) -> None:
    """Stop early when a worker is gone or the producer has stopped accepting connections."""
    distributed = isinstance(runner, MasterRunner)
    if distributed and runner.worker_count < expected_workers:
        _state["abort"] = f"a load worker stopped ({runner.worker_count} of {expected_workers} left)"
        return
    lag = REPORT_LAG_S if distributed else 0
    if elapsed < UNREACHABLE_ABORT_S + lag + 1:
        return
    calls, refused = _tally.recent(now - lag, UNREACHABLE_ABORT_S)
    if calls and refused == calls:
        _state["abort"] = f"the producer refused every connection for {UNREACHABLE_ABORT_S} s"
        _state["refused"] = True


# -- entry -------------------------------------------------------------------------------------


def _stop_on_signal(reason: str) -> None:
    if _state["abort"] is None:
        _state["abort"] = reason


def main(argv: list[str]) -> int:
    """``local`` | ``master HOST:PORT WORKERS`` | ``worker HOST:PORT``; the input document comes on stdin."""
    logging.basicConfig(level=logging.WARNING, stream=sys.stderr, format="locust: %(message)s")
    document = json.loads(sys.stdin.readline())
    mode = argv[0]
    signal.signal(signal.SIGTERM, lambda *_: _stop_on_signal("interrupted"))
    signal.signal(signal.SIGINT, lambda *_: _stop_on_signal("interrupted"))
    plan_message = json.loads(json.dumps(document.get("plan")))
    if document.get("plan"):
        _use_plan(document["plan"])
    environment = Environment(user_classes=[RivtaUser], events=events)
    if mode == "worker":
        return _worker(environment, document, argv[1])
    if mode == "local":
        _state["context"] = _context(_state["plan"], document["secrets"])
        _plan_ready.set()
        environment.create_local_runner()
        expected = 1
    else:
        host, _, port = argv[1].rpartition(":")
        runner = environment.create_master_runner(master_bind_host=host, master_bind_port=int(port))
        expected = int(argv[2])

        def send_plan(environment: Environment, msg: Any, **kwargs: Any) -> None:
            _workers.add(msg.node_id)
            runner.send_message("rivta-plan", plan_message, client_id=msg.node_id)

        def final_tally(environment: Environment, msg: Any, **kwargs: Any) -> None:
            _tally.merge(msg.data, worker=str(msg.node_id))
            _flushed.add(msg.node_id)

        runner.register_message("rivta-need-plan", send_plan)
        runner.register_message("rivta-tally", final_tally)
        events.worker_report.add_listener(
            lambda client_id, data: _tally.merge(data.get("rivta", {}), worker=str(client_id))
        )
    if document.get("ui"):
        environment.create_web_ui("127.0.0.1", int(document["ui"]))
    result = _drive(environment, expected)
    if not isinstance(environment.runner, MasterRunner):
        result["by_worker"] = {"local": result["requests"]}
    environment.runner.quit()
    sys.stdout.write(json.dumps(result) + "\n")
    sys.stdout.flush()
    return 0


def _worker(environment: Environment, document: dict[str, Any], master: str) -> int:
    host, _, port = master.rpartition(":")
    runner = environment.create_worker_runner(host, int(port))
    secrets = document["secrets"]

    def on_plan(environment: Environment, msg: Any, **kwargs: Any) -> None:
        _use_plan(msg.data)
        _state["context"] = _context(_state["plan"], secrets)
        _plan_ready.set()

    runner.register_message("rivta-plan", on_plan)
    runner.register_message(
        "rivta-flush", lambda environment, msg, **kw: runner.send_message("rivta-tally", _tally.drain())
    )
    runner.send_message("rivta-need-plan")  # asked for only now: a plan sent on connect could beat the handler
    events.report_to_master.add_listener(lambda client_id, data: data.__setitem__("rivta", _tally.drain()))
    runner.greenlet.join()
    return 0


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))
