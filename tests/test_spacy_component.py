"""The spaCy component: the span group holds exactly the engine's findings (after alignment), the
extensions survive `nlp.pipe(n_process=2)` and `DocBin`, and spaCy finds the factory by its entry point."""
import datetime as dt
import itertools
import os
import pickle
import subprocess
import sys
import textwrap
import tomllib
from bisect import bisect_right
from pathlib import Path

import pytest

spacy = pytest.importorskip("spacy", reason="the spaCy component needs the [spacy] extra: pip install '.[spacy]'")

from spacy.tokens import Doc, DocBin, Span  # noqa: E402

from arabic_rules import Document, Engine, read_corpus  # noqa: E402
from arabic_rules import spacy_component as sc  # noqa: E402
from arabic_rules.corpus import default_corpus  # noqa: E402

ROOT = Path(__file__).resolve().parents[1]
PER_FILE = 15  # documents read from each corpus file
KEY = sc.DEFAULT_KEY


def _sample() -> list[tuple[str, dt.date | None]]:
    """(text, ref_date) of a few dozen documents: the first of each file of the shared corpus, or
    (without it) the positive examples of the shipped packs joined a dozen to a document."""
    corpus = default_corpus()
    files = sorted(corpus.glob("news-*.jsonl.gz")) if corpus.is_dir() else []
    if files:
        docs = []
        for f in files:
            records = read_corpus([str(f)], id_field="id", date_field="date")
            docs += [(d.text, d.ref_date) for d in itertools.islice(records, PER_FILE) if isinstance(d, Document)]
        return docs
    from arabic_rules.loader import load
    from arabic_rules.resources import data_dir

    texts = [ex.text for r in load([data_dir("patterns")]).rules for ex in r.examples if ex.positive]
    return [("\n".join(texts[i:i + 12]), dt.date(2021, 12, 13)) for i in range(0, len(texts), 12)][:40]


@pytest.fixture(scope="module")
def sample():
    return _sample()


@pytest.fixture(scope="module")
def nlp():
    pipeline = spacy.blank("ar")
    pipeline.add_pipe("arabic_rules")
    return pipeline


def _docs(nlp, sample) -> list[Doc]:
    """The sample as Docs carrying their own reference dates (``doc._.ref_date``)."""
    out = []
    for text, ref in sample:
        doc = nlp.make_doc(text)
        doc._.ref_date = ref
        out.append(doc)
    return out


def _view(doc: Doc, key: str = KEY) -> list[tuple]:
    """Everything the component put on ``doc``, read through the public names."""
    spans = [(s.start_char, s.end_char, s.label_, s.id_, s._.rule, s._.value, s._.attrs, s._.fields,
              s._.finding) for s in doc.spans[key]]
    ents = [(e.start_char, e.end_char, e.label_, e._.rule, e._.value) for e in doc.ents]
    return [spans, ents, doc._.ref_date, sc.alignment(doc, key)]


def _expanded(doc: Doc, start: int, end: int) -> tuple[int, int]:
    """The token boundaries around [start, end), found from the tokens' offsets alone."""
    starts = [t.idx for t in doc]
    first = doc[bisect_right(starts, start) - 1]
    last = doc[bisect_right(starts, end - 1) - 1]
    return first.idx, last.idx + len(last.text)


def test_the_span_group_holds_the_engine_findings_on_the_corpus_sample(nlp, sample):
    engine = Engine.default()
    assert len(sample) >= 30
    total = adjusted = 0
    for doc, (text, ref) in zip(nlp.pipe(_docs(nlp, sample)), sample):
        expected, seen = [], set()
        for m in engine.extract(text, ref_date=ref):
            start, end = _expanded(doc, m.start, m.end)
            if (start, end, m.label, m.rule) in seen:
                continue
            seen.add((start, end, m.label, m.rule))
            adjusted += (start, end) != (m.start, m.end)
            d = m.to_dict()
            expected.append((start, end, m.label, m.rule, m.rule, d["value"], d["attrs"], d["fields"], d))
        got = _view(doc)[0]
        assert got == expected, text[:200]
        counts = sc.alignment(doc)
        assert counts.aligned + counts.adjusted == len(expected)
        total += len(expected)
    assert total > 200  # the sample has findings of every kind, and some inside tokens
    assert adjusted > 0 and nlp.get_pipe("arabic_rules").totals.adjusted >= adjusted


# alignment: "40" is a number inside the token "و40" (the conjunction attached), "30" is a token
ALIGN_TEXT = "وصل 30 شخصا و40 امرأة"


@pytest.mark.parametrize("mode, spans, counts", [
    ("expand", ["30", "و40"], sc.Alignment(aligned=1, adjusted=1)),
    ("contract", ["30"], sc.Alignment(aligned=1, dropped=1)),
    ("strict", ["30"], sc.Alignment(aligned=1, dropped=1)),
])
def test_alignment_mode_moves_or_drops_findings_inside_tokens_and_counts_them(mode, spans, counts):
    nlp = spacy.blank("ar")
    component = nlp.add_pipe("arabic_rules", config={"labels": ["number"], "alignment_mode": mode})
    doc = nlp(ALIGN_TEXT)
    assert [t.text for t in doc if "40" in t.text] == ["و40"]  # the premise: one token
    assert [s.text for s in doc.spans[KEY]] == spans
    assert sc.alignment(doc) == counts and component.totals == counts
    for s in doc.spans[KEY]:  # the finding keeps its own offsets: the number, not the token
        assert s._.value == int(s._.finding["text"]) and s._.finding["text"] in s.text
    assert sc.alignment(doc, "another_key") is None


