"""shipping and report.flat: what the Spark and Dask helpers run on their workers, tested here
without a cluster (fast: the cluster tests themselves are slow, see test_spark and test_dask)."""
from __future__ import annotations

import dataclasses
import json
import math

import pytest

import sample
from arabic_rules import Engine, parse_ref_date, shipping
from arabic_rules.report import FLAT_COLUMNS, flat
from conftest import REF


@pytest.fixture(scope="module")
def engine():
    return Engine.default()  # (through the run's private pack cache: conftest sets it before collection)


@pytest.fixture(scope="module")
def docs():
    return sample.documents()[:6]


def test_flat_is_the_jsonl_record_with_json_text(engine, docs):
    found = [(d["id"], m) for d in docs for m in engine.extract(d["text"], parse_ref_date(d["date"]))]
    assert {m.label for _, m in found} >= {"date", "number"}
    for doc, m in found:
        row = flat(m, doc)
        assert tuple(row) == FLAT_COLUMNS
        want = m.to_dict()
        assert row["doc"] == doc
        assert {k: row[k] for k in ("label", "rule", "start", "end", "text")} == \
            {k: want[k] for k in ("label", "rule", "start", "end", "text")}
        for key in ("value", "attrs", "fields"):
            assert isinstance(row[key], str) and json.loads(row[key]) == json.loads(json.dumps(want[key], default=str))


def test_rows_skip_missing_texts_and_fall_back_to_ref_date(engine, docs):
    opts = shipping.options(engine, None, REF, None)
    d = docs[0]
    got = list(shipping.rows(engine, [(7, d["text"], math.nan), ("none", None, None),
                                      ("nan", math.nan, "2020-01-01")], opts))
    assert got and got == [flat(m, 7) for m in engine.extract(d["text"], REF)]


def test_numpy_values_come_out_as_python_values():
    numpy = pytest.importorskip("numpy", reason="numpy stands for the values a pandas column hands out")
    assert type(shipping.plain(numpy.int64(7))) is int and shipping.plain("x") == "x"
    assert shipping.day_of("d", numpy.int64(1484948580)).isoformat() == "2017-01-20"
    assert shipping.missing(numpy.datetime64("NaT")) and shipping.missing(numpy.float64("nan"))
    pd = pytest.importorskip("pandas", reason="pandas nulls: the spark and dask extras")
    assert shipping.missing(pd.NA) and shipping.missing(pd.NaT) and not shipping.missing(pd.Timestamp(0))


def test_rows_name_the_document_of_an_unreadable_date(engine, docs):
    opts = shipping.options(engine, None, None, None)
    with pytest.raises(ValueError, match=r"document 'doc-9': cannot read the date 'soon'.*date_col=None"):
        list(shipping.rows(engine, [("doc-9", docs[0]["text"], "soon")], opts))
    with pytest.raises(TypeError, match="document 3: the text is a bytes"):
        list(shipping.rows(engine, [(3, b"bytes", None)], opts))


def test_a_worker_builds_each_engine_once(engine):
    fresh = Engine(dataclasses.replace(engine.pack, key="test-builds-once"))  # a key no other test built
    sent = shipping.shipment(fresh)
    assert sent.key == shipping.EngineKey("test-builds-once", fresh.backend, None, shipping.python_build())
    calls = []

    def payload():
        calls.append(1)
        return sent.payload

    first = shipping.worker_engine(sent.key, payload)
    assert shipping.worker_engine(sent.key, payload) is first and len(calls) == 1
    assert shipping.built()[sent.key] == 1
    assert first.labels == engine.labels and [r.name for r in first.rules] == [r.name for r in engine.rules]
    timed = dataclasses.replace(sent.key, timeout=30.0)  # the same pack, other options: another engine
    assert shipping.worker_engine(timed, payload) is not first and len(calls) == 2
    assert shipping.worker_engine(timed, payload).timeout == 30 and len(calls) == 2
    # the stored compiled regex code serves the Python that made it; another compiles from source
    assert first.pack.programs
    there = shipping.worker_engine(dataclasses.replace(sent.key, python="another build"), payload)
    assert there.pack.programs == {}
    text = "12 300 4.5 - 2021/12/09"  # (digits: only small regexes to compile anew, so it stays fast)
    assert len(engine.extract(text, REF)) >= 2 and there.extract(text, REF) == engine.extract(text, REF)


def test_a_pack_without_a_cache_key_is_keyed_by_its_bytes(engine):
    keyless = Engine(dataclasses.replace(engine.pack, key=""))
    a, b = shipping.shipment(keyless), shipping.shipment(keyless)
    assert a.key.pack.startswith("sha256:") and a.key == b.key


def test_engine_and_options_are_checked_on_the_driver(engine):
    with pytest.raises(ValueError, match="either engine= or patterns="):
        shipping.engine_for(engine, ["x"], None)
    with pytest.raises(ValueError, match="leaves no rules"):
        shipping.engine_for(None, None, False)
    with pytest.raises(TypeError, match="arabic_rules.Engine"):
        shipping.engine_for("default", None, None)
    with pytest.raises(ValueError, match="unknown label"):
        shipping.options(engine, {"dates"}, None, None)
    with pytest.raises(ValueError, match="prefer="):
        shipping.options(engine, None, None, "later")


def test_an_empty_frame_has_the_column_types_of_a_full_one(engine, docs):
    pytest.importorskip("pandas", reason="frames need pandas (the spark and dask extras)")
    d = docs[0]
    full = shipping.frame([flat(m, d["id"]) for m in engine.extract(d["text"])])
    empty = shipping.frame([])
    assert list(empty.columns) == list(full.columns) == list(FLAT_COLUMNS)
    assert len(full) and not len(empty)
    assert dict(empty.dtypes.drop("doc")) == dict(full.dtypes.drop("doc"))
    assert str(shipping.frame([], "int64").dtypes["doc"]) == "int64"
