"""corpus and refdates: documents from every corpus format, bad records, paths, dates."""
from __future__ import annotations

import bz2
import codecs
import csv
import gzip
import io
import json
import lzma
import re
import sys
from datetime import date, datetime, timedelta, timezone
from itertools import islice
from pathlib import Path

import pytest

from arabic_rules.corpus import (BadRecord, Document, detect_format, expand_paths, open_binary, read_corpus,
                                 read_documents)
from arabic_rules.documents import documents_from
from arabic_rules.errors import InputError
from arabic_rules.refdates import parse_ref_date

CORPUS = Path(__file__).parents[2] / "shared" / "corpus"

RECORDS = [
    {"id": "a1", "text": "قال الوزير إن الاجتماع انتهى.", "date": "2017-01-20"},
    {"id": 7, "text": "أعلنت الوزارة يوم الأحد.", "date": "Tue, 20 Feb 2018 10:21:00 GMT"},
    {"id": "c3", "text": "سطر أول\nسطر ثان", "date": ""},
]


def docs(items):
    return [d for d in items if isinstance(d, Document)]


def bads(items):
    return [d for d in items if isinstance(d, BadRecord)]


def jsonl_bytes(records) -> bytes:
    return "".join(json.dumps(r, ensure_ascii=False) + "\n" for r in records).encode()


def write(tmp_path, name: str, data) -> str:
    path = tmp_path / name
    path.parent.mkdir(parents=True, exist_ok=True)
    path.write_bytes(data if isinstance(data, bytes) else data.encode())
    return str(path)


# --- dates ---------------------------------------------------------------------------------------

@pytest.mark.parametrize("value,expected", [
    ("2017-01-20", date(2017, 1, 20)),
    ("2017-01-20T21:43:00+01:00", date(2017, 1, 20)),
    ("2017-01-20T23:30:00-05:00", date(2017, 1, 20)),  # the day as written, not the UTC day
    ("2015-07-21 02:51:32", date(2015, 7, 21)),
    ("2018-02-20T10:21:00Z", date(2018, 2, 20)),
    ("20170120", date(2017, 1, 20)),
    ("Tue, 20 Feb 2018 10:21:00 GMT", date(2018, 2, 20)),
    ("20 Feb 2018 10:21:00 +0300", date(2018, 2, 20)),
    ("20/01/2017", date(2017, 1, 20)),
    ("20-01-2017", date(2017, 1, 20)),
    ("20.01.2017", date(2017, 1, 20)),
    ("5/3/2016", date(2016, 3, 5)),
    ("20/01/2017 14:30", date(2017, 1, 20)),
    ("2017/01/20", date(2017, 1, 20)),
    ("2017.1.5", date(2017, 1, 5)),
    ("  2017-01-20 \n", date(2017, 1, 20)),
    ("٢٠/٠١/٢٠١٧", date(2017, 1, 20)),
    ("1484948580", date(2017, 1, 20)),
    (1484948580, date(2017, 1, 20)),
    (date(2017, 1, 20), date(2017, 1, 20)),
    (datetime(2017, 1, 20, 23, 59, tzinfo=timezone(timedelta(hours=-5))), date(2017, 1, 20)),
    (None, None),
    ("", None),
    ("   ", None),
])
def test_parse_ref_date_accepts_each_form(value, expected):
    assert parse_ref_date(value) == expected


@pytest.mark.parametrize("value", [
    "yesterday", "31/02/2017", "2017-13-01", "20/01/17", "Tue, 99 Foo 2018", True, 3.5, [2017, 1, 20],
    10 ** 15,
])
def test_parse_ref_date_error_quotes_the_value_and_lists_the_forms(value):
    with pytest.raises(ValueError) as e:
        parse_ref_date(value)
    message = str(e.value)
    assert repr(value) in message
    assert "2017-01-20" in message and "20/01/2017" in message and "epoch seconds" in message


# --- paths and formats ---------------------------------------------------------------------------

