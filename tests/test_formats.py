"""The formats for other tools (arabic_rules.formats): each output is read back by the format's
own rules (brat's standoff lines, Label Studio's task JSON, TimeML's XML, CSV, Parquet, the HTML
page's DOM in a browser) and must give the findings of `--format jsonl` for the same run.

The corpus is made at run time: a document per rule of the shipped packs holding its positive
examples (every date shape the packs give: intervals, seasons, Hijri, weeks, modifiers), the
example article, and a document of awkward characters (CRLF, an emoji, & < >, a form feed, a tab).
"""
from __future__ import annotations

import contextlib
import csv
import io
import json
import re
import shutil
import subprocess
import sys
import xml.etree.ElementTree as ET
from html.parser import HTMLParser
from pathlib import Path

import pytest

from arabic_rules.cli import main
from arabic_rules.formats import AnnotatedDocument, open_writer
from arabic_rules.formats.brat import ann
from arabic_rules.formats.html import marked_text
from arabic_rules.formats.labelstudio import labeling_config
from arabic_rules.formats.tabular import COLUMNS
from arabic_rules.loader import load
from arabic_rules.resources import data_dir

ROOT = Path(__file__).resolve().parents[1]
NEWS = ROOT / "examples" / "news.txt"
PARTS = ("cue", "speaker", "content")


def run(*args: str) -> tuple[int, str, str]:
    """`arules` in this process (its engine cache is the session's): exit code, stdout, stderr."""
    out, err = io.StringIO(), io.StringIO()
    with contextlib.redirect_stdout(out), contextlib.redirect_stderr(err):
        code = main(list(args))
    return code, out.getvalue(), err.getvalue()


@pytest.fixture(scope="module", autouse=True)
def _session_cache(tmp_path_factory):
    """The session's private engine cache (conftest's is per test: these fixtures are per module)."""
    with pytest.MonkeyPatch.context() as mp:
        mp.setenv("ARULES_CACHE_DIR", str(tmp_path_factory.getbasetemp() / "cache"))
        yield


@pytest.fixture(scope="module")
def corpus(tmp_path_factory) -> Path:
    pack = load([data_dir("patterns")])
    docs = []
    for rule in pack.rules:
        texts = [e.text for e in rule.examples if e.positive]
        if texts:
            docs.append({"id": rule.name, "date": "2021-12-13", "text": "\n".join(texts)})
    lines = NEWS.read_text(encoding="utf-8").splitlines()
    odd = lines[0] + "\r\n\U0001F600 & <b> \x0c\t" + lines[1] + "\r\n" + lines[3] + "\r\n"
    docs.append({"id": "odd/one:two", "date": "2021-12-13", "text": odd})
    docs.append({"id": "undated", "text": NEWS.read_text(encoding="utf-8")})  # no DCT in TimeML
    path = tmp_path_factory.mktemp("formats") / "corpus.jsonl"
    path.write_text("".join(json.dumps(d, ensure_ascii=False) + "\n" for d in docs), encoding="utf-8")
    return path


def args_of(corpus: Path) -> list[str]:
    return ["check", str(corpus), "--id-field", "id", "--date-field", "date"]


@pytest.fixture(scope="module")
def texts(corpus) -> dict[str, str]:
    return {d["id"]: d["text"] for d in map(json.loads, corpus.read_text(encoding="utf-8").splitlines())}


@pytest.fixture(scope="module")
def expected(corpus) -> list[dict]:
    code, out, err = run(*args_of(corpus), "--format", "jsonl")
    assert code == 0, err
    records = [json.loads(line) for line in out.splitlines()]
    labels = {r["label"] for r in records}
    assert labels == {"attribution", "date", "number"} and len(records) > 300
    return records


def by_doc(records) -> dict[str, list[dict]]:
    out: dict[str, list[dict]] = {}
    for r in records:
        out.setdefault(str(r["doc"]), []).append(r)
    return out


