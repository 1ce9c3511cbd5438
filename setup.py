"""Ship the top-level templates/ and migrations/ inside the wheel, as tracker/_bundled/, and
the compiled catalogs (tracker/translations/*/LC_MESSAGES/messages.mo, not committed).

Everything else about the build is in pyproject.toml; tracker.resource_dir() finds these
folders in a source checkout or in the installed package."""

from __future__ import annotations

import shutil
from pathlib import Path

from babel.messages.mofile import write_mo
from babel.messages.pofile import read_po
from setuptools import setup
from setuptools.command.build_py import build_py

BUNDLED = ("templates", "migrations")
CATALOGS = "tracker/translations"


class BuildPyWithResources(build_py):
    def run(self) -> None:
        super().run()
        root = Path(__file__).resolve().parent
        for name in BUNDLED:
            target = Path(self.build_lib) / "tracker" / "_bundled" / name
            if target.exists():
                shutil.rmtree(target)
            shutil.copytree(root / name, target,
                            ignore=shutil.ignore_patterns("__pycache__", "*.pyc"))
        # What `make translations` (pybabel compile) does, so a wheel built from a fresh
        # checkout has its texts.
        for po in sorted((root / CATALOGS).glob("*/LC_MESSAGES/*.po")):
            mo = Path(self.build_lib) / po.relative_to(root).with_suffix(".mo")
            mo.parent.mkdir(parents=True, exist_ok=True)
            with po.open("rb") as source:
                catalog = read_po(source, locale=po.parent.parent.name)
            with mo.open("wb") as out:
                write_mo(out, catalog, use_fuzzy=False)


setup(cmdclass={"build_py": BuildPyWithResources})
