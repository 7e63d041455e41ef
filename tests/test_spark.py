"""arabic_rules.spark on a local Spark (``local[2]``): per document, exactly the findings of
`Engine.extract`. One SparkSession per module (and xdist worker); slow (a JVM and Python workers
start), so these run with --runslow (CI's second step, with the spark extra installed)."""
from __future__ import annotations

import datetime as dt
import os
import shutil
import sys

import pytest

import sample
from arabic_rules import Engine, parse_ref_date, shipping
from arabic_rules import spark as arules_spark
from arabic_rules.resources import data_dir
from conftest import REF

pytest.importorskip("pyspark", reason="the Spark tests need PySpark: pip install '.[spark]'")
pytest.importorskip("pandas", reason="the Spark tests need pandas: pip install '.[spark]'")
pytest.importorskip("pyarrow", reason="the Spark tests need pyarrow: pip install '.[spark]'")
if not (shutil.which("java") or os.environ.get("JAVA_HOME")):
    pytest.skip("the Spark tests need Java 17 or later (java on PATH or JAVA_HOME)", allow_module_level=True)

from pyspark.sql import SparkSession  # noqa: E402
from pyspark.sql import types as T  # noqa: E402

pytestmark = [pytest.mark.slow,  # (PySpark 4.x warns that pandas 3 is new to it; the tests check the results)
              pytest.mark.filterwarnings("ignore:PySpark does not yet fully support pandas:FutureWarning")]
SCHEMA = "id string, text string, date string"


@pytest.fixture(scope="module")
def spark():
    with pytest.MonkeyPatch.context() as mp:
        mp.setenv("PYSPARK_PYTHON", sys.executable)  # the workers run this interpreter
        session = (SparkSession.builder.master("local[2]").appName("arabic_rules tests")
                   .config("spark.ui.enabled", "false").config("spark.ui.showConsoleProgress", "false")
                   .config("spark.sql.shuffle.partitions", "4").getOrCreate())
        session.sparkContext.setLogLevel("ERROR")
        yield session
        session.stop()


@pytest.fixture(scope="module")
def docs():
    return sample.documents()


@pytest.fixture(scope="module")
def engine():
    return Engine.default()  # (through the run's private pack cache: conftest sets it before collection)


def rows_of(frame) -> list[dict]:
    return [r.asDict() for r in frame.collect()]


def test_every_document_gets_exactly_the_findings_of_extract(spark, docs, engine):
    df = spark.createDataFrame(spark.sparkContext.parallelize(docs, 6), SCHEMA)  # more partitions than workers
    found = arules_spark.extract(df)
    assert found.columns == ["doc", "label", "rule", "start", "end", "text", "value", "attrs", "fields"]
    rows = rows_of(found)
    want = sample.expected(engine, docs)
    assert sum(map(len, want.values())) > len(docs)  # the sample has findings to compare
    assert sample.by_document(rows, want) == want
    # each Python worker built the engine once, however many partitions it ran
    key = shipping.shipment(engine).key

    def probe(batches):  # (a nested function: pickled by value, the workers need not import tests/)
        import pandas as pd

        for _ in batches:
            yield pd.DataFrame({"pid": [os.getpid()], "builds": [shipping.built().get(key, 0)]})

    seen = rows_of(spark.range(12).repartition(12).mapInPandas(probe, "pid long, builds long"))
    builds = {r["pid"]: r["builds"] for r in seen}
    assert set(builds.values()) <= {0, 1} and 1 in builds.values(), seen


def test_labels_ref_date_ids_and_date_types(spark, docs, engine):
    # integer ids keep their type; a date column of dates; a null text; labels and ref_date
    dated = [(i, d["text"], parse_ref_date(d["date"])) for i, d in enumerate(docs)] + [(len(docs), None, None)]
    schema = T.StructType([T.StructField("n", T.LongType()), T.StructField("body", T.StringType()),
                           T.StructField("day", T.DateType())])
    df = spark.createDataFrame(dated, schema).repartition(3)
    found = arules_spark.extract(df, text_col="body", id_col="n", date_col="day", labels={"date"})
    assert found.schema["doc"].dataType == T.LongType()
    numbered = [{"id": i, "text": d["text"], "date": d["date"]} for i, d in enumerate(docs)]
    want = sample.expected(engine, numbered, labels={"date"})
    assert sample.by_document(rows_of(found), [*want, len(docs)]) == {**want, len(docs): []}
    # no date column: ref_date for all
    plain = spark.createDataFrame(docs, SCHEMA).drop("date")
    want = sample.expected(engine, docs, ref_date=REF, dated=False)
    assert sample.by_document(rows_of(arules_spark.extract(plain, ref_date=REF)), want) == want


def test_rules_of_the_caller(spark, docs):
    dates_only = [data_dir("patterns") / "dates.yaml"]
    df = spark.createDataFrame(docs[:12], SCHEMA)
    want = sample.expected(Engine.from_paths(dates_only), docs[:12])
    assert {r["label"] for rows in want.values() for r in rows} == {"date"}
    assert sample.by_document(rows_of(arules_spark.extract(df, patterns=dates_only)), want) == want
    timed = Engine.from_paths(dates_only, timeout=60)
    assert sample.by_document(rows_of(arules_spark.extract(df, engine=timed)), want) == want


def test_bad_input_is_named_with_the_fix(spark, docs):
    df = spark.createDataFrame(docs[:2], SCHEMA)
    with pytest.raises(ValueError, match=r"id_col='doc_id': the DataFrame has no such column \(its columns: id, "
                                         r"text, date\).*monotonically_increasing_id"):
        arules_spark.extract(df, id_col="doc_id")
    with pytest.raises(ValueError, match="date_col='published'.*date_col=None"):
        arules_spark.extract(df, date_col="published")
    with pytest.raises(TypeError, match=r"text_col='id' holds bigint.*cast\('string'\)"):
        arules_spark.extract(spark.createDataFrame([(1, 2)], "text string, id bigint"), text_col="id")
    with pytest.raises(ValueError, match="unknown label"):
        arules_spark.extract(df, labels={"dates"})
    with pytest.raises(TypeError, match="pyspark.sql.DataFrame"):
        arules_spark.extract(docs)
    bad = spark.createDataFrame([("d-1", docs[0]["text"], "next week")], SCHEMA)
    with pytest.raises(Exception, match=r"document 'd-1': cannot read the date 'next week'.*fix the date column"):
        bad.transform(arules_spark.extract).collect()
