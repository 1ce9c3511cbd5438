"""tracker: residence-permit deadlines for international students in France."""

from __future__ import annotations

from pathlib import Path

__version__ = "0.1.0"


def resource_dir(name: str) -> Path:
    """`templates` or `migrations`: at the top of a source checkout, or bundled in the wheel."""
    checkout = Path(__file__).resolve().parent.parent
    # alembic.ini marks a source checkout (site-packages may hold an unrelated "templates").
    if (checkout / "alembic.ini").is_file() and (checkout / name).is_dir():
        return checkout / name
    return Path(__file__).resolve().parent / "_bundled" / name
