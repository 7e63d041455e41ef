//! The backtracking VM: runs a compiled program at a position of a prepared text the way the
//! reference executor (`arabic_rules/executor.py`) does: options in order, repetitions and
//! optional items greedy, possessive ones and raw regexes atomic; the first way that reaches
//! the end of the program is the match.
//!
//! State: the position, registers (group slots, repetition counters, marks), a stack of
//! backtrack points and a trail of register writes to undo when backtracking to one of them.
//! Atomic items cut the backtrack points they made; their register writes stay on the trail,
//! so backtracking past them still undoes those.

use std::time::Instant;

use fancy_regex::{Regex, RegexInput};

use crate::program::{behind_start, line_check, AssertKind, Insn, LexSet, Program, SubKind};
use crate::text::{CharSet, Classes, Text};

/// A raw regex: its Python source (for messages) and the compiled translation.
pub struct RawRegex {
    pub source: String,
    pub regex: Regex,
    /// the characters a non-empty match can start with (None: not known)
    pub first: Option<CharSet>,
    /// whether it can match empty (if not, it is not run where `first` rules a match out)
    pub nullable: bool,
    /// a regex of fixed characters and fixed conditions, matched without the regex engine
    pub simple: Option<Vec<Simple>>,
    /// a regex that is one lookahead (negated if .0) whose body starts with one of .1: where
    /// the character at hand is not one of them, the answer is known at once
    pub look_first: Option<(bool, CharSet)>,
}

/// One step of a simple raw regex (`RawRegex::simple`).
#[derive(Clone, Debug)]
pub enum Simple {
    /// one character of the set
    Char(CharSet),
    /// a condition on the characters just after (`ahead`) or just before the position: each
    /// of them in its set (the condition holds if not, when `negate`)
    Look { ahead: bool, negate: bool, sets: Vec<CharSet> },
}

impl RawRegex {
    /// Compiles `pattern` (fancy-regex syntax: the Python side translates Python's).
    pub fn new(source: &str, pattern: &str) -> Result<RawRegex, String> {
        let regex = fancy_regex::RegexBuilder::new(pattern)
            .backtrack_limit(100_000_000)
            .delegate_size_limit(64 << 20)
            .delegate_dfa_size_limit(64 << 20)
            .build()
            .map_err(|e| format!("raw regex `{source}` cannot be compiled by the native core: {e}"))?;
        Ok(RawRegex { source: source.to_string(), regex, first: None, nullable: true, simple: None, look_first: None })
    }

    /// With what its matches start with (see `first`, `nullable`).
    pub fn with_first(mut self, first: Option<CharSet>, nullable: bool) -> RawRegex {
        self.first = first;
        self.nullable = nullable || self.first.is_none();
        self
    }

    /// The end of the first match starting exactly at `p` in `t[..end]` (Python's
    /// `rx.match(text, p, end)`): lookbehinds see the text before `p`, nothing after `end` is
    /// seen, and only the window is read (an anchored search over a haystack cut at `end`).
    pub fn match_at(&self, t: &Text, p: usize, end: usize) -> Result<Option<usize>, String> {
        match self.quick(t, p, end) {
            Some(known) => Ok(known),
            None => self.engine_match(t, p, end),
        }
    }

    /// The answer of `match_at` when it is known without the regex engine (outside the text or
    /// the window, a first character that rules a match out, a simple regex); None: ask it.
    #[inline]
    pub fn quick(&self, t: &Text, p: usize, end: usize) -> Option<Option<usize>> {
        if p > end || end > t.len() {
            return Some(None);
        }
        if let (Some(first), false) = (&self.first, self.nullable) {
            if p == end || !first.contains(t.chars[p]) {
                return Some(None);
            }
        }
        if let Some(steps) = &self.simple {
            return Some(simple_match(steps, t, p, end));
        }
        if let Some((negate, first)) = &self.look_first {
            if p >= end || !first.contains(t.chars[p]) {
                return Some(if *negate { Some(p) } else { None });
            }
        }
        None
    }