def core(r: dict) -> tuple:
    """What every format keeps of a finding: label, rule, span, text, value, attrs."""
    return (r["label"], r["rule"], r["start"], r["end"], r["text"], json.dumps(r["value"], sort_keys=True),
            json.dumps(r["attrs"], sort_keys=True))


def parts(r: dict) -> dict:
    return {k: (v["start"], v["end"], v["text"]) for k, v in r["fields"].items() if k in PARTS}


# --- brat ------------------------------------------------------------------------------------------

def read_ann(ann_text: str, text: str) -> list[dict]:
    """Findings from brat standoff: text-bound annotations (T), relations (R), attributes (A) and
    notes (#), parsed by brat's line syntax; a finding is a T that no has_* relation points to."""
    spans, notes, attributes, relations = {}, {}, {}, []
    for line in ann_text.splitlines():
        kind = line[0]
        if kind == "T":
            tid, head, shown = line.split("\t")
            type_, where = head.split(" ", 1)
            frags = [tuple(map(int, f.split())) for f in where.split(";")]
            assert shown == " ".join(text[a:b] for a, b in frags), line  # brat checks the text so
            assert all(not re.search(r"[\r\n]", text[a:b]) for a, b in frags)
            spans[tid] = (type_, frags)
        elif kind == "#":
            nid, head, note = line.split("\t")
            assert head.startswith("AnnotatorNotes ")
            notes[head.split()[1]] = json.loads(note)
        elif kind == "A":
            aid, body = line.split("\t")
            name, target, *value = body.split()
            attributes.setdefault(target, {})[name] = value[0] if value else True
        elif kind == "R":
            rid, body = line.split("\t")
            rel, a1, a2 = body.split()
            assert a1.startswith("Arg1:") and a2.startswith("Arg2:")
            relations.append((rel, a1[5:], a2[5:]))
        else:
            raise AssertionError(f"not a brat line: {line!r}")
    part_ids = {a2 for rel, _, a2 in relations if rel.startswith("has_")}
    found = []
    for tid, (type_, frags) in spans.items():
        if tid in part_ids:
            continue
        start, end = frags[0][0], frags[-1][1]
        note = notes[tid]
        f = {"label": type_, "rule": note["rule"], "start": start, "end": end, "text": text[start:end],
             "value": note["value"], "attrs": note["attrs"], "brat": attributes.get(tid, {}), "fields": {}}
        for rel, a1, a2 in relations:
            if a1 == tid:
                part_type, part_frags = spans[a2]
                assert rel == f"has_{part_type}"
                s, e = part_frags[0][0], part_frags[-1][1]
                f["fields"][part_type] = (s, e, text[s:e])
        found.append(f)
    return found


def test_brat_reads_back_to_the_findings(corpus, expected, texts, tmp_path):
    out = tmp_path / "brat"
    code, _, err = run(*args_of(corpus), "--format", "brat", "--out", str(out))
    assert code == 0, err
    conf = (out / "annotation.conf").read_text(encoding="utf-8")
    entities = conf.split("[entities]")[1].split("[relations]")[0].split()
    seen = 0
    for doc, records in by_doc(expected).items():
        name = "odd_one_two" if doc == "odd/one:two" else doc
        with open(out / f"{name}.txt", encoding="utf-8", newline="") as f:
            text = f.read()
        assert text == texts[doc]
        found = read_ann((out / f"{name}.ann").read_text(encoding="utf-8"), text)
        assert [core(f) for f in found] == [core(r) for r in records]
        for f, r in zip(found, records):
            assert f["fields"] == parts(r)
            attrs = r["attrs"]
            assert f["brat"].get("Kind") == attrs.get("kind") and f["brat"].get("Calendar") == attrs.get("calendar")
            assert ("Negated" in f["brat"]) == bool(attrs.get("negated"))
            assert ("Direct" in f["brat"]) == (isinstance(r["value"], dict) and r["value"].get("direct") is True)
            assert f["label"] in entities and all(p in entities for p in f["fields"])
        seen += len(found)
    assert seen == len(expected)
    assert len(list(out.glob("*.ann"))) == len({r["doc"] for r in expected})


