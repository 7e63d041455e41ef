"""`python -m bench.scale [CORPUS_DIR]`: extraction on Spark, on Dask and with `arules check --jobs`,
one worker against two, on the same sample of the real corpus (the figures of docs/scale.md).

1. The sample: whole articles taken round-robin from the corpus files until --mb MB of UTF-8
   text, as ``{id, text, date}`` records. The engine alone (`Engine.extract` per article, CPU time
   of this process) gives the one-core reference rate and the number of findings every run below
   must reproduce.
2. Spark: a session ``local[1]``, then ``local[2]`` (one and two task slots, hence one and two
   Python workers); the sample as a cached DataFrame of --partitions partitions; a warm-up run
   (starts the Python workers, builds their engines), then --repeat timed runs of
   ``extract(df)`` written to Spark's ``noop`` sink (every row made and handed to the JVM, none
   stored). Wall time; the best run counts.
3. Dask: a `LocalCluster` of one, then two worker processes (one thread each); the sample as a
   persisted bag of --partitions partitions; warm-up, then --repeat timed runs of
   ``extract(bag).count()``.
4. ``arules check SAMPLE.jsonl --jobs 1`` and ``--jobs 2`` (JSON Lines out to /dev/null), wall time,
   interleaved, the best of --repeat each.

Throughput is in MB of UTF-8 text (10^6 bytes) per second of wall time; per worker is that divided
by the workers. The machine's load average is recorded at each step: other programs' turns on
the CPU show in wall time (this is a shared machine), which is why runs repeat and the best counts.
Results go to bench/results/scale.json (git-ignored).
"""
from __future__ import annotations

import argparse
import gzip
import itertools
import json
import os
import platform
import subprocess
import sys
import tempfile
import time
from pathlib import Path

from arabic_rules import Engine, parse_ref_date
from arabic_rules.corpus import default_corpus

HERE = Path(__file__).resolve().parent
MB = 10 ** 6


def load() -> float:
    return round(os.getloadavg()[0], 2)


def sample(folder: Path, mb: float) -> list[dict]:
    """Whole articles round-robin over the corpus files until ``mb`` MB of UTF-8 text."""
    files = sorted(folder.glob("*.jsonl.gz"))
    if not files:
        sys.exit(f"bench.scale: no *.jsonl.gz corpus files in {folder}; pass a corpus folder or set ARULES_CORPUS")
    streams = [gzip.open(f, "rt", encoding="utf-8") for f in files]
    out, size = [], 0
    try:
        for line in itertools.chain.from_iterable(zip(*streams)):
            record = json.loads(line)
            out.append({"id": record["id"], "text": record["text"], "date": record.get("date") or None})
            size += len(record["text"].encode("utf-8"))
            if size >= mb * MB:
                break
    finally:
        for s in streams:
            s.close()
    return out


def engine_alone(docs: list[dict]) -> dict:
    """One pass of `Engine.extract` over the sample in this process: CPU time and findings."""
    engine = Engine.default()
    start = time.process_time()
    found = sum(len(engine.extract(d["text"], parse_ref_date(d["date"]))) for d in docs)
    return {"cpu_s": time.process_time() - start, "findings": found}


def tree_cpu(root: int) -> float:
    """CPU seconds (user + system) used so far by the processes under ``root`` (not ``root``
    itself), read from /proc: the Spark JVM and its Python workers, or the Dask nannies and
    workers this process started. What they use is counted however busy the machine is."""
    tick = os.sysconf("SC_CLK_TCK")
    parent, used = {}, {}
    for stat in Path("/proc").glob("[0-9]*/stat"):
        try:
            fields = stat.read_text().rsplit(")", 1)[1].split()
        except (OSError, IndexError):
            continue  # a process that ended meanwhile
        pid = int(stat.parent.name)
        parent[pid] = int(fields[1])
        used[pid] = sum(int(x) for x in fields[11:15]) / tick  # utime stime cutime cstime
    total, todo = 0.0, [root]
    while todo:
        p = todo.pop()
        kids = [c for c, pp in parent.items() if pp == p]
        total += sum(used[c] for c in kids)
        todo.extend(kids)
    return total


