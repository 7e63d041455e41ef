"""arabic_rules.dask on a `distributed.LocalCluster` of 2 worker processes: per document, exactly
the findings of `Engine.extract`, from a bag and from a DataFrame. One cluster for the module;
the cluster tests are slow (--runslow, CI's second step with the dask extra); the argument
checks need no cluster and run by default."""
from __future__ import annotations

import pytest

import sample
from arabic_rules import Document, Engine, parse_ref_date, shipping
from arabic_rules import dask as arules_dask
from arabic_rules.resources import data_dir
from conftest import REF

db = pytest.importorskip("dask.bag", reason="the Dask tests need Dask: pip install '.[dask]'")
dd = pytest.importorskip("dask.dataframe", reason="the Dask tests need dask[dataframe]: pip install '.[dask]'")
pd = pytest.importorskip("pandas", reason="the Dask tests need pandas: pip install '.[dask]'")


@pytest.fixture(scope="module")
def client():
    distributed = pytest.importorskip("distributed", reason="the cluster tests need dask[distributed]: "
                                                            "pip install '.[dask]'")
    with distributed.LocalCluster(n_workers=2, threads_per_worker=1, processes=True, dashboard_address=None,
                                  silence_logs=40) as cluster, distributed.Client(cluster) as c:
        yield c


@pytest.fixture(scope="module")
def docs():
    return sample.documents()


@pytest.fixture(scope="module")
def engine():
    return Engine.default()  # (through the run's private pack cache: conftest sets it before collection)


@pytest.mark.slow
def test_a_bag_and_a_dataframe_give_exactly_the_findings_of_extract(client, docs, engine):
    want = sample.expected(engine, docs)
    assert sum(map(len, want.values())) > len(docs)  # the sample has findings to compare
    bag = arules_dask.extract(db.from_sequence(docs, npartitions=8))  # more partitions than workers
    assert sample.by_document(bag.compute(), want) == want
    frame = arules_dask.extract(dd.from_pandas(pd.DataFrame(docs), npartitions=8))
    assert list(frame.columns) == ["doc", "label", "rule", "start", "end", "text", "value", "attrs", "fields"]
    rows = frame.compute().to_dict("records")
    assert sample.by_document(rows, want) == want
    # each worker process built the engine once for both collections and all 16 partitions
    key = shipping.shipment(engine).key
    assert [b.get(key) for b in client.run(shipping.built).values()] == [1, 1]


@pytest.mark.slow
def test_labels_ref_date_item_kinds_and_rules_of_the_caller(client, docs, engine):
    # tuples and Documents in a bag; labels; ref_date for the documents without a date
    items = [(d["id"], d["text"]) if i % 2 else Document(d["id"], d["text"], parse_ref_date(d["date"]))
             for i, d in enumerate(docs)]
    got = arules_dask.extract(db.from_sequence(items, npartitions=4), labels={"date", "number"}, ref_date=REF)
    want = {d["id"]: sample.expected(engine, [d], labels={"date", "number"}, ref_date=REF, dated=bool(i % 2 == 0))[d["id"]]
            for i, d in enumerate(docs)}
    assert sample.by_document(got.compute(), want) == want
    # a DataFrame with other column names, integer ids and a null text; the caller's rules
    frame = pd.DataFrame({"n": range(len(docs) + 1), "body": [d["text"] for d in docs] + [None]})
    dates_only = [data_dir("patterns") / "dates.yaml"]
    found = arules_dask.extract(dd.from_pandas(frame, npartitions=3), text_col="body", id_col="n",
                                patterns=dates_only, ref_date=REF).compute()
    assert str(found["doc"].dtype) == "int64"
    numbered = [{"id": i, "text": d["text"], "date": None} for i, d in enumerate(docs)]
    want = sample.expected(Engine.from_paths(dates_only), numbered, ref_date=REF)
    assert {r["label"] for rows in want.values() for r in rows} == {"date"}
    assert sample.by_document(found.to_dict("records"), [*want, len(docs)]) == {**want, len(docs): []}


def test_bad_input_is_named_with_the_fix(docs):
    frame = dd.from_pandas(pd.DataFrame(docs[:2]), npartitions=1)
    with pytest.raises(ValueError, match=r"id_col='doc_id': the DataFrame has no such column \(its columns: id, "
                                         r"text, date\)"):
        arules_dask.extract(frame, id_col="doc_id")
    with pytest.raises(ValueError, match="date_col='published'.*date_col=None"):
        arules_dask.extract(frame, date_col="published")
    with pytest.raises(TypeError, match="a dask bag or a dask DataFrame, not list"):
        arules_dask.extract(docs)
    with pytest.raises(TypeError, match="text_col takes a column or key name"):
        arules_dask.extract(frame, text_col=1)


@pytest.mark.slow
def test_bad_items_are_named_with_the_fix(client, engine):
    texts = db.from_sequence(["a text without an id"], npartitions=1)
    with pytest.raises(TypeError, match=r"a bag item is a str \(a text without an id\).*bag.map"):
        arules_dask.extract(texts, engine=engine).compute()
    records = db.from_sequence([{"body": "x"}], npartitions=1)
    with pytest.raises(ValueError, match="a bag record without 'id' or 'text' \\(its keys: body\\); pass id_col="):
        arules_dask.extract(records, engine=engine).compute()
    dated = db.from_sequence([("d-1", "x", "next week")], npartitions=1)
    with pytest.raises(ValueError, match="document 'd-1': cannot read the date 'next week'"):
        arules_dask.extract(dated, engine=engine).compute()
