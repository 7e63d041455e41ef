"""inputs: byte order marks, decoding errors (strict and replace), compressed inputs."""
from __future__ import annotations

import bz2
import codecs
import gzip
import io
import lzma
import sys

import pytest

from arabic_rules.errors import InputError
from arabic_rules.inputs import blocks, open_binary, read_text

TEXT = "قال الوزير: نعم.\nسطر ثان\n\nفقرة أخرى 2017\n"


def write(tmp_path, name: str, data: bytes) -> str:
    path = tmp_path / name
    path.write_bytes(data)
    return str(path)


@pytest.mark.parametrize("bom,encoding", [
    (codecs.BOM_UTF16_LE, "utf-16-le"),
    (codecs.BOM_UTF16_BE, "utf-16-be"),
    (codecs.BOM_UTF32_LE, "utf-32-le"),
    (codecs.BOM_UTF32_BE, "utf-32-be"),
    (codecs.BOM_UTF8, "utf-8"),
])
def test_a_byte_order_mark_picks_the_decoder_and_is_dropped(tmp_path, bom, encoding):
    path = write(tmp_path, "bom.txt", bom + TEXT.encode(encoding))
    assert read_text(path) == TEXT


def test_utf16_without_a_mark_still_needs_the_encoding_option(tmp_path):
    path = write(tmp_path, "plain16.txt", TEXT.encode("utf-16-le"))
    with pytest.raises(InputError, match="binary"):
        read_text(path)
    assert read_text(path, "utf-16-le") == TEXT


def test_long_utf16_file_keeps_every_character_across_reads(tmp_path):
    text = ("سطر رقم %d\n" % 1) * 20000
    path = write(tmp_path, "long16.txt", codecs.BOM_UTF16_LE + text.encode("utf-16-le"))
    assert read_text(path) == text


def test_strict_names_byte_and_line_and_the_ways_out(tmp_path):
    path = write(tmp_path, "bad.txt", "قال\nثم\n".encode() + b"x\xff y")
    with pytest.raises(InputError) as e:
        read_text(path)
    message = str(e.value)
    assert f"{path}: not valid utf-8 at byte 13 (line 3)" in message
    assert "--encoding" in message and "--encoding-errors replace" in message


def test_strict_byte_offset_counts_a_character_split_between_reads(tmp_path):
    # the two bytes of the Arabic letter straddle the end of the first 8192-byte read
    data = b"a" * 8191 + "ق".encode() + b"\n\n\n" + b"\xff"
    path = write(tmp_path, "split.txt", data)
    with pytest.raises(InputError, match=r"at byte 8196 \(line 4\)"):
        read_text(path)


def test_strict_byte_offset_counts_the_byte_order_mark(tmp_path):
    path = write(tmp_path, "bom-bad.txt", codecs.BOM_UTF8 + b"ab\xfe")
    with pytest.raises(InputError, match=r"at byte 5 \(line 1\)"):
        read_text(path)


def test_replace_reads_bad_bytes_as_replacement_characters(tmp_path):
    path = write(tmp_path, "bad.txt", "قال".encode() + b"\xff\xfe x\n")
    assert read_text(path, encoding_errors="replace") == "قال\ufffd\ufffd x\n"
    assert "".join(b.text for b in blocks(path, encoding_errors="replace")) == "قال\ufffd\ufffd x\n"


def test_unknown_error_handler_is_refused(tmp_path):
    path = write(tmp_path, "ok.txt", b"x\n")
    with pytest.raises(InputError, match="strict.*replace"):
        read_text(path, encoding_errors="ignore")


@pytest.mark.parametrize("content,message", [
    (b"", "empty file"),
    (b"\x00\x01\x02binary", "looks like a binary file"),
])
def test_empty_and_binary_messages_are_unchanged(tmp_path, content, message):
    with pytest.raises(InputError, match=message):
        read_text(write(tmp_path, "x.txt", content))


@pytest.mark.parametrize("suffix,compress", [
    (".gz", gzip.compress), (".bz2", bz2.compress), (".xz", lzma.compress),
])
def test_compressed_text_is_read_by_suffix(tmp_path, suffix, compress):
    path = write(tmp_path, "t.txt" + suffix, compress(TEXT.encode()))
    assert read_text(path) == TEXT


@pytest.mark.parametrize("compress", [gzip.compress, bz2.compress, lzma.compress])
def test_compressed_data_without_a_suffix_is_recognised(tmp_path, compress):
    path = write(tmp_path, "t.txt", compress(TEXT.encode()))
    assert read_text(path) == TEXT


def test_zstd_when_installed(tmp_path):
    zstandard = pytest.importorskip("zstandard")
    data = zstandard.ZstdCompressor().compress(TEXT.encode())
    assert read_text(write(tmp_path, "t.txt.zst", data)) == TEXT
    assert read_text(write(tmp_path, "t.bin", data)) == TEXT


def test_zstd_missing_says_what_to_install(tmp_path, monkeypatch):
    monkeypatch.setitem(sys.modules, "zstandard", None)  # import now fails
    path = write(tmp_path, "t.txt.zst", b"\x28\xb5\x2f\xfd whatever")
    with pytest.raises(InputError, match=r'pip install "arabic_rules\[zstd\]"'):
        read_text(path)


def test_damaged_gzip_is_an_input_error(tmp_path):
    data = gzip.compress(TEXT.encode() * 200)
    path = write(tmp_path, "cut.txt.gz", data[: len(data) // 2])
    with pytest.raises(InputError, match="cut.txt.gz: damaged gzip data"):
        read_text(path)


def test_gzip_on_stdin_is_recognised(monkeypatch):
    monkeypatch.setattr(sys, "stdin", io.TextIOWrapper(io.BytesIO(gzip.compress(TEXT.encode()))))
    assert read_text("-") == TEXT


def test_closing_a_stdin_reader_leaves_stdin_open(monkeypatch):
    stdin = io.TextIOWrapper(io.BytesIO(b"abc"))
    monkeypatch.setattr(sys, "stdin", stdin)
    with open_binary("-") as f:
        assert f.read() == b"abc"
    assert not stdin.buffer.closed


def test_blocks_of_a_big_compressed_file_are_bounded_and_complete(tmp_path):
    text = "".join(f"فقرة {i} فيها كلام.\n\n" for i in range(4000))
    path = write(tmp_path, "big.txt.gz", gzip.compress(text.encode()))
    pieces = list(blocks(path, block=4096))
    assert len(pieces) > 10 and max(len(b.text) for b in pieces) < 4096 * 2
    assert "".join(b.text for b in pieces) == text
    assert all(text[b.offset:b.offset + len(b.text)] == b.text for b in pieces)
    assert all(b.line == text.count("\n", 0, b.offset) + 1 for b in pieces)
