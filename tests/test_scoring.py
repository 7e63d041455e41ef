"""`arules score` and arabic_rules.scoring on small gold sets written here, with the metrics
worked out by hand (ANNOTATION.md, "How a set is scored")."""
from __future__ import annotations

import gzip
import json
import os
import subprocess
import sys
import zlib
from pathlib import Path

import pytest

from arabic_rules import Match, Span
from arabic_rules.scoring import (GoldError, crc_of, fill_texts, load_gold, score, strip_texts, token_f1,
                                  tokens)

T1 = "قال رئيس البلدية إن 40 عاملا سيصلون يوم الأحد المقبل."
T2 = "وأوضحت الوزارة في بيان أن ربع المدارس أغلقت في 3 آذار 2020."
REF = "2021-12-13"


def span(text: str, piece: str, after: str = "") -> dict:
    """The gold span of ``piece``, found after the unique context ``after``."""
    i = text.find(piece, text.find(after) if after else 0)
    assert i >= 0 and text.count(after or piece) == 1, piece
    return {"start": i, "end": i + len(piece), "text": piece}


def found(text: str, label: str, piece: str, value=None, attrs=None, after: str = "", **fields) -> Match:
    """A finding as the engine returns it (``piece`` found after ``after``); ``fields`` name pieces
    of the text (cue, speaker...)."""
    s = span(text, piece, after)
    fs = {}
    for name, p in fields.items():
        f = span(text, p)
        fs[name] = Span(f["start"], f["end"], p)
    return Match(label, f"test.{label}", s["start"], s["end"], piece, value, attrs or {}, fs)


def write_gold(path: Path, records: list[dict]) -> Path:
    path.write_text("".join(json.dumps(r, ensure_ascii=False) + "\n" for r in records), encoding="utf-8")
    return path


def gold_records() -> list[dict]:
    return [
        {"id": "t1", "text": T1, "ref_date": REF, "annotations": [
            {"label": "attribution", "cue": span(T1, "قال"), "lemma": "قال", "speaker": span(T1, "رئيس البلدية"),
             "content": span(T1, "إن 40 عاملا سيصلون يوم الأحد المقبل"), "direct": False},
            {"label": "number", "span": span(T1, "40"), "value": 40, "kind": "cardinal"},
            {"label": "date", "span": span(T1, "يوم الأحد المقبل"), "value": "XXXX-XX-XX", "relative": True,
             "resolved": "2021-12-19"},
        ]},
        {"id": "t2", "text": T2, "ref_date": REF, "annotations": [
            {"label": "attribution", "cue": span(T2, "أوضحت"), "lemma": "أوضح", "speaker": span(T2, "الوزارة"),
             "content": span(T2, "أن ربع المدارس أغلقت في 3 آذار 2020"), "direct": False},
            {"label": "number", "span": span(T2, "ربع"), "value": 0.25, "kind": "fraction"},
            {"label": "date", "span": span(T2, "3 آذار 2020"), "value": "2020-03-03", "relative": False},
        ]},
    ]


def perfect_findings() -> dict:
    return {
        "t1": [found(T1, "attribution", "قال رئيس البلدية إن 40 عاملا سيصلون يوم الأحد المقبل",
                     {"lemma": "قال", "direct": False}, cue="قال", speaker="رئيس البلدية",
                     content="إن 40 عاملا سيصلون يوم الأحد المقبل"),
               found(T1, "number", "40", 40),
               found(T1, "date", "يوم الأحد المقبل", "XXXX-XX-XX", {"resolved": "2021-12-19"})],
        "t2": [found(T2, "attribution", "أوضحت الوزارة في بيان أن ربع المدارس أغلقت في 3 آذار 2020",
                     {"lemma": "أوضح", "direct": False}, cue="أوضحت", speaker="الوزارة",
                     content="أن ربع المدارس أغلقت في 3 آذار 2020"),
               found(T2, "number", "ربع", 0.25),
               found(T2, "date", "3 آذار 2020", "2020-03-03", {"resolved": "2020-03-03"})],
    }