def timed(run, repeat: int, root: int) -> tuple[list[float], list[float]]:
    """Wall times of ``repeat`` calls of ``run``, and the CPU seconds the processes under ``root``
    used in each."""
    times, cpu = [], []
    for _ in range(repeat):
        before = tree_cpu(root)
        start = time.perf_counter()
        run()
        times.append(time.perf_counter() - start)
        cpu.append(tree_cpu(root) - before)
    return times, cpu


def spark_runs(docs: list[dict], workers: int, partitions: int, repeat: int, out_dir: Path | None) -> dict:
    os.environ.setdefault("PYSPARK_PYTHON", sys.executable)
    from pyspark.sql import SparkSession

    from arabic_rules import spark as arules_spark

    start = time.perf_counter()
    session = (SparkSession.builder.master(f"local[{workers}]").appName("arabic_rules scale")
               .config("spark.ui.enabled", "false").config("spark.ui.showConsoleProgress", "false")
               .config("spark.driver.memory", "4g").getOrCreate())
    session.sparkContext.setLogLevel("ERROR")
    try:
        rdd = session.sparkContext.parallelize(docs, partitions)
        df = session.createDataFrame(rdd, "id string, text string, date string").cache()
        df.count()
        ready = time.perf_counter() - start
        findings = arules_spark.extract(df)
        warm_start = time.perf_counter()
        rows = findings.count()  # the warm-up: Python workers start and build their engines
        warm = time.perf_counter() - warm_start
        loads = [load()]
        times, cpu = timed(lambda: findings.write.format("noop").mode("overwrite").save(), repeat,
                           os.getpid())  # (the JVM is a child of this process, its Python workers its)
        loads.append(load())
        result = {"workers": workers, "session_s": ready, "warmup_s": warm, "times_s": times,
                  "cluster_cpu_s": cpu, "rows": rows, "load": loads}
        if out_dir is not None:  # the output's size, as a findings table in Parquet
            target = out_dir / f"spark-{workers}"
            findings.write.mode("overwrite").parquet(str(target))
            result["parquet_bytes"] = sum(p.stat().st_size for p in target.rglob("*.parquet"))
        return result
    finally:
        session.stop()


def dask_runs(docs: list[dict], workers: int, partitions: int, repeat: int) -> dict:
    import dask.bag as db
    from distributed import Client, LocalCluster

    from arabic_rules import dask as arules_dask

    start = time.perf_counter()
    with LocalCluster(n_workers=workers, threads_per_worker=1, processes=True, dashboard_address=None,
                      silence_logs=40) as cluster, Client(cluster):
        bag = db.from_sequence(docs, npartitions=partitions).persist()
        ready = time.perf_counter() - start
        findings = arules_dask.extract(bag)
        warm_start = time.perf_counter()
        rows = findings.count().compute()
        warm = time.perf_counter() - warm_start
        loads = [load()]
        times, cpu = timed(lambda: findings.count().compute(), repeat, os.getpid())
        loads.append(load())
    return {"workers": workers, "cluster_s": ready, "warmup_s": warm, "times_s": times,
            "cluster_cpu_s": cpu, "rows": rows, "load": loads}


def free_port() -> int:
    import socket

    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return sock.getsockname()[1]


def stop(procs: list) -> None:
    """Ends the processes this bench started: asked first, killed after 30 s."""
    for p in procs:
        p.terminate()
    for p in procs:
        try:
            p.wait(timeout=30)
        except subprocess.TimeoutExpired:
            p.kill()
            p.wait()


