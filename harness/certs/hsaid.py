"""A loose sanity check of HSA-ids, the identities SITHS function certificates carry.

An HSA-id is ``SE`` + the organisation number (10 digits, or 12 with a century prefix) + ``-``
+ a unit suffix of ASCII letters and digits, at most 31 characters in all. Test environments
add prefixes such as ``TSTNMT`` or ``T-SERVICES-``. The check is deliberately loose: it exists
to catch typos and copy-paste damage, not to decide what the HSA catalogue would accept.
"""

from __future__ import annotations

MAX_LENGTH = 31
TEST_PREFIXES = ("T-SERVICES-", "TSTNMT")


def hsa_id_problems(value: str) -> list[str]:
    """Human sentences on what looks wrong with ``value``; empty when it looks like an HSA-id."""
    problems: list[str] = []
    if len(value) > MAX_LENGTH:
        problems.append(f"is {len(value)} characters long; an HSA-id has at most {MAX_LENGTH}")
    odd = sorted({char for char in value if not (char.isascii() and (char.isalnum() or char == "-"))})
    if odd:
        shown = " ".join(repr(char) for char in odd)
        problems.append(f"contains {shown}; an HSA-id only has A-Z, a-z, 0-9 and '-'")
    prefix = next((p for p in TEST_PREFIXES if value.startswith(p)), "")
    head, dash, suffix = value.removeprefix(prefix).partition("-")
    org = head.removeprefix("SE")
    if not prefix and org == head:
        problems.append(f"does not start with 'SE' (or a test prefix such as {TEST_PREFIXES[1]})")
    elif dash and not (org.isascii() and org.isdigit() and 10 <= len(org) <= 12):
        problems.append("should have a 10 to 12 digit organisation number after 'SE'")
    if not dash:
        problems.append("has no '-' between the organisation number and the unit suffix")
    elif not suffix:
        problems.append("has nothing after the '-'")
    elif "-" in suffix:
        problems.append("has more than one '-' after the organisation number")
    return problems
