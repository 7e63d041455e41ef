"""`arules`: check texts, lint and test rule files, explain a rule's decisions, show verb forms."""
from __future__ import annotations

import argparse
import datetime as _dt
import os
import sys
from contextlib import contextmanager
from pathlib import Path

from . import __version__, arguments, gcpause
from .corpus import DOC_SEPARATORS, FORMATS
from .errors import ArabicRulesError, InputError, RuleError
from .formats import FORMATS as EXPORTS
from .inputs import ENCODING_ERRORS, compression_of

BACKENDS = ("native", "python")  # (those of `engine.BACKENDS`; the engine is imported only to run)

EXIT_OK, EXIT_FAIL, EXIT_USAGE = 0, 1, 2
DEFAULT_TIMEOUT = 120.0  # seconds per block for `check`: a guard against a runaway rule, not a budget


def _date(text: str) -> _dt.date:
    try:
        return _dt.date.fromisoformat(text)
    except ValueError:
        raise argparse.ArgumentTypeError(f"not a date: {text!r}; write YYYY-MM-DD, e.g. 2021-12-13") from None


def _seconds(text: str) -> float:
    try:
        return arguments.timeout(float(text), "--timeout")
    except (TypeError, ValueError) as e:
        raise argparse.ArgumentTypeError(f"not a time limit: {text!r} ({e})") from None


def _jobs(text: str) -> int:
    try:
        return arguments.jobs(int(text))
    except ValueError:
        raise argparse.ArgumentTypeError(f"not a number of processes: {text!r}; write e.g. --jobs 2 "
                                         f"(0: one per core)") from None


def _patterns_args(p: argparse.ArgumentParser) -> None:
    p.add_argument("--patterns", action="append", default=[], metavar="PATH",
                   help="rule file or directory to use (repeatable); added to the shipped packs")
    p.add_argument("--no-default", action="store_true", help="use only the --patterns rules, not the shipped packs")