@pytest.fixture
def gold(tmp_path):
    return load_gold(write_gold(tmp_path / "gold.jsonl", gold_records()))


def test_a_perfect_set_scores_one_everywhere(gold):
    report = score(gold, perfect_findings())
    assert [s.label for s in report.labels] == ["attribution", "date", "number"]
    for s in report.labels:
        assert (s.gold, s.found, s.matched) == (2, 2, 2)
        assert s.precision == s.recall == s.f1 == 1.0
    assert report.label("date").value_f1 == report.label("number").value_f1 == 1.0
    assert report.label("attribution").speaker == report.label("attribution").content == 1.0
    assert report.label("attribution").value_f1 is None and report.label("number").speaker is None
    assert report.discrepancies == ()


def test_a_miss_a_false_finding_a_wrong_value_a_partial_speaker(gold):
    findings = {
        # the speaker lacks its title: tokens found {البلدية}, gold {رئيس, البلدية}: P 1, R 1/2, F1 2/3
        "t1": [found(T1, "attribution", "قال رئيس البلدية إن 40 عاملا سيصلون يوم الأحد المقبل", {},
                     cue="قال", speaker="البلدية", content="إن 40 عاملا سيصلون يوم الأحد المقبل"),
               found(T1, "number", "40", 40),
               # overlaps the gold span (pairs with it), one day off
               found(T1, "date", "الأحد المقبل", "XXXX-XX-XX", {"resolved": "2021-12-20"})],
        # the attribution is missed; "3" is a false number; the date is right
        "t2": [found(T2, "number", "ربع", 0.25),
               found(T2, "number", "3", 3, after="3 آذار"),
               found(T2, "date", "3 آذار 2020", "2020-03-03", {"resolved": "2020-03-03"})],
    }
    r = score(gold, findings)
    att, date, number = r.label("attribution"), r.label("date"), r.label("number")
    assert (att.gold, att.found, att.matched) == (2, 1, 1)
    assert att.precision == 1.0 and att.recall == 0.5 and att.f1 == pytest.approx(2 / 3)
    assert att.speaker == pytest.approx(2 / 3) and att.content == 1.0  # one pair
    assert (date.gold, date.found, date.matched, date.value_matched) == (2, 2, 2, 1)
    assert date.f1 == 1.0 and date.value_f1 == 0.5 and date.value_precision == date.value_recall == 0.5
    assert (number.gold, number.found, number.matched, number.value_matched) == (2, 3, 2, 2)
    assert number.precision == pytest.approx(2 / 3) and number.recall == 1.0
    assert number.f1 == pytest.approx(0.8) and number.value_f1 == pytest.approx(0.8)
    kinds = [(d.label, d.kind, d.doc, d.text) for d in r.discrepancies]
    assert kinds == [("attribution", "wrong", "t1", "قال"), ("attribution", "miss", "t2", "أوضحت"),
                     ("date", "wrong", "t1", "يوم الأحد المقبل"), ("number", "false", "t2", "3")]
    wrong_date = r.discrepancies[2]
    assert (wrong_date.expected, wrong_date.found) == ("2021-12-19", "2021-12-20")
    assert "[يوم الأحد المقبل]" in wrong_date.context and (wrong_date.line, wrong_date.col) == (1, 37)
    assert "expected 2021-12-19, found 2021-12-20" in str(wrong_date)
    assert len(r.shown(1)) == 4 and len(r.shown(0)) == 0


def test_nothing_found(gold):
    r = score(gold, {})
    number = r.label("number")
    assert (number.gold, number.found, number.matched) == (2, 0, 0)
    assert number.precision is None and number.recall == 0.0 and number.f1 == 0.0 and number.value_f1 == 0.0
    assert r.label("attribution").speaker is None