def test_brat_cuts_a_span_at_line_breaks():
    text = "one two\r\nthree\n\nfour five"
    finding = {"label": "attribution", "rule": "r", "start": 4, "end": 20, "text": text[4:20], "value": None,
               "attrs": {}, "fields": {"content": {"start": 4, "end": 20, "text": text[4:20]}}}
    lines = ann(AnnotatedDocument("d", text, (finding,))).splitlines()
    assert lines[0] == "T1\tattribution 4 7;9 14;16 20\ttwo three four"
    [f] = read_ann("\n".join(lines), text)
    assert (f["start"], f["end"], f["fields"]["content"]) == (4, 20, (4, 20, text[4:20]))


def test_brat_one_document_goes_to_stdout_and_several_need_a_folder(corpus, monkeypatch):
    news = NEWS.read_text(encoding="utf-8")
    monkeypatch.setattr(sys, "stdin", io.TextIOWrapper(io.BytesIO(news.encode("utf-8")), encoding="utf-8"))
    code, standoff, err = run("check", "-", "--format", "brat")
    assert code == 0, err
    code, out, _ = run("check", str(NEWS), "--format", "jsonl")
    records = [json.loads(line) for line in out.splitlines()]
    assert [core(f) for f in read_ann(standoff, news)] == [core(x) for x in records]
    code, out, err = run(*args_of(corpus), "--format", "brat")
    assert code == 2 and out == "" and "pass --out DIR" in err


# --- Label Studio ----------------------------------------------------------------------------------

def test_labelstudio_tasks_read_back_to_the_findings(corpus, expected, texts, tmp_path):
    path = tmp_path / "tasks.json"
    code, _, err = run(*args_of(corpus), "--format", "labelstudio", "--out", str(path))
    assert code == 0, err
    tasks = json.loads(path.read_text(encoding="utf-8"))
    config = ET.fromstring(labeling_config({"attribution", "date", "number"}))
    controls = {el.get("name"): el for el in config.iter() if el.get("name")}
    label_values = {el.get("value") for el in controls["label"].iter("Label")}
    relation_values = {el.get("value") for el in config.iter("Relation")}
    assert controls["text"].tag == "Text" and controls["text"].get("value") == "$text"
    assert controls["value"].tag == "TextArea" and controls["value"].get("perRegion") == "true"
    want = by_doc(expected)
    assert isinstance(tasks, list) and len(tasks) == len(want)
    for t in tasks:
        text = t["data"]["text"]
        assert isinstance(text, str) and text == texts[t["data"]["doc"]]
        [prediction] = t["predictions"]
        regions, areas, relations = {}, {}, []
        for res in prediction["result"]:
            if res["type"] == "relation":
                assert res["direction"] == "right" and set(res["labels"]) <= relation_values
                relations.append(res)
                continue
            assert res["to_name"] == "text" and res["from_name"] in controls
            v = res["value"]
            assert isinstance(v["start"], int) and text[v["start"]:v["end"]] == (v.get("text") if res["type"] ==
                                                                                 "labels" else text[v["start"]:v["end"]])
            if res["type"] == "labels":
                assert res["from_name"] == "label" and len(v["labels"]) == 1 and v["labels"][0] in label_values
                assert res["id"] not in regions
                regions[res["id"]] = v
            else:
                assert res["type"] == "textarea" and res["from_name"] == "value"
                areas[res["id"]] = v["text"]
        assert len({r["id"] for r in prediction["result"] if "id" in r}) == len(regions)  # ids: one per region
        found = []
        for rid, v in regions.items():
            if rid not in areas:  # a part: a region that only relations point to
                assert any(rel["to_id"] == rid for rel in relations)
                continue
            rule = areas[rid][-1].removeprefix("rule: ")
            f = {"label": v["labels"][0], "rule": rule, "start": v["start"], "end": v["end"], "text": v["text"],
                 "fields": {}}
            for rel in relations:
                if rel["from_id"] == rid:
                    p = regions[rel["to_id"]]
                    assert p["labels"] == rel["labels"]
                    f["fields"][rel["labels"][0]] = (p["start"], p["end"], p["text"])
            found.append(f)
        records = want[t["data"]["doc"]]
        assert [(f["label"], f["rule"], f["start"], f["end"], f["text"]) for f in found] == \
               [(r["label"], r["rule"], r["start"], r["end"], r["text"]) for r in records]
        assert [f["fields"] for f in found] == [parts(r) for r in records]