def parser() -> argparse.ArgumentParser:
    ap = argparse.ArgumentParser(prog="arules", description="Find reported speech, dates and numbers in Arabic text.")
    ap.add_argument("--version", action="version", version=f"arules {__version__}")
    sub = ap.add_subparsers(dest="command", metavar="COMMAND")

    c = sub.add_parser("check", help="find matches in text files and corpora (or - for stdin)")
    c.add_argument("files", nargs="+", metavar="FILE",
                   help="text files, corpora (.jsonl, .csv, .tsv, .parquet; .gz, .bz2, .xz, .zst), folders or globs")
    c.add_argument("--format", choices=("text", "jsonl", "json", *EXPORTS), default="text",
                   help="text, jsonl, json, or a format for other tools (docs/formats.md)")
    c.add_argument("--out", metavar="PATH", help="write the findings to this file (brat, timeml: this folder, "
                                                 "a file per document) instead of stdout")
    c.add_argument("--input-format", choices=FORMATS, metavar="FORMAT",
                   help=f"how to read the inputs ({', '.join(FORMATS)}; default: from the file name)")
    c.add_argument("--text-field", default="text", metavar="NAME", help="the field holding a record's text")
    c.add_argument("--id-field", metavar="NAME", help="the field holding a record's id (default: file:record)")
    c.add_argument("--date-field", metavar="NAME",
                   help="the field holding a record's own reference date (ISO, RFC 822 or day/month/year)")
    c.add_argument("--doc-sep", choices=DOC_SEPARATORS, default="none",
                   help="what separates documents in a plain text file (default none: a file is one document)")
    c.add_argument("--stats", action="store_true", help="print a summary of the findings at the end (stderr)")
    c.add_argument("--labels", help="comma-separated labels to look for, e.g. date,number")
    c.add_argument("--ref-date", type=_date, help="reference date for relative dates (YYYY-MM-DD)")
    c.add_argument("--prefer", choices=("past", "future", "nearest"),
                   help="how a weekday or a month (and day) without a year resolves: the latest on or before the "
                        "reference date, the first on or after it, or the closer; it wins over the clause's tense "
                        "(default: the news rule: by the tense of the clause, a weekday past unless it speaks of the "
                        "future (the nearer one after an imperfect alone), a yearless date back in a past clause, "
                        "else in the reference year unless it lies "
                        "far ahead outside a future clause (last year's) or far behind in one (next year's))")
    c.add_argument("--encoding", default="utf-8", help="encoding of the input files (default utf-8)")
    c.add_argument("--encoding-errors", choices=ENCODING_ERRORS, default="strict",
                   help="bytes the encoding rejects: strict stops at the first (naming it), replace reads them as U+FFFD")
    c.add_argument("--timeout", type=_seconds, default=DEFAULT_TIMEOUT, metavar="SECONDS",
                   help=f"time one block of text (about 1 MB) may take before it is given up, with an error "
                        f"naming the rule (default {DEFAULT_TIMEOUT:g})")
    c.add_argument("--jobs", type=_jobs, default=1, metavar="N",
                   help="processes that extract blocks of big files in parallel (0: one per core; default 1)")
    _patterns_args(c)

    li = sub.add_parser("lint", help="validate rule files and reject rules that could run away")
    li.add_argument("paths", nargs="*", metavar="PATH", help="rule files or directories (default: shipped packs)")
    li.add_argument("--stats", action="store_true",
                    help="also print how much of each file's patterns is raw regex (re\"...\")")

    t = sub.add_parser("test", help="run the examples written inside rule files")
    t.add_argument("paths", nargs="*", metavar="PATH", help="rule files or directories (default: shipped packs)")
    t.add_argument("-v", "--verbose", action="store_true", help="list passing examples too")
    t.add_argument("--watch", action="store_true",
                   help="run the examples again each time a rule file is saved (Ctrl-C to stop)")
    t.add_argument("--backend", choices=BACKENDS, default=None,
                   help="what runs the rules: the native core or the reference executor (default: the "
                        "native core where it is built, else the reference executor, which is slow)")

    e = sub.add_parser("explain", help="show which rules fired where, and how far the others got")
    e.add_argument("text", help="the text to explain (or @FILE to read it from a file)")
    e.add_argument("--ref-date", type=_date)
    e.add_argument("--rule", help="only show this rule (a name or a prefix such as date.)")
    _patterns_args(e)

    fo = sub.add_parser("forms", help="print the forms generated for a verb root and measure")
    fo.add_argument("root", help="the radicals, e.g. 'ق و ل' or قول")
    fo.add_argument("measure", help="a measure of morphology.yaml, e.g. I-hollow, II, IV-hollow")
    fo.add_argument("--morphology", metavar="FILE", help="measure file (default: the shipped morphology.yaml)")

    sc = sub.add_parser("score", help="precision, recall and F1 of the rules on an annotated gold set "
                                      "(docs/scoring.md)")
    sc.add_argument("gold", metavar="GOLD.jsonl", help="the gold set: one annotated document per line")
    sc.add_argument("--corpus", metavar="DIR", help="where the corpus files of a stored set are "
                                                    "(default: $ARULES_CORPUS, else ../shared/corpus)")
    sc.add_argument("--split", metavar="NAME", help="score only the documents of this split (dev, test)")
    sc.add_argument("--no-nested", action="store_true", help="leave out gold items flagged nested, as optional ones")
    sc.add_argument("--labels", help="comma-separated labels to score (default: those the gold set annotates)")
    sc.add_argument("--show", type=int, default=0, metavar="N",
                    help="list up to N misses, false findings and wrong values per label")
    sc.add_argument("--format", choices=("text", "json"), default="text")
    _patterns_args(sc)

    sub.add_parser("schema", help="print the JSON Schema of rule files (for editors; the packs ship it as "
                                   "patterns/rules.schema.json)")

    b = sub.add_parser("bench", help="time the engine on a file of yours (the side-by-side throughput suite "
                                     "is `python -m bench` in a checkout)")
    b.add_argument("file", metavar="FILE", help="a text file or a corpus file (.jsonl, .csv, .tsv, .parquet; "
                                                "compressed or not)")
    b.add_argument("--input-format", choices=FORMATS, metavar="FORMAT",
                   help=f"how to read FILE ({', '.join(FORMATS)}; default: from the file name)")
    b.add_argument("--text-field", default="text", metavar="NAME", help="the field holding a record's text")
    b.add_argument("--doc-sep", choices=DOC_SEPARATORS, default="none",
                   help="what separates documents in a plain text file (default none: the file is one document)")
    b.add_argument("--labels", help="comma-separated labels to look for, e.g. date,number")
    b.add_argument("--repeat", type=_passes, default=3, metavar="N", help="passes over the file; the best counts "
                                                                          "(default 3)")
    b.add_argument("--backend", choices=BACKENDS, default=None, help="what runs the rules (default: the engine's)")
    _patterns_args(b)
    return ap


