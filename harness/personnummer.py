"""Swedish personal identity numbers in test data: recognise them, tell test ones from real-looking ones.

Test data sent to and returned from a producer must be synthetic. Skatteverket reserves the
birth numbers 980–999 for test identities (personnummer and samordningsnummer, day + 60), and
a few identities are so widely used as test persons that flagging them only teaches vendors
to ignore the warning: Tolvan and Lilltolvan Tolvansson (used in Inera's and BankID's test
environments) and the samordningsnummer Skatteverket prints as its example. Anything else
well-formed looks like a real person and deserves a warning, unless the vendor's declaration
lists it among its own synthetic identities. Masking keeps the date part, which reviewers need to judge date filters, and hides
the birth number and check digit.
"""

from __future__ import annotations

import re
from collections.abc import Collection
from datetime import date

IDENTITY = re.compile(r"(?<![0-9])((?:18|19|20)[0-9]{2})([01][0-9])([0-9]{2})-?([0-9]{3})([0-9])(?![0-9])")
TEST_BIRTH_NUMBERS = range(980, 1000)
WELL_KNOWN_TEST_IDENTITIES = {
    "191212121212": "Tolvan Tolvansson",
    "201212121212": "Lilltolvan Tolvansson",
    "197010632391": "Skatteverket's example samordningsnummer (SKV 707)",
}


def luhn_check_digit(nine_digits: str) -> int:
    """The personnummer check digit of YYMMDDNNN."""
    total = 0
    for index, digit in enumerate(nine_digits):
        product = int(digit) * (2 if index % 2 == 0 else 1)
        total += product // 10 + product % 10
    return (10 - total % 10) % 10


def is_valid(identity: str) -> bool:
    """A 12-digit personnummer or samordningsnummer (hyphen allowed) with a real date and check digit."""
    match = IDENTITY.fullmatch(identity)
    if not match:
        return False
    year, month, day, birth_number, check = match.groups()
    day_of_month = int(day) - 60 if int(day) > 60 else int(day)
    try:
        date(int(year), int(month), day_of_month)
    except ValueError:
        return False
    return luhn_check_digit(f"{year[2:]}{month}{day}{birth_number}") == int(check)


def is_test_identity(identity: str) -> bool:
    """True for a valid identity in Skatteverket's test series (birth number 980–999) or a well-known test person."""
    match = IDENTITY.fullmatch(identity)
    if not match or not is_valid(identity):
        return False
    return int(match.group(4)) in TEST_BIRTH_NUMBERS or identity.replace("-", "") in WELL_KNOWN_TEST_IDENTITIES


def real_looking_identities(text: str, synthetic: Collection[str] = ()) -> list[str]:
    """Valid personnummer/samordningsnummer in ``text`` that are neither test identities nor in ``synthetic``."""
    found = []
    for match in IDENTITY.finditer(text):
        identity = match.group(0).replace("-", "")
        if (
            is_valid(identity)
            and not is_test_identity(identity)
            and identity not in synthetic
            and identity not in found
        ):
            found.append(identity)
    return found


def mask(text: str) -> str:
    """``text`` with the birth number and check digit of every valid identity replaced by ``****``."""

    def hide(match: re.Match[str]) -> str:
        if not is_valid(match.group(0).replace("-", "")):
            return match.group(0)
        separator = "-" if "-" in match.group(0) else ""
        return f"{match.group(1)}{match.group(2)}{match.group(3)}{separator}****"

    return IDENTITY.sub(hide, text)