def test_labelstudio_offsets_count_code_points(texts, expected):
    """An emoji (two UTF-16 units, one code point) before a finding does not move it."""
    odd = texts["odd/one:two"]
    records = by_doc(expected)["odd/one:two"]
    after = [r for r in records if r["start"] > odd.index("\U0001F600")]
    assert after
    from arabic_rules.formats.labelstudio import task

    result = task(AnnotatedDocument("odd", odd, tuple(records)))["predictions"][0]["result"]
    spans = {(r["value"]["start"], r["value"]["end"]) for r in result if r["type"] == "labels"}
    assert all((r["start"], r["end"]) in spans and odd[r["start"]:r["end"]] == r["text"] for r in after)


def test_labelstudio_sdk_accepts_the_predictions(corpus, tmp_path):
    """Label Studio's own reader (its SDK's LabelInterface, not installed by any extra: it is
    large) validates every prediction against the labeling config, and rejects a wrong one."""
    sdk = pytest.importorskip("label_studio_sdk.label_interface",
                              reason="label-studio-sdk not installed (pip install label-studio-sdk)")
    path = tmp_path / "tasks.json"
    code, _, err = run(*args_of(corpus), "--format", "labelstudio", "--out", str(path))
    assert code == 0, err
    interface = sdk.LabelInterface(labeling_config({"attribution", "date", "number"}))
    tasks = json.loads(path.read_text(encoding="utf-8"))
    assert all(interface.validate_prediction(t["predictions"][0], return_errors=True) == [] for t in tasks)
    wrong = tasks[0]["predictions"][0]
    wrong["result"][0]["value"]["labels"] = ["not-a-label"]
    assert interface.validate_prediction(wrong, return_errors=True)


@pytest.mark.skipif(not (ROOT / "docs").is_dir(), reason="docs are not shipped in the wheel; run from a checkout")
def test_labelstudio_config_in_the_docs_is_the_one_written():
    doc = (ROOT / "docs" / "formats.md").read_text(encoding="utf-8")
    assert labeling_config({"attribution", "date", "number"}).strip() in doc


# --- TimeML ----------------------------------------------------------------------------------------

TIMEX3_ATTRIBUTES = {"tid", "type", "functionInDocument", "beginPoint", "endPoint", "quant", "freq",
                     "temporalFunction", "anchorTimeID", "value", "valueFromFunction", "mod", "comment"}
TIMEX3_MODS = {"BEFORE", "AFTER", "ON_OR_BEFORE", "ON_OR_AFTER", "LESS_THAN", "MORE_THAN", "EQUAL_OR_LESS",
               "EQUAL_OR_MORE", "START", "MID", "END", "APPROX"}
VALUE = re.compile(r"(\d{4}|X{4}|XX\d\d)(-(\d\d|XX|W\d\d|SP|SU|FA|WI)(-(\d\d|XX))?)?")