def _passes(text: str) -> int:
    try:
        n = int(text)
    except ValueError:
        n = 0
    if n < 1:
        raise argparse.ArgumentTypeError(f"not a number of passes: {text!r}; write e.g. --repeat 3")
    return n


def main(argv: list[str] | None = None) -> int:
    argv = sys.argv[1:] if argv is None else list(argv)
    ap = parser()
    args = ap.parse_args(argv)
    if args.command is None:
        ap.print_help()
        return EXIT_USAGE
    try:
        commands = {"check": cmd_check, "lint": cmd_lint, "test": cmd_test, "explain": cmd_explain,
                    "forms": cmd_forms, "score": cmd_score, "schema": cmd_schema, "bench": cmd_bench}
        return commands[args.command](args)
    except RuleError as e:
        _print_problems(e.problems)
        return EXIT_USAGE
    except ArabicRulesError as e:
        print(f"arules: {e}", file=sys.stderr)
        return EXIT_USAGE
    except KeyboardInterrupt:
        print("arules: interrupted", file=sys.stderr)
        return 130
    except BrokenPipeError:
        return EXIT_OK


def _print_problems(problems) -> None:
    for p in problems:
        print(p, file=sys.stderr)


def _engine(args):
    from .engine import Engine

    if args.no_default and not args.patterns:
        raise ArabicRulesError("--no-default needs at least one --patterns PATH")
    for p in args.patterns:
        if not Path(p).exists():
            raise ArabicRulesError(f"{p}: no such rule file or directory")
    backend = {"backend": args.backend} if getattr(args, "backend", None) else {}
    with _native_hint():
        return Engine.from_paths(args.patterns, include_default=not args.no_default,
                                 timeout=getattr(args, "timeout", None), **backend)


@contextmanager
def _native_hint():
    """``--backend native`` where the native core is not built: its install hint, not a traceback."""
    try:
        yield
    except ImportError as e:
        raise ArabicRulesError(f"{e} (or choose another --backend)") from None


def cmd_bench(args) -> int:
    """Time the engine on the user's file (see `timing`); 0 whatever the figures."""
    from .corpus import BadRecord, read_documents
    from .timing import report, time_engine

    texts = [d.text for d in read_documents(args.file, fmt=args.input_format, text_field=args.text_field,
                                            doc_sep=args.doc_sep) if not isinstance(d, BadRecord) and d.text.strip()]
    if not texts:
        raise ArabicRulesError(f"{args.file}: no text to time")
    labels = {x.strip() for x in args.labels.split(",") if x.strip()} if args.labels else None
    timing = time_engine(lambda: _engine(args), texts, args.repeat, labels)
    print(report(timing))
    return EXIT_OK


