"""Sanity check for the attribution gold data (tests/gold).

Run:  python tests/gold/check_gold.py [--show]

* every file loads with yaml.safe_load and has the expected shape;
* every cue/speaker/content span is found in its text at the given occurrence
  (``*_nth``, 1-based, raw substring occurrences counted from the start of the text,
  overlapping allowed);
* cue and speaker spans sit on word boundaries (a span may be preceded by up to two
  proclitic letters و ف ب ل ك, or by "لـ"); content spans too (warning only);
* in articles, attributions are listed in the order of their cues.
"""
from __future__ import annotations

import collections
import pathlib
import re
import sys

import yaml

HERE = pathlib.Path(__file__).resolve().parent
ARABIC_LETTER = re.compile(r"[\u0621-\u064A\u066E-\u06D3\u06FA-\u06FF]")
PROCLITICS = set("وفبلك")
KEYS = {"cue", "lemma", "speaker", "content", "direct", "negated", "speaker_inferred",
        "cue_nth", "speaker_nth", "content_nth", "note"}
DIACRITICS = re.compile(r"[\u064B-\u0652\u0670\u0640]")


def is_letter(ch: str) -> bool:
    return bool(ARABIC_LETTER.match(ch)) or ch.isalpha()


def nth_index(text: str, sub: str, n: int) -> int:
    i = -1
    for _ in range(n):
        i = text.find(sub, i + 1)
        if i < 0:
            return -1
    return i


def left_ok(text: str, i: int) -> bool:
    j = i
    # skip tatweel after لـ
    if j > 0 and text[j - 1] == "\u0640":
        j -= 1
    k = 0
    while j > 0 and is_letter(text[j - 1]) and k < 2 and text[j - 1] in PROCLITICS:
        j -= 1
        k += 1
    return j == 0 or not is_letter(text[j - 1])


def right_ok(text: str, end: int) -> bool:
    if end >= len(text):
        return True
    ch = text[end]
    return not is_letter(ch) and ch not in "\u064B\u064C\u064D\u064E\u064F\u0650\u0651\u0652"


def check_expect(where: str, text: str, expect, errors, warnings, ordered=False):
    last_cue = -1
    for k, att in enumerate(expect):
        tag = f"{where}[{k}]"
        if not isinstance(att, dict):
            errors.append(f"{tag}: not a mapping")
            continue
        extra = set(att) - KEYS
        if extra:
            errors.append(f"{tag}: unknown keys {sorted(extra)}")
        for key in ("cue", "lemma", "speaker", "content", "direct"):
            if key not in att:
                errors.append(f"{tag}: missing {key}")
        if not isinstance(att.get("direct"), bool):
            errors.append(f"{tag}: direct must be a bool")
        if att.get("speaker_inferred") and att.get("speaker") is None:
            errors.append(f"{tag}: speaker_inferred true but speaker null")
        for key in ("cue", "speaker", "content"):
            span = att.get(key)
            if span is None:
                if key == "cue":
                    errors.append(f"{tag}: cue is null")
                continue
            if not isinstance(span, str) or not span:
                errors.append(f"{tag}: {key} must be a non-empty string")
                continue
            if span != span.strip():
                errors.append(f"{tag}: {key} has surrounding whitespace: {span!r}")
            n = att.get(f"{key}_nth", 1)
            i = nth_index(text, span, n)
            if i < 0:
                errors.append(f"{tag}: {key} {span!r} (nth={n}) not found")
                continue
            if span == ":":
                continue
            lok, rok = left_ok(text, i), right_ok(text, i + len(span))
            if not (lok and rok):
                msg = f"{tag}: {key} {span!r} (nth={n}) not on a word boundary: …{text[max(0,i-15):i+len(span)+15]!r}…"
                (errors if key in ("cue", "speaker") else warnings).append(msg)
            if key == "cue":
                if ordered and i < last_cue:
                    errors.append(f"{tag}: cue out of order")
                last_cue = i
        if att.get("direct"):
            c = att.get("content") or ""
            if not (c[:1] in '"«“' and c[-1:] in '"»”'):
                errors.append(f"{tag}: direct but content not a quotation")


def span_of(text, att, key):
    span = att.get(key)
    if span is None:
        return None
    i = nth_index(text, span, att.get(f"{key}_nth", 1))
    return (i, i + len(span))


def show(text, expect):
    for att in expect:
        parts = []
        for key in ("cue", "speaker", "content"):
            s = span_of(text, att, key)
            parts.append(f"{key}={text[s[0]:s[1]]!r}@{s[0]}" if s else f"{key}=None")
        print("    ", " | ".join(parts), "| lemma", att.get("lemma"), "| direct", att.get("direct"),
              "| inf" if att.get("speaker_inferred") else "", "| NEG" if att.get("negated") else "")


def main(argv):
    errors, warnings = [], []
    stats = collections.Counter()
    lemmas, cues, tags = collections.Counter(), collections.Counter(), collections.Counter()
    data = yaml.safe_load((HERE / "attribution.yaml").read_text(encoding="utf-8"))
    items = data["items"]
    ids = set()
    for n, item in enumerate(items):
        where = f"item {item.get('id', n)}"
        if item.get("id") in ids:
            errors.append(f"{where}: duplicate id")
        ids.add(item.get("id"))
        text, expect = item.get("text"), item.get("expect")
        if not isinstance(text, str) or not isinstance(expect, list):
            errors.append(f"{where}: text/expect missing")
            continue
        stats["items"] += 1
        stats["attributions"] += len(expect)
        if not expect:
            stats["negative items"] += 1
        for t in item.get("tags", []):
            tags[t] += 1
        for att in expect:
            lemmas[att.get("lemma")] += 1
            cues[att.get("cue")] += 1
        check_expect(where, text, expect, errors, warnings)
        if "--show" in argv:
            print(where, text.replace("\n", "⏎")[:160])
            show(text, expect)
    for txt in sorted((HERE / "articles").glob("*.txt")):
        text = txt.read_text(encoding="utf-8")
        yml = txt.with_suffix(".yaml")
        if not yml.exists():
            errors.append(f"{txt.name}: no yaml")
            continue
        art = yaml.safe_load(yml.read_text(encoding="utf-8"))
        expect = art["expect"]
        stats["articles"] += 1
        stats["article attributions"] += len(expect)
        stats["article words"] += len(text.split())
        print(f"{txt.name}: {len(text.split())} words, {len(expect)} attributions")
        for att in expect:
            lemmas[att.get("lemma")] += 1
            cues[att.get("cue")] += 1
        check_expect(txt.name, text, expect, errors, warnings, ordered=True)
        if "--show" in argv:
            show(text, expect)
    norm = collections.Counter()
    for l, c in lemmas.items():
        norm[DIACRITICS.sub("", l) if l else l] += c
    print(dict(stats))
    print(f"distinct lemmas: {len([l for l in norm if l])}  distinct cue strings: {len(cues)}")
    print("lemmas:", " ".join(f"{l}:{c}" for l, c in norm.most_common()))
    print("tags:", dict(tags))
    for w in warnings:
        print("WARN", w)
    for e in errors:
        print("ERROR", e)
    return 1 if errors else 0


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))