def spark_separate_runs(docs: list[dict], partitions: int, repeat: int, tmp: Path) -> dict:
    """Spark on a standalone cluster of this machine (`--separate`): a master and two workers of
    one core each, each worker started in its own session (see `dask_separate_runs` for why), so
    that each executor and its Python worker get their own share of the CPU. One application
    per configuration, ``spark.cores.max`` 1 then 2 then 1 again (the two runs of one worker
    bracket the two workers' in time), the best of ``repeat`` each."""
    from pyspark.find_spark_home import _find_spark_home
    from pyspark.sql import SparkSession

    from arabic_rules import spark as arules_spark

    spark_class = str(Path(_find_spark_home()) / "bin" / "spark-class")
    port = free_port()
    master = f"spark://127.0.0.1:{port}"
    quiet = {"stdout": subprocess.DEVNULL, "stderr": subprocess.DEVNULL, "start_new_session": True}
    procs = [subprocess.Popen([spark_class, "org.apache.spark.deploy.master.Master", "--host", "127.0.0.1",
                               "--port", str(port), "--webui-port", str(free_port())], **quiet)]
    result: dict = {"times_s": {1: [], 2: []}, "cluster_cpu_s": {1: [], 2: []}, "rows": {}, "load": []}
    try:
        for name in ("w0", "w1"):
            procs.append(subprocess.Popen([spark_class, "org.apache.spark.deploy.worker.Worker", "--cores", "1",
                                           "--memory", "3g", "--webui-port", str(free_port()),
                                           "--work-dir", str(tmp / name), master], **quiet))
        for n in (1, 2, 1):
            session = (SparkSession.builder.master(master).appName(f"arabic_rules scale x{n}")
                       .config("spark.cores.max", str(n)).config("spark.executor.cores", "1")
                       .config("spark.executor.memory", "2g").config("spark.pyspark.python", sys.executable)
                       # a task goes to the first free executor, not to the one caching its partition
                       # (the two executors' shares of the CPU differ from moment to moment)
                       .config("spark.locality.wait", "0s")
                       .config("spark.executorEnv.PYTHONPATH", os.environ.get("PYTHONPATH", ""))
                       .config("spark.ui.enabled", "false").config("spark.ui.showConsoleProgress", "false")
                       .getOrCreate())
            session.sparkContext.setLogLevel("ERROR")
            try:
                deadline = time.time() + 300  # executors register a little after the session starts
                while session.sparkContext._jsc.sc().getExecutorMemoryStatus().size() < n + 1 and time.time() < deadline:
                    time.sleep(1)
                df = session.createDataFrame(session.sparkContext.parallelize(docs, partitions),
                                             "id string, text string, date string").cache()
                df.count()
                findings = arules_spark.extract(df)
                result["rows"][n] = findings.count()  # the warm-up
                result["load"].append(load())
                for _ in range(repeat):  # (the CPU of the workers, their executors and the driver's JVM)
                    t, c = timed(lambda: findings.write.format("noop").mode("overwrite").save(), 1, os.getpid())
                    result["times_s"][n] += t
                    result["cluster_cpu_s"][n] += c
            finally:
                session.stop()
        result["load"].append(load())
    finally:
        stop(procs)
    return result