def cmd_check(args) -> int:
    from . import report
    from .checkjobs import Setup, batches
    from .corpus import BadRecord, Fields, detect_format, expand_paths, read_documents
    from .inputs import blocks
    from .chunks import text_blocks
    from .heap import bound_heap
    from .stream import Chunk, chunks_of, extract_chunks
    from .tally import LINE_FORMATS, Style, Tally

    bound_heap()  # a long run's freed chunk buffers go back to the system, not into a heap in pieces
    engine = _engine(args)
    labels = None
    if args.labels:
        labels = {x.strip() for x in args.labels.split(",") if x.strip()}
        unknown = labels - engine.labels
        if unknown:
            raise ArabicRulesError(f"unknown label(s) {', '.join(sorted(unknown))}; "
                                   f"known: {', '.join(sorted(engine.labels))}")
    console = None
    out = sys.stdout
    writer = None
    if args.format in EXPORTS:
        from .formats import may_hold_several, open_writer

        writer = open_writer(args.format, args.out, ref_date=args.ref_date,
                             several=may_hold_several(args.files, args.input_format, args.doc_sep))
    elif args.out:
        out = _open_out(args.out)
    if args.format == "text" and (out.isatty() or os.environ.get("FORCE_COLOR")):
        from rich.console import Console  # styles for a terminal; a file or a pipe gets plain lines

        console = Console(highlight=False, soft_wrap=True)
    style = Style(args.format, as_text=args.format in LINE_FORMATS and console is None, encoding=args.encoding,
                  full_stats=args.stats)
    # with workers, whole documents go to them in batches, read and rendered there (a writer of
    # files per document needs the documents here: its runs send texts only)
    fields = Fields(args.text_field, args.id_field or None, args.date_field or None)
    setup = Setup(style, fields, args.ref_date, labels, args.prefer) if args.jobs > 1 and writer is None else None
    collected: list = []
    tally = Tally(style)  # the run's output and counts
    n_files = [0]

    def chunks():
        """Every input's chunks (or batches of documents), document by document; what cannot be
        read passes its error on (as a chunk without text) and the rest goes on."""
        for name in args.files:
            try:
                paths = expand_paths([name])
            except InputError as e:
                yield Chunk((name, e), None)
                continue
            yield from file_chunks(paths)

    def file_chunks(paths):
        for path in paths:
            n_files[0] += 1
            try:
                fmt = detect_format(path, args.input_format)
                if fmt == "text" and args.doc_sep == "none" and not (writer and writer.needs_text):
                    # one document, streamed (a writer of whole documents reads it as one below)
                    tally.stats.add_document()
                    yield from chunks_of(engine, blocks(path, args.encoding, encoding_errors=args.encoding_errors),
                                         tag=(path, None))
                    continue
                if setup is not None:
                    yield from batches(path, _batch_items(args, path, fmt, fields))
                    continue
                for doc in read_documents(path, fmt=fmt, text_field=args.text_field, id_field=args.id_field,
                                          date_field=args.date_field, doc_sep=args.doc_sep,
                                          encoding=args.encoding, encoding_errors=args.encoding_errors):
                    if isinstance(doc, BadRecord):
                        yield Chunk((path, doc), None)
                        continue
                    tally.stats.add_document()
                    yield from chunks_of(engine, text_blocks(doc.text), tag=(path, doc), ref_date=doc.ref_date)
            except InputError as e:
                yield Chunk((path, e), None)

    with _progress(args.files, args.encoding) as advance:
        for item, found in extract_chunks(engine, chunks(), args.ref_date, labels, args.jobs, args.prefer, setup):
            read, begun = tally.bytes, tally.documents
            if isinstance(found, Tally):  # a batch of documents, done by a worker
                part, checked = found, False
                tally.merge(part)
            else:
                part, checked = tally, tally.add(item, found)
            text, records, messages = part.take()
            for message in messages:
                print(message, file=sys.stderr)
            advance(tally.bytes - read, tally.documents - begun)
            if writer is not None:
                if checked:
                    writer.add(item.tag[1], [r for r, _ in records])
            elif style.as_text:
                out.write(text)
            elif args.format == "json":
                collected.extend(r for r, _ in records)
            else:
                for r, line_text in records:
                    console.print(report.text_line(r, line_text))
    if args.format == "json":
        report.write_json(collected, out)
    if writer is not None:
        writer.close()
    out.flush()
    if out is not sys.stdout:
        out.close()
    problems = {"bad": tally.bad, "failed": tally.failed}
    _summary(tally.stats, n_files[0], problems, args.stats)
    return EXIT_USAGE if tally.bad or tally.failed else EXIT_OK