def test_optional_items_neither_gain_nor_lose(tmp_path):
    text = "عاد أحد اللاعبين مع 12 مدربا ثم عادوا ثانية."
    g = load_gold(write_gold(tmp_path / "g.jsonl", [{"id": "o", "text": text, "annotations": [
        {"label": "number", "span": span(text, "12"), "value": 12, "kind": "cardinal"},
        {"label": "number", "span": span(text, "أحد"), "value": 1, "kind": "cardinal", "optional": True},
        {"label": "number", "span": span(text, "ثانية"), "value": 2, "kind": "ordinal", "optional": True},
    ]}]))
    # found: 12, and "أحد" (paired with an optional item: not a false positive); "ثانية" is not a miss
    r = score(g, {"o": [found(text, "number", "12", 12), found(text, "number", "أحد", 1)]})
    s = r.label("number")
    assert (s.gold, s.found, s.matched, s.skipped_gold, s.skipped_found) == (1, 1, 1, 2, 1)
    assert s.precision == s.recall == s.f1 == s.value_f1 == 1.0
    assert r.discrepancies == ()


def test_a_required_item_wins_a_tie_over_an_optional_one(tmp_path):
    text = "بلغ العدد 12 فقط."
    g = load_gold(write_gold(tmp_path / "g.jsonl", [{"id": "o", "text": text, "annotations": [
        {"label": "number", "span": {"start": 10, "end": 12, "text": "12"}, "value": 12, "optional": True},
        {"label": "number", "span": {"start": 10, "end": 12, "text": "12"}, "value": 12},
    ]}]))
    s = score(g, {"o": [found(text, "number", "12", 12)]}).label("number")
    assert (s.gold, s.found, s.matched) == (1, 1, 1)


def test_alternatives_are_accepted(tmp_path):
    text = "أعلن ذلك أمس وأكده صباح الأحد ثم يوم 5 أيار."
    g = load_gold(write_gold(tmp_path / "g.jsonl", [{"id": "a", "text": text, "ref_date": REF, "annotations": [
        {"label": "date", "span": span(text, "أمس"), "value": "XXXX-XX-XX", "relative": True,
         "resolved": "2021-12-12", "alt_resolved": "2021-12-11"},
        {"label": "date", "span": span(text, "صباح الأحد"), "value": "XXXX-XX-XX", "relative": True,
         "resolved": "2021-12-12", "alt_value": ["XXXX-XX-XXTMO"]},
        {"label": "date", "span": span(text, "5 أيار"), "value": "XXXX-05-05", "resolved": "2021-05-05"},
    ]}]))
    findings = {"a": [found(text, "date", "أمس", "XXXX-XX-XX", {"resolved": "2021-12-11"}),  # alt_resolved
                      found(text, "date", "صباح الأحد", "XXXX-XX-XXTMO"),  # no resolved: its value, an alt_value
                      found(text, "date", "5 أيار", "XXXX-05-05")]}  # gold resolved, found not: wrong
    s = score(g, findings).label("date")
    assert (s.matched, s.value_matched) == (3, 2)


def test_numbers_compare_with_a_small_tolerance(tmp_path):
    text = "غادر ثلث السكان وربع الجنود و2500 شخص."
    g = load_gold(write_gold(tmp_path / "g.jsonl", [{"id": "n", "text": text, "annotations": [
        {"label": "number", "span": span(text, "ثلث"), "value": 0.3333, "kind": "fraction"},
        {"label": "number", "span": span(text, "ربع"), "value": 0.25, "kind": "fraction"},
        {"label": "number", "span": span(text, "2500"), "value": 2500, "kind": "cardinal"},
    ]}]))
    findings = {"n": [found(text, "number", "ثلث", 0.333333333), found(text, "number", "ربع", 0.26),
                      found(text, "number", "2500", 2501)]}
    s = score(g, findings).label("number")
    assert (s.matched, s.value_matched) == (3, 1)


