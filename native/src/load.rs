//! Reading a core from the JSON the Python side writes (`arabic_rules/native.py`; the schema is
//! in README.md).

use serde_json::value::RawValue;
use serde_json::Value;

use crate::plan::{AnchorOption, Literals, Near, Planner, RulePlan, ScanDef};
use crate::program::{AssertKind, Interner, LexSet, Node, Program, Shared};
use crate::text::{CharSet, Classes};
use crate::vm::{Core, RawRegex, Simple};

pub const FORMAT: &str = "arabic_rules.native/3";

/// The top level of the JSON, each part kept as its text until it is read: a program's tree as a
/// `Value` takes about twelve times its JSON, so the programs are read (and compiled) one at a
/// time, never the whole pack's trees at once (that peak stayed in the process as heap it could
/// not give back: about 120 MB for the shipped packs).
#[derive(serde::Deserialize)]
struct Parts<'a> {
    #[serde(default)]
    format: Option<String>,
    #[serde(borrow)]
    word: Option<&'a RawValue>,
    #[serde(borrow)]
    space: Option<&'a RawValue>,
    #[serde(borrow)]
    sets: Option<Vec<&'a RawValue>>,
    #[serde(borrow)]
    raws: Option<Vec<&'a RawValue>>,
    #[serde(borrow)]
    nodes: Option<Vec<&'a RawValue>>,
    #[serde(borrow)]
    programs: Option<Vec<&'a RawValue>>,
    #[serde(borrow)]
    plan: Option<&'a RawValue>,
}

/// One part of the JSON as a `Value` (a missing part is `Null`: the readers name what it lacks).
fn parse(raw: Option<&RawValue>) -> Result<Value, String> {
    match raw {
        None => Ok(Value::Null),
        Some(r) => serde_json::from_str(r.get()).map_err(|e| format!("bad core JSON: {e}")),
    }
}

/// A list part of the JSON (`what` names it when it is missing).
fn parts<'a, 'b>(v: &'b Option<Vec<&'a RawValue>>, what: &str) -> Result<&'b [&'a RawValue], String> {
    v.as_deref().ok_or_else(|| format!("missing {what:?}"))
}