def _batch_items(args, path: str, fmt: str, fields):
    """The documents of one file for `checkjobs.batches`: JSON Lines as raw lines (the workers
    decode them; the first is decoded here, where a JSON array instead of lines stops the file),
    other formats as read here."""
    from .corpus import jsonl_lines, jsonl_record, read_documents

    if fmt != "jsonl":
        yield from read_documents(path, fmt=fmt, text_field=args.text_field, id_field=args.id_field,
                                  date_field=args.date_field, doc_sep=args.doc_sep,
                                  encoding=args.encoding, encoding_errors=args.encoding_errors)
        return
    from .inputs import check_encoding

    check_encoding(args.encoding, args.encoding_errors)
    for number, line, problem in jsonl_lines(path, args.encoding, args.encoding_errors):
        yield jsonl_record(path, fields, number, line, problem) if number == 1 else (number, line, problem)


def _open_out(path: str):
    try:
        return open(path, "w", encoding="utf-8")
    except OSError as e:
        raise ArabicRulesError(f"--out {path}: cannot write it ({e.strerror})") from None


def _summary(stats, n_files: int, problems: dict, full: bool) -> None:
    """The run's summary on stderr: one line, or with ``full`` (--stats) the tables of `Stats`."""
    from rich.console import Console

    err = Console(stderr=True, highlight=False, soft_wrap=True)
    line = f"{stats.findings} finding(s) in {stats.documents} document(s) of {n_files} file(s)"
    if problems["bad"]:
        line += f"; {problems['bad']} bad record(s) skipped"
    if problems["failed"]:
        line += f"; {problems['failed']} input(s) or text(s) not checked"
    if full:
        stats.render(err)
    err.print(line, style="dim", markup=False)


PROGRESS_DELAY = 1.0  # seconds a run goes before its progress is shown (short runs show none)


@contextmanager
def _progress(paths: list[str], encoding: str):
    """Progress of a long run on stderr: documents, bytes of text and their rate (with a bar
    when the inputs' size is known: plain files, not stdin or compressed ones). Shown only where a
    person sees it without it garbling the findings: stderr a terminal, the findings in a file or
    a pipe."""
    if not sys.stderr.isatty() or sys.stdout.isatty():
        yield lambda n_bytes, documents: None
        return
    from time import monotonic

    from rich.console import Console
    from rich.progress import BarColumn, Progress, TextColumn, TimeElapsedColumn, TransferSpeedColumn

    known = all(p != "-" and os.path.isfile(p) and compression_of(p) is None for p in paths)
    total = sum(os.path.getsize(p) for p in paths) if known else None
    bar = Progress(TextColumn("checking {task.fields[docs]} document(s)"), BarColumn(),
                   TextColumn("{task.completed:,.0f} bytes"), TransferSpeedColumn(), TimeElapsedColumn(),
                   console=Console(stderr=True), transient=True)
    task = bar.add_task("check", total=total, docs=0)
    started, shown, docs = monotonic(), False, 0

    def advance(n_bytes: int, documents: int) -> None:
        nonlocal shown, docs
        docs += documents
        bar.update(task, advance=n_bytes, docs=docs)
        if not shown and monotonic() - started > PROGRESS_DELAY:
            bar.start()
            shown = True

    try:
        yield advance
    finally:
        if shown:
            bar.stop()


def _load(paths):
    from .loader import load
    from .resources import data_dir

    return load(paths or [data_dir("patterns")])


def _compiled(paths, pack):
    """The compiled pack of ``paths`` (already loaded as ``pack``), through the cache: an
    unchanged pack is not compiled again, an edited one is compiled once."""
    from .engine import compile_files
    from .resources import data_dir

    return compile_files([Path(p) for p in paths] or [data_dir("patterns")], loaded=pack)


