"""French départements by INSEE code (metropolitan 01–95 with Corsica's 2A/2B, and overseas)."""

from __future__ import annotations

_METROPOLITAN = [f"{n:02d}" for n in range(1, 96) if n != 20]
DEPARTMENTS: frozenset[str] = frozenset(
    [*_METROPOLITAN, "2A", "2B", "971", "972", "973", "974", "976"]
)


def normalise_department(raw: str) -> str:
    """'1' and '01' are the same département; Corsica's letters are upper case."""
    code = raw.strip().upper()
    if code.isdigit() and len(code) == 1:
        code = "0" + code
    return code


def is_department(code: str) -> bool:
    return code in DEPARTMENTS
