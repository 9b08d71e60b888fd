"""XPath 3.1 for SoapUI assertions and expansions (elementpath), compiled once per expression.

SoapUI paths start with ``declare namespace p='uri';`` lines (XQuery prolog syntax); those are
read into the namespace map and the rest is compiled as XPath 3.1. Results are turned into the
string SoapUI compares with: a node's string value (an element as XML when asked), numbers
without a trailing ``.0``, booleans as ``true``/``false``.
"""

from __future__ import annotations

import re
from collections.abc import Mapping
from decimal import Decimal
from functools import lru_cache
from typing import Any

from elementpath import ElementPathError, XPathContext
from elementpath.xpath31 import XPath31Parser
from lxml import etree

from harness.errors import SoapUIError

_DECLARE = re.compile(r"""\s*declare\s+namespace\s+([\w.-]+)\s*=\s*(['"])(.*?)\2\s*;""")
_DEFAULT = re.compile(r"""\s*declare\s+default\s+element\s+namespace\s+(['"])(.*?)\1\s*;""")


class XPathCompileError(SoapUIError):
    """An XPath in the project does not compile; the message quotes it."""


@lru_cache(maxsize=4096)
def _compile(expression: str, namespaces: tuple[tuple[str, str], ...]) -> tuple[Any, str]:
    declared = dict(namespaces)
    rest = expression
    while True:
        match = _DECLARE.match(rest) or _DEFAULT.match(rest)
        if match is None:
            break
        if match.re is _DECLARE:
            declared[match.group(1)] = match.group(3)
        else:
            declared[""] = match.group(2)
        rest = rest[match.end() :]
    default = declared.pop("", None)
    try:
        parser = XPath31Parser(namespaces=declared, default_namespace=default)
        return parser.parse(rest.strip()), rest.strip()
    except ElementPathError as exc:
        raise XPathCompileError(
            f"XPath {expression.strip()!r} does not compile: {exc}",
            hint="correct the path in the project, or declare its namespace prefixes",
        ) from None


def compile_xpath(expression: str, namespaces: Mapping[str, str] | None = None) -> Any:
    """The compiled expression (raises ``XPathCompileError`` naming it)."""
    return _compile(expression, tuple(sorted((namespaces or {}).items())))[0]


def evaluate(
    expression: str, document: etree._Element | etree._ElementTree, namespaces: Mapping[str, str] | None = None
) -> list[Any]:
    """The result as a list (a single atomic value becomes a one-item list)."""
    token = compile_xpath(expression, namespaces)
    root = document if isinstance(document, etree._ElementTree) else etree.ElementTree(document)
    try:
        result = token.get_results(XPathContext(root))
    except ElementPathError as exc:
        raise XPathCompileError(f"XPath {expression.strip()!r} cannot be evaluated: {exc}") from None
    if isinstance(result, list):
        return result
    return [] if result is None else [result]


def as_text(item: Any, *, xml: bool = False) -> str:
    """The string SoapUI compares: element string value (or XML), attribute/text value, atomic value."""
    if isinstance(item, etree._Element):
        if xml:
            return etree.tostring(item, encoding="unicode", with_tail=False)
        return "".join(item.itertext())
    if isinstance(item, bool):
        return "true" if item else "false"
    if isinstance(item, (int, Decimal, float)):
        if isinstance(item, float) and item.is_integer():
            return str(int(item))
        if isinstance(item, Decimal) and item == item.to_integral_value():
            return str(int(item))
        return str(item)
    return str(item)


def first_text(
    expression: str, document: etree._Element | etree._ElementTree, namespaces: Mapping[str, str] | None = None
) -> str | None:
    """The first result's text, or None when the path selects nothing."""
    result = evaluate(expression, document, namespaces)
    return as_text(result[0]) if result else None