@pytest.mark.parametrize("path,fmt", [
    ("a.jsonl", "jsonl"), ("a.json", "jsonl"), ("a.ndjson", "jsonl"), ("a.JSONL.GZ", "jsonl"),
    ("a.csv", "csv"), ("a.csv.bz2", "csv"), ("a.tsv.xz", "tsv"), ("a.parquet", "parquet"),
    ("a.txt", "text"), ("a.txt.zst", "text"), ("README", "text"), ("notes.md", "text"), ("-", "text"),
    ("dir.v2/a.gz", "text"),
])
def test_detect_format_from_suffix(path, fmt):
    assert detect_format(path) == fmt


def test_detect_format_override():
    assert detect_format("a.txt", "jsonl") == "jsonl"
    assert detect_format("a.csv", "auto") == "csv"
    with pytest.raises(ValueError, match="jsonl, csv, tsv, parquet, text"):
        detect_format("a.txt", "xml")


def test_expand_paths_walks_directories_sorted_and_keeps_corpus_files_only(tmp_path):
    for name in ["b/2.jsonl.gz", "b/1.csv", "a.txt", "b/c/3.parquet", "b/skip.md", "b/.hidden.txt",
                 ".git/x.txt", "b/c/4.tsv.zst", "b/5.ndjson"]:
        write(tmp_path, name, "x")
    found = expand_paths([str(tmp_path)])
    assert [str(Path(p).relative_to(tmp_path)) for p in found] == [
        "a.txt", "b/1.csv", "b/2.jsonl.gz", "b/5.ndjson", "b/c/3.parquet", "b/c/4.tsv.zst"]


def test_expand_paths_globs_files_and_stdin_in_order(tmp_path):
    for name in ["x/1.txt", "x/y/2.txt", "x/y/3.md", "z.csv"]:
        write(tmp_path, name, "x")
    found = expand_paths([str(tmp_path / "z.csv"), "-", str(tmp_path / "x" / "**" / "*.txt"),
                          str(tmp_path / "z.csv")])
    assert found == [str(tmp_path / "z.csv"), "-", str(tmp_path / "x" / "1.txt"),
                     str(tmp_path / "x" / "y" / "2.txt")]
    assert expand_paths([str(tmp_path / "x" / "y" / "*")]) == [str(tmp_path / "x/y/2.txt"),
                                                               str(tmp_path / "x/y/3.md")]


@pytest.mark.parametrize("make,arg,message", [
    (None, "missing.txt", "missing.txt: no such file"),
    (None, "nothing-*.jsonl", "nothing-*.jsonl: no file matches"),
    ("empty", "empty", "empty: is a directory without corpus files"),
])
def test_expand_paths_names_what_matched_nothing(tmp_path, make, arg, message):
    if make:
        (tmp_path / make).mkdir()
        write(tmp_path, f"{make}/notes.md", "x")
    with pytest.raises(InputError, match=re.escape(message)):
        expand_paths([str(tmp_path / arg)])


# --- compression ---------------------------------------------------------------------------------

COMPRESSORS = {".gz": gzip.compress, ".bz2": bz2.compress, ".xz": lzma.compress}


@pytest.mark.parametrize("suffix", [".gz", ".bz2", ".xz", ".zst"])
def test_jsonl_in_every_compression(tmp_path, suffix):
    if suffix == ".zst":
        compress = pytest.importorskip("zstandard").ZstdCompressor().compress
    else:
        compress = COMPRESSORS[suffix]
    path = write(tmp_path, "c.jsonl" + suffix, compress(jsonl_bytes(RECORDS)))
    got = list(read_documents(path, id_field="id"))
    assert [d.text for d in got] == [r["text"] for r in RECORDS]
    assert [d.id for d in got] == ["a1", "7", "c3"]


def test_open_binary_recognises_gzip_without_a_suffix(tmp_path):
    path = write(tmp_path, "data", gzip.compress(b"hello"))
    with open_binary(path) as f:
        assert f.read() == b"hello"


# --- JSON Lines ----------------------------------------------------------------------------------

def test_jsonl_documents_ids_dates_and_record_numbers(tmp_path):
    data = jsonl_bytes(RECORDS[:1]) + b"\n   \n" + jsonl_bytes(RECORDS[1:])
    path = write(tmp_path, "r.jsonl", data)
    got = list(read_documents(path, id_field="id", date_field="date"))
    assert got == [
        Document("a1", RECORDS[0]["text"], date(2017, 1, 20), path, 1),
        Document("7", RECORDS[1]["text"], date(2018, 2, 20), path, 4),
        Document("c3", RECORDS[2]["text"], None, path, 5),
    ]


