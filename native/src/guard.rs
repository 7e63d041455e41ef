//! Guards: necessary conditions on the text after a position, derived once from a program's
//! tree, that the per-document pass (`plan.rs`) checks before it runs the program there.
//!
//! A guard says: every match of the program contains an *event* (a character of `chars`
//! consumed, or an entry of one of `lexes` read), and every character the match consumes
//! before its first event is *allowed* (a word character if `word`, whitespace if `space`, or
//! one of `allow`). So from a start `q`, the first position that is either an event or holds a
//! character that is not allowed decides: a disallowed character there, or no event before the
//! window's end, and the program cannot match at `q`. (`verb_colon_quote`'s rest needs a colon
//! or a quotation mark, and its speaker and adverbials never read a full stop: a cue in a
//! sentence without either fails at once instead of after some 900 VM steps.)
//!
//! The analysis over-approximates what a node may consume (a raw regex by its parse tree,
//! anything it cannot read: every character), so a guard never rejects a position where the
//! program matches; the matches are the same. A scan for the deciding position is remembered
//! (`Cursor`) while the starts asked about move forward, so a text is read once per guard and
//! rule, not once per start.

use std::collections::HashMap;

use crate::program::{LexSet, Node};
use crate::text::{CharSet, Classes, Text};
use crate::vm::RawRegex;

/// Guards a program keeps at most (each costs a scan per rule and text).
const MAX_GUARDS: usize = 3;
/// Marks that end a sentence or a line (`.`, `!`, `?`, the Arabic question mark, a line break).
const SENTENCE_ENDS: [u32; 5] = ['.' as u32, '!' as u32, '?' as u32, 0x61F, '\n' as u32];
/// Lexicons a guard's events may name (each is looked up at every position of a scan whose
/// character may start one of its entries: past a few, the looks cost more than they save).
const MAX_LEXICONS: usize = 4;
/// Sets of opening characters tried as additions to an event set.
const MAX_OPENERS: usize = 48;

/// A set of characters as the analysis sees it: every character, or the classes and explicit
/// ranges (sorted, disjoint).
#[derive(Clone, Debug, Default, PartialEq, Eq)]
struct Chars {
    all: bool,
    word: bool,
    space: bool,
    other: Vec<(u32, u32)>,
}

impl Chars {
    fn any() -> Chars {
        Chars { all: true, ..Chars::default() }
    }

    fn is_empty(&self) -> bool {
        !self.all && !self.word && !self.space && self.other.is_empty()
    }

    fn union(&mut self, o: &Chars) {
        if self.all || o.all {
            *self = Chars::any();
            return;
        }
        self.word |= o.word;
        self.space |= o.space;
        if !o.other.is_empty() {
            let mut v = std::mem::take(&mut self.other);
            v.extend_from_slice(&o.other);
            self.other = normalize(v);
        }
    }
}

/// Sorted, disjoint, merged ranges.
fn normalize(mut v: Vec<(u32, u32)>) -> Vec<(u32, u32)> {
    v.retain(|r| r.0 <= r.1);
    v.sort_unstable();
    let mut out: Vec<(u32, u32)> = Vec::with_capacity(v.len());
    for (lo, hi) in v {
        match out.last_mut() {
            Some(last) if lo <= last.1.saturating_add(1) => last.1 = last.1.max(hi),
            _ => out.push((lo, hi)),
        }
    }
    out
}

/// `a` without `b` (both normalized).
fn minus(a: &[(u32, u32)], b: &[(u32, u32)]) -> Vec<(u32, u32)> {
    let mut out = Vec::new();
    for &(lo, hi) in a {
        let (mut cur, hi) = (lo as u64, hi as u64);
        for &(blo, bhi) in b {
            let (blo, bhi) = (blo as u64, bhi as u64);
            if bhi < cur || blo > hi {
                continue;
            }
            if blo > cur {
                out.push((cur as u32, (blo - 1) as u32));
            }
            cur = bhi + 1;
            if cur > hi {
                break;
            }
        }
        if cur <= hi {
            out.push((cur as u32, hi as u32));
        }
    }
    out
}

