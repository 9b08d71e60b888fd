"""Counting a load run: per-second buckets, failure kinds, samples, distinct unexpected answers.

Each process that runs virtual users keeps one ``Tally``; in a distributed run the workers
send theirs (``drain``) with Locust's periodic reports and the master ``merge``s them, so the
summary and the time slices cover every worker. Response times are kept as a histogram
rounded like Locust's own (1 ms below 100 ms, 10 ms below 1 s, 100 ms above), which keeps
the reports small whatever the call rate and the percentiles exact to that rounding.

Pure Python: the parent process reads summaries with it too.
"""

from __future__ import annotations

import math
from typing import Any

SAMPLES_PER_KIND = 3
MAX_DISTINCT_ANSWERS = 20
OK = "ok"
REFUSED = "connection-refused"


def _rounded(ms: float) -> int:
    if ms < 100:
        return round(ms)
    if ms < 1000:
        return round(ms, -1)
    return round(ms, -2)


def _empty_bucket() -> dict[str, Any]:
    return {"n": 0, "fail": 0, "down": 0, "slow": 0, "sum": 0.0, "max": 0.0, "hist": {}}


class Tally:
    """What one process (or, merged, the whole run) observed."""

    def __init__(self) -> None:
        self.buckets: dict[int, dict[str, Any]] = {}
        self.kinds: dict[str, int] = {}
        self.samples: dict[str, list[dict[str, Any]]] = {}
        self.answers: dict[str, dict[str, Any]] = {}  # unexpected answer digest → count, request, sample body
        self.by_worker: dict[str, int] = {}

    def add(
        self,
        second: int,
        ms: float,
        kind: str,
        *,
        slow: bool = False,
        sample: dict[str, Any] | None = None,
        answer: tuple[str, int, str] | None = None,
    ) -> None:
        """One call: its wall-clock second, time taken, outcome kind (``ok`` or a failure kind)."""
        bucket = self.buckets.get(second)
        if bucket is None:
            bucket = self.buckets[second] = _empty_bucket()
        bucket["n"] += 1
        bucket["sum"] += ms
        bucket["max"] = max(bucket["max"], ms)
        key = _rounded(ms)
        bucket["hist"][key] = bucket["hist"].get(key, 0) + 1
        if kind != OK:
            bucket["fail"] += 1
            self.kinds[kind] = self.kinds.get(kind, 0) + 1
        if kind == REFUSED:
            bucket["down"] += 1
        if slow:
            bucket["slow"] += 1
            self.kinds["over-sla"] = self.kinds.get("over-sla", 0) + 1
        if sample is not None:
            found = self.samples.setdefault(kind if kind != OK else "over-sla", [])
            if len(found) < SAMPLES_PER_KIND:
                found.append(sample)
        if answer is not None:
            digest, request, body = answer
            seen = self.answers.get(digest)
            if seen is not None:
                seen["count"] += 1
            elif len(self.answers) < MAX_DISTINCT_ANSWERS:
                self.answers[digest] = {"count": 1, "request": request, "body": body}

    def wants_sample(self, kind: str) -> bool:
        """Whether another sample of ``kind`` would still be kept (saves copying bodies)."""
        return len(self.samples.get(kind, ())) < SAMPLES_PER_KIND

    def knows_answer(self, digest: str) -> bool:
        """Whether this unexpected answer is already kept (its body need not be copied again)."""
        return digest in self.answers or len(self.answers) >= MAX_DISTINCT_ANSWERS

    # -- crossing process boundaries ---------------------------------------------------------

    def drain(self) -> dict[str, Any]:
        """Everything counted since the last drain, as JSON-ready data; the tally starts empty again."""
        data = {
            "buckets": {str(k): v for k, v in self.buckets.items()},
            "kinds": self.kinds,
            "samples": self.samples,
            "answers": self.answers,
        }
        self.buckets, self.kinds, self.samples, self.answers = {}, {}, {}, {}
        return data

    def merge(self, data: dict[str, Any], *, worker: str = "local") -> None:
        """Add a drained tally (from a worker's report) into this one."""
        for key, incoming in data.get("buckets", {}).items():
            second = int(key)
            bucket = self.buckets.get(second)
            if bucket is None:
                bucket = self.buckets[second] = _empty_bucket()
            for field in ("n", "fail", "down", "slow", "sum"):
                bucket[field] += incoming[field]
            bucket["max"] = max(bucket["max"], incoming["max"])
            for ms, count in incoming["hist"].items():
                rounded = int(float(ms))
                bucket["hist"][rounded] = bucket["hist"].get(rounded, 0) + count
            self.by_worker[worker] = self.by_worker.get(worker, 0) + incoming["n"]
        for kind, count in data.get("kinds", {}).items():
            self.kinds[kind] = self.kinds.get(kind, 0) + count
        for kind, found in data.get("samples", {}).items():
            kept = self.samples.setdefault(kind, [])
            kept.extend(found[: max(0, SAMPLES_PER_KIND - len(kept))])
        for digest, answer in data.get("answers", {}).items():
            if digest in self.answers:
                self.answers[digest]["count"] += answer["count"]
            elif len(self.answers) < MAX_DISTINCT_ANSWERS:
                self.answers[digest] = dict(answer)

    # -- figures -----------------------------------------------------------------------------

    def recent(self, now_second: int, seconds: int) -> tuple[int, int]:
        """(calls, refused connections) in the ``seconds`` whole seconds before ``now_second``."""
        calls = refused = 0
        for second in range(now_second - seconds, now_second):
            bucket = self.buckets.get(second)
            if bucket:
                calls += bucket["n"]
                refused += bucket["down"]
        return calls, refused

    def summary(self, start: float, end: float, users: dict[int, int], slice_s: float) -> dict[str, Any]:
        """Totals and per-slice figures between wall-clock ``start`` and ``end`` (seconds)."""
        total = _combine(self.buckets.values())
        elapsed = max(end - start, 1e-9)
        slices = []
        count = max(1, math.ceil(elapsed / slice_s))
        for index in range(count):
            begin = start + index * slice_s
            stop = math.floor(end) + 1 if index == count - 1 else math.floor(begin + slice_s)
            seconds = range(math.floor(begin), stop)
            picked = [self.buckets[s] for s in seconds if s in self.buckets]
            figures = _combine(picked)
            in_slice = [users[s] for s in seconds if s in users]
            slices.append(
                {
                    "t_s": round(index * slice_s, 3),
                    "users": max(in_slice) if in_slice else 0,
                    **{
                        k: figures[k]
                        for k in ("requests", "failures", "over_sla", "avg_ms", "p50_ms", "p95_ms", "p99_ms", "max_ms")
                    },
                }
            )
        return {
            **total,
            "throughput_rps": round(total["requests"] / elapsed, 2),
            "users_reached": max(users.values(), default=0),
            "failure_kinds": dict(self.kinds),
            "samples": self.samples,
            "unexpected_answers": self.answers,
            "by_worker": dict(self.by_worker),
            "slices": slices,
        }