    /// `match_at` by the regex engine (after `quick` had no answer).
    pub fn engine_match(&self, t: &Text, p: usize, end: usize) -> Result<Option<usize>, String> {
        if p > end || end > t.len() {
            return Ok(None);
        }
        let (pb, eb) = (t.cp2b[p], t.cp2b[end]);
        let hay = t.utf8.get(..eb).ok_or("internal: bad text window")?;
        let input = RegexInput::new(hay).from_pos(pb).anchored(true);
        match self.regex.find_input(input) {
            // (the end in code points: counted over the match, which the regex read anyway)
            Ok(Some(m)) if m.start() == pb => Ok(Some(p + hay[pb..m.end()].chars().count())),
            Ok(_) => Ok(None),
            Err(e) => Err(format!("raw regex `{}` failed at {p}: {e}", self.source)),
        }
    }
}

/// A simple raw regex at `p` of `t[..end]`: where it ends, or None.
fn simple_match(steps: &[Simple], t: &Text, p: usize, end: usize) -> Option<usize> {
    let mut q = p;
    for step in steps {
        match step {
            Simple::Char(set) => {
                if q >= end || !set.contains(t.chars[q]) {
                    return None;
                }
                q += 1;
            }
            Simple::Look { ahead, negate, sets } => {
                let k = sets.len();
                let holds = if *ahead {
                    q + k <= end && sets.iter().enumerate().all(|(i, s)| s.contains(t.chars[q + i]))
                } else {
                    q >= k && sets.iter().enumerate().all(|(i, s)| s.contains(t.chars[q - k + i]))
                };
                if holds == *negate {
                    return None;
                }
            }
        }
    }
    Some(q)
}

/// Everything programs read: lexicons, raw regexes, the character classes, and the programs.
pub struct Core {
    pub classes: Classes,
    pub sets: Vec<LexSet>,
    pub raws: Vec<RawRegex>,
    pub programs: Vec<Program>,
    /// the per-document pass over the rules (`plan.rs`; None: the JSON had none)
    pub planner: Option<crate::plan::Planner>,
    /// the pass's guards per program, worked out on a program's first check (`guard.rs`)
    pub guards: crate::guard::Lazy,
}

/// A match: its end and the (start, end) of each reported group, (-1, -1) for a group that did
/// not take part.
pub type Found = (usize, Vec<(i64, i64)>);

#[derive(Clone, Copy)]
struct Branch {
    pc: u32,
    pos: usize,
    trail: usize,
}

/// A hasher for the raw-match memo's small integer keys (the standard one is built to resist
/// chosen keys, which positions in a text are not, and costs more than the look-up it serves).
#[derive(Default, Clone, Copy)]
pub struct PosHasher(u64);

impl std::hash::Hasher for PosHasher {
    #[inline]
    fn write(&mut self, bytes: &[u8]) {
        for &b in bytes {
            self.write_u64(b as u64);
        }
    }
    #[inline]
    fn write_u64(&mut self, n: u64) {
        self.0 = (self.0.rotate_left(5) ^ n).wrapping_mul(0x51_7c_c1_b7_27_22_0a_95);
    }
    #[inline]
    fn write_u32(&mut self, n: u32) {
        self.write_u64(n as u64);
    }
    #[inline]
    fn write_usize(&mut self, n: usize) {
        self.write_u64(n as u64);
    }
    #[inline]
    fn finish(&self) -> u64 {
        self.0
    }
}

/// Answers remembered for one text, keyed by (question, position, window end or tokens): rules
/// that share a raw item or a sub-program (the rest of a sentence, a guard before a word) ask it
/// again at the same place, and its answer there cannot change. Keys and answers are u32 (16
/// bytes an entry, not 40: a block of text fills it with hundreds of thousands); a position past
/// u32 is not remembered. `NO_MATCH` is a remembered failure.
#[derive(Default)]
struct PosMemo(std::collections::HashMap<(u32, u32, u32), u32, std::hash::BuildHasherDefault<PosHasher>>);
const NO_MATCH: u32 = u32::MAX;

