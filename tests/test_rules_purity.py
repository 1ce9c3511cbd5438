"""DESIGN section 2: `tracker.rules` depends on nothing of the web or the database, and every rule
id of RULES.md lives in its code."""

from __future__ import annotations

import ast
import json
import pkgutil
import re
import subprocess
import sys
from pathlib import Path

import tracker.rules

RULES_DIR = Path(tracker.rules.__file__).parent
FORBIDDEN = ("flask", "flask_login", "flask_wtf", "flask_limiter", "werkzeug", "sqlalchemy",
             "alembic", "jinja2")


def _module_names() -> list[str]:
    return ["tracker.rules"] + [
        f"tracker.rules.{m.name}" for m in pkgutil.iter_modules([str(RULES_DIR)])
    ]


def test_importing_the_rules_loads_no_web_or_database_module() -> None:
    script = (
        "import importlib, json, sys\n"
        f"for name in {_module_names()!r}:\n"
        "    importlib.import_module(name)\n"
        "print(json.dumps(sorted(sys.modules)))\n"
    )
    out = subprocess.run([sys.executable, "-c", script], capture_output=True, text=True,
                         check=True)
    loaded = json.loads(out.stdout)
    offending = [m for m in loaded if m.split(".")[0] in FORBIDDEN]
    assert offending == []
    # Within tracker, the rules need nothing but themselves.
    assert [m for m in loaded if m.startswith("tracker.") and not m.startswith("tracker.rules")] \
        == []


def test_no_forbidden_import_statement_in_the_rules() -> None:
    for path in RULES_DIR.glob("*.py"):
        tree = ast.parse(path.read_text(), filename=str(path))
        for node in ast.walk(tree):
            if isinstance(node, ast.Import):
                names = [alias.name for alias in node.names]
            elif isinstance(node, ast.ImportFrom):
                names = [node.module or ""]
            else:
                continue
            for name in names:
                top = name.split(".")[0]
                assert top not in FORBIDDEN, f"{path.name} imports {name}"
                if top == "tracker":
                    assert name.startswith("tracker.rules"), f"{path.name} imports {name}"


def test_every_rule_id_is_in_the_rules_code() -> None:
    source = "\n".join(p.read_text() for p in RULES_DIR.glob("*.py"))
    for n in range(1, 12):
        assert re.search(rf"\bR{n}\b", source), f"R{n} is missing from tracker/rules"
