"""RIVTA conformance harness: load service contracts, call producers over mutual TLS, judge the answers."""

from __future__ import annotations

__version__ = "0.1.0"