def read_timeml(xml_text: str) -> tuple[ET.Element, str, list[tuple[int, int, ET.Element]]]:
    """The root, the text of TEXT, and (start, end, element) of each TIMEX3 in it, offsets
    counted in TEXT's characters as an XML reader gives them."""
    root = ET.fromstring(xml_text.encode("utf-8"))
    body = root.find("TEXT")
    pieces, marks, at = [body.text or ""], [], len(body.text or "")
    for el in body:
        assert el.tag == "TIMEX3"
        inner = el.text or ""
        marks.append((at, at + len(inner), el))
        pieces += [inner, el.tail or ""]
        at += len(inner) + len(el.tail or "")
    return root, "".join(pieces), marks


def test_timeml_reads_back_to_the_dates(corpus, expected, texts, tmp_path):
    out = tmp_path / "tml"
    code, _, err = run(*args_of(corpus), "--format", "timeml", "--out", str(out))
    assert code == 0, err
    shapes = set()
    for doc, records in by_doc(expected).items():
        name = "odd_one_two" if doc == "odd/one:two" else doc
        root, text, marks = read_timeml((out / f"{name}.tml").read_text(encoding="utf-8"))
        assert root.tag == "TimeML" and root.findtext("DOCID") == doc
        want = texts[doc].replace("\x0c", "\ufffd")  # XML holds no form feed: one character for one
        assert text == want
        dct = root.find("DCT/TIMEX3")
        if doc == "undated":
            assert dct is None
        else:
            assert dct.get("functionInDocument") == "CREATION_TIME" and dct.get("value") == "2021-12-13"
        ids = {el.get("tid") for el in root.iter("TIMEX3")}
        assert len(ids) == len(list(root.iter("TIMEX3")))  # tids unique
        consuming = [(s, e, el) for s, e, el in marks if el.text]
        dates = [r for r in records if r["label"] == "date"]
        assert [(s, e, text[s:e]) for s, e, _ in consuming] == [(r["start"], r["end"], r["text"]) for r in dates]
        for (s, e, el), r in zip(consuming, dates):
            assert set(el.attrib) <= TIMEX3_ATTRIBUTES and el.get("comment") == f"arules {r['rule']}"
            attrs, value = r["attrs"], str(r["value"])
            written_year = any(k.startswith("year") or k == "century" for k in r["fields"])
            assert el.get("temporalFunction") == ("false" if written_year else "true")
            assert el.get("anchorTimeID") == (None if written_year or dct is None else "t0")
            assert el.get("mod") is None or el.get("mod") in TIMEX3_MODS
            shapes.add(el.get("type"))
            if el.get("type") == "DURATION":
                begin, end = (root.find(f".//TIMEX3[@tid='{el.get(k)}']") for k in ("beginPoint", "endPoint"))
                assert begin.text is None and end.text is None  # points without text
                assert re.fullmatch(r"P(\d+|X)[YMWD]", el.get("value"))
                if attrs.get("calendar") != "hijri":
                    assert f"{begin.get('value')}/{end.get('value')}" == attrs.get("resolved", value)
                continue
            assert el.get("type") == "DATE"
            if attrs.get("calendar") == "hijri":
                assert VALUE.fullmatch(el.get("value"))
            elif attrs.get("mod") in ("spring", "summer", "autumn", "winter"):
                assert el.get("value") == f"{attrs.get('resolved', value)}-" + \
                    {"spring": "SP", "summer": "SU", "autumn": "FA", "winter": "WI"}[attrs["mod"]]
            else:
                assert el.get("value") == attrs.get("resolved", value)
    assert shapes == {"DATE", "DURATION"}


# --- CSV and Parquet -------------------------------------------------------------------------------

def back_from_row(row: dict) -> dict:
    out = dict(row)
    for k in ("value", "attrs", "fields"):
        out[k] = json.loads(row[k])
    return out


def comparable(r: dict) -> dict:
    return {"file": r["file"], "doc": str(r["doc"]), "record": int(r["record"]), "line": int(r["line"]),
            "col": int(r["col"]), "label": r["label"], "rule": r["rule"], "start": int(r["start"]),
            "end": int(r["end"]), "text": r["text"], "value": r["value"], "attrs": r["attrs"], "fields": r["fields"]}