def test_effective_speaker_and_content_and_nested(tmp_path):
    text = "وقال الوزير إن الخطة جاهزة. وأضاف: «سنبدأ غدا». وأكد البيان: «نؤكد أن العمل مستمر»."
    recs = [{"id": "e", "text": text, "ref_date": REF, "annotations": [
        {"label": "attribution", "cue": span(text, "قال"), "speaker": span(text, "الوزير"),
         "content": span(text, "إن الخطة جاهزة"), "direct": False},
        {"label": "attribution", "cue": span(text, "أضاف"), "speaker": None, "speaker_from": span(text, "الوزير"),
         "content": span(text, "سنبدأ غدا"), "direct": True},
        {"label": "attribution", "cue": span(text, "نؤكد"), "speaker": None, "content": span(text, "أن العمل مستمر"),
         "direct": False, "nested": True},
    ]}]
    g = load_gold(write_gold(tmp_path / "g.jsonl", recs))
    findings = {"e": [found(text, "attribution", "قال", {}, cue="قال", speaker="الوزير", content="إن الخطة جاهزة"),
                      found(text, "attribution", "أضاف", {}, cue="أضاف", speaker="الوزير", content="سنبدأ غدا"),
                      # a nested finding without a speaker: gold none too, so 1; content "العمل مستمر": 2/3 vs 3
                      found(text, "attribution", "نؤكد", {}, cue="نؤكد", content="العمل مستمر")]}
    s = score(g, findings).label("attribution")
    assert (s.gold, s.found, s.matched) == (3, 3, 3)
    assert s.speaker == 1.0 and s.content == pytest.approx((1 + 1 + 0.8) / 3)
    s = score(g, findings, nested=False).label("attribution")
    assert (s.gold, s.found, s.matched, s.skipped_gold, s.skipped_found) == (2, 2, 2, 1, 1)
    assert s.speaker == s.content == 1.0


def test_token_f1():
    assert token_f1(None, None) == 1.0 and token_f1("", None) == 1.0
    assert token_f1("الوزير", None) == 0.0 and token_f1(None, "الوزير") == 0.0
    assert token_f1("وزير الخارجية", "وزير الخارجيّة") == 1.0  # diacritics normalized away
    assert token_f1("«أحمد»، الوزير", "احمد الوزير") == 1.0  # hamza folded, punctuation splits
    assert tokens("قال: «نعم»؛ ثم مضى.") == ["قال", "نعم", "ثم", "مضي"]  # ى folded to ي
    assert token_f1("الوزير أحمد علي", "الوزير") == pytest.approx(0.5)


def test_labels_scored_are_those_annotated(tmp_path):
    text = "وصل 40 عاملا."
    g = load_gold(write_gold(tmp_path / "g.jsonl", [{"id": "l", "text": text, "annotations": [
        {"label": "number", "span": span(text, "40"), "value": 40}]}]))
    findings = {"l": [found(text, "number", "40", 40), found(text, "date", "عاملا", "2021")]}
    assert [s.label for s in score(g, findings).labels] == ["number"]
    r = score(g, findings, labels={"number", "date"})
    assert r.label("date").found == 1 and r.label("date").precision == 0.0


def test_a_record_declares_the_labels_it_annotates(tmp_path):
    # one record annotated for all labels, one for numbers only (with no number in it): the second
    # is charged neither for the date found in it nor for anything of a label it does not declare
    text = "وصل 40 عاملا يوم الأحد."
    g = load_gold(write_gold(tmp_path / "g.jsonl", [
        {"id": "all", "text": text, "annotations": [
            {"label": "number", "span": span(text, "40"), "value": 40},
            {"label": "date", "span": span(text, "يوم الأحد"), "value": "XXXX-WXX-7"}]},
        {"id": "num", "text": "لا شيء هنا يوم الأحد.", "labels": ["number"], "annotations": []}]))
    assert g.labels == ("date", "number") and g.docs[1].labels == ("number",)
    assert g.docs[1].annotates("number") and not g.docs[1].annotates("date") and g.docs[0].annotates("date")
    findings = {"all": [found(text, "number", "40", 40), found(text, "date", "يوم الأحد", "XXXX-WXX-7")],
                "num": [found("لا شيء هنا يوم الأحد.", "date", "يوم الأحد", "XXXX-WXX-7")]}
    r = score(g, findings)
    assert r.label("date").found == 1 and r.label("date").precision == 1.0
    # a set whose records declare labels is scored on them even where no item has that label
    only = load_gold(write_gold(tmp_path / "o.jsonl", [
        {"id": "n", "text": "لا شيء هنا.", "labels": ["date", "number"], "annotations": []}]))
    assert only.labels == ("date", "number")
    assert [s.label for s in score(only, {}).labels] == ["date", "number"]


