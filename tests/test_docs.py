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


WALKTHROUGH = [b for b in BLOCKS if "doc.hint_that" in b]


@pytest.mark.skipif(not WALKTHROUGH, reason="docs are not shipped in the wheel; run from a checkout")
def test_the_walkthrough_commands_print_what_the_docs_say(tmp_path, capsys):
    """The newcomer's walkthrough as its reader runs it: the block saved in my_rules/, then the
    `arules test` and `arules explain` lines of the docs (with the shipped packs), whose output
    the docs show."""
    from arabic_rules import cli

    text = DOC.read_text(encoding="utf-8")
    section = text[text.index("## A walkthrough"):]
    mine = tmp_path / "my_rules"
    mine.mkdir()
    (mine / "hint.yaml").write_text(WALKTHROUGH[0], encoding="utf-8")
    assert cli.main(["test", str(mine)]) == cli.EXIT_OK
    assert "5 passed, 0 failed" in capsys.readouterr().out
    said, rule = re.search(r'arules explain "(.*?)" --patterns my_rules/ --rule (\S+)', section).groups()
    assert cli.main(["explain", said, "--patterns", str(mine), "--rule", rule]) == cli.EXIT_OK
    shown = re.search(r"\n    (FIRED .*)\n", section).group(1)
    assert shown in capsys.readouterr().out.splitlines()
