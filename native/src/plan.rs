//! The per-document pass: every rule's matches in a text from one call, planned the way the
//! engine's Python planner (`Engine._work`, `Engine._raw_matches` in `arabic_rules/engine.py`)
//! plans them, so both find the same candidates.
//!
//! 1. One scan for the literal anchors of every rule (what the prefilter regex finds: at each
//!    position the longest literal, words only where no word character comes before; the scan
//!    goes on after a hit). A hit counts for every (rule, option) of every literal it starts
//!    with.
//! 2. A rule can match only if each of its literal options and gates has a hit; of its anchor
//!    options the one with the fewest tries wins (hits x tries per hit); options with raw
//!    anchors scan for them only as far as they can still win (scans shared, resumed).
//! 3. Where the anchor lies inside the rule, the rule from the anchor on must match at the hit;
//!    the rule is then tried at the hit and at the starts of the `back` tokens before it.
//! 4. The matches, trimmed of whitespace, sorted by position then rule.

use std::time::Instant;

use crate::guard::{Cursor, Guard, LexStarts};
use crate::program::token_before;
use crate::text::{CharSet, Text};
use crate::vm::{Core, Scratch};

const NONE: u32 = u32::MAX;
/// The characters a match may cover past its start, before the window is snapped to a word end
/// (compiler.DEFAULT_MAX_SPAN); also a raw scan's search window.
pub const WINDOW: usize = 4000;

/// One anchor option of a rule (`CompiledRule.options`).
#[derive(Clone, Debug)]
pub struct AnchorOption {
    /// the raw scans it also needs (indexes into `Planner::scans`); empty: literals only
    pub scans: Vec<usize>,
    /// tries one hit costs (1 with a rest check or no back, else back + 1)
    pub per_hit: usize,
    /// tokens a match may start before the anchor
    pub back: usize,
    /// the program of the rule from the anchor on (None: the anchor is the rule's first item)
    pub rest: Option<usize>,
    /// a shorter reach where no insertion comes before the anchor (`compiler.Near`)
    pub near: Option<Near>,
}

/// A shorter reach for a far anchor (`compiler.Near`): a hit with none of `marks` among the
/// `within` tokens before it is tried only `short` tokens back (a match with the optional
/// insertion that makes the reach long has one of them there). Of the others, with `opens`,
/// only the `short` tokens before the hit and up to `short` before an opening mark (the
/// insertion's first token) are tried.
#[derive(Clone, Debug)]
pub struct Near {
    pub short: usize,
    pub within: usize,
    /// punctuation marks, each a token of its own
    pub marks: Vec<char>,
    /// the marks that open the insertion (empty: any start within `back`)
    pub opens: Vec<char>,
}

/// What the planner knows of one rule.
#[derive(Clone, Debug)]
pub struct RulePlan {
    pub label: usize,
    /// false: tried at every token start
    pub anchored: bool,
    /// the rule's program cannot read past `max_span` anyway (no window)
    pub bounded: bool,
    pub max_span: usize,
    pub options: Vec<AnchorOption>,
    pub gates: usize,
    /// the first slot (`Planner::slot`) of its options, then its gates
    pub slot: usize,
    /// literal-only options and gates: each needs a hit for the rule to match anywhere
    pub literal_options: usize,
}

/// A raw anchor scan: the raw regex (an index into the core's raws) and whether its matches are
/// short (then it simply runs over the text; otherwise in windows, see `Scan::count`).
#[derive(Clone, Debug)]
pub struct ScanDef {
    pub raw: usize,
    pub short: bool,
}

#[derive(Clone, Debug)]
struct LitNode {
    children: Vec<(char, u32)>,
    /// the child for a space (a whole run of whitespace)
    space: u32,
    /// the literal ending here
    lit: u32,
}

/// The literal anchors as two tries (word literals, punctuation literals).
#[derive(Clone, Debug)]
pub struct Literals {
    nodes: Vec<LitNode>,
    word_root: u32,
    punct_root: u32,
    /// per literal: its trie node, the labels of its rules
    pub(crate) labels: Vec<Vec<usize>>,
    /// per literal: the slots of every literal that is a prefix of it (itself included), deduplicated
    path_slots: Vec<Vec<u32>>,
    /// the characters word literals and punctuation literals start with
    word_first: CharSet,
    punct_first: CharSet,
    /// the active flag of every literal per set of wanted labels already asked for
    active: ActiveCache,
}