fn covers(set: &[(u32, u32)], lo: u32, hi: u32) -> bool {
    let i = set.partition_point(|r| r.1 < lo);
    i < set.len() && set[i].0 <= lo && set[i].1 >= hi
}

fn subset(a: &[(u32, u32)], b: &[(u32, u32)]) -> bool {
    a.iter().all(|&(lo, hi)| covers(b, lo, hi))
}

/// What counts as an event: characters, and lexicons whose entries are read.
#[derive(Clone, Debug, Default, PartialEq, Eq, Hash)]
struct Events {
    chars: Vec<(u32, u32)>,
    lexes: Vec<usize>,
    /// lexicons whose entries count only at a word's start (the lexicon right after `LB`)
    wlexes: Vec<usize>,
}

impl Events {
    fn union(&self, o: &Events) -> Events {
        let mut chars = self.chars.clone();
        chars.extend_from_slice(&o.chars);
        let mut lexes = self.lexes.clone();
        lexes.extend_from_slice(&o.lexes);
        lexes.sort_unstable();
        lexes.dedup();
        let mut wlexes = self.wlexes.clone();
        wlexes.extend_from_slice(&o.wlexes);
        wlexes.sort_unstable();
        wlexes.dedup();
        Events { chars: normalize(chars), lexes, wlexes }
    }
}

/// A necessary condition for a match at a position (see the module's comment).
#[derive(Clone, Debug)]
pub struct Guard {
    /// characters that decide nothing (allowed, no event, no lexicon entry starts with them):
    /// a scan passes over them by one look-up each
    plain: CharSet,
    chars: CharSet,
    lexes: Vec<usize>,
    wlexes: Vec<usize>,
    word: bool,
    space: bool,
    allow: CharSet,
}

/// Where a scan from `from` was decided: at `at` (an event if `event`; `at` = the text's length
/// and no event when nothing decided it).
#[derive(Clone, Copy, Debug, Default)]
pub struct Cursor {
    valid: bool,
    from: usize,
    at: usize,
    event: bool,
}

impl Guard {
    /// A short description (events, then what is allowed before them), for a look at a core.
    pub fn describe(&self) -> String {
        let show = |cs: &CharSet| -> String {
            cs.ranges()
                .iter()
                .map(|&(lo, hi)| {
                    let ch = |c: u32| char::from_u32(c).map_or(format!("{c:x}"), |x| format!("{x:?}"));
                    if lo == hi {
                        ch(lo)
                    } else {
                        format!("{}-{}", ch(lo), ch(hi))
                    }
                })
                .collect::<Vec<_>>()
                .join(" ")
        };
        format!(
            "events [{}] lexicons {:?} at a word's start {:?}; before them: word {} space {} [{}]",
            show(&self.chars),
            self.lexes,
            self.wlexes,
            self.word,
            self.space,
            show(&self.allow)
        )
    }

    /// Whether a match starting at `q` and ending by `end` may exist (false: it cannot).
    #[inline]
    pub fn admits(
        &self,
        sets: &[LexSet],
        t: &Text,
        q: usize,
        end: usize,
        cur: &mut Cursor,
        lex: &mut LexStarts,
    ) -> bool {
        if !(cur.valid && cur.from <= q && q <= cur.at) {
            // (starts come in order: a scan to the text's end is read once; a start before the
            // last scan's (never the case in the pass) is only read up to its window's end)
            let forward = !cur.valid || q >= cur.from;
            let stop = if forward { t.len() } else { end.min(t.len()) };
            let (at, event) = self.scan(sets, t, q, stop, lex);
            if !forward {
                return event && at < end;
            }
            *cur = Cursor { valid: true, from: q, at, event };
        }
        cur.event && cur.at < end
    }