def test_n_process_2_keeps_every_extension_attribute(nlp, sample):
    docs = _docs(nlp, sample)
    one = [_view(d) for d in nlp.pipe(docs)]
    two = [_view(d) for d in nlp.pipe(_docs(nlp, sample), n_process=2, batch_size=8)]
    assert len(two) == len(sample) and two == one
    assert sum(len(v[0]) for v in two) > 200 and [v[2] for v in two] == [ref for _, ref in sample]


def test_docbin_round_trip_is_equal(sample):
    nlp = spacy.blank("ar")
    nlp.add_pipe("arabic_rules", config={"annotate_ents": True})
    docs = list(nlp.pipe(_docs(nlp, sample[:12])))
    assert sum(len(d.ents) for d in docs) > 0
    data = DocBin(store_user_data=True, docs=docs).to_bytes()
    back = list(DocBin().from_bytes(data).get_docs(spacy.blank("ar").vocab))  # a fresh vocabulary
    assert [_view(d) for d in back] == [_view(d) for d in docs]
    assert [d.text for d in back] == [d.text for d in docs]


def test_ents_take_the_longest_of_overlapping_findings_and_keep_existing_entities(nlp, sample):
    component = sc.ArabicRules(nlp, annotate_ents=True)
    checked = 0
    for text, ref in sample[:20]:
        doc = nlp.make_doc(text)
        existing = Span(doc, 0, 1, label="PRE")
        doc.ents = [existing]
        doc = component(doc)
        ents, group = list(doc.ents), list(doc.spans[KEY])
        assert ents[0].label_ == "PRE" and (ents[0].start, ents[0].end) == (0, 1)
        found = ents[1:]
        assert all(any((e.start, e.end, e.label_) == (s.start, s.end, s.label_) for s in group) for e in found)
        for s in group:
            if any((e.start, e.end, e.label_, e.id_) == (s.start, s.end, s.label_, s.id_) for e in found):
                continue
            # left out: it overlaps the existing entity, or an entity at least as long
            rivals = [e for e in ents if e.start < s.end and s.start < e.end]
            assert rivals and any(e.label_ == "PRE" or len(e) >= len(s) for e in rivals)
            checked += 1
        for e in found:
            assert e._.value is not None or e.label_ == "attribution"
    assert checked > 0  # the sample has overlapping findings (numbers inside dates, in attributions)


def test_reference_date_from_the_config_and_from_the_doc():
    nlp = spacy.blank("ar")
    nlp.add_pipe("arabic_rules", config={"labels": ["date"], "ref_date": "2021-12-13"})
    text = "وصل الوفد أمس"
    engine = Engine.default()
    doc = nlp(text)  # (a span group needs its Doc alive)
    assert [s._.attrs["resolved"] for s in doc.spans[KEY]] == \
        [m.attrs["resolved"] for m in engine.extract(text, ref_date=dt.date(2021, 12, 13))] == ["2021-12-12"]
    doc = nlp.make_doc(text)
    doc._.ref_date = "20/01/2017"  # any form a corpus date field may take
    assert doc._.ref_date == dt.date(2017, 1, 20)
    doc = nlp(doc)
    assert [s._.attrs["resolved"] for s in doc.spans[KEY]] == ["2017-01-19"]
    doc._.ref_date = None
    assert doc._.ref_date is None
    with pytest.raises(ValueError, match="cannot read the date .next blue moon.; accepted forms"):
        doc._.ref_date = "next blue moon"


PEACE = """
rules:
  - name: mine.peace
    label: peace
    pattern: 'السلام'
"""


def test_labels_and_patterns_options(rules_dir):
    nlp = spacy.blank("ar")
    nlp.add_pipe("arabic_rules", config={"labels": ["number"]})
    doc = nlp("قال الوزير إن 25 شخصا وصلوا في 9 كانون الأول 2021")
    assert {s.label_ for s in doc.spans[KEY]} == {"number"}
    folder = rules_dir(mine=PEACE)
    own = spacy.blank("ar")
    own.add_pipe("arabic_rules", config={"patterns": [str(folder)], "spans_key": "mine"})
    doc = own("السلام عليكم في 2021")
    assert [(s.text, s.label_, s._.rule) for s in doc.spans["mine"]] == [("السلام", "peace", "mine.peace")]


@pytest.mark.slow  # (compiles the shipped packs once more, with the user's file: half a minute)
def test_include_default_adds_the_shipped_packs_to_the_users(rules_dir):
    folder = rules_dir(mine=PEACE)
    both = spacy.blank("ar")
    both.add_pipe("arabic_rules", config={"patterns": [str(folder)], "include_default": True})
    doc = both("السلام عليكم في 2021")
    assert {s.label_ for s in doc.spans[KEY]} == {"peace", "date"}


