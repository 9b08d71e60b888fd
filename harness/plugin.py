"""pytest plugin entry point (registered once, via the ``rivta_conformance`` pytest11 entry point)."""

from __future__ import annotations