def dask_separate_runs(docs: list[dict], partitions: int, repeat: int) -> dict:
    """Dask with a scheduler and two workers each started in its own session (`--separate`): on a
    Linux machine shared with other work, the kernel shares the CPU fairly between sessions
    (autogroups), so each worker gets its own share, as a worker on its own core would, whatever
    else runs. One worker and two run on the same cluster, interleaved (tasks pinned to the first
    worker, or to both), the best of ``repeat`` each."""
    import dask.bag as db
    from distributed import Client

    from arabic_rules import dask as arules_dask

    port = free_port()
    address = f"tcp://127.0.0.1:{port}"
    dask_cli = [str(Path(sys.executable).with_name("dask"))]
    quiet = {"stdout": subprocess.DEVNULL, "stderr": subprocess.DEVNULL, "start_new_session": True}
    procs = [subprocess.Popen([*dask_cli, "scheduler", "--host", "127.0.0.1", "--port", str(port),
                               "--no-dashboard"], **quiet)]
    try:
        for name in ("w0", "w1"):
            procs.append(subprocess.Popen([*dask_cli, "worker", address, "--nthreads", "1", "--nworkers", "1",
                                           "--no-nanny", "--no-dashboard", "--name", name], **quiet))
        with Client(address, timeout=120) as client:
            client.wait_for_workers(2, timeout=300)
            by_name = {w["name"]: addr for addr, w in client.scheduler_info()["workers"].items()}
            findings = arules_dask.extract(db.from_sequence(docs, npartitions=partitions))
            rows = client.compute(findings.count()).result()  # the warm-up: both workers build their engines
            pinned = {1: [by_name["w0"]], 2: [by_name["w0"], by_name["w1"]]}
            times: dict[int, list[float]] = {1: [], 2: []}
            cpu: dict[int, list[float]] = {1: [], 2: []}
            loads = [load()]
            for _ in range(repeat):
                for n in (1, 2):
                    t, c = timed(lambda: client.compute(findings.count(), workers=pinned[n],
                                                        allow_other_workers=False).result(), 1, os.getpid())
                    times[n] += t
                    cpu[n] += c
            loads.append(load())
    finally:
        stop(procs)
    return {"times_s": times, "cluster_cpu_s": cpu, "rows": rows, "load": loads}