impl PosMemo {
    #[inline]
    fn key(i: u32, p: usize, end: usize) -> Option<(u32, u32, u32)> {
        match (u32::try_from(p), u32::try_from(end)) {
            (Ok(a), Ok(b)) if b < NO_MATCH => Some((i, a, b)),
            _ => None,
        }
    }
    /// The remembered answer, if any (`Some(None)`: a remembered failure).
    #[inline]
    fn get(&self, i: u32, p: usize, end: usize) -> Option<Option<usize>> {
        let known = *self.0.get(&Self::key(i, p, end)?)?;
        Some((known != NO_MATCH).then_some(known as usize))
    }
    /// Remembers an answer (an end is at most `end`, below NO_MATCH).
    #[inline]
    fn insert(&mut self, i: u32, p: usize, end: usize, got: Option<usize>) {
        if let Some(k) = Self::key(i, p, end) {
            self.0.insert(k, got.map_or(NO_MATCH, |e| e as u32));
        }
    }
    fn clear(&mut self) {
        self.0.clear();
    }
}

/// The answers remembered for one text: the regex engine's for raw items (raw, position, window
/// end), sub-programs' (id, position, window end: where their first match ends) and look backs'
/// (id, position, tokens: whether the body matches).
#[derive(Default)]
struct Memo {
    /// the address of the text they belong to (0: none yet)
    text: usize,
    raw: PosMemo,
    sub: PosMemo,
    behind: PosMemo,
}

impl Memo {
    /// Forgets the answers if they belong to another text than `t`.
    #[inline]
    fn for_text(&mut self, t: &Text) {
        let text = t as *const Text as usize;
        if self.text != text {
            self.raw.clear();
            self.sub.clear();
            self.behind.clear();
            self.text = text;
        }
    }
}

/// Reusable buffers for runs (one per call or batch, all on one text: the raw-match memo
/// belongs to the text of the first run, and is emptied when another text comes).
#[derive(Default)]
pub struct Scratch {
    /// (handed to the buffers of a sub-program's run while it runs)
    memo: Box<Memo>,
    regs: Vec<usize>,
    branches: Vec<Branch>,
    trail: Vec<(u32, usize)>,
    ends: Vec<usize>,
    tmp: Vec<usize>,
    /// the options a `Dispatch` admits
    bits: Vec<u64>,
    /// stop a run past this instant (checked every `CHECK_EVERY` steps)
    pub deadline: Option<Instant>,
    /// set when a run stopped at the deadline (its error is then a timeout, not a failure)
    pub timed_out: bool,
    steps: u32,
    /// VM steps of every run with these buffers, their sub-programs' and look backs' runs
    /// included (a deterministic measure of work: lint's runaway check reads it)
    pub work: u64,
    /// stop a run once `work` passes this (None: never); `over_budget` then says why it stopped
    pub budget: Option<u64>,
    pub over_budget: bool,
    /// the buffers of look backs' runs (kept for the next one)
    inner: Option<Box<Scratch>>,
    /// per lexicon, where its last entry in the text starts (`Insn::Needs`)
    last: LastEntries,
}

/// Per lexicon, the start of its last entry in one text (u32::MAX: none; computed when first
/// asked, then kept for the text).
#[derive(Default)]
struct LastEntries {
    /// the text they belong to (0: none yet)
    text: usize,
    /// per lexicon and kind (any start, a word's start only): its text's number when known,
    /// and the position (`NO_MATCH`: none)
    at: Vec<(u32, u32)>,
    /// the number of the text at hand (changes with the text, and with `Scratch::renew`)
    generation: u32,
}

impl LastEntries {
    /// Whether lexicon `i` has an entry starting at or after `p` in `t` (at a word's start, if `word`).
    #[inline]
    #[allow(clippy::too_many_arguments)]
    fn any_from(
        &mut self,
        core: &Core,
        i: u32,
        word: bool,
        t: &Text,
        p: usize,
        ends: &mut Vec<usize>,
        tmp: &mut Vec<usize>,
    ) -> bool {
        let text = t as *const Text as usize;
        if self.text != text || self.generation == 0 {
            self.forget();
            self.text = text;
        }
        let Some(set) = core.sets.get(i as usize) else { return true };
        if self.at.len() < 2 * core.sets.len() {
            self.at.resize(2 * core.sets.len(), (0, 0));
        }
        let k = 2 * i as usize + word as usize;
        let (g, last) = self.at[k];
        let last = if g == self.generation {
            last
        } else {
            let got = match set.last_at(t, word, ends, tmp) {
                Some(q) => u32::try_from(q).unwrap_or(NO_MATCH - 1),
                None => NO_MATCH,
            };
            self.at[k] = (self.generation, got);
            got
        };
        // (a text of 2^32 characters or more: a last entry past u32 is kept as NO_MATCH - 1)
        last != NO_MATCH && (last == NO_MATCH - 1 || last as usize >= p)
    }