@pytest.mark.parametrize("config, message", [
    ({"alignment_mode": "nearest"}, "alignment_mode='nearest' is not a mode; choose one of 'expand'"),
    ({"labels": ["dates"]}, "unknown label"),
    ({"patterns": ["/no/such/rules"]}, "no such rule file or folder"),
    ({"include_default": True}, "give them in patterns"),
    ({"ref_date": "soon"}, "cannot read the date 'soon'"),
    ({"prefer": "later"}, "prefer='later' is not a choice"),
    ({"backend": "gpu"}, "choose one of native"),
    ({"spans_key": ""}, "the name of the span group"),
])
def test_a_bad_option_is_an_error_that_says_what_to_give(config, message):
    nlp = spacy.blank("ar")
    with pytest.raises(ValueError, match=message.replace("(", r"\(")):
        nlp.add_pipe("arabic_rules", config=config)


def test_the_engine_is_built_once_per_component_and_once_per_unpickled_copy(monkeypatch):
    built = []
    real = Engine.default.__func__

    def counting(cls, **kwargs):
        built.append(kwargs)
        return real(cls, **kwargs)

    monkeypatch.setattr(Engine, "default", classmethod(counting))
    nlp = spacy.blank("ar")
    component = nlp.add_pipe("arabic_rules")
    list(nlp.pipe(["في 2021", "قال الوزير إن 25 شخصا وصلوا", "العدد 7"]))
    assert len(built) == 1
    copy = pickle.loads(pickle.dumps(component))  # how a process started by spawn gets it
    assert len(built) == 1
    doc = copy(nlp.make_doc("العدد 7"))
    assert [s.text for s in doc.spans[KEY]] == ["7"]
    copy(nlp.make_doc("العدد 8"))
    assert len(built) == 2


def test_extension_names_held_by_another_library_are_an_error_not_overwritten():
    saved = Span.get_extension("value")
    Span.remove_extension("value")
    try:
        Span.set_extension("value", default=0)
        with pytest.raises(sc.ArabicRulesError, match=r"Span\._\.value is already registered.*remove_extension"):
            sc._register()
        assert Span.get_extension("value")[0] == 0  # left as it was
    finally:
        Span.remove_extension("value")
        Span.set_extension("value", getter=saved[2])
    sc._register()  # registering again over its own extensions is fine (a reload)


def test_pyproject_declares_the_factory_entry_point_and_the_extra():
    project = tomllib.loads((ROOT / "pyproject.toml").read_text(encoding="utf-8"))["project"]
    target = project["entry-points"]["spacy_factories"][sc.FACTORY]
    module, _, name = target.partition(":")
    assert module == sc.__name__ and getattr(sc, name) is sc.make_arabic_rules
    assert any(r.startswith("spacy") for r in project["optional-dependencies"]["spacy"])


@pytest.mark.slow  # (a fresh interpreter importing spaCy: a few seconds; the declaration is checked above)
def test_spacy_finds_the_factory_through_the_entry_point_alone(tmp_path):
    """In a fresh interpreter that never imports the module, spaCy resolves "arabic_rules" from
    the entry point declared in pyproject (written out here as installed metadata would be)."""
    project = tomllib.loads((ROOT / "pyproject.toml").read_text(encoding="utf-8"))["project"]
    info = tmp_path / "arabic_rules_entry_points-0.dist-info"
    info.mkdir()
    (info / "METADATA").write_text("Metadata-Version: 2.1\nName: arabic-rules-entry-points\nVersion: 0\n")
    lines = [f"{k} = {v}" for k, v in project["entry-points"]["spacy_factories"].items()]
    (info / "entry_points.txt").write_text("[spacy_factories]\n" + "\n".join(lines) + "\n")
    script = textwrap.dedent("""
        import sys, spacy
        assert "arabic_rules.spacy_component" not in sys.modules
        nlp = spacy.blank("ar")
        nlp.add_pipe("arabic_rules", config={"labels": ["number"]})
        doc = nlp("العدد 7")
        print([s._.value for s in doc.spans["arabic_rules"]])
    """)
    env = {**os.environ, "PYTHONPATH": os.pathsep.join([str(tmp_path), str(ROOT)])}
    out = subprocess.run([sys.executable, "-c", script], env=env, capture_output=True, text=True, timeout=120)
    assert out.returncode == 0, out.stderr[-2000:]
    assert out.stdout.strip() == "[7]"


def test_a_saved_pipeline_loads_with_its_options(tmp_path):
    nlp = spacy.blank("ar")
    nlp.add_pipe("arabic_rules", config={"labels": ["number"], "alignment_mode": "contract"})
    nlp.to_disk(tmp_path / "pipeline")
    loaded = spacy.load(tmp_path / "pipeline")
    doc = loaded(ALIGN_TEXT)
    assert [s.text for s in doc.spans[KEY]] == ["30"] and sc.alignment(doc).dropped == 1