/// Per set of wanted labels (a `labels=` call), which literals belong to a wanted rule: made
/// once per set, not at every call (17,733 literals for the shipped packs: about 25 us).
#[derive(Default)]
struct ActiveCache(std::sync::Mutex<Vec<(Vec<bool>, std::sync::Arc<Vec<bool>>)>>);

/// Sets of wanted labels a cache keeps (past them, the oldest gives way).
const ACTIVE_SETS: usize = 16;

impl Clone for ActiveCache {
    fn clone(&self) -> ActiveCache {
        ActiveCache::default()
    }
}

impl std::fmt::Debug for ActiveCache {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.write_str("ActiveCache")
    }
}

impl Literals {
    /// `lits`: (literal with single spaces, is a word literal, slots of its rules' options, labels).
    pub fn build(lits: &[(String, bool, Vec<u32>, Vec<usize>)]) -> Literals {
        let blank = LitNode { children: Vec::new(), space: NONE, lit: NONE };
        let mut nodes = vec![blank.clone(), blank.clone()];
        let mut labels: Vec<Vec<usize>> = Vec::with_capacity(lits.len());
        let mut own: Vec<Vec<u32>> = Vec::with_capacity(lits.len());
        for (text, word, slots, labs) in lits {
            let mut n = if *word { 0usize } else { 1usize };
            for ch in text.chars() {
                let next = if ch == ' ' {
                    nodes[n].space
                } else {
                    match nodes[n].children.binary_search_by_key(&ch, |&(c, _)| c) {
                        Ok(k) => nodes[n].children[k].1,
                        Err(_) => NONE,
                    }
                };
                n = if next != NONE {
                    next as usize
                } else {
                    let id = nodes.len();
                    nodes.push(blank.clone());
                    if ch == ' ' {
                        nodes[n].space = id as u32;
                    } else {
                        let at = nodes[n].children.binary_search_by_key(&ch, |&(c, _)| c).unwrap_or_else(|k| k);
                        nodes[n].children.insert(at, (ch, id as u32));
                    }
                    id
                };
            }
            if nodes[n].lit == NONE {
                nodes[n].lit = own.len() as u32;
                labels.push(labs.clone());
                own.push(slots.clone());
            } else {
                // a literal written twice: one literal with the slots and labels of both
                let k = nodes[n].lit as usize;
                own[k].extend_from_slice(slots);
                labels[k].extend_from_slice(labs);
            }
        }
        // the slots of each literal's prefixes: a walk from the roots carrying them
        let mut path_slots = vec![Vec::new(); own.len()];
        let mut stack: Vec<(usize, Vec<u32>)> = vec![(0, Vec::new()), (1, Vec::new())];
        while let Some((n, mut acc)) = stack.pop() {
            let lit = nodes[n].lit;
            if lit != NONE {
                for &s in &own[lit as usize] {
                    if !acc.contains(&s) {
                        acc.push(s);
                    }
                }
                path_slots[lit as usize] = acc.clone();
            }
            for &(_, c) in &nodes[n].children {
                stack.push((c as usize, acc.clone()));
            }
            if nodes[n].space != NONE {
                stack.push((nodes[n].space as usize, acc.clone()));
            }
        }
        let first = |root: usize| {
            let ranges: Vec<(u32, u32)> = nodes[root].children.iter().map(|&(c, _)| (c as u32, c as u32)).collect();
            CharSet::from_ranges(&ranges)
        };
        let (word_first, punct_first) = (first(0), first(1));
        Literals {
            nodes,
            word_root: 0,
            punct_root: 1,
            labels,
            path_slots,
            word_first,
            punct_first,
            active: ActiveCache::default(),
        }
    }