def test_jsonl_default_ids_are_path_and_record(tmp_path):
    path = write(tmp_path, "r.jsonl", b"\n" + jsonl_bytes(RECORDS))
    assert [d.id for d in read_documents(path)] == [f"{path}:2", f"{path}:3", f"{path}:4"]


def test_jsonl_other_text_field_and_nested_fields(tmp_path):
    path = write(tmp_path, "n.jsonl", jsonl_bytes([{"body": "نص", "meta": {"id": "m1", "when": "2016-05-01"}}]))
    [d] = read_documents(path, text_field="body", id_field="meta.id", date_field="meta.when")
    assert (d.id, d.text, d.ref_date) == ("m1", "نص", date(2016, 5, 1))


def test_every_kind_of_bad_record_is_reported_and_the_rest_is_read(tmp_path):
    lines = [
        json.dumps({"id": "ok1", "text": "أ"}),
        '{"id": "broken", "text": "ب"',
        json.dumps(["not", "an", "object"]),
        json.dumps({"id": "no-text", "body": "ت"}),
        json.dumps({"id": "num-text", "text": 42}),
        json.dumps({"text": "ث"}),
        json.dumps({"id": "bad-date", "text": "ج", "date": "yesterday"}),
        json.dumps({"id": "ok2", "text": "ح", "date": "2017-01-20"}),
    ]
    data = "\n".join(lines).encode() + b"\n" + b'{"id": "enc", "text": "\xff"}\n' + b'{"id": "ok3", "text": "x"}\n'
    path = write(tmp_path, "bad.jsonl", data)
    got = list(read_documents(path, id_field="id", date_field="date"))
    assert [d.id for d in docs(got)] == ["ok1", "ok2", "ok3"]
    assert [d.record for d in docs(got)] == [1, 8, 10]
    problems = {b.record: str(b) for b in bads(got)}
    assert sorted(problems) == [2, 3, 4, 5, 6, 7, 9]
    assert problems[2].startswith(f"{path}:record 2: not valid JSON")
    assert "not a JSON object" in problems[3]
    assert "missing field 'text'" in problems[4] and "--text-field" in problems[4]
    assert "holds a number, not a string" in problems[5]
    assert "missing field 'id'" in problems[6] and "--id-field" in problems[6]
    assert "'bad-date'" in problems[7] and "'yesterday'" in problems[7] and "20/01/2017" in problems[7]
    offset = len("\n".join(lines).encode()) + 1 + len(b'{"id": "enc", "text": "')
    assert f"not valid utf-8 at byte {offset} (line 9)" in problems[9]
    assert "--encoding-errors replace" in problems[9]


def test_jsonl_encoding_errors_replace_keeps_the_record(tmp_path):
    path = write(tmp_path, "r.jsonl", b'{"text": "a\xffb"}\n')
    [d] = read_documents(path, encoding_errors="replace")
    assert d.text == "a\ufffdb"


@pytest.mark.parametrize("bom,encoding", [(codecs.BOM_UTF8, "utf-8"), (codecs.BOM_UTF16_LE, "utf-16-le"),
                                          (codecs.BOM_UTF32_BE, "utf-32-be")])
def test_jsonl_with_a_byte_order_mark(tmp_path, bom, encoding):
    path = write(tmp_path, "r.jsonl", bom + jsonl_bytes(RECORDS).decode().encode(encoding))
    assert [d.text for d in read_documents(path)] == [r["text"] for r in RECORDS]


def test_a_json_array_file_says_how_to_convert_it(tmp_path):
    path = write(tmp_path, "a.json", json.dumps(RECORDS, indent=1))
    with pytest.raises(InputError, match=r"JSON array, not JSON Lines.*jq -c"):
        list(read_documents(path))


def test_empty_corpus_file_is_an_input_error(tmp_path):
    with pytest.raises(InputError, match="empty file"):
        list(read_documents(write(tmp_path, "e.jsonl", b"")))