    fn forget(&mut self) {
        self.generation = self.generation.wrapping_add(1);
        if self.generation == 0 {
            self.at.iter_mut().for_each(|e| *e = (0, 0));
            self.generation = 1;
        }
    }
}

impl Scratch {
    /// Buffers for runs that stop once they did `budget` VM steps in all (`work`; None: never).
    pub fn with_budget(budget: Option<u64>) -> Scratch {
        Scratch { budget, ..Scratch::default() }
    }

    /// Ready for a sub-program's run on behalf of `outer`: its work counted from 0, within
    /// what is left of the outer budget.
    fn lend_budget(&mut self, outer: &Scratch) {
        self.work = 0;
        self.over_budget = false;
        self.budget = outer.budget.map(|b| b.saturating_sub(outer.work));
    }

    /// Adds the work of a sub-program's run (see `lend_budget`) to this one's.
    fn take_work(&mut self, sub: &mut Scratch) {
        self.work += sub.work;
        self.over_budget |= sub.over_budget;
        sub.work = 0;
    }

    /// Buffers for runs that stop past `deadline` (None: never).
    pub fn with_deadline(deadline: Option<Instant>) -> Scratch {
        Scratch { deadline, ..Scratch::default() }
    }

    /// Ready for runs on a new text that stop past `deadline`: the remembered answers are
    /// forgotten, the buffers (and the room of the memo's tables, up to a bound) kept.
    pub fn renew(&mut self, deadline: Option<Instant>) {
        self.deadline = deadline;
        self.timed_out = false;
        let m = &mut self.memo;
        for table in [&mut m.raw, &mut m.sub, &mut m.behind] {
            table.0.clear();
            table.0.shrink_to(KEEP_ROOM);
        }
        m.text = 0;
        self.last.forget();
        if let Some(inner) = self.inner.as_deref_mut() {
            inner.renew(deadline);
        }
    }
}

/// Entries a memo table keeps room for between texts (more, after a long text, is given back).
const KEEP_ROOM: usize = 1 << 16;

/// VM steps between two looks at the clock (a look costs about as much as 100 steps).
const CHECK_EVERY: u32 = 1 << 16;

const UNSET: usize = usize::MAX;

impl Core {
    /// The match of program `prog` at `pos` of `t[..endpos]`, or None.
    pub fn run(
        &self,
        prog: usize,
        t: &Text,
        pos: usize,
        endpos: usize,
        s: &mut Scratch,
    ) -> Result<Option<Found>, String> {
        let program = self.programs.get(prog).ok_or_else(|| format!("no program {prog}"))?;
        self.exec(program, t, pos, endpos, s)
    }

    /// Whether look back body `body` matches text of `t` ending exactly at `p`, from a start
    /// within `tokens` tokens before it (the text seen as ending at `p`).
    fn behind(
        &self,
        body: &Program,
        id: u32,
        t: &Text,
        p: usize,
        tokens: usize,
        s: &mut Scratch,
    ) -> Result<bool, String> {
        s.memo.for_text(t);
        if let Some(known) = s.memo.behind.get(id, p, tokens) {
            return Ok(known.is_some());
        }
        let mut sub = s.inner.take().unwrap_or_default();
        sub.deadline = s.deadline;
        sub.lend_budget(s);
        std::mem::swap(&mut sub.memo, &mut s.memo);
        let mut found = Ok(false);
        let lo = behind_start(t, p, tokens);
        for start in (lo..=p).rev() {
            match self.exec(body, t, start, p, &mut sub) {
                Ok(Some(_)) => {
                    found = Ok(true);
                    break;
                }
                Ok(None) => {}
                Err(e) => {
                    s.timed_out |= sub.timed_out;
                    found = Err(e);
                    break;
                }
            }
        }
        std::mem::swap(&mut sub.memo, &mut s.memo);
        s.take_work(&mut sub);
        s.inner = Some(sub);
        if let Ok(b) = found {
            s.memo.behind.insert(id, p, tokens, b.then_some(0));
        }
        found
    }

