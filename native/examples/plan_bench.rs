//! Times the per-document pass without Python (for `perf`): a core's JSON and a text file of
//! documents separated by U+001E, both written by the Python side, e.g.
//!
//!     cargo run --release --example plan_bench -- core.json docs.txt
use std::hash::{DefaultHasher, Hash, Hasher};
use std::time::Instant;

use _core::load::core_from_json;
use _core::text::Text;

fn main() {
    let args: Vec<String> = std::env::args().collect();
    if args.len() != 3 {
        eprintln!("usage: plan_bench CORE.json DOCS.txt (documents separated by U+001E)");
        std::process::exit(2);
    }
    let json = std::fs::read_to_string(&args[1]).expect("read the core's JSON");
    let docs = std::fs::read_to_string(&args[2]).expect("read the documents");
    let l0 = cpu_ns();
    let core = core_from_json(&json).expect("a core");
    if let Some(ns) = l0.zip(cpu_ns()).map(|(a, b)| b - a) {
        eprintln!("core loaded in {:.3} s CPU", ns as f64 / 1e9);
    }
    if std::env::var_os("PLAN_BENCH_GUARDS").is_some() {
        // (every program's guards, to see what the analysis derived)
        for (i, p) in core.programs.iter().enumerate() {
            for g in core.guards.get(i, &core.sets, &core.raws, &core.classes) {
                eprintln!("{}: {}", p.name, g.describe());
            }
        }
    }
    let texts: Vec<Text> = docs.split('\u{1e}').map(|d| Text::from_str(d, &core.classes)).collect();
    let (t0, c0) = (Instant::now(), cpu_ns());
    let mut n = 0;
    let mut all = Vec::new(); // (every candidate, to fingerprint: a change of speed must find the same)
    for t in &texts {
        let found = core.extract(t, None, None).unwrap_or_default();
        n += found.len();
        all.push(found);
    }
    let took = t0.elapsed().as_secs_f64();
    let cpu = c0.zip(cpu_ns()).map(|(a, b)| format!(", {:.3} s CPU", (b - a) as f64 / 1e9)).unwrap_or_default();
    let mut h = DefaultHasher::new();
    all.hash(&mut h);
    println!("{} documents, {} candidates (fingerprint {:016x}), {:.3} s{cpu}", texts.len(), n, h.finish(), took);
}

/// This thread's CPU time in nanoseconds (Linux; None elsewhere): on a shared machine the wall
/// time counts other programs' turns.
fn cpu_ns() -> Option<u64> {
    std::fs::read_to_string("/proc/thread-self/schedstat").ok()?.split_whitespace().next()?.parse().ok()
}