def jobs_runs(docs: list[dict], repeat: int, tmp: Path) -> dict:
    path = tmp / "sample.jsonl"
    with open(path, "w", encoding="utf-8") as f:
        for d in docs:
            f.write(json.dumps(d, ensure_ascii=False) + "\n")
    times: dict[int, list[float]] = {1: [], 2: []}
    cpu: dict[int, list[float]] = {1: [], 2: []}
    loads = [load()]
    for _ in range(repeat):
        for jobs in (1, 2):
            cmd = [sys.executable, "-m", "arabic_rules", "check", str(path), "--id-field", "id",
                   "--date-field", "date", "--format", "jsonl", "--jobs", str(jobs)]
            before = _children_cpu()
            start = time.perf_counter()
            subprocess.run(cmd, check=True, stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
            times[jobs].append(time.perf_counter() - start)
            cpu[jobs].append(_children_cpu() - before)
    loads.append(load())
    return {"times_s": times, "cpu_s": cpu, "load": loads}


def _children_cpu() -> float:
    import resource

    r = resource.getrusage(resource.RUSAGE_CHILDREN)
    return r.ru_utime + r.ru_stime


def main(argv: list[str] | None = None) -> int:
    ap = argparse.ArgumentParser(prog="python -m bench.scale", description=__doc__.split("\n\n")[0])
    ap.add_argument("corpus", nargs="?", help="corpus folder (default: $ARULES_CORPUS, else ../shared/corpus)")
    ap.add_argument("--mb", type=float, default=8.0, help="MB of UTF-8 text in the sample (default 8)")
    ap.add_argument("--partitions", type=int, default=16, help="partitions of the sample (default 16)")
    ap.add_argument("--repeat", type=int, default=3, help="timed runs of each configuration (default 3)")
    ap.add_argument("--only", default="spark,dask,jobs",
                    help="which to run, comma-separated: spark, dask, jobs, spark-separate, dask-separate "
                         "(workers in their own sessions: see spark_separate_runs, dask_separate_runs)")
    ap.add_argument("--out", default=str(HERE / "results" / "scale.json"))
    args = ap.parse_args(argv)
    folder = Path(args.corpus) if args.corpus else default_corpus()
    if not folder.is_dir():
        sys.exit(f"bench.scale: no corpus folder at {folder}; pass one or set ARULES_CORPUS")
    only = {x.strip() for x in args.only.split(",") if x.strip()}

    docs = sample(folder, args.mb)
    size = sum(len(d["text"].encode("utf-8")) for d in docs)
    report: dict = {
        "when": time.strftime("%Y-%m-%d %H:%M:%S %Z"),
        "machine": {"cpus": os.cpu_count(), "python": platform.python_version(), "platform": platform.platform(),
                    "processor": _cpu_name()},
        "sample": {"documents": len(docs), "utf8_bytes": size, "chars": sum(len(d["text"]) for d in docs),
                   "partitions": args.partitions, "corpus": str(folder)},
    }
    print(f"sample: {len(docs)} articles, {size / MB:.1f} MB; load {load()}", flush=True)
    alone = engine_alone(docs)
    alone["mb_per_cpu_s"] = size / MB / alone["cpu_s"]
    report["engine"] = alone
    print(f"engine alone: {alone['mb_per_cpu_s']:.2f} MB per CPU second, {alone['findings']} findings", flush=True)

    with tempfile.TemporaryDirectory(prefix="arules-scale-") as tmp:
        for name, run in (("spark", lambda n: spark_runs(docs, n, args.partitions, args.repeat, Path(tmp))),
                          ("dask", lambda n: dask_runs(docs, n, args.partitions, args.repeat))):
            if name not in only:
                continue
            report[name] = [run(1), run(2)]
            for r in report[name]:
                r["mb_per_s"] = size / MB / min(r["times_s"])
                r["mb_per_cluster_cpu_s"] = size / MB / min(r["cluster_cpu_s"])
                r["mb_per_s_per_worker"] = r["mb_per_s"] / r["workers"]
                r["same_findings"] = r["rows"] == alone["findings"]
                print(f"{name} x{r['workers']}: {r['mb_per_s']:.2f} MB/s ({r['times_s']}), "
                      f"{r['mb_per_cluster_cpu_s']:.2f} MB per cluster CPU s, rows ok: "
                      f"{r['same_findings']}, load {r['load']}", flush=True)
            report[name + "_speedup"] = report[name][1]["mb_per_s"] / report[name][0]["mb_per_s"]
            print(f"{name}: 2 workers / 1 = {report[name + '_speedup']:.2f}", flush=True)
        separate = (("spark-separate", lambda: spark_separate_runs(docs, args.partitions, args.repeat, Path(tmp))),
                    ("dask-separate", lambda: dask_separate_runs(docs, args.partitions, args.repeat)))
        for name, run in separate:
            if name not in only:
                continue
            sep = run()
            sep["mb_per_s"] = {n: size / MB / min(t) for n, t in sep["times_s"].items()}
            sep["mb_per_cluster_cpu_s"] = {n: size / MB / min(c) for n, c in sep["cluster_cpu_s"].items()}
            sep["speedup"] = sep["mb_per_s"][2] / sep["mb_per_s"][1]
            rows = sep["rows"].values() if isinstance(sep["rows"], dict) else [sep["rows"]]
            sep["same_findings"] = all(r == alone["findings"] for r in rows)
            report[name.replace("-", "_")] = sep
            print(f"{name}, workers in their own sessions, 1/2: {sep['mb_per_s']} MB/s, x{sep['speedup']:.2f}, "
                  f"{sep['mb_per_cluster_cpu_s']} MB per cluster CPU s, rows ok: {sep['same_findings']}, "
                  f"load {sep['load']}", flush=True)
        if "jobs" in only:
            jobs = jobs_runs(docs, args.repeat, Path(tmp))
            jobs["mb_per_s"] = {n: size / MB / min(t) for n, t in jobs["times_s"].items()}
            jobs["speedup"] = jobs["mb_per_s"][2] / jobs["mb_per_s"][1]
            report["jobs"] = jobs
            print(f"arules check --jobs 1/2: {jobs['mb_per_s']} MB/s, x{jobs['speedup']:.2f}", flush=True)
    out = Path(args.out)
    out.parent.mkdir(parents=True, exist_ok=True)
    out.write_text(json.dumps(report, indent=2) + "\n", encoding="utf-8")
    print(f"written {out}")
    return 0


def _cpu_name() -> str:
    try:
        for line in Path("/proc/cpuinfo").read_text().splitlines():
            if line.startswith("model name"):
                return line.split(":", 1)[1].strip()
    except OSError:
        pass
    return platform.processor()


if __name__ == "__main__":
    sys.exit(main())