pub fn core_from_json(json: &str) -> Result<Core, String> {
    let top: Parts = serde_json::from_str(json).map_err(|e| format!("bad core JSON: {e}"))?;
    let format = top.format.as_deref().unwrap_or("");
    if format != FORMAT {
        return Err(format!("core JSON of format {format:?}, expected {FORMAT:?}"));
    }
    let word = top.word.ok_or("missing \"word\"")?;
    let space = top.space.ok_or("missing \"space\"")?;
    let classes = Classes { word: charset(&parse(Some(word))?)?, space: charset(&parse(Some(space))?)? };
    let mut sets = Vec::new();
    for raw in parts(&top.sets, "sets")? {
        let s = parse(Some(raw))?;
        let name = s.get("name").and_then(Value::as_str).unwrap_or("?");
        let forms = strings(s.get("forms").unwrap_or(&Value::Null))?;
        let suffixes = strings(s.get("suffixes").unwrap_or(&Value::Null))?;
        let rest = strings(s.get("rest").unwrap_or(&Value::Null))?;
        sets.push(LexSet::new(name, &forms, &suffixes, &rest));
    }
    let mut raws = Vec::new();
    for raw in parts(&top.raws, "raws")? {
        let r = &parse(Some(raw))?;
        let source = r.get("source").and_then(Value::as_str).ok_or("a raw regex without its source")?;
        let pattern = r.get("regex").and_then(Value::as_str).ok_or("a raw regex without its translation")?;
        let first = match r.get("first") {
            None | Some(Value::Null) => None,
            Some(f) => Some(charset(f)?),
        };
        let nullable = r.get("nullable").and_then(Value::as_bool).unwrap_or(true);
        let mut raw = RawRegex::new(source, pattern)?.with_first(first, nullable);
        if let Some(steps) = r.get("simple").filter(|x| !x.is_null()) {
            let mut out = Vec::new();
            for st in array(steps, "simple")? {
                out.push(match st.get(0).and_then(Value::as_str) {
                    Some("char") => Simple::Char(charset(st.get(1).unwrap_or(&Value::Null))?),
                    Some("look") => Simple::Look {
                        ahead: boolean(st.get(1))?,
                        negate: boolean(st.get(2))?,
                        sets: array(st.get(3).unwrap_or(&Value::Null), "look")?
                            .iter()
                            .map(charset)
                            .collect::<Result<_, _>>()?,
                    },
                    other => return Err(format!("raw regex {source:?}: unknown simple step {other:?}")),
                });
            }
            raw.simple = Some(out);
        }
        if let Some(lf) = r.get("look_first").filter(|x| !x.is_null()) {
            raw.look_first = Some((boolean(lf.get(0))?, charset(lf.get(1).unwrap_or(&Value::Null))?));
        }
        raws.push(raw);
    }
    // the node table: each entry's children are earlier entries (or written in line); a group's
    // index is checked against the group count of each program that uses it
    let mut table: Vec<(std::sync::Arc<Node>, usize)> = Vec::new();
    for (i, raw) in top.nodes.as_deref().unwrap_or(&[]).iter().enumerate() {
        let ctx = Ctx { n_sets: sets.len(), n_raws: raws.len(), n_groups: usize::MAX, table: &table };
        let n = node(&parse(Some(raw))?, &ctx).map_err(|e| format!("node {i}: {e}"))?;
        let groups = groups_needed(&n, &table);
        table.push((std::sync::Arc::new(n), groups));
    }
    let mut programs = Vec::new();
    let mut trees = Vec::new();
    let mut interner = Interner::default();
    for (i, raw) in parts(&top.programs, "programs")?.iter().enumerate() {
        let p = &parse(Some(raw))?;
        let name = p.get("name").and_then(Value::as_str).unwrap_or("?").to_string();
        let n_groups = p.get("groups").and_then(Value::as_u64).ok_or_else(|| format!("program {i}: no group count"))?;
        let n_report = p.get("report").and_then(Value::as_u64).unwrap_or(n_groups);
        let n_groups = n_groups as usize;
        let ctx = Ctx { n_sets: sets.len(), n_raws: raws.len(), n_groups, table: &table };
        let tree = node(field(p, "node")?, &ctx).map_err(|e| format!("program {i} ({name}): {e}"))?;
        let needed = groups_needed(&tree, &table);
        if needed > n_groups {
            return Err(format!("program {i} ({name}): group {} out of range", needed - 1));
        }
        programs.push(Program::compile(&name, &tree, n_groups, n_report as usize, &sets, &raws, &mut interner)?);
        trees.push(tree);
    }
    let planner = match parse(top.plan)? {
        Value::Null => None,
        p => Some(planner(&p, raws.len(), programs.len()).map_err(|e| format!("plan: {e}"))?),
    };
    // (the pass's guards are worked out per program on its first check: a load stays cheap)
    let guards = match planner {
        Some(_) => crate::guard::Lazy::new(trees.into_iter().map(Some).collect()),
        None => crate::guard::Lazy::default(),
    };
    Ok(Core { classes, sets, raws, programs, planner, guards })
}

fn count(v: Option<&Value>, what: &str) -> Result<usize, String> {
    v.and_then(Value::as_u64).map(|x| x as usize).ok_or_else(|| format!("{what}: not a count: {v:?}"))
}

