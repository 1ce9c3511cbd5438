"""Ship the top-level templates/ and migrations/ inside the wheel, as tracker/_bundled/.

Everything else about the build is in pyproject.toml; tracker.resource_dir() finds these
folders in a source checkout or in the installed package."""

from __future__ import annotations

import shutil
from pathlib import Path

from setuptools import setup
from setuptools.command.build_py import build_py

BUNDLED = ("templates", "migrations")


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


setup(cmdclass={"build_py": BuildPyWithResources})