def cmd_lint(args) -> int:
    """Exit 1 for any error in the rule files (one that stops them loading too), 2 only when a
    path cannot be read at all. When some rules do not load, those that did are still checked."""
    with gcpause.paused():  # (the whole run: see gcpause; on again for test --watch)
        return _lint(args)


def _lint(args) -> int:
    from .lint import lint

    load_problems: list = []
    try:
        pack = _load(args.paths)
    except RuleError as e:
        load_problems, pack = e.problems, e.partial
    problems = []
    if pack is not None:
        try:
            problems = lint(pack, None if load_problems else _compiled(args.paths, pack))
        except ArabicRulesError:
            if not load_problems:  # only a partial pack may fail to compile: its load errors say why
                raise
    if load_problems:
        problems = sorted(load_problems + problems, key=lambda p: (p.path, p.line, p.col))
    _print_problems(problems)
    if args.stats and pack is not None:
        _print_raw_shares(pack)
    n_err = sum(p.code.startswith("E") for p in problems)
    counts = f"{n_err} error(s), {len(problems) - n_err} warning(s)"
    if load_problems:
        print(f"{counts}; the files do not load ({len(pack.rules) if pack else 0} rule(s) that did were "
              f"checked)", file=sys.stderr)
        return EXIT_USAGE if all(p.code == "E001" for p in load_problems) else EXIT_FAIL
    print(f"{len(pack.files)} file(s), {len(pack.rules)} rule(s): {counts}", file=sys.stderr)
    return EXIT_FAIL if n_err else EXIT_OK


def _print_raw_shares(pack) -> None:
    """Per file, and over all files, the share of raw regex in the patterns (stdout)."""
    from .lint import raw_shares

    shares = raw_shares(pack)
    for s in shares:
        print(f"{s.path}: raw regex {s.raw:,} of {s.total:,} pattern characters ({s.share:.0%})")
    # a pack folder inside the folder given (patterns/attribution/ of patterns/), as a whole
    root = os.path.commonpath([os.path.dirname(s.path) for s in shares]) if shares else ""
    folders: dict[str, list] = {}
    for s in shares:
        if os.path.dirname(s.path) != root:
            folders.setdefault(os.path.dirname(s.path), []).append(s)
    for folder, group in folders.items():
        raw, total = sum(s.raw for s in group), sum(s.total for s in group)
        if len(group) > 1 and total:
            print(f"{folder}/ (pack folder): raw regex {raw:,} of {total:,} pattern characters ({raw / total:.0%})")
    raw, total = sum(s.raw for s in shares), sum(s.total for s in shares)
    if len(shares) > 1 and total:
        print(f"all files: raw regex {raw:,} of {total:,} pattern characters ({raw / total:.0%})")


def cmd_test(args) -> int:
    for p in args.paths:
        if not Path(p).exists():
            raise ArabicRulesError(f"{p}: no such rule file or directory")
    if not args.watch:
        return _test_once(args)[0]
    from .resources import data_dir
    from .watch import watch

    outcome = [EXIT_OK]

    def run():
        try:
            outcome[0], read = _test_once(args)
        except RuleError as e:  # (a file saved half-way: say why, and wait for the next save)
            _print_problems(e.problems)
            outcome[0], read = EXIT_USAGE, (e.partial.files if e.partial else ())
        except ArabicRulesError as e:
            print(f"arules: {e}", file=sys.stderr)
            outcome[0], read = EXIT_USAGE, ()
        sys.stdout.flush()
        return read

    watch(run, args.paths or [data_dir("patterns")], say=lambda line: print(line, file=sys.stderr))
    return outcome[0]


def _test_once(args) -> tuple[int, tuple[str, ...]]:
    """Run the examples once: (exit code, the files read)."""
    with gcpause.paused():  # (the whole run: see gcpause; on again for test --watch)
        return _test_run(args)


