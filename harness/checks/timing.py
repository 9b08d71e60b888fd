"""Answer times as the SLA sees them: one set of figures for the check and the report alike.

Only answers count (a call that never got one has no answer time), each exchange once (the
error calls are shared by several checks), and SOAP faults apart from normal answers: a fast
fault says nothing about how fast the producer delivers data.
"""

from __future__ import annotations

import math
import statistics
from collections.abc import Sequence
from typing import Any


def percentile(values: Sequence[float], fraction: float) -> float:
    """Nearest-rank percentile (``fraction`` in (0, 1]) of a non-empty sequence."""
    ordered = sorted(values)
    return ordered[max(0, math.ceil(fraction * len(ordered)) - 1)]


def latency_figures(seconds: Sequence[float], limit: float) -> dict[str, Any]:
    """Count, average, 95th percentile and maximum (seconds, 4 decimals) and how many exceed ``limit``."""
    if not seconds:
        return {"calls": 0, "average_s": None, "p95_s": None, "max_s": None, "over_limit": 0}
    return {
        "calls": len(seconds),
        "average_s": round(statistics.mean(seconds), 4),
        "p95_s": round(percentile(seconds, 0.95), 4),
        "max_s": round(max(seconds), 4),
        "over_limit": sum(1 for s in seconds if s > limit),
    }