def test_read_corpus_chains_the_files_of_a_directory(tmp_path):
    write(tmp_path, "d/1.jsonl", jsonl_bytes(RECORDS[:1]))
    write(tmp_path, "d/2.jsonl.gz", gzip.compress(jsonl_bytes(RECORDS[1:])))
    assert [d.text for d in read_corpus([str(tmp_path / "d")])] == [r["text"] for r in RECORDS]


# --- CSV and TSV ---------------------------------------------------------------------------------

def csv_bytes(rows, delimiter=",") -> bytes:
    out = io.StringIO()
    csv.writer(out, delimiter=delimiter, lineterminator="\n").writerows(rows)
    return out.getvalue().encode()


@pytest.mark.parametrize("fmt,delimiter", [("csv", ","), ("tsv", "\t")])
def test_delimited_rows_with_quotes_newlines_and_long_texts(tmp_path, fmt, delimiter):
    long_text = "كلمة، " * 60000  # longer than the csv module's default field limit
    rows = [["id", "text", "date"], ["r1", "سطر\nثان, و\t\"اقتباس\"", "20/01/2017"], ["r2", long_text, ""]]
    path = write(tmp_path, f"t.{fmt}", csv_bytes(rows, delimiter))
    got = list(read_documents(path, id_field="id", date_field="date"))
    assert got == [Document("r1", rows[1][1], date(2017, 1, 20), path, 1),
                   Document("r2", long_text, None, path, 2)]


def test_csv_bad_rows_are_reported_with_their_line_and_the_rest_is_read(tmp_path):
    data = (csv_bytes([["id", "text", "date"], ["a", "أول\nسطرين", "2017-01-20"]])
            + b"b,too,many,fields\n\n" + csv_bytes([["", "no id", ""], ["d", "x", "soon"], ["e", "last", ""]]))
    path = write(tmp_path, "b.csv", data)
    got = list(read_documents(path, id_field="id", date_field="date"))
    assert [(d.id, d.record) for d in docs(got)] == [("a", 1), ("e", 5)]
    problems = [str(b) for b in bads(got)]
    assert problems[0] == (f"{path}:record 2: has 4 fields, the header has 3 (line 4); "
                           f"quote a field that holds the delimiter or a line break")
    assert problems[1].startswith(f"{path}:record 3: missing field 'id'") and problems[1].endswith("(line 6)")
    assert problems[2].startswith(f"{path}:record 4: document 'd', field 'date': cannot read the date 'soon'")


def test_csv_without_the_named_column_is_one_input_error(tmp_path):
    path = write(tmp_path, "h.csv", csv_bytes([["body", "id"], ["x", "1"]]))
    with pytest.raises(InputError, match=r"no column 'text' \(columns: 'body', 'id'\); use --text-field"):
        list(read_documents(path))


def test_csv_with_a_utf8_byte_order_mark_and_compression(tmp_path):
    data = codecs.BOM_UTF8 + csv_bytes([["text", "id"], ["نص", "9"]])
    path = write(tmp_path, "h.csv.gz", gzip.compress(data))
    assert list(read_documents(path, id_field="id")) == [Document("9", "نص", None, path, 1)]


def test_csv_bad_bytes_make_a_bad_record_naming_byte_and_line(tmp_path):
    path = write(tmp_path, "e.csv", b'text\nok\nbad \xff here\n"two\nlines \xfe"\nlast\n')
    got = list(read_documents(path))
    assert [d.text for d in docs(got)] == ["ok", "last"]
    assert [str(b) for b in bads(got)] == [
        f"{path}:record 2: not valid utf-8 at byte 12 (line 3); pass --encoding (for example --encoding "
        f"cp1256) if the file uses another, or --encoding-errors replace to read it anyway",
        f"{path}:record 3: not valid utf-8 at byte 30 (line 5); pass --encoding (for example --encoding "
        f"cp1256) if the file uses another, or --encoding-errors replace to read it anyway",
    ]
    replaced = [d.text for d in read_documents(path, encoding_errors="replace")]
    assert replaced == ["ok", "bad \ufffd here", "two\nlines \ufffd", "last"]


def test_utf16_csv_with_a_byte_order_mark(tmp_path):
    data = codecs.BOM_UTF16_LE + "id,text\n1,\"أ\nب\"\n2,ج\n".encode("utf-16-le")
    path = write(tmp_path, "u.csv", data)
    assert [(d.id, d.text, d.record) for d in read_documents(path, id_field="id")] == [
        ("1", "أ\nب", 1), ("2", "ج", 2)]


