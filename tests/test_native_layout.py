"""The native core's JSON (`native._Writer`): a node table that holds each distinct sub-tree once
(children as indexes), read back into exactly the trees the programs are made of."""
from __future__ import annotations

import json

import pytest

from arabic_rules import ir, native
from arabic_rules.engine import Engine

pytestmark = pytest.mark.skipif(not native.available(), reason="arabic_rules._core is not built")


def inline(n: ir.Node, groups: dict[str, int]) -> list:
    """``n`` written out in full, every sub-tree in line (the JSON before the node table)."""
    if isinstance(n, ir.Lit):
        return ["lit", list(n.tokens), list(n.gaps)]
    if isinstance(n, ir.Lex):
        return ["lex", n.name]  # (by name: the test compares trees, not lexicon numbers)
    if isinstance(n, ir.AnyWord):
        return ["word"]
    if isinstance(n, ir.Raw):
        return ["raw", n.source]
    if isinstance(n, ir.Gap):
        return ["gap", bool(n.required)]
    if isinstance(n, ir.Assert):
        return ["assert", n.kind]
    if isinstance(n, ir.Look):
        return ["look", inline(n.node, groups), bool(n.negate)]
    if isinstance(n, ir.Behind):
        return ["behind", inline(n.node, groups), bool(n.negate), int(n.tokens)]
    if isinstance(n, (ir.Cat, ir.Alt)):
        return ["cat" if isinstance(n, ir.Cat) else "alt",
                [inline(x, groups) for x in (n.items if isinstance(n, ir.Cat) else n.options)]]
    if isinstance(n, ir.Opt):
        return ["opt", inline(n.node, groups), bool(n.possessive)]
    if isinstance(n, ir.Rep):
        return ["rep", inline(n.node, groups), n.min, n.max, bool(n.possessive)]
    if isinstance(n, ir.Group):
        return ["group", groups[n.name], inline(n.node, groups)]
    raise TypeError(n)


def expand(ref, core: dict) -> list:
    """A program's tree read back from the node table (names for lexicons and raw regexes)."""
    n = core["nodes"][ref] if isinstance(ref, int) else ref
    kind = n[0]
    if kind == "lex":
        return ["lex", core["sets"][n[1]]["name"]]
    if kind == "raw":
        return ["raw", core["raws"][n[1]]["source"]]
    if kind in ("look", "opt"):
        return [kind, expand(n[1], core), n[2]]
    if kind == "behind":
        return [kind, expand(n[1], core), n[2], n[3]]
    if kind == "rep":
        return [kind, expand(n[1], core), *n[2:]]
    if kind in ("cat", "alt"):
        return [kind, [expand(x, core) for x in n[1]]]
    if kind == "group":
        return [kind, n[1], expand(n[2], core)]
    return list(n)


def test_a_sub_tree_used_twice_is_written_once():
    say = ir.Lex("say")
    look = ir.Look(ir.cat(say, ir.Gap(False)), negate=True)
    twin = ir.Look(ir.cat(ir.Lex("say"), ir.Gap(False)), negate=True)  # equal, another object
    programs = [ir.cat(look, ir.AnyWord()), ir.cat(ir.Lit(("قال",), ()), ir.Gap(True), twin, ir.AnyWord())]
    layout = native.programs_layout(programs, {"say": ir.WordSet(("قال", "اكد"))})
    core = json.loads(layout.json)
    assert core["format"] == native.FORMAT == "arabic_rules.native/3"
    nodes = core["nodes"]
    looks = [i for i, n in enumerate(nodes) if n[0] == "look"]
    assert len(looks) == 1  # hash-consed: one entry for both
    tops = [nodes[p["node"]] for p in core["programs"]]
    assert looks[0] in tops[0][1] and looks[0] in tops[1][1]
    assert [n for n in nodes if n[0] == "lex"] == [["lex", 0]]
    for p, program in zip(core["programs"], programs):
        assert expand(p["node"], core) == inline(program, {})
    c = native.Core(layout=layout)
    assert c.match(0, "كتب", 0) is not None and c.match(0, "قال", 0) is None
    assert c.match(1, "قال اكد", 0) is None and c.match(1, "قال كتب", 0) == (7, [])


@pytest.fixture(scope="module")
def shipped() -> tuple:
    pack = Engine.default().pack
    return pack, json.loads(native.pack_layout(pack).json)


def test_shipped_node_table_is_distinct_entries_pointing_back(shipped):
    _, core = shipped
    nodes = core["nodes"]
    keys = [json.dumps(n, ensure_ascii=False) for n in nodes]
    assert len(set(keys)) == len(keys)  # each distinct sub-tree once

    def refs(n):
        kind = n[0]
        if kind in ("look", "opt", "behind", "rep"):
            return [n[1]]
        if kind in ("cat", "alt"):
            return n[1]
        return [n[2]] if kind == "group" else []

    for i, n in enumerate(nodes):
        assert all(isinstance(r, int) and 0 <= r < i for r in refs(n)), (i, n)
    assert all(isinstance(p["node"], int) for p in core["programs"])


def test_shipped_node_table_expands_to_the_rules_programs(shipped):
    pack, core = shipped
    programs = iter(core["programs"])
    expected = []
    for r in pack.rules:  # the rules' programs first, in order (`_make_layout`)
        p = next(programs)
        if r.program is not None:
            order = {g: i for i, g in enumerate(dict.fromkeys([g for g, _, _ in r.groups]))}
            expected.append((p, r.program, order))
    total = 0
    for p, program, order in expected:
        got = expand(p["node"], core)
        # group numbers: the reported groups first, then the others in program order (`program`)
        for g in native._Writer({}).group_names(program):
            order.setdefault(g, len(order))
        assert got == inline(program, order), p["name"]
        total += 1
    assert total == len([r for r in pack.rules if r.program is not None]) > 50


RULES = ("lexicons:\n  say: [قال, أكد, صرح]\n  who: [الوزير, رئيس الوزراء]\n"
         "macros:\n  not_say: '&!@say'\n"
         "rules:\n  - {name: a, label: x, pattern: 'cue:@say speaker:@who? \":\"? _{0,3}'}\n"
         "  - {name: b, label: x, pattern: '<not_say> w:@who'}\n")


def test_a_layout_read_from_the_cache_is_the_one_made_and_an_edit_makes_another(rules_dir, tmp_path, monkeypatch):
    cached = tmp_path / "cache"
    monkeypatch.setenv("ARULES_CACHE_DIR", str(cached))
    d = rules_dir(pack=RULES)
    pack = Engine.from_paths([d]).pack
    made = native._make_layout(pack)
    stored = list(cached.glob("native-*.pickle"))
    assert len(stored) == 1
    native._layouts.clear()  # (the layout of this pack object is kept in memory too)
    again = native.pack_layout(Engine.from_paths([d]).pack)
    assert again == made  # the rest sources come back from the pack, the rest from the cache
    (d / "pack.yaml").write_text(RULES.replace("صرح", "اعلن"), encoding="utf-8")
    edited = Engine.from_paths([d]).pack
    assert native.pack_layout(edited).json != made.json
    assert len(list(cached.glob("native-*.pickle"))) == 2


def test_every_code_point_is_made_in_order():
    """The str the layout reads Python's classes from (made from UTF-32 bytes, plane by plane)."""
    everything = native._every_code_point()
    assert len(everything) == 0x110000
    assert everything == "".join(map(chr, range(0x110000)))
