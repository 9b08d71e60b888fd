"""The rules between calls: key intervals, initial load, parallel calls, retries, marked changes.

Time comes from an injectable clock (seconds, monotonic), so tests run the 5-minute and
60-minute rules in milliseconds; the mock in production uses the real one. The timeline only
records and compares: it never answers calls.
"""

from __future__ import annotations

import re
import threading
import time
from collections.abc import Callable, Iterable
from dataclasses import dataclass, field

from harness.ei.judge import Breach, Engagement
from harness.ei.questions import Question

KEY_INTERVAL_SECONDS = 300.0  # TKB R8
RETRY_INTERVAL_SECONDS = 300.0  # RIVTA BP 2.1 rule #22
INITIAL_LOAD_PAUSE_SECONDS = 5.0  # TKB R12 default
MARK_DEADLINE_SECONDS = 3600.0  # EI_TF 2.1
PRUNE_ABOVE = 200_000  # keys older than the R8 interval are forgotten beyond this many
_PERSON = re.compile(r"(?<![0-9A-Za-z])(\d{8})-?([0-9A-Zptf]{4})(?![0-9A-Za-z])")

Clock = Callable[[], float]


def system_clock() -> float:
    """The real clock the mock runs on."""
    return time.monotonic()


@dataclass(slots=True)
class Mark:
    """A change the vendor made in the source system, and the Update that covered it."""

    number: int
    text: str
    persons: frozenset[str]
    at: float
    covered_by: int | None = None
    covered_after: float | None = None


@dataclass(slots=True)
class _Fault:
    at: float
    call: int
    keys: frozenset[tuple[str, ...]]


@dataclass(slots=True)
class _History:
    """What the timeline remembers: keys within the R8 interval (older ones are pruned), the load's keys."""

    accepted_at: dict[tuple[str, ...], tuple[float, int]] = field(default_factory=dict)
    load_keys: dict[tuple[str, ...], int] = field(default_factory=dict)
    last_answer: dict[str, tuple[float, int]] = field(default_factory=dict)
    faults: dict[str, _Fault] = field(default_factory=dict)
    in_flight: dict[int, frozenset[str]] = field(default_factory=dict)
    calls_by_source: dict[str, int] = field(default_factory=dict)
    load_calls: dict[str, int] = field(default_factory=dict)
    resent_after_fault: int = 0
    repeated_keys: int = 0


def persons_in(text: str) -> frozenset[str]:
    """Personal identity numbers named in a mark's text (12 characters, hyphen allowed)."""
    return frozenset(a + b for a, b in _PERSON.findall(text))