def test_csv_reads_back_to_the_findings(corpus, expected):
    code, out, err = run(*args_of(corpus), "--format", "csv")
    assert code == 0, err
    reader = csv.DictReader(io.StringIO(out, newline=""))
    assert tuple(reader.fieldnames) == COLUMNS
    rows = [back_from_row(row) for row in reader]
    assert [comparable(r) for r in rows] == [comparable(r) for r in expected]


def test_csv_of_a_plain_file_leaves_doc_and_record_empty():
    code, out, _ = run("check", str(NEWS), "--format", "csv")
    rows = list(csv.DictReader(io.StringIO(out, newline="")))
    assert rows and all(r["doc"] == "" and r["record"] == "" and r["file"] == str(NEWS) for r in rows)


def test_parquet_reads_back_to_the_findings(corpus, expected, tmp_path):
    pq = pytest.importorskip("pyarrow.parquet", reason="Parquet needs the extra: pip install '.[parquet]'")
    path = tmp_path / "findings.parquet"
    code, _, err = run(*args_of(corpus), "--format", "parquet", "--out", str(path))
    assert code == 0, err
    table = pq.read_table(path)
    assert tuple(table.column_names) == COLUMNS
    assert str(table.schema.field("start").type) == "int64"
    rows = [back_from_row(r) for r in table.to_pylist()]
    assert [comparable(r) for r in rows] == [comparable(r) for r in expected]


def test_parquet_needs_a_file():
    code, out, err = run("check", str(NEWS), "--format", "parquet")
    assert code == 2 and "--out FILE" in err


# --- HTML ------------------------------------------------------------------------------------------

class Marks(HTMLParser):
    """The text inside each finding's marks (by data-f) and each part (by data-f and part)."""

    def __init__(self) -> None:
        super().__init__(convert_charrefs=True)
        self.stack: list[tuple[str, dict]] = []
        self.marks: dict[str, list[str]] = {}
        self.labels: dict[str, str] = {}
        self.titles: dict[str, str] = {}
        self.parts: dict[tuple[str, str], list[str]] = {}

    def handle_starttag(self, tag, attrs):
        a = dict(attrs)
        self.stack.append((tag, a))
        if tag == "mark":
            self.marks.setdefault(a["data-f"], []).append("")
            self.labels[a["data-f"]] = a["data-label"]
            self.titles[a["data-f"]] = a["title"]
        elif "data-part" in a:
            self.parts.setdefault((a["data-f"], a["data-part"]), []).append("")

    def handle_endtag(self, tag):
        assert self.stack and self.stack[-1][0] == tag
        self.stack.pop()

    def handle_data(self, data):
        for tag, a in self.stack:
            if tag == "mark":
                self.marks[a["data-f"]][-1] += data
            elif "data-part" in a:
                self.parts[(a["data-f"], a["data-part"])][-1] += data


def check_page(dom: str, records: list[dict]) -> Marks:
    """Every finding highlighted: one mark number per finding, its pieces spelling its text."""
    m = Marks()
    end = dom.rfind("</body>")
    m.feed(dom[dom.index("<body"):end + 7 if end >= 0 else None])
    assert len(m.marks) == len(records)
    for n, r in enumerate(records, 1):
        key = str(n)
        assert "".join(m.marks[key]).replace("\r", "") == r["text"].replace("\r", "")
        assert m.labels[key] == r["label"] and r["rule"] in m.titles[key]
        for part, span in r["fields"].items():
            if part in PARTS and r["start"] <= span["start"] < span["end"] <= r["end"]:
                assert "".join(m.parts[(key, part)]).replace("\r", "") == span["text"].replace("\r", "")
    return m


