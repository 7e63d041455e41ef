"""The readable-packs bar on repetition: no verb list, participle list or source-cue alternation
is written out more than once in a shipped pack (nor the month names): a list has one home, a
lexicon or a macro, and the other places name it (@list, <macro>, include:, a YAML anchor)."""
from __future__ import annotations

import collections

import yaml

from arabic_rules import syntax
from arabic_rules.loader import load
from arabic_rules.normalize import normalize
from arabic_rules.resources import data_dir, default_pattern_files

PACK = load([data_dir("patterns")])
# the hand lists of cue forms (words.yaml; the other cue forms are generated from verbs.yaml)
CUE_LISTS = ("said", "said_pointed", "said_went_on", "said_more", "participle", "participle_np",
             "participle_more")


def _norm(word: str) -> str:
    return normalize(word).text


def _pack_files() -> dict[str, list]:
    """The shipped packs: a pack folder is one pack, a file beside them another."""
    root = data_dir("patterns")
    out: dict[str, list] = collections.defaultdict(list)
    for f in default_pattern_files():
        parts = f.relative_to(root).parts
        out[parts[0]].append(f)
    return out


def _patterns():
    """(where, pattern node) of every macro and rule of the shipped packs."""
    for m in PACK.macros.values():
        yield f"{m.loc.path}:{m.loc.line} macro {m.name}", m.node
    for r in PACK.rules:
        yield f"{r.loc.path}:{r.loc.line} rule {r.name}", r.node


def _word_alternatives():
    """(where, the words) of every alternative of plain words (with or without quotes)."""
    for where, node in _patterns():
        for n in syntax.walk(node):
            if isinstance(n, syntax.Alt):
                words = [_norm(o.text) for o in n.options if isinstance(o, (syntax.Word, syntax.Phrase))]
                if len(words) >= 2:
                    yield where, frozenset(words)


def test_no_verb_is_declared_twice_in_a_pack():
    """A verb (root, measure and what is generated from them) is written once per pack; other
    groups name it with a YAML alias (*qala), which loads as the very same mapping."""
    for pack, files in _pack_files().items():
        seen: dict[str, list] = collections.defaultdict(list)
        for f in files:
            data = yaml.safe_load(f.read_text(encoding="utf-8")) or {}
            for group, entries in (data.get("verbs") or {}).items():
                for entry in entries:
                    key = repr(sorted(entry.items()))
                    if all(e is not entry for e in seen[key]):
                        seen[key].append(entry)
        twice = [k for k, v in seen.items() if len(v) > 1]
        assert twice == [], (pack, twice)


def test_no_word_list_is_written_out_twice():
    """An alternative of three words or more (a list), or of two with a cue word in it (a verb
    form, a participle, a source cue: (بحسب | حسب | وفق) ما), is written in one pattern of all the
    shipped packs; a second place names its macro or a lexicon. (Lists of one- and two-letter
    clitics, (و | ف), are spelt where they are glued.)"""
    cue_words = {f for name in CUE_LISTS + ("source", "say") for f, _ in PACK.lexicons[name].entries}
    where: dict[frozenset, list[str]] = collections.defaultdict(list)
    for at, words in _word_alternatives():
        clitics = all(len(w) <= 2 for w in words)
        if not clitics and (len(words) >= 3 or words & cue_words):
            where[words].append(at)
    twice = {tuple(sorted(k)): v for k, v in where.items() if len(v) > 1}
    assert twice == {}


def test_the_hand_lists_of_cue_forms_are_written_once():
    """A cue form of words.yaml's lists is in one of them only, and no pattern of any shipped pack
    spells it (bare or with و/ف): the patterns name the list."""
    owner: dict[str, str] = {}
    for name in CUE_LISTS:
        for form, _ in PACK.lexicons[name].entries:
            assert owner.setdefault(form, name) == name, (form, owner[form], name)
    spelt = set()
    for _, node in _patterns():
        spelt |= {_norm(n.text) for n in syntax.walk(node) if isinstance(n, (syntax.Word, syntax.Phrase))}
    homographs = {f for f, _ in PACK.lexicons["between"].entries}  # the preposition بين (the cue بيّن)
    for form in set(owner) - homographs:
        assert not spelt & {form, "و" + form, "ف" + form}, form


def test_month_names_are_written_once():
    """The month names are calendar_words.yaml's `month` (dates and numbers import it): no other
    lexicon lists one of their own, and no pattern spells one."""
    months = {f for f, _ in PACK.lexicons["month"].entries}
    for name, lx in PACK.lexicons.items():
        if name == "month" or "month" in lx.include:
            continue
        included = {f for other in lx.include for f, _ in PACK.lexicons[other].entries}
        own = {f for f, _ in lx.entries} - included
        assert not own & months, (name, sorted(own & months))
    for where, node in _patterns():
        spelt = {_norm(n.text) for n in syntax.walk(node) if isinstance(n, (syntax.Word, syntax.Phrase))}
        assert not spelt & months, (where, sorted(spelt & months))