/// The per-document planner (schema in README.md).
fn planner(v: &Value, n_raws: usize, n_programs: usize) -> Result<Planner, String> {
    let n_labels = count(v.get("labels"), "labels")?;
    let mut scans = Vec::new();
    for sc in array(field(v, "scans")?, "scans")? {
        scans.push(ScanDef { raw: index(sc.get("raw"), n_raws, "raw regex")?, short: boolean(sc.get("short"))? });
    }
    let mut rules = Vec::new();
    let mut slot = 0usize;
    for (ri, r) in array(field(v, "rules")?, "rules")?.iter().enumerate() {
        if ri >= n_programs {
            return Err(format!("rule {ri} has no program"));
        }
        let label = index(r.get("label"), n_labels, "label")?;
        let anchored = boolean(r.get("anchored"))?;
        let mut options = Vec::new();
        for o in array(field(r, "options")?, "options")? {
            let scan_ids = array(field(o, "scans")?, "scans")?
                .iter()
                .map(|x| index(Some(x), scans.len(), "scan"))
                .collect::<Result<Vec<_>, _>>()?;
            let rest = match o.get("rest") {
                None | Some(Value::Null) => None,
                x => Some(index(x, n_programs, "rest program")?),
            };
            let per_hit = count(o.get("per_hit"), "per_hit")?.max(1);
            let near = match o.get("near") {
                None | Some(Value::Null) => None,
                Some(x) => Some(near(x)?),
            };
            options.push(AnchorOption { scans: scan_ids, per_hit, back: count(o.get("back"), "back")?, rest, near });
        }
        let gates = count(r.get("gates"), "gates")?;
        let literal_options = if anchored { options.iter().filter(|o| o.scans.is_empty()).count() + gates } else { 0 };
        let n_slots = options.len() + gates;
        rules.push(RulePlan {
            label,
            anchored,
            bounded: boolean(r.get("bounded"))?,
            max_span: count(r.get("max_span"), "max_span")?,
            options,
            gates,
            slot,
            literal_options,
        });
        slot += n_slots;
    }
    let mut lits = Vec::new();
    for l in array(field(v, "literals")?, "literals")? {
        let text = l.get(0).and_then(Value::as_str).ok_or("a literal without its text")?;
        let word = boolean(l.get(1))?;
        let mut slots = Vec::new();
        let mut labels = Vec::new();
        for e in array(l.get(2).unwrap_or(&Value::Null), "literal entries")? {
            let ri = index(e.get(0), rules.len(), "rule")?;
            let r = &rules[ri];
            let k = index(e.get(1), r.options.len() + r.gates, "option")?;
            slots.push((r.slot + k) as u32);
            if !labels.contains(&r.label) {
                labels.push(r.label);
            }
        }
        if text.is_empty() {
            return Err("an empty literal".into());
        }
        lits.push((text.to_string(), word, slots, labels));
    }
    Ok(Planner { rules, literals: Literals::build(&lits), scans, n_labels, n_slots: slot })
}

struct Ctx<'t> {
    n_sets: usize,
    n_raws: usize,
    n_groups: usize,
    /// the node table read so far: (node, 1 + its highest group index, 0 if none)
    table: &'t [(std::sync::Arc<Node>, usize)],
}

/// 1 + the highest group index in `n` (0 if it has none), shared nodes read from `table`.
fn groups_needed(n: &Node, table: &[(std::sync::Arc<Node>, usize)]) -> usize {
    match n {
        Node::Shared(sh) => table.get(sh.id as usize).map_or(0, |t| t.1),
        Node::Group(g, node) => (g + 1).max(groups_needed(node, table)),
        Node::Cat(items) | Node::Alt(items) => items.iter().map(|x| groups_needed(x, table)).max().unwrap_or(0),
        Node::Look { node, .. } | Node::Behind { node, .. } | Node::Opt { node, .. } | Node::Rep { node, .. } => {
            groups_needed(node, table)
        }
        _ => 0,
    }
}

/// An option's shorter reach: `[short, within, [mark, ...], [opening mark, ...]]`, each mark
/// one character.
fn near(v: &Value) -> Result<Near, String> {
    let parts = array(v, "near")?;
    if parts.len() != 4 {
        return Err(format!("near: not [short, within, marks, opens]: {v}"));
    }
    let chars = |x: &Value| {
        strings(x)?
            .iter()
            .map(|m| {
                let mut cs = m.chars();
                match (cs.next(), cs.next()) {
                    (Some(c), None) => Ok(c),
                    _ => Err(format!("near: a mark is one character, not {m:?}")),
                }
            })
            .collect::<Result<Vec<_>, String>>()
    };
    Ok(Near {
        short: count(parts.first(), "near short")?,
        within: count(parts.get(1), "near within")?,
        marks: chars(&parts[2])?,
        opens: chars(&parts[3])?,
    })
}

fn field<'a>(v: &'a Value, name: &str) -> Result<&'a Value, String> {
    v.get(name).ok_or_else(|| format!("missing {name:?}"))
}

fn array<'a>(v: &'a Value, what: &str) -> Result<&'a Vec<Value>, String> {
    v.as_array().ok_or_else(|| format!("{what}: not a list"))
}

fn strings(v: &Value) -> Result<Vec<String>, String> {
    match v {
        Value::Null => Ok(Vec::new()),
        Value::Array(a) => {
            a.iter().map(|x| x.as_str().map(str::to_string).ok_or_else(|| format!("not a string: {x}"))).collect()
        }
        _ => Err(format!("not a list of strings: {v}")),
    }
}

fn charset(v: &Value) -> Result<CharSet, String> {
    let mut ranges = Vec::new();
    for r in array(v, "character class")? {
        let lo = r.get(0).and_then(Value::as_u64);
        let hi = r.get(1).and_then(Value::as_u64);
        match (lo, hi) {
            (Some(lo), Some(hi)) if hi <= 0x10FFFF => ranges.push((lo as u32, hi as u32)),
            _ => return Err(format!("bad range in a character class: {r}")),
        }
    }
    Ok(CharSet::from_ranges(&ranges))
}