@pytest.mark.parametrize("labels, message", [
    ('"date"', "labels must be a non-empty list"),
    ("[]", "labels must be a non-empty list"),
    ("[1]", "labels must be a non-empty list"),
    ('["date"]', r"label 'number' is not among the record's labels \['date'\]"),
])
def test_a_bad_labels_declaration_is_a_clear_error(tmp_path, labels, message):
    path = tmp_path / "g.jsonl"
    path.write_text('{"id": "x", "text": "abc 12", "labels": ' + labels + ', "annotations": [{"label": '
                    '"number", "span": {"text": "12"}, "value": 12}]}\n', encoding="utf-8")
    with pytest.raises(GoldError, match="g.jsonl:1: .*" + message):
        load_gold(path)


def test_findings_in_their_json_shape(gold):
    as_dicts = {k: [m.to_dict() for m in v] for k, v in perfect_findings().items()}
    assert score(gold, as_dicts).to_dict() == score(gold, perfect_findings()).to_dict()


# -- the stored form -------------------------------------------------------------------------------

def test_strip_texts_and_fill_texts_round_trip():
    rec = dict(gold_records()[0], file="news-test-00.jsonl.gz")
    stored = strip_texts(rec)
    assert "text" not in stored and stored["file"] == "news-test-00.jsonl.gz" and stored["id"] == "t1"
    cue = stored["annotations"][0]["cue"]
    assert cue == {"start": 0, "end": 3, "crc": f"{zlib.crc32('قال'.encode('utf-8')):08x}"}
    assert cue["crc"] == crc_of("قال")
    assert not any("text" in v for a in stored["annotations"] for v in a.values() if isinstance(v, dict))
    assert rec["annotations"][0]["cue"]["text"] == "قال"  # the record itself is left alone
    assert fill_texts(stored, T1) == rec
    assert strip_texts(gold_records()[1], file="x.jsonl.gz")["file"] == "x.jsonl.gz"
    with pytest.raises(GoldError, match="needs the corpus id and file"):
        strip_texts(gold_records()[1])


def test_strip_texts_locates_spans_given_by_text_alone():
    rec = {"id": "s", "text": T1, "file": "f.jsonl.gz", "annotations": [
        {"label": "number", "span": {"text": "40"}, "value": 40}]}
    assert strip_texts(rec)["annotations"][0]["span"] == {"start": 20, "end": 22, "crc": crc_of("40")}


def test_fill_texts_names_the_item_whose_crc_does_not_match():
    stored = strip_texts(dict(gold_records()[0], file="f.jsonl.gz"))
    changed = T1.replace("رئيس", "مدير")
    with pytest.raises(GoldError, match=r"item t1: annotations\[0\] \(attribution\) speaker: crc .* corpus changed"):
        fill_texts(stored, changed)
    with pytest.raises(GoldError, match="outside the corpus text"):
        fill_texts(stored, T1[:10])


def write_corpus(folder: Path, name: str, docs: dict[str, str]) -> Path:
    folder.mkdir(exist_ok=True)
    with gzip.open(folder / name, "wt", encoding="utf-8") as f:
        f.write(json.dumps({"id": "other", "source": "x", "text": "نص آخر"}, ensure_ascii=False) + "\n")
        for i, t in docs.items():
            f.write(json.dumps({"id": i, "source": "x", "title": "t", "text": t}, ensure_ascii=False) + "\n")
    return folder