    /// Which literals belong to a rule of a label in `wanted` (remembered per `wanted`).
    fn active(&self, wanted: &[bool]) -> std::sync::Arc<Vec<bool>> {
        // (a poisoned lock only means another thread panicked while holding it: the list is
        // still whole, since it is only pushed to and cut)
        let mut cache = self.active.0.lock().unwrap_or_else(|e| e.into_inner());
        if let Some((_, flags)) = cache.iter().find(|(w, _)| w.as_slice() == wanted) {
            return flags.clone();
        }
        let flags: Vec<bool> =
            self.labels.iter().map(|ls| ls.iter().any(|&l| wanted.get(l).copied().unwrap_or(false))).collect();
        let flags = std::sync::Arc::new(flags);
        if cache.len() >= ACTIVE_SETS {
            cache.remove(0);
        }
        cache.push((wanted.to_vec(), flags.clone()));
        flags
    }

    /// The longest active literal read from `p` in the trie at `root`: (its end, the literal).
    #[inline]
    fn longest(&self, root: u32, t: &Text, mut p: usize, active: Option<&[bool]>) -> Option<(usize, u32)> {
        let n = t.len();
        let mut node = &self.nodes[root as usize];
        let mut best = None;
        loop {
            if node.lit != NONE && active.is_none_or(|a| a[node.lit as usize]) {
                best = Some((p, node.lit));
            }
            if p >= n {
                break;
            }
            if node.space != NONE && t.is_space(p) {
                while p < n && t.is_space(p) {
                    p += 1;
                }
                node = &self.nodes[node.space as usize];
                continue;
            }
            let ch = t.chars[p];
            let kids = &node.children;
            let next = if kids.len() <= 8 {
                kids.iter().find(|&&(c, _)| c == ch).map(|&(_, k)| k)
            } else {
                kids.binary_search_by_key(&ch, |&(c, _)| c).ok().map(|k| kids[k].1)
            };
            match next {
                Some(k) => {
                    node = &self.nodes[k as usize];
                    p += 1;
                }
                None => break,
            }
        }
        best
    }
}

/// Everything the per-document pass needs besides the programs.
#[derive(Clone, Debug)]
pub struct Planner {
    pub rules: Vec<RulePlan>,
    pub literals: Literals,
    pub scans: Vec<ScanDef>,
    pub n_labels: usize,
    pub n_slots: usize,
}

/// One candidate: rule, start, end (whitespace trimmed), and the reported groups (trimmed;
/// (-1, -1) for a group that took no part or holds only whitespace).
pub type Candidate = (usize, usize, usize, Vec<(i64, i64)>);

/// Why a pass stopped early.
#[derive(Debug)]
pub enum Stop {
    /// the deadline passed while rule .0 was tried
    Timeout(usize),
    Error(String),
}

impl From<String> for Stop {
    fn from(s: String) -> Stop {
        Stop::Error(s)
    }
}

/// The hits of one raw scan, found only as far as they are asked for.
struct Scan {
    found: Vec<usize>,
    pos: usize,
}

impl Scan {
    /// How many hits there are, counting no further than past `cap` (None: all). A short scan
    /// runs over the text as `finditer` does; any other searches at most two windows ahead and
    /// keeps a hit only with a whole window after it (`engine._Scan`).
    fn count(&mut self, core: &Core, def: &ScanDef, t: &Text, cap: Option<usize>) -> Result<usize, String> {
        let rx = &core.raws[def.raw];
        let n = t.len();
        let more = |found: &Vec<usize>| cap.is_none_or(|c| found.len() <= c);
        // where the regex cannot start (nor match empty), it is not called at all
        let first = if rx.nullable { None } else { rx.first.as_ref() };
        let skip = |p: usize, stop: usize| -> usize {
            match first {
                Some(f) => f.find(&t.chars, p, stop),
                None => p,
            }
        };
        if def.short {
            let mut p = self.pos;
            while p < n && more(&self.found) {
                p = skip(p, n);
                if p >= n {
                    break;
                }
                match rx.match_at(t, p, n)? {
                    Some(e) => {
                        self.found.push(p);
                        p = if e > p { e } else { p + 1 };
                    }
                    None => p += 1,
                }
            }
            if p >= n {
                p = n + 1; // done
            }
            self.pos = p;
            return Ok(self.found.len());
        }
        let w = WINDOW;
        let mut pos = self.pos;
        while pos <= n && more(&self.found) {
            let wend = n.min(pos + 2 * w);
            let mut hit = None;
            let mut s = pos;
            while s <= wend {
                s = skip(s, wend);
                if first.is_some() && s >= wend {
                    break; // (no non-empty match can start at the window's end)
                }
                if let Some(e) = rx.match_at(t, s, wend)? {
                    hit = Some((s, e));
                    break;
                }
                s += 1;
            }
            match hit {
                None => pos += w,
                Some((s, _)) if s >= pos + w => pos = s,
                Some((s, e)) => {
                    self.found.push(s);
                    pos = if e > s { e } else { s + 1 };
                }
            }
        }
        self.pos = pos;
        Ok(self.found.len())
    }
}