def test_html_crossing_findings_are_cut_into_pieces():
    text = "abcdefghijklmnop"
    a = {"label": "x", "rule": "x.a", "start": 0, "end": 10, "text": text[:10], "value": 1, "attrs": {}, "fields": {}}
    b = {"label": "y", "rule": "y.b", "start": 5, "end": 15, "text": text[5:15], "value": 2, "attrs": {}, "fields": {}}
    html = marked_text(AnnotatedDocument("d", text, (a, b)))
    m = check_page("<body>" + html, [a, b])
    assert len(m.marks["2"]) == 2  # b crosses a's end: two pieces


@pytest.fixture(scope="module")
def chromium():
    exe = shutil.which("chromium") or shutil.which("chromium-browser")
    if exe is None:
        pytest.skip("no chromium on PATH: the page is checked in a browser (apt-get install chromium)")
    return exe


def browser(exe: str, *args: str) -> subprocess.CompletedProcess:
    return subprocess.run([exe, "--headless", "--no-sandbox", "--disable-gpu", "--hide-scrollbars", *args],
                          capture_output=True, text=True, timeout=120)


def test_html_page_marks_every_finding(corpus, expected, tmp_path):
    """The page as written (a browser's DOM is checked in the slow test below)."""
    page = tmp_path / "findings.html"
    code, _, err = run(*args_of(corpus), "--format", "html", "--out", str(page))
    assert code == 0, err
    html = page.read_text(encoding="utf-8")
    check_page(html, expected)
    assert html.count("<article") == len({x["doc"] for x in expected})


@pytest.mark.slow  # starts a browser twice (about 8 s)
def test_html_page_in_chromium_highlights_every_finding(corpus, expected, chromium, tmp_path):
    page = tmp_path / "findings.html"
    code, _, err = run(*args_of(corpus), "--format", "html", "--out", str(page))
    assert code == 0, err
    r = browser(chromium, "--dump-dom", page.as_uri())
    assert r.returncode == 0 and "<mark" in r.stdout, r.stderr[-2000:]
    check_page(r.stdout, expected)
    assert r.stdout.count("<article") == len({x["doc"] for x in expected})
    assert 'id="summary"' in r.stdout and f"{len(expected):,} finding(s)" in r.stdout

    # a page of one document, for a person to look at (no pixel comparison)
    one = tmp_path / "news.html"
    code, _, err = run("check", str(NEWS), "--ref-date", "2021-12-13", "--format", "html", "--out", str(one))
    assert code == 0, err
    shot = tmp_path / "news.png"
    r = browser(chromium, f"--screenshot={shot}", "--window-size=1200,1400", one.as_uri())
    assert r.returncode == 0 and shot.read_bytes()[:8] == b"\x89PNG\r\n\x1a\n", r.stderr[-2000:]
    print(f"screenshot: {shot}")


# --- errors and the Python API ---------------------------------------------------------------------

def test_out_errors_say_what_to_pass(tmp_path):
    code, _, err = run("check", str(NEWS), "--format", "html", "--out", str(tmp_path))
    assert code == 2 and "pass a file name" in err
    (tmp_path / "file").write_text("x")
    code, _, err = run("check", str(NEWS), "--format", "timeml", "--out", str(tmp_path / "file"))
    assert code == 2 and "pass a folder name" in err


def test_out_writes_the_jsonl_too(tmp_path):
    path = tmp_path / "f.jsonl"
    code, out, _ = run("check", str(NEWS), "--format", "jsonl", "--out", str(path))
    assert code == 0 and out == "" and len(path.read_text(encoding="utf-8").splitlines()) > 10


def test_writers_take_matches_from_the_python_api():
    from arabic_rules import Engine

    text = NEWS.read_text(encoding="utf-8")
    doc = AnnotatedDocument.from_matches("news", text, Engine.default().extract(text))
    buf = io.StringIO()
    writer = open_writer("labelstudio", stream=buf)
    writer.document(doc)
    writer.close()
    [written] = json.loads(buf.getvalue())
    assert written["data"]["text"] == text and written["data"]["doc"] == "news"
    result = written["predictions"][0]["result"]
    assert sum(r["type"] == "textarea" for r in result) == len(doc.findings) > 10