def stored_set(tmp_path: Path) -> Path:
    recs = gold_records()
    stored = [dict(strip_texts(recs[0], file="c-00.jsonl.gz"), split="dev"),
              dict(strip_texts(recs[1], file="c-00.jsonl.gz"), split="test")]
    return write_gold(tmp_path / "stored.jsonl", stored)


def test_a_stored_set_reads_its_texts_from_the_corpus(tmp_path, gold):
    corpus = write_corpus(tmp_path / "corpus", "c-00.jsonl.gz", {"t1": T1, "t2": T2})
    g = load_gold(stored_set(tmp_path), corpus=corpus)
    assert [(d.id, d.text, d.split) for d in g.docs] == [("t1", T1, "dev"), ("t2", T2, "test")]
    assert [d.items for d in g.docs] == [d.items for d in gold.docs]
    dev = load_gold(stored_set(tmp_path), corpus=corpus, split="dev")
    assert [d.id for d in dev.docs] == ["t1"] and dev.skipped == 1
    with pytest.raises(GoldError, match=r"no record has split 'train' \(the splits in the file: 'dev', 'test'\)"):
        load_gold(stored_set(tmp_path), corpus=corpus, split="train")


def test_a_changed_corpus_is_a_clear_error(tmp_path):
    corpus = write_corpus(tmp_path / "corpus", "c-00.jsonl.gz", {"t1": T1.replace("40", "50"), "t2": T2})
    path = stored_set(tmp_path)
    with pytest.raises(GoldError) as e:
        load_gold(path, corpus=corpus)
    assert str(e.value).startswith(f"{path}:1: item t1: annotations[0] (attribution) content: crc ")
    assert "corpus changed" in str(e.value)
    write_corpus(tmp_path / "corpus", "c-00.jsonl.gz", {"t1": T1})
    with pytest.raises(GoldError, match=r"stored.jsonl:2: item t2: not in corpus file"):
        load_gold(path, corpus=corpus)
    with pytest.raises(GoldError, match=r"stored.jsonl:1: corpus file .*c-00.jsonl.gz not found"):
        load_gold(path, corpus=tmp_path / "nowhere")


@pytest.mark.parametrize("line, message", [
    ("{not json", r"g.jsonl:2: not JSON"),
    ('["a"]', r"g.jsonl:2: a record must be a JSON object"),
    ('{"id": "x", "annotations": []}', r"g.jsonl:2: a record needs either \"text\""),
    ('{"id": "x", "text": "abc"}', r"g.jsonl:2: a record needs \"annotations\""),
    ('{"id": "a", "text": "abc", "annotations": []}', r"g.jsonl:2: id 'a' is already used on line 1"),
    ('{"id": "x", "text": "abc", "ref_date": "13/12/2021", "annotations": []}', r"g.jsonl:2: ref_date must be"),
    ('{"id": "x", "text": "abc 12", "annotations": [{"span": {"start": 4, "end": 6, "text": "12"}}]}',
     r"g.jsonl:2: item x: annotations\[0\]: an annotation needs a \"label\""),
    ('{"id": "x", "text": "abc 12", "annotations": [{"label": "number", "span": {"start": 3, "end": 5, '
     '"text": "12"}, "value": 12}]}',
     r"g.jsonl:2: item x: annotations\[0\] \(number\) span: the text at 3-5 is ' 1', not '12'; '12' is at 4-6"),
    ('{"id": "x", "text": "abc", "annotations": [{"label": "number", "span": {"start": 2, "end": 9}, '
     '"value": 1}]}', r"annotations\[0\] \(number\) span: 2-9 is not a span of the text"),
    ('{"id": "x", "text": "12 12", "annotations": [{"label": "number", "span": {"text": "12"}, "value": 12}]}',
     r"'12' occurs 2 times in the text; give its start and end"),
    ('{"id": "x", "text": "abc 12", "annotations": [{"label": "number", "span": {"text": "12"}, "value": "12"}]}',
     r"a number needs its value"),
    ('{"id": "x", "text": "abc 12", "annotations": [{"label": "date", "span": {"text": "12"}}]}',
     r"a date needs its value"),
    ('{"id": "x", "text": "abc 12", "annotations": [{"label": "attribution", "span": {"text": "12"}}]}',
     r"an attribution needs its cue"),
    ('{"id": "x", "text": "abc 12", "annotations": [{"label": "attribution", "cue": "abc"}]}',
     r"cue: a span is an object"),
])
def test_a_bad_gold_file_names_file_and_line(tmp_path, line, message):
    path = tmp_path / "g.jsonl"
    path.write_text('{"id": "a", "text": "abc", "annotations": []}\n' + line + "\n", encoding="utf-8")
    with pytest.raises(GoldError, match=message):
        load_gold(path)


