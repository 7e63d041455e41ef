"""Every YAML block in docs/patterns.md is a rule file whose examples pass."""
import re
from pathlib import Path

import pytest

from arabic_rules.engine import Engine, compile_files
from arabic_rules.examples import run_examples
from arabic_rules.loader import load

DOC = Path(__file__).resolve().parent.parent / "docs" / "patterns.md"
BLOCKS = re.findall(r"```yaml\n(.*?)```", DOC.read_text(encoding="utf-8"), re.S) if DOC.exists() else []


@pytest.mark.skipif(not DOC.exists(), reason="docs are not shipped in the wheel; run from a checkout")
@pytest.mark.parametrize("block", BLOCKS, ids=[f"block{i}" for i in range(len(BLOCKS))])
def test_doc_block_loads_and_its_examples_pass(tmp_path, block):
    path = tmp_path / "doc.yaml"
    path.write_text(block, encoding="utf-8")
    pack = load([path])
    results = run_examples(pack, Engine(compile_files([path], loaded=pack)))  # (through the run's cache)
    assert results, "a doc block should show examples"
    failed = [f"{r.example.loc}: {r.message}" for r in results if not r.ok]
    assert not failed, "\n".join(failed)