def _combine(buckets: Any) -> dict[str, Any]:
    hist: dict[int, int] = {}
    requests = failures = slow = 0
    total_ms = max_ms = 0.0
    for bucket in buckets:
        requests += bucket["n"]
        failures += bucket["fail"]
        slow += bucket["slow"]
        total_ms += bucket["sum"]
        max_ms = max(max_ms, bucket["max"])
        for ms, count in bucket["hist"].items():
            hist[int(ms)] = hist.get(int(ms), 0) + count
    return {
        "requests": requests,
        "failures": failures,
        "over_sla": slow,
        "avg_ms": round(total_ms / requests, 2) if requests else None,
        "p50_ms": _percentile(hist, requests, 0.50, max_ms),
        "p95_ms": _percentile(hist, requests, 0.95, max_ms),
        "p99_ms": _percentile(hist, requests, 0.99, max_ms),
        "max_ms": round(max_ms, 2) if requests else None,
    }


def _percentile(hist: dict[int, int], total: int, fraction: float, max_ms: float) -> float | None:
    """The rounded value below which ``fraction`` of the calls lie (never above the true maximum)."""
    if not total:
        return None
    wanted = max(1, math.ceil(total * fraction))
    seen = 0
    for ms in sorted(hist):
        seen += hist[ms]
        if seen >= wanted:
            return min(ms, round(max_ms, 2))
    return round(max_ms, 2)