    fn scan(&self, sets: &[LexSet], t: &Text, q: usize, stop: usize, lex: &mut LexStarts) -> (usize, bool) {
        let mut p = q;
        while p < stop {
            let c = t.chars[p];
            if self.plain.contains(c) {
                p += 1;
                continue;
            }
            if self.chars.contains(c) {
                return (p, true);
            }
            for &i in &self.lexes {
                if lex.starts(sets, t, i, p) {
                    return (p, true);
                }
            }
            if !self.wlexes.is_empty() && (p == 0 || !t.is_word(p - 1)) {
                for &i in &self.wlexes {
                    if lex.starts(sets, t, i, p) {
                        return (p, true);
                    }
                }
            }
            let ok = (self.word && t.is_word(p)) || (self.space && t.is_space(p)) || self.allow.contains(c);
            if !ok {
                return (p, false);
            }
            p += 1;
        }
        (stop, false)
    }
}

/// For one text, where entries of the guards' lexicons start: each position looked at once per
/// lexicon (guards of several rules ask about the same places).
#[derive(Default)]
pub struct LexStarts {
    /// (lexicon, positions known, positions where an entry starts), bits per position
    slots: Vec<(usize, Vec<u64>, Vec<u64>)>,
    /// per lexicon, its slot + 1 (0: none yet)
    slot_of: Vec<u32>,
    ends: Vec<usize>,
    tmp: Vec<usize>,
}

impl LexStarts {
    /// Whether an entry of lexicon `i` starts at `p` (read up to the text's end).
    #[inline]
    fn starts(&mut self, sets: &[LexSet], t: &Text, i: usize, p: usize) -> bool {
        let Some(set) = sets.get(i) else { return false };
        if self.slot_of.len() <= i {
            self.slot_of.resize(i + 1, 0);
        }
        let k = match self.slot_of[i] {
            0 => {
                let words = t.len() / 64 + 1;
                self.slots.push((i, vec![0; words], vec![0; words]));
                self.slot_of[i] = self.slots.len() as u32;
                self.slots.len() - 1
            }
            k => k as usize - 1,
        };
        let (w, bit) = (p >> 6, 1u64 << (p & 63));
        let slot = &mut self.slots[k];
        if slot.1[w] & bit != 0 {
            return slot.2[w] & bit != 0;
        }
        set.ends(t, p, t.len(), &mut self.ends, &mut self.tmp);
        let got = !self.ends.is_empty();
        slot.1[w] |= bit;
        if got {
            slot.2[w] |= bit;
        }
        got
    }
}

/// `pre`'s answers per shared node, for one set of events.
type PreMemo = HashMap<u32, (Chars, bool)>;

/// What the analysis has worked out so far, kept between programs (owned, so a core can hold
/// it and work out each program's guards on its first check: `Lazy`).
#[derive(Default)]
pub struct Memo {
    /// per lexicon (filled when first asked): the characters it may consume, and whether it has
    /// no empty entry
    lex_chars: Vec<Option<(Chars, bool)>>,
    /// per raw regex (filled when first asked): the characters it may consume
    raw_chars: Vec<Option<Chars>>,
    /// per raw regex (filled when first asked): the characters every match starts with
    raw_first: Vec<Option<Option<Vec<(u32, u32)>>>>,
    /// the word characters and whitespace as ranges (the first analysis fills them)
    classes: Option<(Vec<(u32, u32)>, Vec<(u32, u32)>)>,
    /// `need` of each shared node already asked about
    needs: HashMap<u32, Option<Events>>,
    /// per set of events, `pre` of each shared node already asked about (programs share macros)
    pres: HashMap<Events, PreMemo>,
}

/// The analysis of one core's nodes: what each lexicon and raw regex may consume.
pub struct Analyzer<'a> {
    sets: &'a [LexSet],
    raws: &'a [RawRegex],
    classes: &'a Classes,
    word: Vec<(u32, u32)>,
    space: Vec<(u32, u32)>,
    memo: std::cell::RefCell<Memo>,
}