impl Core {
    /// Every rule's matches in `t` (rules of the labels in `wanted` only; None: all), sorted by
    /// start, then rule. `deadline`: stop with `Stop::Timeout` once it has passed.
    pub fn extract(
        &self,
        t: &Text,
        wanted: Option<&[bool]>,
        deadline: Option<Instant>,
    ) -> Result<Vec<Candidate>, Stop> {
        let plan = self.planner.as_ref().ok_or_else(|| "this core has no planner".to_string())?;
        let n = t.len();
        let want_rule = |r: &RulePlan| wanted.is_none_or(|w| w.get(r.label).copied().unwrap_or(false));
        // 1. the literal anchors (only those of the wanted rules' literals make hits)
        let active = wanted.map(|w| plan.literals.active(w));
        let active = active.as_ref().map(|a| a.as_slice());
        let mut slot_hits: Vec<Vec<usize>> = vec![Vec::new(); plan.n_slots];
        let lits = &plan.literals;
        let mut p = 0usize;
        while p < n {
            let c = t.chars[p];
            let mut hit = None;
            if (p == 0 || !t.is_word(p - 1)) && lits.word_first.contains(c) {
                hit = lits.longest(lits.word_root, t, p, active);
            }
            if hit.is_none() && lits.punct_first.contains(c) {
                hit = lits.longest(lits.punct_root, t, p, active);
            }
            match hit {
                Some((end, lit)) if end > p => {
                    for &s in &lits.path_slots[lit as usize] {
                        slot_hits[s as usize].push(p);
                    }
                    p = end;
                }
                _ => p += 1,
            }
        }
        // 2. per rule, the cheapest option; 3. the rest checks and the starts
        let mut scans: Vec<Option<Scan>> = (0..plan.scans.len()).map(|_| None).collect();
        let mut scratch = Reused::take(deadline);
        let scratch = &mut scratch.0;
        let mut out: Vec<(usize, Candidate)> = Vec::new();
        let mut tries = 0usize;
        let mut token_starts: Option<Vec<usize>> = None;
        let mut lex_buf = LexStarts::default();
        for (ri, r) in plan.rules.iter().enumerate() {
            if !want_rule(r) {
                continue;
            }
            let starts: Vec<usize> = if r.anchored {
                let present = (0..r.options.len() + r.gates)
                    .filter(|&k| {
                        (k >= r.options.len() || r.options[k].scans.is_empty()) && !slot_hits[r.slot + k].is_empty()
                    })
                    .count();
                if present != r.literal_options {
                    continue;
                }
                let Some(found) = self.best_option(plan, ri, &slot_hits, &mut scans, t)? else { continue };
                let (oi, found) = found;
                let opt = &r.options[oi];
                let mut found = found;
                if let (Some(rest), true) = (opt.rest, opt.back > 0) {
                    let mut kept = Vec::with_capacity(found.len());
                    let guards = self.guards.get(rest, &self.sets, &self.raws, &self.classes);
                    let mut cursors = [Cursor::default(); 4];
                    for &q in &found {
                        let end = snap(t, q + r.max_span);
                        if !admitted(self, guards, &mut cursors, t, q, end, &mut lex_buf) {
                            continue;
                        }
                        if timed(self.run(rest, t, q, end, scratch), scratch, ri)?.is_some() {
                            kept.push(q);
                        }
                    }
                    found = kept;
                }
                if found.is_empty() {
                    continue;
                }
                tried_at(t, &found, opt.back, opt.near.as_ref())
            } else {
                token_starts.get_or_insert_with(|| all_token_starts(t)).clone()
            };
            let guards = self.guards.get(ri, &self.sets, &self.raws, &self.classes);
            let mut cursors = [Cursor::default(); 4];
            for &q in &starts {
                tries += 1;
                if tries & 255 == 0 {
                    if let Some(d) = deadline {
                        if Instant::now() > d {
                            return Err(Stop::Timeout(ri));
                        }
                    }
                }
                let end = if r.bounded { n } else { snap(t, q + r.max_span) };
                if !admitted(self, guards, &mut cursors, t, q, end, &mut lex_buf) {
                    continue;
                }
                if let Some((e, groups)) = timed(self.run(ri, t, q, end, scratch), scratch, ri)? {
                    if e > q {
                        let (s, e) = trim(t, q, e);
                        let groups = groups
                            .into_iter()
                            .map(|(a, b)| {
                                if a < 0 {
                                    return (-1, -1);
                                }
                                let (a, b) = trim(t, a as usize, b as usize);
                                if a >= b {
                                    (-1, -1)
                                } else {
                                    (a as i64, b as i64)
                                }
                            })
                            .collect();
                        out.push((q, (ri, s, e, groups)));
                    }
                }
            }
            if let Some(d) = deadline {
                if Instant::now() > d {
                    return Err(Stop::Timeout(ri));
                }
            }
        }
        // 4. by where the rule was tried (before trimming), then rule
        out.sort_by_key(|(q, c)| (*q, c.0));
        Ok(out.into_iter().map(|(_, c)| c).collect())
    }

