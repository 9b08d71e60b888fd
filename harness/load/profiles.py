"""The TK load profiles (TF 6.1.1, 6.1.2, 6.2.1) and how many virtual users each wants at a time.

The numbers are the SoapUI defaults of Inera's TK suites (the `-doc.html` of every domain's
test suite, under 6.1 Loadtest and 6.2 Recovery). ``--load-scale`` shortens every duration
(run time, ramp, variance interval) proportionally; think time and user counts stay, so a
scaled run has the same concurrency but is not the TK profile, and the report says so.

Pure functions only: the parent process and the Locust child both import this module.
"""

from __future__ import annotations

from dataclasses import dataclass, replace

from harness.errors import ConfigError


@dataclass(frozen=True, slots=True)
class Profile:
    """One load profile; ``users_at(t)`` is the shape the load generator follows."""

    name: str
    check: str
    tf: str
    users: int
    duration_s: float
    think_min_s: float = 0.5
    think_max_s: float = 1.5
    end_users: int | None = None  # "Thread" strategy: ramp users → end_users over the duration
    interval_s: float | None = None  # "Variance" strategy: one period of the user-count wave
    variance: float = 0.0
    scale: float = 1.0

    def scaled(self, scale: float) -> Profile:
        """The same profile with every duration multiplied by ``scale`` (0 < scale ≤ 1)."""
        check_scale(scale)
        interval = None if self.interval_s is None else self.interval_s * scale
        return replace(self, duration_s=self.duration_s * scale, interval_s=interval, scale=scale)

    def users_at(self, elapsed_s: float) -> int:
        """Virtual users wanted ``elapsed_s`` seconds into the run (at least one)."""
        if self.end_users is not None:
            progress = min(max(elapsed_s / self.duration_s, 0.0), 1.0)
            return round(self.users + (self.end_users - self.users) * progress)
        if self.interval_s:
            # SoapUI's variance strategy: a triangle wave around `users`, ± users × variance per interval.
            phase = (elapsed_s / self.interval_s) % 1.0
            wave = 4 * phase - 1 if phase < 0.5 else 3 - 4 * phase
            return max(1, round(self.users * (1 + self.variance * wave)))
        return self.users

    @property
    def peak_users(self) -> int:
        """The most users the profile ever asks for."""
        if self.end_users is not None:
            return max(self.users, self.end_users)
        return max(1, round(self.users * (1 + self.variance)))

    def describe(self) -> str:
        """One line for messages and the report."""
        if self.end_users is not None:
            shape = f"{self.users} → {self.end_users} users over {self.duration_s:g} s"
        elif self.interval_s:
            shape = f"{self.users} users ± {self.variance:.0%} every {self.interval_s:g} s for {self.duration_s:g} s"
        else:
            shape = f"{self.users} users for {self.duration_s:g} s"
        think = f"think time {self.think_min_s * 1000:g}-{self.think_max_s * 1000:g} ms"
        scaled = "" if self.scale == 1.0 else f"; scaled ×{self.scale:g}, not the TK profile"
        return f"TF {self.tf}: {shape}, {think}{scaled}"


PROFILES: dict[str, Profile] = {
    "basic": Profile("basic", "rivta.load-basic", "6.1.1", users=10, duration_s=180.0),
    "endurance": Profile(
        "endurance", "rivta.endurance", "6.1.2", users=5, duration_s=1800.0, interval_s=60.0, variance=1.0
    ),
    "recovery": Profile("recovery", "rivta.recovery", "6.2.1", users=10, end_users=100, duration_s=300.0),
}


def check_scale(scale: float) -> float:
    """``--load-scale`` must lie in (0, 1]."""
    if not 0 < scale <= 1:
        raise ConfigError(f"--load-scale {scale:g}: must be greater than 0 and at most 1", hint="e.g. 0.05 for CI")
    return scale


def parse_profiles(names: str | tuple[str, ...] | list[str] | None) -> tuple[str, ...]:
    """``--load-profile basic,recovery`` → names; an unknown one is a one-line error."""
    if not names:
        return tuple(PROFILES)
    given = [names] if isinstance(names, str) else list(names)
    wanted = [part.strip() for item in given for part in item.split(",") if part.strip()]
    for name in wanted:
        if name not in PROFILES:
            raise ConfigError(f"--load-profile {name!r}: unknown profile", hint=f"choose from {', '.join(PROFILES)}")
    return tuple(dict.fromkeys(wanted))
