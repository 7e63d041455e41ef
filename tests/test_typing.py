"""The package is typed (PEP 561: py.typed), and its public API passes `mypy --strict`: the names
of arabic_rules/__init__.py and the modules that define them ([tool.mypy] in pyproject.toml)."""
import subprocess
import sys
import tomllib
from pathlib import Path

import pytest

import arabic_rules

PACKAGE = Path(arabic_rules.__file__).resolve().parent  # the package imported (in CI: the installed wheel)
ROOT = Path(__file__).resolve().parent.parent  # the checkout whose sources mypy reads
PYPROJECT = ROOT / "pyproject.toml"


def public_modules() -> list[str]:
    """The files mypy checks strictly: __init__.py and every module that defines a name of __all__."""
    names = {getattr(arabic_rules, name).__module__ for name in arabic_rules.__all__}
    return ["arabic_rules/__init__.py", *sorted(n.replace(".", "/") + ".py" for n in names)]


def test_the_package_says_it_is_typed():
    assert (PACKAGE / "py.typed").is_file()


@pytest.mark.skipif(not PYPROJECT.exists(), reason="run from a checkout: pyproject.toml holds the mypy settings")
def test_mypy_checks_every_module_of_the_public_api():
    files = tomllib.loads(PYPROJECT.read_text(encoding="utf-8"))["tool"]["mypy"]["files"]
    assert sorted(files) == sorted(public_modules()), "update [tool.mypy] files in pyproject.toml"


@pytest.mark.slow  # mypy from a cold cache takes most of a minute
@pytest.mark.skipif(not PYPROJECT.exists(), reason="run from a checkout: pyproject.toml holds the mypy settings")
def test_the_public_api_passes_mypy_strict(tmp_path):
    pytest.importorskip("mypy", reason="mypy (the `typecheck` extra) checks the annotations")
    r = subprocess.run([sys.executable, "-m", "mypy", "--cache-dir", str(tmp_path / "cache")],
                       cwd=ROOT, capture_output=True, text=True, timeout=600)
    assert r.returncode == 0, r.stdout + r.stderr
    assert "Success" in r.stdout
