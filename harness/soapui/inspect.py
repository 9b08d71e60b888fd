"""``rivta-harness soapui inspect``: what the harness would run natively in SoapUI projects.

Per project and in total: test cases, steps, assertions by type, and how many assertions and
steps the harness executes natively versus reports as manual (or leaves to the load profiles).
"""

from __future__ import annotations

from collections import Counter
from dataclasses import dataclass, field
from pathlib import Path

from harness.soapui.assertions import GROOVY, native
from harness.soapui.project import Project, Step, load_project
from harness.soapui.support import analyse

NATIVE_STEPS = frozenset({"request", "delay", "properties", "transfer", "calltestcase", "assertionteststep"})


@dataclass
class Tally:
    """Counts for one project (or the total)."""

    name: str
    cases: int = 0
    disabled_cases: int = 0
    load_cases: int = 0
    steps: int = 0
    native_steps: int = 0
    assertions: Counter[str] = field(default_factory=Counter)
    native_assertions: Counter[str] = field(default_factory=Counter)

    def add(self, other: Tally) -> None:
        """Add another tally's counts to this one."""
        for name in ("cases", "disabled_cases", "load_cases", "steps", "native_steps"):
            setattr(self, name, getattr(self, name) + getattr(other, name))
        self.assertions.update(other.assertions)
        self.native_assertions.update(other.native_assertions)

    def share(self, *, groovy: bool) -> tuple[int, int]:
        """(native, all) assertions, Groovy ones or the others."""
        keys = [k for k in self.assertions if (k == GROOVY) == groovy]
        return sum(self.native_assertions[k] for k in keys), sum(self.assertions[k] for k in keys)


def _step_native(step: Step) -> bool:
    if step.type == "groovy":
        return analyse(step.script).understood
    return step.type in NATIVE_STEPS


def tally(project: Project) -> Tally:
    """Count one project."""
    result = Tally(project.name)
    for _suite, case in project.cases():
        result.cases += 1
        result.disabled_cases += case.disabled
        result.load_cases += bool(case.load_tests)
        for assertion in case.load_assertions:
            result.assertions[assertion.type] += 1  # load tests are not run here: never native
        for step in case.steps:
            result.steps += 1
            result.native_steps += _step_native(step) and not case.load_tests
            for assertion in step.assertions:
                result.assertions[assertion.type] += 1
                runs = step.type in ("request", "assertionteststep") and not case.load_tests
                result.native_assertions[assertion.type] += runs and native(assertion)
    return result


def _percent(part: int, whole: int) -> str:
    return f"{100 * part / whole:.1f} %" if whole else "-"


def render(tallies: list[Tally], total: Tally) -> list[str]:
    """The report lines: one block per project, then the totals by assertion type."""
    lines = []
    for t in [*tallies, total]:
        groovy = t.share(groovy=True)
        other = t.share(groovy=False)
        lines.append(
            f"{t.name}: {t.cases} test cases ({t.disabled_cases} disabled, {t.load_cases} load tests), "
            f"{t.steps} steps ({t.native_steps} native), {sum(t.assertions.values())} assertions: "
            f"built-in {other[0]}/{other[1]} native ({_percent(*other)}), "
            f"Groovy {groovy[0]}/{groovy[1]} native ({_percent(*groovy)}), "
            f"{sum(t.assertions.values()) - other[0] - groovy[0]} manual or not run"
        )
    lines.append("assertions by type (native/all):")
    for kind, count in total.assertions.most_common():
        lines.append(f"  {kind}: {total.native_assertions[kind]}/{count}")
    return lines


def inspect_paths(paths: list[Path]) -> tuple[list[Tally], Tally, list[str]]:
    """Tallies per project, the total, and one line per file that could not be imported."""
    from harness.errors import SoapUIError
    from harness.soapui.project import find_projects

    tallies, problems = [], []
    total = Tally("total")
    for path in find_projects(paths):
        try:
            project = load_project(path)
        except SoapUIError as exc:
            problems.append(str(exc))
            continue
        one = tally(project)
        one.name = str(path)
        tallies.append(one)
        total.add(one)
    return tallies, total, problems