def _test_run(args) -> tuple[int, tuple[str, ...]]:
    from .engine import Engine
    from .examples import run_examples

    pack = _load(args.paths)
    compiled = _compiled(args.paths, pack)
    with _native_hint():
        engine = Engine(compiled, backend=args.backend)
    results = run_examples(pack, engine)
    failed = [r for r in results if not r.ok]
    for r in results:
        if not r.ok or args.verbose:
            mark = "ok  " if r.ok else "FAIL"
            print(f"{r.example.loc}: {mark} {r.rule.name}" + (f": {r.message}" if r.message else ""))
    print(f"{len(results) - len(failed)} passed, {len(failed)} failed ({len(pack.rules)} rules)")
    return (EXIT_FAIL if failed else EXIT_OK), pack.files


def cmd_explain(args) -> int:
    from .explain import explain
    from .inputs import read_text
    from .loader import load
    from .resources import data_dir

    text = read_text(args.text[1:]) if args.text.startswith("@") else args.text
    paths = list(args.patterns) + ([] if args.no_default else [data_dir("patterns")])
    pack = load(paths)
    ex = explain(pack, text, args.ref_date, compiled=_compiled(paths, pack))
    show = (lambda name: name.startswith(args.rule)) if args.rule else (lambda name: True)
    if ex.normalized != text:
        print(f"normalized: {ex.normalized}")
    for c in ex.kept:
        if show(c.rule.name):
            print(f"FIRED    {c.rule.name} [{c.start}:{c.end}] {ex.normalized[c.start:c.end]!r} -> {c.value!r}")
    for c, why in ex.dropped:
        if show(c.rule.name):
            print(f"DROPPED  {c.rule.name} [{c.start}:{c.end}] {ex.normalized[c.start:c.end]!r}: {why}")
    for a in ex.attempts:
        if show(a.rule):
            print(f"FAILED   {a.rule} at {a.start} {ex.normalized[a.start:a.start + 20]!r}: matched {a.matched}/"
                  f"{a.total} items up to {a.reached}, then {a.failed_item} did not match")
    for name in ex.untried:
        if show(name):
            print(f"UNTRIED  {name}: one of its required words or literals does not occur in the text")
    return EXIT_OK


def cmd_forms(args) -> int:
    from . import morphology
    from .loader import load
    from .resources import data_dir

    path = Path(args.morphology) if args.morphology else data_dir("patterns") / "morphology.yaml"
    if not path.is_file():
        raise ArabicRulesError(f"{path}: no such morphology file")
    load([path])  # validates the file, reporting problems as file:line:col
    import yaml

    data = yaml.safe_load(path.read_text(encoding="utf-8"))
    measures = morphology.load_measures({k: data[k] for k in ("measures", "clitics") if k in data})
    try:
        forms = morphology.generate(morphology.VerbSpec(root=args.root, measure=args.measure), measures)
    except morphology.MorphologyError as e:
        for keypath, message in e.problems:
            print(f"arules: {message}", file=sys.stderr)
        return EXIT_USAGE
    print(morphology.format_forms(forms))
    return EXIT_OK


def cmd_schema(args) -> int:
    import json

    from .rulefile import json_schema

    print(json.dumps(json_schema(), ensure_ascii=False, indent=2))
    return EXIT_OK


def cmd_score(args) -> int:
    """Scores are not pass/fail: exit 0 whatever they are, 2 for a gold set that cannot be used."""
    import json

    from rich.console import Console

    from . import scoring

    if args.show < 0:
        raise ArabicRulesError(f"--show takes a number of lines per label (0 or more), not {args.show}")
    gold = scoring.load_gold(args.gold, corpus=args.corpus, split=args.split)
    labels = {x.strip() for x in args.labels.split(",") if x.strip()} if args.labels else None
    report = scoring.evaluate(_engine(args), gold, labels=labels, nested=not args.no_nested)
    if args.format == "json":
        json.dump(report.to_dict(show=args.show), sys.stdout, ensure_ascii=False, indent=2)
        sys.stdout.write("\n")
    else:
        wide = None if sys.stdout.isatty() else 120  # a file or a pipe gets the whole table
        scoring.render(report, Console(highlight=False, soft_wrap=True, width=wide), show=args.show)
    return EXIT_OK