def test_spans_given_by_text_alone_are_located(tmp_path):
    path = write_gold(tmp_path / "g.jsonl", [{"id": "x", "text": T1, "annotations": [
        {"label": "number", "span": {"text": "40"}, "value": 40}]}])
    assert load_gold(path).docs[0].items[0].span.start == 20


# -- the command line ------------------------------------------------------------------------------

CLI_TEXT = "وأكد المتحدث أن 300 مراقب سيحضرون في 9 كانون الأول/ ديسمبر."


def cli_record() -> dict:
    t = CLI_TEXT
    return {"id": "c1", "text": t, "ref_date": REF, "annotations": [
        {"label": "attribution", "cue": span(t, "أكد"), "lemma": "أكد", "speaker": span(t, "المتحدث"),
         "content": span(t, "أن 300 مراقب سيحضرون في 9 كانون الأول/ ديسمبر"), "direct": False},
        {"label": "number", "span": span(t, "300"), "value": 300, "kind": "cardinal"},
        # a number the rules cannot find there: a miss
        {"label": "number", "span": span(t, "مراقب"), "value": 1, "kind": "cardinal"},
        # the rules resolve this to 2021-12-09: a wrong value
        {"label": "date", "span": span(t, "9 كانون الأول/ ديسمبر"), "value": "XXXX-12-09", "relative": False,
         "resolved": "2021-12-10"},
    ]}


def arules(*args, cwd=None, env=None):
    return subprocess.run([sys.executable, "-m", "arabic_rules", "score", *args], capture_output=True, text=True,
                          cwd=cwd, env={**os.environ, **(env or {})}, timeout=120)


def test_cli_json(tmp_path):
    path = write_gold(tmp_path / "gold.jsonl", [cli_record()])
    r = arules(str(path), "--format", "json", "--show", "5")
    assert r.returncode == 0, r.stderr
    out = json.loads(r.stdout)
    att, date, number = (out["labels"][k] for k in ("attribution", "date", "number"))
    assert (att["gold"], att["found"], att["matched"], att["speaker"], att["content"]) == (1, 1, 1, 1.0, 1.0)
    assert (number["gold"], number["found"], number["matched"], number["value_matched"]) == (2, 1, 1, 1)
    assert number["precision"] == 1.0 and number["recall"] == 0.5 and number["f1"] == pytest.approx(2 / 3)
    assert (date["matched"], date["f1"], date["value_f1"]) == (1, 1.0, 0.0)
    shown = {(d["label"], d["kind"], d["text"]) for d in out["discrepancies"]}
    assert shown == {("number", "miss", "مراقب"), ("date", "wrong", "9 كانون الأول/ ديسمبر")}


def test_cli_table_and_show(tmp_path):
    path = write_gold(tmp_path / "gold.jsonl", [cli_record()])
    r = arules(str(path), "--show", "3")
    assert r.returncode == 0, r.stderr
    lines = r.stdout.splitlines()
    row = next(x for x in lines if x.strip().startswith("number")).split()
    assert row == ["number", "2", "1", "1", "1.000", "0.500", "0.667", "0.667", "–", "–"]
    assert any("miss" in x and "c1:1:" in x and "«مراقب»" in x and "expected 1" in x for x in lines)
    assert any("wrong" in x and "expected 2021-12-10, found 2021-12-09" in x for x in lines)
    r = arules(str(path), "--labels", "number")
    assert "attribution" not in r.stdout and "number" in r.stdout


