"""The one-way house (issue #10): each app imports only the apps below it, checked by import-linter's layers
contract in pyproject.toml. A wrong-way import (say `cycles` importing `reviews`) fails this test."""

import subprocess
import sys
import textwrap
import tomllib
from pathlib import Path

from django.conf import settings

ROOT = Path(settings.BASE_DIR)
LAYERS = [
    "evaluation_portal",
    "operations",
    "portal",
    "national_db",
    "signing",
    "documents",
    "conference",
    "reviews",
    "tracking",
    "cycles",
    "accounts",
    "audit",
    "officials",
    "common",
]


def _lint_imports(config: Path, pythonpath: str = "") -> subprocess.CompletedProcess:
    """import-linter's own command, from the same virtual environment as the tests."""
    env = {"PATH": "/usr/bin:/bin", "PYTHONPATH": pythonpath or str(ROOT)}
    command = [str(Path(sys.executable).parent / "lint-imports"), "--config", str(config), "--no-cache"]
    return subprocess.run(command, cwd=ROOT, capture_output=True, text=True, timeout=300, env=env)


def test_the_layers_contract_names_every_app_in_the_documented_order():
    config = tomllib.loads((ROOT / "pyproject.toml").read_text())["tool"]["importlinter"]
    (contract,) = config["contracts"]
    assert contract["type"] == "layers"
    assert contract["layers"] == LAYERS
    local_apps = {app.split(".")[0] for app in settings.INSTALLED_APPS if (ROOT / app.split(".")[0]).is_dir()}
    assert local_apps <= set(LAYERS)


def test_no_import_runs_the_wrong_way():
    result = _lint_imports(ROOT / "pyproject.toml")
    assert result.returncode == 0, result.stdout + result.stderr


def test_a_wrong_way_import_is_caught(tmp_path):
    """The contract can fail: `officials` importing `reviews` is reported as broken."""
    package = tmp_path / "officials_probe"
    package.mkdir()
    (package / "__init__.py").write_text("")
    (package / "wrong.py").write_text("import reviews.models  # noqa\n")
    (package / "right.py").write_text("import officials.models  # noqa\n")
    config = tmp_path / "contract.toml"
    config.write_text(
        textwrap.dedent(
            """
            [tool.importlinter]
            root_packages = ["officials_probe", "reviews", "officials"]
            [[tool.importlinter.contracts]]
            name = "probe"
            type = "layers"
            layers = ["reviews", "officials_probe"]
            """
        )
    )
    result = _lint_imports(config, pythonpath=f"{tmp_path}:{ROOT}")
    assert result.returncode != 0
    assert "officials_probe.wrong -> reviews.models" in result.stdout