class Timeline:
    """Cross-call state of one mock run; every method is safe to call from server threads."""

    def __init__(self, clock: Clock = system_clock, *, initial_load_seconds: float = 0.0) -> None:
        self.clock = clock
        self.initial_load_seconds = initial_load_seconds
        self.started = clock()
        self.first_update: float | None = None
        self.marks: list[Mark] = []
        self._history = _History()
        self._lock = threading.Lock()

    def mark(self, text: str) -> Mark:
        """Record a change in the source system, now."""
        with self._lock:
            found = Mark(len(self.marks) + 1, text, persons_in(text), self.clock())
            self.marks.append(found)
            return found

    def in_initial_load(self, at: float) -> bool:
        """True while the initial-load window (from the first Update) is open."""
        return self.first_update is not None and at - self.first_update < self.initial_load_seconds

    def arrive(self, call: int, at: float, engagements: Iterable[Engagement]) -> list[Breach]:
        """Register a call that is being answered; return the cross-call rules it breaks."""
        items = list(engagements)
        sources = frozenset(e.source_system for e in items)
        keys = frozenset(e.key for e in items)
        breaches: list[Breach] = []
        with self._lock:
            history = self._history
            if self.first_update is None:
                self.first_update = at
            loading = self.in_initial_load(at)
            for other, other_sources in history.in_flight.items():
                shared = sorted(sources & other_sources)
                if shared:
                    breaches.append(
                        Breach(
                            Question.SEQUENTIAL,
                            f"arrived while call {other} from source system {shared[0]} was still being answered",
                        )
                    )
            for source in sorted(sources):
                history.calls_by_source[source] = history.calls_by_source.get(source, 0) + 1
                breaches += self._after_fault(history, source, at, keys)
                if loading:
                    history.load_calls[source] = history.load_calls.get(source, 0) + 1
                    breaches += self._load_pace(history, source, at)
            breaches += self._key_interval(history, items, at, loading)
            breaches += self._cover_marks(call, at, {e.person for e in items})
            history.in_flight[call] = sources
        return breaches

    def _after_fault(self, history: _History, source: str, at: float, keys: frozenset[tuple[str, ...]]) -> list[Breach]:
        fault = history.faults.get(source)
        if fault is None or not (keys & fault.keys):
            return []
        history.resent_after_fault += 1
        waited = at - fault.at
        if waited >= RETRY_INTERVAL_SECONDS:
            return []
        return [
            Breach(
                Question.RETRY_INTERVAL,
                f"resent engagements of call {fault.call} from source system {source} {waited:.0f} s after the "
                f"fault it got; at least {RETRY_INTERVAL_SECONDS:.0f} s required",
            )
        ]

    def _load_pace(self, history: _History, source: str, at: float) -> list[Breach]:
        previous = history.last_answer.get(source)
        if previous is None:
            return []
        pause = at - previous[0]
        if pause >= INITIAL_LOAD_PAUSE_SECONDS:
            return []
        return [
            Breach(
                Question.INITIAL_LOAD,
                f"initial load: {pause:.1f} s after the answer to call {previous[1]} from source system {source}; "
                f"at least {INITIAL_LOAD_PAUSE_SECONDS:.0f} s required",
            )
        ]

    def _key_interval(self, history: _History, items: list[Engagement], at: float, loading: bool) -> list[Breach]:
        breaches = []
        for engagement in items:
            if loading and engagement.key in history.load_keys:
                history.repeated_keys += 1
                breaches.append(
                    Breach(
                        Question.KEY_INTERVAL,
                        f"engagementTransaction {engagement.position}: its unique key was already sent in call "
                        f"{history.load_keys[engagement.key]} of the initial load (no duplicates during a load)",
                    )
                )
                continue
            previous = history.accepted_at.get(engagement.key)
            if previous is None:
                continue
            history.repeated_keys += 1
            waited = at - previous[0]
            if not loading and waited < KEY_INTERVAL_SECONDS:
                breaches.append(
                    Breach(
                        Question.KEY_INTERVAL,
                        f"engagementTransaction {engagement.position}: same unique key as accepted in call "
                        f"{previous[1]} {waited:.0f} s earlier; at most once every {KEY_INTERVAL_SECONDS:.0f} s",
                    )
                )
        return breaches

    def _cover_marks(self, call: int, at: float, persons: set[str]) -> list[Breach]:
        breaches = []
        for mark in self.marks:
            if mark.covered_by is None and mark.at <= at and (not mark.persons or mark.persons & persons):
                mark.covered_by = call
                mark.covered_after = at - mark.at
                if mark.covered_after > MARK_DEADLINE_SECONDS:
                    breaches.append(
                        Breach(
                            Question.WITHIN_60_MINUTES,
                            f"the first Update for the change marked as mark {mark.number} came "
                            f"{mark.covered_after / 60:.0f} minutes after mark {mark.number}; at most "
                            f"{MARK_DEADLINE_SECONDS / 60:.0f} minutes",
                        )
                    )
        return breaches

    def finish(self, call: int, engagements: Iterable[Engagement], *, accepted: bool, fault: bool) -> None:
        """The call was answered: remember accepted keys, faults and the answer time per source system."""
        items = list(engagements)
        with self._lock:
            history = self._history
            sources = history.in_flight.pop(call, frozenset())
            at = self.clock()
            keys = frozenset(e.key for e in items)
            for source in sources:
                history.last_answer[source] = (at, call)
                if fault:
                    history.faults[source] = _Fault(at, call, keys)
            if accepted:
                loading = self.in_initial_load(at)
                for key in keys:
                    history.accepted_at[key] = (at, call)
                    if loading:
                        history.load_keys.setdefault(key, call)
                if len(history.accepted_at) > PRUNE_ABOVE:
                    history.accepted_at = {
                        k: v for k, v in history.accepted_at.items() if at - v[0] < KEY_INTERVAL_SECONDS
                    }

    def observed(self) -> dict[str, int]:
        """Counts that say which cross-call rules the calls so far could have shown broken."""
        with self._lock:
            history = self._history
            return {
                "source_systems_with_several_calls": sum(1 for n in history.calls_by_source.values() if n > 1),
                "resent_after_fault": history.resent_after_fault,
                "faults": len(history.faults),
                "repeated_keys": history.repeated_keys,
                "initial_load_sources_with_several_calls": sum(1 for n in history.load_calls.values() if n > 1),
            }