    /// (option, its hits sorted) of the cheapest anchor option of rule `ri`, or None when one
    /// of its options has no hit at all (a required item is missing).
    fn best_option(
        &self,
        plan: &Planner,
        ri: usize,
        slot_hits: &[Vec<usize>],
        scans: &mut [Option<Scan>],
        t: &Text,
    ) -> Result<Option<(usize, Vec<usize>)>, String> {
        let r = &plan.rules[ri];
        let mut best: Option<(usize, usize)> = None; // (cost, option)
        for (oi, o) in r.options.iter().enumerate() {
            if !o.scans.is_empty() {
                continue;
            }
            let count = slot_hits[r.slot + oi].len();
            if count == 0 {
                return Ok(None);
            }
            let cost = count * o.per_hit;
            if best.is_none_or(|(b, _)| cost < b) {
                best = Some((cost, oi));
            }
        }
        for (oi, o) in r.options.iter().enumerate() {
            if o.scans.is_empty() {
                continue;
            }
            let mut cost = slot_hits[r.slot + oi].len() * o.per_hit;
            if best.is_some_and(|(b, _)| cost >= b) {
                continue;
            }
            let mut lost = false;
            for &si in &o.scans {
                let def = &plan.scans[si];
                let scan = scans[si].get_or_insert_with(|| Scan { found: Vec::new(), pos: 0 });
                let cap = best.map(|(b, _)| (b - cost) / o.per_hit);
                cost += scan.count(self, def, t, cap)? * o.per_hit;
                if best.is_some_and(|(b, _)| cost >= b) {
                    lost = true;
                    break;
                }
            }
            if !lost {
                if cost == 0 {
                    return Ok(None);
                }
                best = Some((cost, oi));
            }
        }
        let Some((_, oi)) = best else { return Ok(None) };
        let o = &r.options[oi];
        let mut found = slot_hits[r.slot + oi].clone();
        if !o.scans.is_empty() {
            for &si in &o.scans {
                let def = &plan.scans[si];
                let scan = scans[si].get_or_insert_with(|| Scan { found: Vec::new(), pos: 0 });
                scan.count(self, def, t, None)?;
                found.extend_from_slice(&scan.found);
            }
            found.sort_unstable();
            found.dedup();
        }
        Ok(Some((oi, found)))
    }
}

