"""Imports point upstream only: data <- crawler <- analysis <- dashboard."""
from __future__ import annotations

import ast
from pathlib import Path

REPO = Path(__file__).resolve().parent.parent
ALLOWED = {
    "data": set(),
    "crawler": {"data"},
    "analysis": {"data", "crawler"},
    "dashboard": {"data", "crawler", "analysis"},
}


def _imported_packages(path: Path) -> set[str]:
    tree = ast.parse(path.read_text(encoding="utf-8"), filename=str(path))
    found = set()
    for node in ast.walk(tree):
        if isinstance(node, ast.Import):
            found.update(alias.name.split(".")[0] for alias in node.names)
        elif isinstance(node, ast.ImportFrom) and node.level == 0 and node.module:
            found.add(node.module.split(".")[0])
    return found & set(ALLOWED)


def test_imports_point_upstream_only():
    wrong = []
    for package, allowed in ALLOWED.items():
        for path in (REPO / package).rglob("*.py"):
            for target in _imported_packages(path) - allowed - {package}:
                wrong.append(f"{path.relative_to(REPO)} imports {target}")
    assert wrong == []


def test_the_checker_sees_a_wrong_import(tmp_path):
    bad = tmp_path / "bad.py"
    bad.write_text("from dashboard import cli\nimport analysis.models\n")
    assert _imported_packages(bad) == {"dashboard", "analysis"}
