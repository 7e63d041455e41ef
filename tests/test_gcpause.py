"""`gcpause.paused`: the cyclic collector is off inside, back as it was after (nested, raised)."""
from __future__ import annotations

import gc

import pytest

from arabic_rules import gcpause, loader


def test_paused_nests_and_restores():
    assert gc.isenabled()
    with gcpause.paused():
        assert not gc.isenabled()
        with gcpause.paused():
            assert not gc.isenabled()
        assert not gc.isenabled()  # (the outer block still runs)
    assert gc.isenabled()


def test_paused_restores_after_an_error_and_keeps_a_disabled_collector_off():
    with pytest.raises(ValueError):
        with gcpause.paused():
            raise ValueError("x")
    assert gc.isenabled()
    gc.disable()
    try:
        with gcpause.paused():
            pass
        assert not gc.isenabled()  # it was off before: left off
    finally:
        gc.enable()


def test_a_failed_load_leaves_the_collector_on(tmp_path):
    bad = tmp_path / "bad.yaml"
    bad.write_text("rules: [", encoding="utf-8")
    with pytest.raises(Exception):
        loader.load([bad])
    assert gc.isenabled()