thread_local! {
    /// The buffers of this thread's last pass (their tables keep their room for the next text).
    static SCRATCH: std::cell::RefCell<Option<Scratch>> = const { std::cell::RefCell::new(None) };
}

/// This thread's buffers for one pass, given back when the pass ends (however it ends).
struct Reused(Scratch);

impl Reused {
    fn take(deadline: Option<Instant>) -> Reused {
        let mut s = SCRATCH.with(|c| c.borrow_mut().take()).unwrap_or_default();
        s.renew(deadline);
        Reused(s)
    }
}

impl Drop for Reused {
    fn drop(&mut self) {
        let s = std::mem::take(&mut self.0);
        // (a thread that is ending has no slot left: the buffers are simply dropped)
        let _ = SCRATCH.try_with(|c| *c.borrow_mut() = Some(s));
    }
}

/// Whether every guard of a program admits a start at `q` with window end `end` (`guard.rs`;
/// `cursors`: one per guard, for the starts of one loop, which come in order).
#[inline]
fn admitted(
    core: &Core,
    guards: &[Guard],
    cursors: &mut [Cursor; 4],
    t: &Text,
    q: usize,
    end: usize,
    lex: &mut LexStarts,
) -> bool {
    guards.iter().zip(cursors.iter_mut()).all(|(g, c)| g.admits(&core.sets, t, q, end, c, lex))
}

/// A run's result, its error a timeout of rule `ri` when the run stopped at the deadline.
fn timed<T>(got: Result<T, String>, s: &Scratch, ri: usize) -> Result<T, Stop> {
    got.map_err(|e| if s.timed_out { Stop::Timeout(ri) } else { Stop::Error(e) })
}

/// The first non-word character at or after `pos`, looked for up to `WINDOW` characters
/// further (`engine._snap`).
pub fn snap(t: &Text, pos: usize) -> usize {
    let n = t.len();
    if pos >= n {
        return n;
    }
    let stop = n.min(pos + WINDOW);
    (pos..stop).find(|&q| !t.is_word(q)).unwrap_or(stop)
}

/// `found` and the starts of the `back` tokens (runs of word characters, single other
/// characters but whitespace) before each, sorted, each once (`engine._tried_at`); with
/// `near`, only `near.short` tokens before a hit without any of its marks among the
/// `near.within` tokens before it.
pub fn tried_at(t: &Text, found: &[usize], back: usize, near: Option<&Near>) -> Vec<usize> {
    if back == 0 {
        return found.to_vec();
    }
    let mut out = found.to_vec();
    for &pos in found {
        let (reach, opens): (usize, &[char]) = match near {
            Some(nr) if !marked_before(t, pos, nr) => (nr.short, &[]),
            Some(nr) => (back, &nr.opens),
            None => (back, &[]),
        };
        // tokens still tried: with opening marks, a budget renewed at each of them
        let mut left = if opens.is_empty() { reach } else { near.map_or(reach, |nr| nr.short) };
        let mut q = pos;
        for _ in 0..reach {
            match token_before(t, q) {
                Some(start) => q = start,
                None => break,
            }
            if !opens.is_empty() && !t.is_word(q) && opens.contains(&t.chars[q]) {
                left = near.map_or(0, |nr| nr.short) + 1; // (the mark itself, and the tokens before it)
            }
            if left > 0 {
                out.push(q);
                left -= 1;
            }
        }
    }
    out.sort_unstable();
    out.dedup();
    out
}

/// Whether one of the `within` tokens before `pos` is one of `near`'s marks.
fn marked_before(t: &Text, pos: usize, near: &Near) -> bool {
    let mut q = pos;
    for _ in 0..near.within {
        match token_before(t, q) {
            Some(start) => q = start,
            None => return false,
        }
        if !t.is_word(q) && near.marks.contains(&t.chars[q]) {
            return true;
        }
    }
    false
}