    /// Where the first match of sub-program `body` (number `id`) at `p` of `t[..end]` ends, the
    /// answer remembered per text.
    fn sub(
        &self,
        body: &Program,
        id: u32,
        t: &Text,
        p: usize,
        end: usize,
        s: &mut Scratch,
    ) -> Result<Option<usize>, String> {
        if let Some(f) = body.first {
            if !body.firsts[f as usize].admits(t, p, end, &self.raws) {
                return Ok(None);
            }
        }
        s.memo.for_text(t);
        if let Some(known) = s.memo.sub.get(id, p, end) {
            return Ok(known);
        }
        let mut sub = s.inner.take().unwrap_or_default();
        sub.deadline = s.deadline;
        sub.lend_budget(s);
        std::mem::swap(&mut sub.memo, &mut s.memo);
        let got = self.exec(body, t, p, end, &mut sub);
        s.timed_out |= sub.timed_out;
        std::mem::swap(&mut sub.memo, &mut s.memo);
        s.take_work(&mut sub);
        s.inner = Some(sub);
        let got = got?.map(|(e, _)| e);
        s.memo.sub.insert(id, p, end, got);
        Ok(got)
    }

    fn exec(
        &self,
        program: &Program,
        t: &Text,
        pos: usize,
        endpos: usize,
        s: &mut Scratch,
    ) -> Result<Option<Found>, String> {
        if pos > t.len() {
            return Err(format!("position {pos} is past the end of the text ({})", t.len()));
        }
        let end = endpos.min(t.len());
        if let Some(f) = program.first {
            if !program.firsts[f as usize].admits(t, pos, end, &self.raws) {
                return Ok(None);
            }
        }
        let insns = &program.insns[..];
        // (only the groups' registers are read before they are written: a repetition's counter,
        // start and mark are set where it begins)
        if s.regs.len() < program.n_regs {
            s.regs.resize(program.n_regs, UNSET);
        }
        s.regs[..2 * program.n_groups].fill(UNSET);
        s.branches.clear();
        s.trail.clear();
        let mut pc = 0usize;
        let mut p = pos;
        loop {
            s.work += 1;
            if s.budget.is_some_and(|b| s.work > b) {
                s.over_budget = true;
                return Err(format!("program {:?} ran past its step budget", program.name));
            }
            s.steps = s.steps.wrapping_add(1);
            if s.steps % CHECK_EVERY == 0 {
                if let Some(d) = s.deadline {
                    if Instant::now() > d {
                        s.timed_out = true;
                        return Err(format!("program {:?} ran past the time limit", program.name));
                    }
                }
            }
            let insn = *insns.get(pc).ok_or("internal: program counter out of range")?;
            let ok = match insn {
                Insn::Lit(i) => {
                    let (tokens, gaps) = &program.lits[i as usize];
                    match lit(t, tokens, gaps, p, end) {
                        Some(q) => {
                            p = q;
                            pc += 1;
                            true
                        }
                        None => false,
                    }
                }
                Insn::Lex(i) => {
                    let set = self.sets.get(i as usize).ok_or("internal: no such lexicon")?;
                    set.ends(t, p, end, &mut s.ends, &mut s.tmp);
                    match s.ends.first() {
                        None => false,
                        Some(&first) => {
                            let trail = s.trail.len();
                            for &e in s.ends[1..].iter().rev() {
                                s.branches.push(Branch { pc: (pc + 1) as u32, pos: e, trail });
                            }
                            p = first;
                            pc += 1;
                            true
                        }
                    }
                }
                Insn::AnyWord => {
                    let mut q = p;
                    while q < end && t.is_word(q) {
                        q += 1;
                    }
                    if q > p {
                        p = q;
                        pc += 1;
                        true
                    } else {
                        false
                    }
                }
                Insn::Raw(i) => match self.raw_match(i, t, p, end, s)? {
                    Some(q) => {
                        p = q;
                        pc += 1;
                        true
                    }
                    None => false,
                },
                Insn::Gap(required) => {
                    let q = spaces(t, p, end);
                    if required && q == p {
                        false
                    } else {
                        p = q;
                        pc += 1;
                        true
                    }
                }
                Insn::Assert(kind) => {
                    let before = p > 0 && t.is_word(p - 1);
                    let after = p < end && t.is_word(p);
                    let ok = match kind {
                        AssertKind::Lb => !before,
                        AssertKind::Rb => !after,
                        AssertKind::NoSplit => !before || !after,
                        _ => line_check(t, p, kind),
                    };
                    pc += 1;
                    ok
                }
                Insn::Split(a, b) => {
                    s.branches.push(Branch { pc: b, pos: p, trail: s.trail.len() });
                    pc = a as usize;
                    true
                }
                Insn::SplitIf(a, b, f) => {
                    if program.firsts[f as usize].admits(t, p, end, &self.raws) {
                        s.branches.push(Branch { pc: b, pos: p, trail: s.trail.len() });
                        pc = a as usize;
                    } else {
                        pc = b as usize;
                    }
                    true
                }
                Insn::Dispatch(d) => {
                    let table = program.dispatch.get(d as usize).ok_or("internal: no such dispatch table")?;
                    let mut bits = std::mem::take(&mut s.bits);
                    table.admitted(t, p, end, &program.firsts, &self.raws, &mut bits);
                    // the admitted options after the first become backtrack points, the last
                    // pushed first, so that they are tried in order
                    let trail = s.trail.len();
                    let mut first = None;
                    for k in (0..bits.len()).rev() {
                        let mut w = bits[k];
                        while w != 0 {
                            let b = 63 - w.leading_zeros() as usize;
                            w &= !(1u64 << b);
                            let i = k * 64 + b;
                            if let Some(prev) = first.replace(i) {
                                s.branches.push(Branch { pc: table.options[prev].0, pos: p, trail });
                            }
                        }
                    }
                    s.bits = bits;
                    match first {
                        Some(i) => {
                            pc = table.options[i].0 as usize;
                            true
                        }
                        None => false,
                    }
                }
                Insn::Jmp(a) => {
                    pc = a as usize;
                    true
                }
                Insn::SavePos(r) => {
                    set_reg(s, r, p);
                    pc += 1;
                    true
                }
                Insn::Zero(r) => {
                    set_reg(s, r, 0);
                    pc += 1;
                    true
                }
                Insn::Mark(r) => {
                    let n = s.branches.len();
                    set_reg(s, r, n);
                    pc += 1;
                    true
                }
                Insn::Cut(r) => {
                    cut(s, s.regs[r as usize]);
                    pc += 1;
                    true
                }
                Insn::RepMax(c, max, exit) => {
                    pc = if s.regs[c as usize] >= max as usize { exit as usize } else { pc + 1 };
                    true
                }
                Insn::RepNext(c, start) => {
                    if p == s.regs[start as usize] {
                        false
                    } else {
                        let n = s.regs[c as usize] + 1;
                        set_reg(s, c, n);
                        pc += 1;
                        true
                    }
                }
                Insn::PossNext(c, start, m) => {
                    let mark = s.regs[m as usize];
                    if p == s.regs[start as usize] {
                        // an empty try ends the repetition, as if the item had failed: back to the
                        // exit point made before it (the only point kept), its writes undone
                        cut(s, mark + 1);
                        false
                    } else {
                        cut(s, mark);
                        let n = s.regs[c as usize] + 1;
                        set_reg(s, c, n);
                        pc += 1;
                        true
                    }
                }
                Insn::RepMin(c, min) => {
                    pc += 1;
                    s.regs[c as usize] >= min as usize
                }
                Insn::LookEnd(m, start) => {
                    cut(s, s.regs[m as usize]);
                    p = s.regs[start as usize];
                    pc += 1;
                    true
                }
                Insn::Behind(i, negate, tokens) => {
                    let body = program.behinds.get(i as usize).ok_or("internal: no such look back")?;
                    let id = program.behind_ids[i as usize];
                    pc += 1;
                    self.behind(body, id, t, p, tokens as usize, s)? != negate
                }
                Insn::Sub(i, kind) => {
                    let body = program.subs.get(i as usize).ok_or("internal: no such sub-program")?;
                    let got = self.sub(body, program.sub_ids[i as usize], t, p, end, s)?;
                    pc += 1;
                    match (kind, got) {
                        (SubKind::NegLook, got) => got.is_none(),
                        (SubKind::PosLook, got) => got.is_some(),
                        (SubKind::Atomic | SubKind::AtomicOpt, Some(e)) => {
                            p = e;
                            true
                        }
                        (SubKind::Atomic, None) => false,
                        (SubKind::AtomicOpt, None) => true,
                    }
                }
                Insn::AtEnd => {
                    pc += 1;
                    p == end
                }
                Insn::Needs(i, word) => {
                    pc += 1;
                    let (mut ends, mut tmp) = (std::mem::take(&mut s.ends), std::mem::take(&mut s.tmp));
                    let ok = s.last.any_from(self, i, word, t, p, &mut ends, &mut tmp);
                    (s.ends, s.tmp) = (ends, tmp);
                    ok
                }
                Insn::Fail => false,
                Insn::Match => {
                    let mut groups = Vec::with_capacity(program.n_report);
                    for g in 0..program.n_report {
                        let (a, b) = (s.regs[2 * g], s.regs[2 * g + 1]);
                        groups.push(if a == UNSET || b == UNSET { (-1, -1) } else { (a as i64, b as i64) });
                    }
                    return Ok(Some((p, groups)));
                }
            };
            if !ok {
                match s.branches.pop() {
                    None => return Ok(None),
                    Some(b) => {
                        while s.trail.len() > b.trail {
                            if let Some((r, v)) = s.trail.pop() {
                                s.regs[r as usize] = v;
                            }
                        }
                        pc = b.pc as usize;
                        p = b.pos;
                    }
                }
            }
        }
    }
}

