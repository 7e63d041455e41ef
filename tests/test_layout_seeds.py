"""A pack compiles to the same native layout in every process: Python's hash seed changes the
order of sets, and nothing the layout numbers or spells out may follow that order (a set of
lexicons, a gate's alternation of quotation marks, the literal table)."""
from __future__ import annotations

import os
import subprocess
import sys
from pathlib import Path

import pytest

import arabic_rules
from arabic_rules import native

pytestmark = pytest.mark.skipif(not native.available(), reason="arabic_rules._core is not built")

# compiles the pack named on the command line (no cache) and writes its layout's JSON to stdout
_COMPILE = """
import sys
from pathlib import Path
from arabic_rules import compiler, loader, native
pack = compiler.compile_pack(loader.load([Path(sys.argv[1])]), "")
sys.stdout.buffer.write(native.pack_layout(pack).json.encode("utf-8"))
"""


def layout_json(pack: Path, seed: str) -> bytes:
    here = str(Path(arabic_rules.__file__).resolve().parents[1])  # this checkout, before any installed copy
    env = dict(os.environ, PYTHONHASHSEED=seed,
               PYTHONPATH=os.pathsep.join([here, *filter(None, [os.environ.get("PYTHONPATH")])]))
    done = subprocess.run([sys.executable, "-c", _COMPILE, str(pack)], env=env, capture_output=True, timeout=300)
    assert done.returncode == 0, done.stderr.decode("utf-8", "replace")
    return done.stdout


def test_layout_is_the_same_under_two_hash_seeds():
    from arabic_rules.resources import data_dir

    pack = data_dir("patterns") / "attribution"  # lexicons, gates over quotation marks, many literals
    first, second = layout_json(pack, "1"), layout_json(pack, "2")
    assert first.startswith(b'{"format"') and len(first) > 100_000
    assert first == second