/// The start of every token (`compiler.TOKEN_RE`: a run of word characters, or one character
/// that is neither a word character nor whitespace).
pub fn all_token_starts(t: &Text) -> Vec<usize> {
    let mut out = Vec::new();
    let n = t.len();
    let mut p = 0;
    while p < n {
        if t.is_word(p) {
            out.push(p);
            while p < n && t.is_word(p) {
                p += 1;
            }
        } else {
            if !t.is_space(p) {
                out.push(p);
            }
            p += 1;
        }
    }
    out
}

/// `[s, e)` without the whitespace at either end.
pub fn trim(t: &Text, mut s: usize, mut e: usize) -> (usize, usize) {
    while s < e && t.is_space(s) {
        s += 1;
    }
    while e > s && t.is_space(e - 1) {
        e -= 1;
    }
    (s, e)
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::text::Classes;

    fn text(s: &str) -> Text {
        Text::from_str(s, &Classes::approximate())
    }

    #[test]
    fn tokens_before_anchors_and_windows() {
        let t = text("ab, cd  ef.g");
        assert_eq!(all_token_starts(&t), vec![0, 2, 4, 8, 10, 11]);
        // from the hit at 8 (ef): cd, the comma, ab; a hit inside a word takes the word's start
        assert_eq!(tried_at(&t, &[8], 2, None), vec![2, 4, 8]);
        assert_eq!(tried_at(&t, &[8], 9, None), vec![0, 2, 4, 8]);
        assert_eq!(tried_at(&t, &[9, 8], 1, None), vec![4, 8, 9]);
        assert_eq!(tried_at(&t, &[5], 0, None), vec![5]);
        // a shorter reach where no comma is among the `within` tokens before the hit
        let t2 = text("ab, cd ef gh");
        let near = |within, opens: &str| Near { short: 1, within, marks: vec![','], opens: opens.chars().collect() };
        assert_eq!(tried_at(&t2, &[10], 9, Some(&near(2, ""))), vec![7, 10]);
        assert_eq!(tried_at(&t2, &[10], 9, Some(&near(3, ""))), vec![0, 2, 4, 7, 10]);
        assert_eq!(tried_at(&t2, &[4], 9, Some(&near(1, ""))), vec![0, 2, 4]);
        // and where a comma opens the insertion: one token before the hit, the comma and one before it
        assert_eq!(tried_at(&t2, &[10], 9, Some(&near(3, ","))), vec![0, 2, 7, 10]);
        assert_eq!(snap(&t, 0), 2);
        assert_eq!(snap(&t, 20), 12);
        assert_eq!(trim(&t, 3, 8), (4, 6));
        assert_eq!(trim(&t, 6, 8), (8, 8));
        let long = text(&"a".repeat(WINDOW + 10));
        assert_eq!(snap(&long, 5), 5 + WINDOW); // no non-word character: the window's reach
    }

    #[test]
    fn literals_longest_prefix_and_whitespace() {
        let lits = Literals::build(&[
            ("قال".to_string(), true, vec![0], vec![0]),
            ("قالت".to_string(), true, vec![1], vec![1]),
            ("نقلا عن".to_string(), true, vec![2], vec![0]),
            ("«".to_string(), false, vec![3], vec![0]),
            ("قال".to_string(), true, vec![4], vec![1]), // written twice: both count
        ]);
        let t = text("قالته نقلا   عن «");
        let (end, lit) = lits.longest(lits.word_root, &t, 0, None).unwrap();
        assert_eq!(end, 4);
        let mut slots = lits.path_slots[lit as usize].clone();
        slots.sort();
        assert_eq!(slots, vec![0, 1, 4]); // قالت and its prefix قال (both entries)
                                          // with only label 0 active, قالت is no hit: the longest active literal is قال
        let active = [true, false];
        let labels_ok: Vec<bool> = lits.labels.iter().map(|ls| ls.iter().any(|&l| active[l])).collect();
        assert_eq!(lits.longest(lits.word_root, &t, 0, Some(&labels_ok)).map(|h| h.0), Some(3));
        assert_eq!(lits.longest(lits.word_root, &t, 6, None).map(|h| h.0), Some(15));
        assert_eq!(lits.longest(lits.punct_root, &t, 16, None).map(|h| h.0), Some(17));
        assert_eq!(lits.longest(lits.word_root, &t, 1, None), None);
    }
}