impl Core {
    /// Raw regex `i` at `p` of `t[..end]` (`RawRegex::match_at`), the regex engine's answers
    /// remembered in `s` for the text.
    #[inline]
    pub fn raw_match(&self, i: u32, t: &Text, p: usize, end: usize, s: &mut Scratch) -> Result<Option<usize>, String> {
        let rx = self.raws.get(i as usize).ok_or("internal: no such raw regex")?;
        if let Some(known) = rx.quick(t, p, end) {
            return Ok(known);
        }
        s.memo.for_text(t);
        if let Some(known) = s.memo.raw.get(i, p, end) {
            return Ok(known);
        }
        let got = rx.engine_match(t, p, end)?;
        s.memo.raw.insert(i, p, end, got);
        Ok(got)
    }
}

#[inline]
fn set_reg(s: &mut Scratch, r: u32, v: usize) {
    if !s.branches.is_empty() {
        // (with no backtrack point left nothing can undo it)
        s.trail.push((r, s.regs[r as usize]));
    }
    s.regs[r as usize] = v;
}

#[inline]
fn cut(s: &mut Scratch, to: usize) {
    if to < s.branches.len() {
        s.branches.truncate(to);
    }
    if s.branches.is_empty() {
        s.trail.clear();
    }
}

#[inline]
fn spaces(t: &Text, mut p: usize, end: usize) -> usize {
    while p < end && t.is_space(p) {
        p += 1;
    }
    p
}

/// A literal at `p`: its tokens with whitespace between them, taken whole (at least one
/// character where `gaps` says so).
fn lit(t: &Text, tokens: &[Vec<char>], gaps: &[bool], mut p: usize, end: usize) -> Option<usize> {
    for (i, tok) in tokens.iter().enumerate() {
        if i > 0 {
            let q = spaces(t, p, end);
            if gaps[i - 1] && q == p {
                return None;
            }
            p = q;
        }
        if p + tok.len() > end {
            return None;
        }
        for (a, b) in t.chars[p..p + tok.len()].iter().zip(tok) {
            if a != b {
                return None;
            }
        }
        p += tok.len();
    }
    Some(p)
}