# --- Parquet -------------------------------------------------------------------------------------

def test_parquet_in_row_groups_with_typed_columns(tmp_path):
    pa = pytest.importorskip("pyarrow")
    pq = pytest.importorskip("pyarrow.parquet")
    n = 2500
    table = pa.table({
        "id": list(range(n)),
        "text": [None if i == 1234 else f"نص {i}" for i in range(n)],
        "day": [date(2017, 1, 1) + timedelta(days=i % 300) for i in range(n)],
    })
    path = str(tmp_path / "t.parquet")
    pq.write_table(table, path, row_group_size=700)
    got = list(read_documents(path, id_field="id", date_field="day"))
    assert len(got) == n
    assert got[0] == Document("0", "نص 0", date(2017, 1, 1), path, 1)
    assert got[-1] == Document(str(n - 1), f"نص {n - 1}", date(2017, 1, 1) + timedelta(days=(n - 1) % 300),
                               path, n)
    [bad] = bads(got)
    assert bad.record == 1235 and "field 'text' holds null" in bad.message
    with pytest.raises(InputError, match="no column 'body'"):
        list(read_documents(path, text_field="body"))


def test_parquet_compressed_file_is_read_from_memory(tmp_path):
    pa = pytest.importorskip("pyarrow")
    pq = pytest.importorskip("pyarrow.parquet")
    sink = io.BytesIO()
    pq.write_table(pa.table({"text": ["أ", "ب"]}), sink)
    path = write(tmp_path, "t.parquet.gz", gzip.compress(sink.getvalue()))
    assert [d.text for d in read_documents(path)] == ["أ", "ب"]


def test_parquet_that_is_not_parquet_is_an_input_error(tmp_path):
    pytest.importorskip("pyarrow.parquet")
    path = write(tmp_path, "n.parquet", b"text\nnot parquet at all\n")
    with pytest.raises(InputError, match="n.parquet: not a readable Parquet file"):
        list(read_documents(path))


def test_parquet_without_pyarrow_says_what_to_install(tmp_path, monkeypatch):
    monkeypatch.setitem(sys.modules, "pyarrow", None)  # import now fails
    monkeypatch.setitem(sys.modules, "pyarrow.parquet", None)
    path = write(tmp_path, "t.parquet", b"PAR1")
    with pytest.raises(InputError, match=r'pip install "arabic_rules\[parquet\]"'):
        list(read_documents(path))


# --- plain text ----------------------------------------------------------------------------------

def paragraphs(count: int) -> str:
    parts = []
    for i in range(count):
        body = "\n".join(f"  سطر {i}.{j} قال الوزير" for j in range(1 + i % 4))
        gap = ["\n\n", "\n \t\n", "\n\n\n\n", "\n   \n\n"][i % 4]
        parts.append(body + gap)
    return "\n \n" + "".join(parts)  # starts with blank lines too


def expected_paragraphs(text: str):
    """Runs of lines that hold a non-space character, without the last line's break."""
    return [(m.group(), m.start()) for m in re.finditer(r"(?m)^[^\n]*\S[^\n]*(?:\n[^\n]*\S[^\n]*)*", text)]


@pytest.mark.parametrize("count", [7, 40000])  # the second spans many 1 MiB blocks
def test_blankline_documents_are_slices_of_the_file(tmp_path, count):
    text = paragraphs(count)
    path = write(tmp_path, "p.txt", text)
    got = list(read_documents(path, doc_sep="blankline"))
    assert [(d.text, d.offset) for d in got] == expected_paragraphs(text)
    line_starts = [0] + [m.end() for m in re.finditer("\n", text)]
    for index, d in enumerate(got, 1):
        assert text[d.offset:d.offset + len(d.text)] == d.text
        assert line_starts[d.line - 1] == d.offset  # a document starts a line
        assert (d.id, d.record, d.source) == (f"{path}#{index}", index, path)