fn index(v: Option<&Value>, limit: usize, what: &str) -> Result<usize, String> {
    match v.and_then(Value::as_u64) {
        Some(i) if (i as usize) < limit => Ok(i as usize),
        _ => Err(format!("bad {what} index: {v:?}")),
    }
}

fn boolean(v: Option<&Value>) -> Result<bool, String> {
    v.and_then(Value::as_bool).ok_or_else(|| format!("not a boolean: {v:?}"))
}

fn node(v: &Value, ctx: &Ctx) -> Result<Node, String> {
    if let Some(i) = v.as_u64() {
        // an entry of the node table (only earlier ones: the table has no cycles)
        let (shared, _) = ctx.table.get(i as usize).ok_or_else(|| format!("bad node index {i}"))?;
        return Ok(Node::Shared(Shared { id: i as u32, node: shared.clone() }));
    }
    let a = v.as_array().ok_or_else(|| format!("a node is a list: {v}"))?;
    let tag = a.first().and_then(Value::as_str).ok_or_else(|| format!("a node starts with its kind: {v}"))?;
    let kids = |i: usize| -> Result<Vec<Node>, String> {
        array(a.get(i).unwrap_or(&Value::Null), tag)?.iter().map(|x| node(x, ctx)).collect()
    };
    let kid = |i: usize| -> Result<Box<Node>, String> { Ok(Box::new(node(a.get(i).unwrap_or(&Value::Null), ctx)?)) };
    Ok(match tag {
        "lit" => {
            let tokens = strings(a.get(1).unwrap_or(&Value::Null))?;
            let gaps = array(a.get(2).unwrap_or(&Value::Null), "gaps")?
                .iter()
                .map(|g| g.as_bool().ok_or("a gap is a boolean"))
                .collect::<Result<Vec<bool>, _>>()?;
            if tokens.is_empty() || gaps.len() + 1 != tokens.len() {
                return Err(format!("a literal needs one gap between each two tokens: {v}"));
            }
            Node::Lit { tokens: tokens.iter().map(|t| t.chars().collect()).collect(), gaps }
        }
        "lex" => Node::Lex(index(a.get(1), ctx.n_sets, "lexicon")?),
        "word" => Node::AnyWord,
        "raw" => Node::Raw(index(a.get(1), ctx.n_raws, "raw regex")?),
        "gap" => Node::Gap(boolean(a.get(1))?),
        "assert" => Node::Assert(match a.get(1).and_then(Value::as_str) {
            Some("LB") => AssertKind::Lb,
            Some("RB") => AssertKind::Rb,
            Some("NOSPLIT") => AssertKind::NoSplit,
            Some("line_start") => AssertKind::LineStart,
            Some("paragraph_start") => AssertKind::ParagraphStart,
            Some("sentence_start") => AssertKind::SentenceStart,
            other => return Err(format!("unknown condition {other:?}")),
        }),
        "look" => Node::Look { node: kid(1)?, negate: boolean(a.get(2))? },
        "behind" => Node::Behind {
            node: kid(1)?,
            negate: boolean(a.get(2))?,
            tokens: a.get(3).and_then(Value::as_u64).ok_or("a look back needs its token count")? as usize,
        },
        "cat" => Node::Cat(kids(1)?),
        "alt" => {
            let options = kids(1)?;
            if options.is_empty() {
                return Err("an alternation with no option".into());
            }
            Node::Alt(options)
        }
        "opt" => Node::Opt { node: kid(1)?, possessive: boolean(a.get(2))? },
        "rep" => {
            let min = a.get(2).and_then(Value::as_u64).ok_or("a repeat needs its min")? as usize;
            let max = match a.get(3) {
                None | Some(Value::Null) => None,
                Some(x) => Some(x.as_u64().ok_or("a repeat's max is a number or null")? as usize),
            };
            if max.is_some_and(|m| m < min) {
                return Err(format!("a repeat with max < min: {v}"));
            }
            Node::Rep { node: kid(1)?, min, max, possessive: boolean(a.get(4))? }
        }
        "group" => Node::Group(index(a.get(1), ctx.n_groups, "group")?, kid(2)?),
        other => return Err(format!("unknown node kind {other:?}")),
    })
}