/// A core's guards, worked out per program on its first check (a load pays nothing; the
/// analysis of shared nodes, lexicons and raw regexes is kept for the next program).
#[derive(Default)]
pub struct Lazy {
    /// per program, its tree (None: no guards, e.g. a core without a planner)
    trees: Vec<Option<Node>>,
    done: Vec<std::sync::OnceLock<Vec<Guard>>>,
    memo: std::sync::Mutex<Memo>,
}

impl Lazy {
    /// Guards for the programs whose trees are given (in program order).
    pub fn new(trees: Vec<Option<Node>>) -> Lazy {
        let done = trees.iter().map(|_| std::sync::OnceLock::new()).collect();
        Lazy { trees, done, memo: Default::default() }
    }

    /// The guards of program `i` (none for an unknown program), worked out on the first ask.
    pub fn get(&self, i: usize, sets: &[LexSet], raws: &[RawRegex], classes: &Classes) -> &[Guard] {
        let (Some(Some(tree)), Some(cell)) = (self.trees.get(i), self.done.get(i)) else { return &[] };
        cell.get_or_init(|| {
            // (a panic while another thread held the lock left a memo of finished answers only)
            let mut memo = self.memo.lock().unwrap_or_else(|e| e.into_inner());
            let analyzer = Analyzer::with_memo(sets, raws, classes, std::mem::take(&mut *memo));
            let got = analyzer.guards(tree);
            *memo = analyzer.memo.into_inner();
            got
        })
    }
}