def test_blankline_with_crlf_line_ends(tmp_path):
    path = write(tmp_path, "w.txt", "أ\r\nب\r\n\r\nج\r\n")
    got = list(read_documents(path, doc_sep="blankline"))
    assert [(d.text, d.offset, d.line) for d in got] == [("أ\r\nب", 0, 1), ("ج", 8, 4)]


def test_formfeed_documents_are_exact_pieces_between_form_feeds(tmp_path):
    text = "أول\nصفحة\n\fثانية\f\f  \n\f\nثالثة بلا نهاية"
    path = write(tmp_path, "f.txt.gz", gzip.compress(text.encode()))
    got = list(read_documents(path, doc_sep="formfeed"))
    assert [d.text for d in got] == ["أول\nصفحة\n", "ثانية", "\nثالثة بلا نهاية"]
    for index, d in zip([1, 2, 5], got):
        assert text[d.offset:d.offset + len(d.text)] == d.text
        assert d.line == text.count("\n", 0, d.offset) + 1
        assert d.record == index


def test_formfeed_across_many_blocks(tmp_path):
    text = "".join(f"صفحة {i}\n" * (1 + i % 50) + "\f" for i in range(6000))
    path = write(tmp_path, "f.txt", text)
    got = list(read_documents(path, doc_sep="formfeed"))
    assert len(got) == 6000
    assert all(text[d.offset:d.offset + len(d.text)] == d.text for d in got)
    assert all(d.line == text.count("\n", 0, d.offset) + 1 for d in got[::500])


def test_doc_sep_none_gives_the_whole_file(tmp_path):
    path = write(tmp_path, "n.txt", "أ\n\nب\n")
    assert list(read_documents(path)) == [Document(path, "أ\n\nب\n", None, path, 1)]
    with pytest.raises(ValueError, match="blankline"):
        read_documents(path, doc_sep="page")


def test_text_in_utf16_with_a_byte_order_mark(tmp_path):
    path = write(tmp_path, "u.txt", codecs.BOM_UTF16_BE + "أ\n\nب".encode("utf-16-be"))
    assert [d.text for d in read_documents(path, doc_sep="blankline")] == ["أ", "ب"]


# --- Python values -------------------------------------------------------------------------------

def test_documents_from_each_accepted_shape():
    items = [
        "نص أول",
        ("x", "نص"),
        (42, "نص", "2017-01-20"),
        {"text": "م", "id": ("k", 1), "ref_date": date(2016, 1, 2)},
        {"text": "م2", "date": "20/01/2017"},
        Document("kept", "كما هو"),
    ]
    assert list(documents_from(items)) == [
        Document("0", "نص أول"),
        Document("x", "نص"),
        Document(42, "نص", date(2017, 1, 20)),
        Document(("k", 1), "م", date(2016, 1, 2)),
        Document("4", "م2", date(2017, 1, 20)),
        Document("kept", "كما هو"),
    ]


@pytest.mark.parametrize("item,detail", [
    (b"bytes", "decode them"), (("only-id",), "tuple of 1"), (("id", b"x"), "tuple of 2"),
    ({"body": "x"}, "mapping without"), (3, "a int"),
])
def test_documents_from_names_the_bad_item_and_what_is_accepted(item, detail):
    with pytest.raises(TypeError) as e:
        list(documents_from(["ok", item]))
    assert str(e.value).startswith("item 1: ") and detail in str(e.value)
    assert "(id, text, ref_date)" in str(e.value)


def test_documents_from_names_the_item_with_a_bad_date():
    with pytest.raises(ValueError, match=r"item 2: cannot read the date 'soon'"):
        list(documents_from(["a", "b", ("i", "t", "soon")]))


# --- the shared corpus ---------------------------------------------------------------------------

def test_first_records_of_the_shared_corpus_have_ids_and_dates():
    path = CORPUS / "news-ant-v1.1-00.jsonl.gz"
    if not path.exists():
        pytest.skip(f"the shared corpus is not here ({path})")
    got = list(islice(read_documents(str(path), id_field="id", date_field="date"), 50))
    assert len(got) == 50 and not bads(got)
    assert [d.record for d in got] == list(range(1, 51))
    assert all(d.id.startswith("ant:") and d.text.strip() for d in got)
    assert all(isinstance(d.ref_date, date) and 2014 <= d.ref_date.year <= 2018 for d in got)