def test_cli_stored_set_split_and_corpus_from_the_environment(tmp_path):
    corpus = write_corpus(tmp_path / "corpus", "c-00.jsonl.gz", {"t1": T1, "t2": T2, "c1": CLI_TEXT})
    stored = [dict(strip_texts(cli_record(), file="c-00.jsonl.gz"), split="dev"),
              dict(strip_texts(gold_records()[1], file="c-00.jsonl.gz"), split="test")]
    path = write_gold(tmp_path / "stored.jsonl", stored)
    r = arules(str(path), "--format", "json", "--split", "dev", env={"ARULES_CORPUS": str(corpus)})
    assert r.returncode == 0, r.stderr
    out = json.loads(r.stdout)
    assert (out["documents"], out["skipped_documents"], out["split"]) == (1, 1, "dev")
    assert out["labels"]["number"]["gold"] == 2
    # the default corpus is ../shared/corpus from where arules runs
    work = tmp_path / "project"
    work.mkdir()
    (tmp_path / "shared").mkdir()
    write_corpus(tmp_path / "shared" / "corpus", "c-00.jsonl.gz", {"t1": T1, "t2": T2, "c1": CLI_TEXT})
    env = {k: v for k, v in os.environ.items() if k != "ARULES_CORPUS"}
    r = subprocess.run([sys.executable, "-m", "arabic_rules", "score", str(path), "--format", "json"],
                       capture_output=True, text=True, cwd=work, env=env, timeout=120)
    assert r.returncode == 0, r.stderr
    assert json.loads(r.stdout)["documents"] == 2


def test_cli_a_bad_gold_file_exits_2_without_a_traceback(tmp_path):
    corpus = write_corpus(tmp_path / "corpus", "c-00.jsonl.gz", {"c1": CLI_TEXT.replace("300", "400")})
    path = write_gold(tmp_path / "stored.jsonl", [strip_texts(cli_record(), file="c-00.jsonl.gz")])
    r = arules(str(path), "--corpus", str(corpus))
    assert r.returncode == 2 and "Traceback" not in r.stderr
    assert r.stderr.startswith(f"arules: {path}:1: item c1: annotations[0] (attribution) content: crc")
    bad = tmp_path / "bad.jsonl"
    bad.write_text('{"id": "x", "text": "abc", "annotations": [{"label": "dates", "span": {"text": "b"}}]}\n')
    r = arules(str(bad))
    assert r.returncode == 2 and "Traceback" not in r.stderr
    assert r.stderr.startswith(f"arules: {bad}:1: label(s) dates are not found by the rules")
    r = arules(str(tmp_path / "missing.jsonl"))
    assert r.returncode == 2 and "no such gold file" in r.stderr


def test_a_label_of_your_own_rules(tmp_path):
    text = "دفع 40 دينارا و12 دولارا."
    g = load_gold(write_gold(tmp_path / "g.jsonl", [{"id": "m", "text": text, "annotations": [
        {"label": "money", "span": span(text, "40 دينارا"), "value": {"amount": 40, "currency": "TND"}},
        {"label": "money", "span": span(text, "12 دولارا"), "value": {"amount": 12, "currency": "USD"},
         "alt_value": [{"amount": 12, "currency": "$"}]},
    ]}]))
    findings = {"m": [found(text, "money", "40 دينارا", {"amount": 40, "currency": "TND"}),
                      found(text, "money", "12 دولارا", {"amount": 12, "currency": "$"}),
                      found(text, "number", "40", 40)]}
    r = score(g, findings)
    assert [s.label for s in r.labels] == ["money"]
    s = r.label("money")
    assert (s.matched, s.value_matched, s.f1, s.value_f1) == (2, 2, 1.0, 1.0)