impl<'a> Analyzer<'a> {
    pub fn new(sets: &'a [LexSet], raws: &'a [RawRegex], classes: &'a Classes) -> Analyzer<'a> {
        Analyzer::with_memo(sets, raws, classes, Memo::default())
    }

    fn with_memo(sets: &'a [LexSet], raws: &'a [RawRegex], classes: &'a Classes, mut memo: Memo) -> Analyzer<'a> {
        let (word, space) = memo.classes.get_or_insert_with(|| (classes.word.ranges(), classes.space.ranges())).clone();
        Analyzer { sets, raws, classes, word, space, memo: std::cell::RefCell::new(memo) }
    }

    /// What lexicon `i` may consume, and whether it has no empty entry (None: no such lexicon).
    fn lex_chars(&self, i: usize) -> Option<(Chars, bool)> {
        self.with_lex(i, |l| l.clone())
    }

    /// Whether lexicon `i` exists and has no empty entry.
    fn lex_nonempty(&self, i: usize) -> bool {
        self.with_lex(i, |l| l.1).unwrap_or(false)
    }

    /// `f` of lexicon `i`'s analysis, worked out on the first ask (None: no such lexicon).
    fn with_lex<T>(&self, i: usize, f: impl FnOnce(&(Chars, bool)) -> T) -> Option<T> {
        let set = self.sets.get(i)?;
        let mut memo = self.memo.borrow_mut();
        if memo.lex_chars.len() <= i {
            memo.lex_chars.resize(i + 1, None);
        }
        let got = memo.lex_chars[i].get_or_insert_with(|| {
            let (cs, space, nonempty) = set.chars();
            let other = normalize(cs.into_iter().map(|c| (c as u32, c as u32)).collect());
            (Chars { all: false, word: false, space, other }, nonempty)
        });
        Some(f(got))
    }

    /// What raw regex `i` may consume (every character for an unknown one).
    fn raw_chars(&self, i: usize) -> Chars {
        let Some(raw) = self.raws.get(i) else { return Chars::any() };
        let mut memo = self.memo.borrow_mut();
        if memo.raw_chars.len() <= i {
            memo.raw_chars.resize(i + 1, None);
        }
        memo.raw_chars[i].get_or_insert_with(|| regex_chars(raw.regex.as_str())).clone()
    }

    /// The characters every match of raw regex `i` starts with (None: unknown, or it may
    /// match the empty string).
    fn raw_first(&self, i: usize) -> Option<Vec<(u32, u32)>> {
        let r = self.raws.get(i)?;
        let mut memo = self.memo.borrow_mut();
        if memo.raw_first.len() <= i {
            memo.raw_first.resize(i + 1, None);
        }
        memo.raw_first[i]
            .get_or_insert_with(|| if r.nullable { None } else { r.first.as_ref().map(|f| f.ranges()) })
            .clone()
    }

    /// The guards of a program with tree `root` (at most `MAX_GUARDS`; none when no useful one
    /// is found).
    pub fn guards(&self, root: &Node) -> Vec<Guard> {
        let top = unwrap(root);
        let mut candidates: Vec<Events> = Vec::new();
        match top {
            Node::Cat(items) => {
                for it in items {
                    if let Some(e) = self.need(it) {
                        candidates.push(e);
                    }
                }
            }
            n => candidates.extend(self.need(n)),
        }
        candidates.dedup();
        let mut openers: Vec<Vec<(u32, u32)>> = Vec::new();
        let mut seen = std::collections::HashSet::new();
        self.openers(root, &mut openers, &mut seen);
        let mut out: Vec<(Events, Chars)> = Vec::new();
        for ev in candidates {
            let Some((ev, pre)) = self.best(root, ev, &openers) else { continue };
            if pre.all
                || pre.is_empty()
                || ev.lexes.len() + ev.wlexes.len() > MAX_LEXICONS
                || out.iter().any(|(e, p)| *e == ev && *p == pre)
            {
                continue;
            }
            out.push((ev, pre));
            if out.len() >= MAX_GUARDS {
                break;
            }
        }
        out.into_iter()
            .map(|(ev, pre)| Guard {
                plain: CharSet::from_ranges(&self.plain(&ev, &pre)),
                chars: CharSet::from_ranges(&ev.chars),
                lexes: ev.lexes,
                wlexes: ev.wlexes,
                word: pre.word,
                space: pre.space,
                allow: CharSet::from_ranges(&pre.other),
            })
            .collect()
    }

    /// The characters that decide nothing in a scan for events `ev` with `pre` allowed.
    fn plain(&self, ev: &Events, pre: &Chars) -> Vec<(u32, u32)> {
        let mut ok = pre.other.clone();
        if pre.word {
            ok.extend_from_slice(&self.word);
        }
        if pre.space {
            ok.extend_from_slice(&self.space);
        }
        let mut deciding = ev.chars.clone();
        for &i in ev.lexes.iter().chain(&ev.wlexes) {
            if let Some(set) = self.sets.get(i) {
                let (first, space) = set.first_chars();
                deciding.extend(first.into_iter().map(|c| (c as u32, c as u32)));
                if space {
                    deciding.extend_from_slice(&self.space);
                }
            }
        }
        minus(&normalize(ok), &normalize(deciding))
    }

    /// The events `ev`, grown by the openers that keep more characters out of the allowed ones,
    /// and the allowed characters; None if a match need not hold an event.
    fn best(&self, root: &Node, mut ev: Events, openers: &[Vec<(u32, u32)>]) -> Option<(Events, Chars)> {
        let (mut pre, must) = self.pre_of(root, &ev);
        if !must {
            return None;
        }
        let mut grew = true;
        let mut rounds = 0;
        while grew && rounds < 4 {
            grew = false;
            rounds += 1;
            for x in openers {
                // (an opener none of whose characters may come before an event changes nothing)
                let seen = pre.all || x.iter().any(|&(lo, hi)| (lo..=hi).any(|c| covers(&pre.other, c, c)));
                if !seen || subset(x, &ev.chars) {
                    continue;
                }
                let ev2 = ev.union(&Events { chars: x.clone(), ..Events::default() });
                let (pre2, must2) = self.pre_of(root, &ev2);
                if must2 && self.gains(&pre, &pre2, x, &ev) {
                    (ev, pre) = (ev2, pre2);
                    grew = true;
                }
            }
        }
        Some((ev, pre))
    }

    /// Whether growing the events by the opener `x` pays: the characters `after` keeps out that
    /// `before` allowed (neither word characters nor whitespace), against the characters of `x`
    /// that become events. A mark that ends a sentence or a line counts eight times: a check
    /// fails fast where one comes before any event, and sentences are short.
    fn gains(&self, before: &Chars, after: &Chars, x: &[(u32, u32)], ev: &Events) -> bool {
        if after.all {
            return false;
        }
        let weight = |c: u32| if SENTENCE_ENDS.contains(&c) { 8i64 } else { 1 };
        let cost: i64 = x.iter().flat_map(|&(lo, hi)| lo..=hi).filter(|&c| !covers(&ev.chars, c, c)).map(weight).sum();
        if before.all {
            return true;
        }
        let mut gain = 0i64;
        let mut budget = 20_000u32;
        for &(lo, hi) in &before.other {
            for c in lo..=hi {
                if budget == 0 {
                    return gain > cost;
                }
                budget -= 1;
                if covers(&after.other, c, c) || covers(x, c, c) {
                    continue;
                }
                if let Some(ch) = char::from_u32(c) {
                    if !self.classes.word.contains(ch) && !self.classes.space.contains(ch) {
                        gain += weight(c);
                    }
                }
            }
        }
        gain > cost
    }

    /// Events every match of `n` holds, if there are (a literal's first character, a lexicon
    /// without an empty entry, a raw regex's first characters, ...).
    fn need(&self, n: &Node) -> Option<Events> {
        match n {
            Node::Lit { tokens, .. } => {
                let c = *tokens.first()?.first()? as u32;
                Some(Events { chars: vec![(c, c)], ..Events::default() })
            }
            Node::Lex(i) => self.lex_nonempty(*i).then(|| Events { lexes: vec![*i], ..Events::default() }),
            Node::Raw(i) => self.raw_first(*i).map(|f| Events { chars: f, ..Events::default() }),
            // (the first item's events, unless they hold word characters and a later item's
            // do not: a word character is no sign of the item, a mark or a lexicon entry is)
            Node::Cat(items) => {
                let mut first = None;
                for (k, it) in items.iter().enumerate() {
                    if let Some(i) = self.word_lex(items, k) {
                        return Some(Events { wlexes: vec![i], ..Events::default() });
                    }
                    if let Some(e) = self.need(it) {
                        if self.sharp(&e) {
                            return Some(e);
                        }
                        first.get_or_insert(e);
                    }
                }
                first
            }
            Node::Alt(opts) => {
                let mut acc = Events::default();
                for o in opts {
                    acc = acc.union(&self.need(o)?);
                }
                (!opts.is_empty()).then_some(acc)
            }
            Node::Rep { node, min, .. } if *min >= 1 => self.need(node),
            Node::Group(_, inner) => self.need(inner),
            Node::Shared(s) => {
                if let Some(known) = self.memo.borrow().needs.get(&s.id) {
                    return known.clone();
                }
                let got = self.need(&s.node);
                self.memo.borrow_mut().needs.insert(s.id, got.clone());
                got
            }
            _ => None,
        }
    }

    /// The lexicon item `k` of a sequence reads, when it comes right after a word boundary
    /// (`LB`) and has no empty entry: its entry starts at a word's start.
    fn word_lex(&self, items: &[Node], k: usize) -> Option<usize> {
        let (Node::Lex(i), true) = (unwrap(&items[k]), k > 0) else { return None };
        let after_lb = matches!(unwrap(&items[k - 1]), Node::Assert(crate::program::AssertKind::Lb));
        (after_lb && self.lex_nonempty(*i)).then_some(*i)
    }

    /// Whether events hold no word character.
    fn sharp(&self, e: &Events) -> bool {
        e.chars.iter().all(|&(lo, hi)| {
            hi - lo < 4096 && (lo..=hi).all(|c| char::from_u32(c).is_some_and(|ch| !self.classes.word.contains(ch)))
        })
    }

    /// Sets of characters (neither word characters nor whitespace) every match of some node of
    /// the tree starts with: marks that open a part (a parenthesis, a quotation).
    fn openers(&self, n: &Node, out: &mut Vec<Vec<(u32, u32)>>, seen: &mut std::collections::HashSet<u32>) {
        if out.len() >= MAX_OPENERS {
            return;
        }
        if let Node::Shared(s) = n {
            if !seen.insert(s.id) {
                return;
            }
        }
        if let Some(ev) = self.need(n) {
            let plain = ev.lexes.is_empty()
                && ev.wlexes.is_empty()
                && !ev.chars.is_empty()
                && ev.chars.iter().all(|&(lo, hi)| {
                    hi - lo < 64
                        && (lo..=hi).all(|c| {
                            char::from_u32(c)
                                .is_some_and(|ch| !self.classes.word.contains(ch) && !self.classes.space.contains(ch))
                        })
                });
            if plain && !out.contains(&ev.chars) {
                out.push(ev.chars);
            }
        }
        match n {
            Node::Cat(v) | Node::Alt(v) => v.iter().for_each(|c| self.openers(c, out, seen)),
            Node::Look { node, .. } | Node::Behind { node, .. } | Node::Opt { node, .. } | Node::Rep { node, .. } => {
                self.openers(node, out, seen)
            }
            Node::Group(_, inner) => self.openers(inner, out, seen),
            Node::Shared(s) => self.openers(&s.node, out, seen),
            _ => {}
        }
    }

    /// `pre` of a program's tree, with the answers for shared nodes kept per set of events.
    fn pre_of(&self, root: &Node, ev: &Events) -> (Chars, bool) {
        let mut memo = self.memo.borrow_mut().pres.remove(ev).unwrap_or_default();
        let got = self.pre(root, ev, &mut memo);
        self.memo.borrow_mut().pres.insert(ev.clone(), memo);
        got
    }

    /// What a match of `n` may consume before its first event (all of it, if it holds none),
    /// and whether every match holds one.
    fn pre(&self, n: &Node, ev: &Events, memo: &mut HashMap<u32, (Chars, bool)>) -> (Chars, bool) {
        let in_ev = |c: u32| covers(&ev.chars, c, c);
        match n {
            Node::Lit { tokens, .. } => {
                let mut acc = Chars::default();
                for (i, tok) in tokens.iter().enumerate() {
                    if i > 0 {
                        acc.space = true; // (whitespace between tokens is read, required or not)
                    }
                    for &c in tok {
                        if in_ev(c as u32) {
                            return (acc, true);
                        }
                        acc.other = normalize(vec![(c as u32, c as u32)].into_iter().chain(acc.other).collect());
                    }
                }
                (acc, false)
            }
            Node::Lex(i) => {
                let Some((chars, nonempty)) = self.lex_chars(*i) else { return (Chars::any(), false) };
                if nonempty && ev.lexes.contains(i) {
                    return (Chars::default(), true);
                }
                (chars, false)
            }
            Node::AnyWord => (Chars { word: true, ..Chars::default() }, false),
            Node::Raw(i) => {
                if let Some(f) = self.raw_first(*i) {
                    if !f.is_empty() && subset(&f, &ev.chars) {
                        return (Chars::default(), true);
                    }
                }
                (self.raw_chars(*i), false)
            }
            Node::Gap(_) => (Chars { space: true, ..Chars::default() }, false),
            Node::Assert(_) | Node::Look { .. } | Node::Behind { .. } => (Chars::default(), false),
            Node::Cat(items) => {
                let mut acc = Chars::default();
                for (k, it) in items.iter().enumerate() {
                    if self.word_lex(items, k).is_some_and(|i| ev.wlexes.contains(&i)) {
                        return (acc, true);
                    }
                    let (p, must) = self.pre(it, ev, memo);
                    acc.union(&p);
                    if must {
                        return (acc, true);
                    }
                }
                (acc, false)
            }
            Node::Alt(opts) => {
                let mut acc = Chars::default();
                let mut all = !opts.is_empty();
                for o in opts {
                    let (p, must) = self.pre(o, ev, memo);
                    acc.union(&p);
                    all &= must;
                }
                (acc, all)
            }
            Node::Opt { node, .. } => (self.pre(node, ev, memo).0, false),
            Node::Rep { node, min, .. } => {
                let (p, must) = self.pre(node, ev, memo);
                (p, must && *min >= 1)
            }
            Node::Group(_, inner) => self.pre(inner, ev, memo),
            Node::Shared(s) => {
                if let Some(known) = memo.get(&s.id) {
                    return known.clone();
                }
                let got = self.pre(&s.node, ev, memo);
                memo.insert(s.id, got.clone());
                got
            }
        }
    }
}

fn unwrap(n: &Node) -> &Node {
    match n {
        Node::Shared(s) => unwrap(&s.node),
        Node::Group(_, inner) => unwrap(inner),
        n => n,
    }
}

/// What a raw regex (fancy-regex syntax) may consume: its parse tree's characters outside
/// lookarounds; every character where it cannot tell.
fn regex_chars(pattern: &str) -> Chars {
    match fancy_regex::Expr::parse_tree(pattern) {
        Ok(tree) => expr_chars(&tree.expr),
        Err(_) => Chars::any(),
    }
}

fn expr_chars(e: &fancy_regex::Expr) -> Chars {
    use fancy_regex::Expr as E;
    match e {
        E::Empty | E::Assertion(_) | E::LookAround(..) | E::KeepOut => Chars::default(),
        E::Literal { val, casei: false } => {
            Chars { other: normalize(val.chars().map(|c| (c as u32, c as u32)).collect()), ..Chars::default() }
        }
        E::Concat(v) | E::Alt(v) => {
            let mut acc = Chars::default();
            for x in v {
                acc.union(&expr_chars(x));
                if acc.all {
                    break;
                }
            }
            acc
        }
        E::Group(x) => expr_chars(x),
        E::AtomicGroup(x) => expr_chars(x),
        E::Repeat { child, .. } => expr_chars(child),
        E::Delegate { inner, casei } => delegate_chars(inner, *casei),
        _ => Chars::any(),
    }
}

fn delegate_chars(inner: &str, casei: bool) -> Chars {
    let parsed = regex_syntax::ParserBuilder::new().case_insensitive(casei).build().parse(inner);
    match parsed {
        Ok(hir) => hir_chars(&hir),
        Err(_) => Chars::any(),
    }
}

fn hir_chars(h: &regex_syntax::hir::Hir) -> Chars {
    use regex_syntax::hir::{Class, HirKind};
    match h.kind() {
        HirKind::Empty | HirKind::Look(_) => Chars::default(),
        HirKind::Literal(lit) => match std::str::from_utf8(&lit.0) {
            Ok(s) => Chars { other: normalize(s.chars().map(|c| (c as u32, c as u32)).collect()), ..Chars::default() },
            Err(_) => Chars::any(),
        },
        HirKind::Class(Class::Unicode(cls)) => Chars {
            other: normalize(cls.ranges().iter().map(|r| (r.start() as u32, r.end() as u32)).collect()),
            ..Chars::default()
        },
        HirKind::Class(Class::Bytes(_)) => Chars::any(),
        HirKind::Repetition(r) => hir_chars(&r.sub),
        HirKind::Capture(c) => hir_chars(&c.sub),
        HirKind::Concat(v) | HirKind::Alternation(v) => {
            let mut acc = Chars::default();
            for x in v {
                acc.union(&hir_chars(x));
                if acc.all {
                    break;
                }
            }
            acc
        }
    }
}
