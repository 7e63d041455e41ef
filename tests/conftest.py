"""Shared fixtures: a fixed reference date (Duckling-style) and a helper to write rule files."""
from __future__ import annotations

import datetime as dt
import os
import textwrap
from pathlib import Path

import pytest
from hypothesis import HealthCheck, settings

settings.register_profile("default", max_examples=60, deadline=None,
                          suppress_health_check=[HealthCheck.too_slow])
settings.register_profile("thorough", max_examples=2000, deadline=None,
                          suppress_health_check=[HealthCheck.too_slow])
PROFILE = os.environ.get("HYPOTHESIS_PROFILE", "default")
settings.load_profile(PROFILE)


def pytest_addoption(parser):
    parser.addoption("--runslow", action="store_true", default=False,
                     help="run the tests marked slow (also on with HYPOTHESIS_PROFILE=thorough)")


def pytest_collection_modifyitems(config, items):
    """Skip ``@pytest.mark.slow`` tests unless asked for: the default run stays fast."""
    if config.getoption("--runslow") or PROFILE == "thorough":
        return
    skip = pytest.mark.skip(reason="slow: run with --runslow or HYPOTHESIS_PROFILE=thorough")
    for item in items:
        if "slow" in item.keywords:
            item.add_marker(skip)

REF = dt.date(2021, 12, 13)


@pytest.fixture(autouse=True)
def _private_cache(tmp_path_factory, monkeypatch):
    monkeypatch.setenv("ARULES_CACHE_DIR", str(tmp_path_factory.getbasetemp() / "cache"))


@pytest.fixture
def rules_dir(tmp_path):
    """Write YAML rule files into a fresh directory: ``rules_dir(name=text, ...)`` -> Path."""

    def write(**files: str) -> Path:
        for name, text in files.items():
            (tmp_path / f"{name}.yaml").write_text(textwrap.dedent(text), encoding="utf-8")
        return tmp_path

    return write
