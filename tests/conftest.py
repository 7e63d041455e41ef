"""Shared fixtures: a fixed reference date (Duckling-style) and a helper to write rule files."""
from __future__ import annotations

import datetime as dt
import os
import shutil
import tempfile
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


_CACHE_VAR = "ARULES_TEST_RUN_CACHE"  # the run's private pack cache, shared by the xdist workers


def pytest_configure(config):
    """One private pack cache for the whole run, set before collection (modules that build an
    engine at import must not read or fill the user's cache): made by the first process (the
    xdist controller), inherited by its workers, removed at the end by the process that made it."""
    if not os.environ.get(_CACHE_VAR):
        os.environ[_CACHE_VAR] = tempfile.mkdtemp(prefix="arules-test-cache-")
        config._arules_made_cache = os.environ[_CACHE_VAR]
    os.environ["ARULES_CACHE_DIR"] = os.environ[_CACHE_VAR]


def pytest_unconfigure(config):
    made = getattr(config, "_arules_made_cache", None)
    if made:
        shutil.rmtree(made, ignore_errors=True)
        os.environ.pop(_CACHE_VAR, None)


@pytest.fixture(autouse=True)
def _private_cache(monkeypatch):
    """Each test starts with the run's cache (a test may move it with monkeypatch)."""
    monkeypatch.setenv("ARULES_CACHE_DIR", os.environ[_CACHE_VAR])


@pytest.fixture
def rules_dir(tmp_path):
    """Write YAML rule files into a fresh directory: ``rules_dir(name=text, ...)`` -> Path."""

    def write(**files: str) -> Path:
        for name, text in files.items():
            (tmp_path / f"{name}.yaml").write_text(textwrap.dedent(text), encoding="utf-8")
        return tmp_path

    return write
