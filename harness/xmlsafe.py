"""The only place that builds lxml parsers: no DTDs, no entity expansion, no network.

Contract files and producer responses are untrusted input. SOAP 1.1 forbids a document type
declaration in a message, and RIVTA contract files never need one, so any DOCTYPE is refused
outright (that also stops entity-expansion bombs and external entities before they matter).
Parsers are per thread because lxml parser objects must not be shared between threads.
"""

from __future__ import annotations

import re
import threading

from lxml import etree

from harness.errors import HarnessError

_local = threading.local()
_DECLARATION = re.compile(rb"^\s*<\?xml[^>]*?encoding\s*=\s*[\"']([A-Za-z0-9._-]+)[\"'][^>]*\?>")


class UnsafeXmlError(HarnessError):
    """The document declares a DTD or entities, which the harness never processes."""


class MalformedXmlError(HarnessError):
    """The bytes are not well-formed XML."""

    def __init__(self, message: str, *, line: int | None = None, hint: str | None = None) -> None:
        super().__init__(message, hint=hint)
        self.line = line


def parser() -> etree.XMLParser:
    """The calling thread's hardened parser (line numbers kept for findings)."""
    found = getattr(_local, "parser", None)
    if found is None:
        found = etree.XMLParser(
            resolve_entities=False,
            no_network=True,
            load_dtd=False,
            dtd_validation=False,
            huge_tree=False,
            remove_comments=False,
        )
        _local.parser = found
    return found


def parse(data: bytes, *, source: str, base_url: str | None = None) -> etree._Element:
    """Parse untrusted bytes; raise a one-line error naming ``source`` on anything unsafe or broken."""
    try:
        root = etree.fromstring(data, parser(), base_url=base_url)
    except etree.XMLSyntaxError as exc:
        line = exc.lineno if exc.lineno else None
        where = f"{source}, line {line}" if line else source
        raise MalformedXmlError(
            f"{where}: not well-formed XML ({exc.msg})",
            line=line,
            hint="fix the XML so that it parses",
        ) from None
    doctype = root.getroottree().docinfo
    if doctype.doctype or doctype.internalDTD is not None:
        raise UnsafeXmlError(
            f"{source}: contains a DOCTYPE/entity declaration",
            hint="the harness never processes DTDs or entities; remove the declaration",
        )
    return root


def local_name(element: etree._Element) -> str:
    """Local part of an element's tag ('' for comments and processing instructions)."""
    tag = element.tag
    if not isinstance(tag, str):
        return ""
    return tag.rpartition("}")[2]


def namespace(element: etree._Element) -> str:
    """Namespace URI of an element's tag ('' when unqualified)."""
    tag = element.tag
    if not isinstance(tag, str) or not tag.startswith("{"):
        return ""
    return tag[1:].partition("}")[0]


def element_path(element: etree._Element, *, stop: etree._Element | None = None) -> str:
    """Slash path of local names from ``stop`` (or the document root) down to ``element``."""
    names: list[str] = []
    node: etree._Element | None = element
    while node is not None:
        names.append(local_name(node))
        if node is stop:
            break
        node = node.getparent()
    return "/" + "/".join(reversed(names))


def declared_encoding(data: bytes) -> str | None:
    """The encoding named in the XML declaration of 8-bit text, upper-cased, or None."""
    found = _DECLARATION.match(data[:200])
    return found.group(1).decode("ascii").upper() if found else None


def parse_tolerant(data: bytes, *, source: str) -> tuple[etree._Element, str | None]:
    """Parse like ``parse``; if the prolog wrongly claims UTF-16 for 8-bit text, read it as UTF-8.

    Several real messages (and producers) declare ``encoding="utf-16"`` while sending UTF-8;
    the NTjP platform retries such requests as UTF-8. Doing the same lets the harness judge
    the rest of the message, while the returned note makes the encoding defect visible.
    """
    try:
        return parse(data, source=source), None
    except MalformedXmlError:
        declared = declared_encoding(data)
        if not declared or not declared.startswith("UTF-16") or data[:2] in (b"\xff\xfe", b"\xfe\xff"):
            raise
        match = _DECLARATION.match(data)
        assert match is not None
        stripped = data[: match.start()] + data[match.end() :]
        note = f"{source}: the XML declaration says {declared}, but the bytes are 8-bit text; read as UTF-8"
        return parse(stripped, source=source), note
