//! Rule programs: the tree (`Node`, as `arabic_rules/ir.py` defines it), lexicons as character
//! tries, and the compiled form the VM runs (`Insn`).

use crate::text::{Text, SPACE, WORD};
use crate::vm::RawRegex;
use std::sync::Arc;

#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash)]
pub enum AssertKind {
    /// no word character before
    Lb,
    /// no word character after
    Rb,
    /// not inside a word
    NoSplit,
    /// the text or a line starts here (`line_check`)
    LineStart,
    /// the text or a paragraph starts here: a blank line before
    ParagraphStart,
    /// a sentence starts here: a line start, or . ! ? ؟ before
    SentenceStart,
}

/// Whether line check `kind` holds at `p`, as `ir.line_check`: step back over the whitespace
/// before `p`; the text starts there, or that whitespace holds a line break (two for a paragraph),
/// or (a sentence) it follows . ! ? ؟.
pub fn line_check(t: &Text, p: usize, kind: AssertKind) -> bool {
    let (mut q, mut breaks) = (p, 0usize);
    while q > 0 && t.is_space(q - 1) {
        q -= 1;
        breaks += (t.chars[q] == '\n') as usize;
    }
    if q == 0 {
        return true;
    }
    match kind {
        AssertKind::ParagraphStart => breaks >= 2,
        AssertKind::SentenceStart => breaks >= 1 || matches!(t.chars[q - 1], '.' | '!' | '?' | '\u{061F}'),
        _ => breaks >= 1,
    }
}

/// A program tree. Indexes point into the core's lexicons (`Lex`), raw regexes (`Raw`) and the
/// program's groups (`Group`).
#[derive(Clone, Debug, PartialEq, Eq, Hash)]
pub enum Node {
    Lit {
        tokens: Vec<Vec<char>>,
        gaps: Vec<bool>,
    },
    Lex(usize),
    AnyWord,
    Raw(usize),
    Gap(bool),
    Assert(AssertKind),
    /// a condition that reads nothing: the node matches here (does not, if negated); a match's
    /// captures are kept
    Look {
        node: Box<Node>,
        negate: bool,
    },
    /// a condition that looks back and reads nothing: the node matches text that ends here (does
    /// not, if negated), tried from every position back to the start of the `tokens`-th token
    /// before here, on the text cut here; its captures are not kept
    Behind {
        node: Box<Node>,
        negate: bool,
        tokens: usize,
    },
    Cat(Vec<Node>),
    Alt(Vec<Node>),
    Opt {
        node: Box<Node>,
        possessive: bool,
    },
    Rep {
        node: Box<Node>,
        min: usize,
        max: Option<usize>,
        possessive: bool,
    },
    Group(usize, Box<Node>),
    /// a node of the core's node table (`load.rs`), shared by every program that uses it: read
    /// as the node itself; its number makes hashing and comparing it cheap and keys what is
    /// computed once per node (first sets, compiled sub-programs)
    Shared(Shared),
}

/// Node number `id` of a core's node table. Two shared nodes are equal when their numbers are:
/// the table holds each distinct sub-tree once (the Python writer hash-conses them), so equal
/// numbers mean equal trees; equal trees under two numbers are only a missed sharing.
#[derive(Clone, Debug)]
pub struct Shared {
    pub id: u32,
    pub node: Arc<Node>,
}

impl PartialEq for Shared {
    fn eq(&self, o: &Shared) -> bool {
        self.id == o.id
    }
}

impl Eq for Shared {}

impl std::hash::Hash for Shared {
    fn hash<H: std::hash::Hasher>(&self, h: &mut H) {
        self.id.hash(h)
    }
}

// --- lexicons ------------------------------------------------------------------------------------

const NONE: u32 = u32::MAX;

#[derive(Clone, Debug, Default)]
struct TrieNode {
    terminal: bool,
    /// the child for a space in a form (reads a whole run of whitespace)
    space: u32,
    /// other children, sorted by character
    children: Vec<(char, u32)>,
}

/// The forms of a lexicon as a character trie.
#[derive(Clone, Debug)]
pub struct Trie {
    nodes: Vec<TrieNode>,
}

impl Trie {
    pub fn build<S: AsRef<str>>(forms: &[S]) -> Trie {
        let mut nodes = vec![TrieNode { space: NONE, ..Default::default() }];
        for form in forms {
            let mut n = 0usize;
            for ch in form.as_ref().chars() {
                let next = if ch == ' ' {
                    nodes[n].space
                } else {
                    match nodes[n].children.binary_search_by_key(&ch, |&(c, _)| c) {
                        Ok(i) => nodes[n].children[i].1,
                        Err(_) => NONE,
                    }
                };
                n = if next != NONE {
                    next as usize
                } else {
                    let id = nodes.len();
                    nodes.push(TrieNode { space: NONE, ..Default::default() });
                    if ch == ' ' {
                        nodes[n].space = id as u32;
                    } else {
                        let at = nodes[n].children.binary_search_by_key(&ch, |&(c, _)| c).unwrap_or_else(|i| i);
                        nodes[n].children.insert(at, (ch, id as u32));
                    }
                    id
                };
            }
            nodes[n].terminal = true;
        }
        Trie { nodes }
    }

    /// The characters forms start with, whether one starts with a space, whether one is empty.
    fn starts(&self) -> (Vec<char>, bool, bool) {
        let root = &self.nodes[0];
        (root.children.iter().map(|&(c, _)| c).collect(), root.space != NONE, root.terminal)
    }

    /// Every character its forms hold, and whether one holds a space (which reads whitespace).
    pub fn chars(&self) -> (Vec<char>, bool) {
        let mut out: Vec<char> = self.nodes.iter().flat_map(|n| n.children.iter().map(|&(c, _)| c)).collect();
        out.sort_unstable();
        out.dedup();
        (out, self.nodes.iter().any(|n| n.space != NONE))
    }

    /// Appends where forms end when read from `p` (text seen as ending at `end`), the longest
    /// first; a space in a form reads a whole run of whitespace.
    pub fn ends(&self, t: &Text, mut p: usize, end: usize, out: &mut Vec<usize>) {
        let start = out.len();
        let mut n = 0usize;
        loop {
            let node = &self.nodes[n];
            if node.terminal {
                out.push(p);
            }
            if p >= end {
                break;
            }
            if node.space != NONE && t.is_space(p) {
                while p < end && t.is_space(p) {
                    p += 1;
                }
                n = node.space as usize;
                continue;
            }
            let ch = t.chars[p];
            match child(&node.children, ch) {
                Some(next) => {
                    n = next as usize;
                    p += 1;
                }
                None => break,
            }
        }
        out[start..].reverse();
    }
}

/// The child of a trie node for `ch` (a short list is scanned, a long one searched).
#[inline]
fn child(children: &[(char, u32)], ch: char) -> Option<u32> {
    if children.len() <= 8 {
        children.iter().find(|&&(c, _)| c == ch).map(|&(_, n)| n)
    } else {
        children.binary_search_by_key(&ch, |&(c, _)| c).ok().map(|i| children[i].1)
    }
}

/// A lexicon as programs read it (`ir.WordSet`): stems, each with any suffix or none, then the
/// rest; or plain forms (the stems, with no suffixes).
#[derive(Clone, Debug)]
pub struct LexSet {
    pub name: String,
    pub stems: Trie,
    pub suffixes: Option<Trie>,
    pub rest: Option<Trie>,
    /// the characters its entries start with (None: an entry is empty); where the character at
    /// hand is not one of them, no trie is walked
    gate: Option<First>,
}

impl LexSet {
    pub fn new<S: AsRef<str>>(name: &str, forms: &[S], suffixes: &[S], rest: &[S]) -> LexSet {
        let stems = Trie::build(forms);
        let rest = if rest.is_empty() { None } else { Some(Trie::build(rest)) };
        let mut gate = Some(First::none());
        for trie in std::iter::once(&stems).chain(rest.as_ref()) {
            let (chars, space, empty) = trie.starts();
            match (&mut gate, empty) {
                (Some(g), false) => {
                    chars.into_iter().for_each(|c| g.add(c));
                    g.space |= space;
                }
                _ => gate = None,
            }
        }
        LexSet {
            name: name.to_string(),
            stems,
            suffixes: if suffixes.is_empty() { None } else { Some(Trie::build(suffixes)) },
            rest,
            gate,
        }
    }

    /// Every end of an entry read from `p`, in the order the executor tries them (stems longest
    /// first, each with its longest suffix first and then bare; then the rest), each end once
    /// (trying an end a second time cannot succeed where the first try failed).
    #[inline]
    pub fn ends(&self, t: &Text, p: usize, end: usize, out: &mut Vec<usize>, tmp: &mut Vec<usize>) {
        out.clear();
        if let Some(g) = &self.gate {
            if !g.admits(t, p, end, &[]) {
                return;
            }
        }
        self.ends_walked(t, p, end, out, tmp);
    }

    /// Every character its entries hold (stems, suffixes, the rest), whether one holds a space,
    /// and whether it has no empty entry (then each match reads at least one character).
    pub fn chars(&self) -> (Vec<char>, bool, bool) {
        let (mut out, mut space) = (Vec::new(), false);
        for trie in std::iter::once(&self.stems).chain(self.suffixes.as_ref()).chain(self.rest.as_ref()) {
            let (c, s) = trie.chars();
            out.extend(c);
            space |= s;
        }
        out.sort_unstable();
        out.dedup();
        (out, space, self.gate.is_some())
    }

    /// The characters its entries start with, and whether one starts with a space.
    pub fn first_chars(&self) -> (Vec<char>, bool) {
        let (mut out, mut space) = (Vec::new(), false);
        for trie in std::iter::once(&self.stems).chain(self.rest.as_ref()) {
            let (c, s, _) = trie.starts();
            out.extend(c);
            space |= s;
        }
        (out, space)
    }

    /// Whether the lexicon is small enough (few trie nodes, no suffixes) for a look through the
    /// whole text for where its entries occur to be worth it, and has no empty entry.
    pub fn small(&self) -> bool {
        const SMALL: usize = 512;
        self.gate.is_some()
            && self.suffixes.is_none()
            && self.stems.nodes.len() + self.rest.as_ref().map_or(0, |r| r.nodes.len()) <= SMALL
    }

    /// The last position of `t` where an entry starts (the text read to its end; at a word's
    /// start only if `word`: no word character before it), or None.
    pub fn last_at(&self, t: &Text, word: bool, out: &mut Vec<usize>, tmp: &mut Vec<usize>) -> Option<usize> {
        let n = t.len();
        (0..n).rev().find(|&q| {
            if word && q > 0 && t.is_word(q - 1) {
                return false;
            }
            self.ends(t, q, n, out, tmp);
            !out.is_empty()
        })
    }

    /// `ends` past the gate: the tries walked.
    fn ends_walked(&self, t: &Text, p: usize, end: usize, out: &mut Vec<usize>, tmp: &mut Vec<usize>) {
        tmp.clear();
        self.stems.ends(t, p, end, tmp);
        for &e in tmp.iter() {
            if let Some(suf) = &self.suffixes {
                let before = out.len();
                suf.ends(t, e, end, out);
                dedup_tail(out, before);
            }
            push_new(out, e);
        }
        if let Some(rest) = &self.rest {
            let before = out.len();
            rest.ends(t, p, end, out);
            dedup_tail(out, before);
        }
    }
}

fn push_new(out: &mut Vec<usize>, e: usize) {
    if !out.contains(&e) {
        out.push(e);
    }
}

/// Drops from out[from..] the ends already in out[..from] (keeping the order).
fn dedup_tail(out: &mut Vec<usize>, from: usize) {
    if from == 0 {
        return;
    }
    let mut w = from;
    for r in from..out.len() {
        let e = out[r];
        if !out[..from].contains(&e) {
            out[w] = e;
            w += 1;
        }
    }
    out.truncate(w);
}

// --- first characters ----------------------------------------------------------------------------

/// The characters a match of a node can start with (for a node that cannot match empty): a
/// bitmap below U+0800 (Latin, Arabic), sorted characters above, the word and space classes,
/// and the first-character sets of raw regexes. Options that cannot start at the character at
/// hand are not tried at all.
#[derive(Clone, Debug, PartialEq, Eq, Hash)]
pub struct First {
    low: [u64; 32],
    high: Vec<char>,
    word: bool,
    space: bool,
    any: bool,
    raws: Vec<u32>,
}

impl First {
    fn none() -> First {
        First { low: [0; 32], high: Vec::new(), word: false, space: false, any: false, raws: Vec::new() }
    }

    fn any() -> First {
        First { any: true, ..First::none() }
    }

    fn add(&mut self, c: char) {
        let u = c as u32;
        if u < 2048 {
            self.low[(u >> 6) as usize] |= 1 << (u & 63);
        } else if let Err(i) = self.high.binary_search(&c) {
            self.high.insert(i, c);
        }
    }

    fn union(&mut self, o: &First) {
        for i in 0..32 {
            self.low[i] |= o.low[i];
        }
        for &c in &o.high {
            self.add(c);
        }
        self.word |= o.word;
        self.space |= o.space;
        self.any |= o.any;
        for &r in &o.raws {
            if !self.raws.contains(&r) {
                self.raws.push(r);
            }
        }
    }

    /// Whether a match can start at `p` (a character there, and one of these).
    #[inline(always)]
    pub fn admits(&self, t: &Text, p: usize, end: usize, raws: &[RawRegex]) -> bool {
        if p >= end {
            return false;
        }
        if self.any {
            return true;
        }
        let f = t.flags[p];
        if (self.word && f & WORD != 0) || (self.space && f & SPACE != 0) {
            return true;
        }
        let c = t.chars[p];
        let u = c as u32;
        if u < 2048 {
            if self.low[(u >> 6) as usize] & (1 << (u & 63)) != 0 {
                return true;
            }
            if self.raws.is_empty() {
                return false;
            }
        }
        self.admits_rarely(c, raws)
    }

    /// `admits` past its bitmap: the characters above U+0800, the raw regexes' first sets.
    #[inline(never)]
    fn admits_rarely(&self, c: char, raws: &[RawRegex]) -> bool {
        if (c as u32) >= 2048 && self.high.binary_search(&c).is_ok() {
            return true;
        }
        self.raws.iter().any(|&r| raws.get(r as usize).and_then(|x| x.first.as_ref()).is_none_or(|set| set.contains(c)))
    }
}

// --- compiled programs -------------------------------------------------------------------------

/// One VM instruction. Registers hold group slots (two per group: start, end) first, then the
/// counters, start positions and backtrack marks of repetitions and possessive items.
#[derive(Clone, Copy, Debug)]
pub enum Insn {
    /// literal number .0 of the program
    Lit(u32),
    Lex(u32),
    AnyWord,
    Raw(u32),
    Gap(bool),
    Assert(AssertKind),
    /// go on at .0; on failure, try .1
    Split(u32, u32),
    /// as Split, but straight to .1 when first set .2 does not admit the character at hand
    SplitIf(u32, u32, u32),
    /// a long alternation (`Program::dispatch[.0]`): its options that can start at the
    /// character at hand, in order, the first taken and the others as backtrack points
    Dispatch(u32),
    Jmp(u32),
    /// register .0 = the position
    SavePos(u32),
    /// register .0 = 0
    Zero(u32),
    /// register .0 = how many backtrack points there are
    Mark(u32),
    /// drop the backtrack points made since mark .0
    Cut(u32),
    /// a repetition's count (register .0) reached .1: go to .2
    RepMax(u32, u32, u32),
    /// the end of one try of a greedy repetition's item: fail if it matched empty (start in
    /// register .1), else count it (register .0)
    RepNext(u32, u32),
    /// the end of one try of a possessive repetition's item (count .0, start .1, mark .2): keep
    /// it, or, if it matched empty, drop it and stop repeating
    PossNext(u32, u32, u32),
    /// fail unless the count in register .0 is at least .1
    RepMin(u32, u32),
    /// the end of a lookahead's node: drop its backtrack points (mark .0), back to where it
    /// started (register .1)
    LookEnd(u32, u32),
    /// look back: sub-program .0 of the program matches (does not, if .1) text ending here, from
    /// a start within .2 tokens before here (`behind_starts`)
    Behind(u32, bool, u32),
    /// fail unless the position is the end of the text the run sees (a look back's body ends
    /// right at its point)
    AtEnd,
    /// sub-program .0 of the program (`Program::subs`) run on its own at the position, its
    /// answer remembered per text (see `SubKind`)
    Sub(u32, SubKind),
    Fail,
    Match,
    /// fail unless lexicon .0 has an entry somewhere in the text at or after the position (a
    /// sequence that needs that lexicon further on cannot match otherwise; `LexSet::small`),
    /// one that starts a word if .1 (the lexicon comes right after a word boundary)
    Needs(u32, bool),
}

/// How a sub-program's answer at a position is used. Each is a part of a rule that reads no
/// register of the rule's and is atomic (no backtracking into it), so its answer depends only
/// on the text, the position and the window's end: the VM remembers it per text (rules that share
/// a macro ask the same question at the same place, and so do the tries of one rule).
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash)]
pub enum SubKind {
    /// a lookahead that must fail (`Look`, negated)
    NegLook,
    /// a lookahead that must match, its captures not needed (it has no group)
    PosLook,
    /// a possessive repetition (no group): the position moves to its end, or the run fails
    Atomic,
    /// a possessive optional item (no group): the position moves to its end, if it matches
    AtomicOpt,
}

/// Gives equal sub-programs (lookaheads, atomic items, look backs' bodies) of every program of a
/// core one number, the key of their remembered answers (`Scratch`).
#[derive(Debug, Default)]
pub struct Interner {
    ids: std::collections::HashMap<(u8, Node), u32>,
    /// compiled bodies of sub-programs and look backs, by (look back?, node, group count): a
    /// macro's lookahead used in many rules is compiled once and shared
    bodies: std::collections::HashMap<(bool, Node, usize), Arc<Program>>,
    /// first sets of shared nodes (`Node::Shared`), by number
    firsts: std::cell::RefCell<std::collections::HashMap<u32, (First, bool)>>,
}

impl Interner {
    fn id(&mut self, kind: u8, node: &Node) -> u32 {
        let next = self.ids.len() as u32;
        *self.ids.entry((kind, node.clone())).or_insert(next)
    }
}

#[derive(Clone, Debug)]
pub struct Program {
    pub name: String,
    pub insns: Vec<Insn>,
    pub lits: Vec<(Vec<Vec<char>>, Vec<bool>)>,
    /// groups reported in match results (the first ones of the program's groups)
    pub n_report: usize,
    pub n_groups: usize,
    pub n_regs: usize,
    /// the first sets of SplitIf
    pub firsts: Vec<First>,
    /// the tables of Dispatch
    pub dispatch: Vec<Dispatch>,
    /// where a match can start (None: anywhere, the program can match empty)
    pub first: Option<u32>,
    /// the bodies of look backs (`Insn::Behind`), each ending with `Insn::AtEnd` (shared by
    /// every program of the core that holds the same look back: `Interner::bodies`)
    pub behinds: Vec<Arc<Program>>,
    /// the core-wide number of each look back's body (`Interner`)
    pub behind_ids: Vec<u32>,
    /// the sub-programs of `Insn::Sub` (shared as `behinds` are), and their core-wide numbers
    pub subs: Vec<Arc<Program>>,
    pub sub_ids: Vec<u32>,
}

impl Program {
    /// Compiles a program that reads lexicons `sets` and raw regexes `raws` (for first sets);
    /// `interner` numbers its sub-programs (one interner for all the programs of a core).
    pub fn compile(
        name: &str,
        node: &Node,
        n_groups: usize,
        n_report: usize,
        sets: &[LexSet],
        raws: &[RawRegex],
        interner: &mut Interner,
    ) -> Result<Program, String> {
        Program::build(name, node, n_groups, n_report, sets, raws, false, interner)
    }

    /// As `compile`; with `at_end`, the program matches only where it ends at the end of the
    /// text it sees (a look back's body).
    #[allow(clippy::too_many_arguments)]
    fn build(
        name: &str,
        node: &Node,
        n_groups: usize,
        n_report: usize,
        sets: &[LexSet],
        raws: &[RawRegex],
        at_end: bool,
        interner: &mut Interner,
    ) -> Result<Program, String> {
        let mut c = Compiler {
            insns: Vec::new(),
            lits: Vec::new(),
            n_regs: 2 * n_groups,
            n_groups,
            sets,
            raws,
            firsts: Vec::new(),
            dispatch: Vec::new(),
            behinds: Vec::new(),
            behind_ids: Vec::new(),
            subs: Vec::new(),
            sub_ids: Vec::new(),
            interner,
            root: node,
            name,
            lit_index: std::collections::HashMap::new(),
            first_index: std::collections::HashMap::new(),
            lit_of: std::collections::HashMap::new(),
        };
        let first = c.guard(node);
        c.node(node)?;
        if at_end {
            c.insns.push(Insn::AtEnd);
        }
        c.insns.push(Insn::Match);
        if c.insns.len() >= u32::MAX as usize || c.n_regs >= u32::MAX as usize {
            return Err(format!("program {name:?} is too big"));
        }
        // (vectors grown by doubling hold up to twice what they need for the life of the core)
        c.insns.shrink_to_fit();
        c.lits.shrink_to_fit();
        c.firsts.shrink_to_fit();
        c.dispatch.shrink_to_fit();
        c.behinds.shrink_to_fit();
        Ok(Program {
            name: name.to_string(),
            insns: c.insns,
            lits: c.lits,
            n_report: n_report.min(n_groups),
            n_groups,
            n_regs: c.n_regs,
            firsts: c.firsts,
            dispatch: c.dispatch,
            first,
            behinds: c.behinds,
            behind_ids: c.behind_ids,
            subs: c.subs,
            sub_ids: c.sub_ids,
        })
    }
}

/// Where a look back's body is tried, nearest first: `p`, then every position back to the start
/// of the `tokens`-th token before `p` (a token: a run of word characters, or one other character
/// that is not whitespace; whitespace between tokens is stepped over). As `ir.behind_starts`.
pub fn behind_start(t: &Text, p: usize, tokens: usize) -> usize {
    let mut q = p;
    for _ in 0..tokens {
        match token_before(t, q) {
            Some(start) => q = start,
            None => return 0,
        }
    }
    q
}

/// The start of the token that ends at or before `q` (past the whitespace before `q`), or None
/// where only whitespace comes before.
pub fn token_before(t: &Text, mut q: usize) -> Option<usize> {
    while q > 0 && t.is_space(q - 1) {
        q -= 1;
    }
    if q == 0 {
        return None;
    }
    if t.is_word(q - 1) {
        while q > 0 && t.is_word(q - 1) {
            q -= 1;
        }
    } else {
        q -= 1;
    }
    Some(q)
}

struct Compiler<'a> {
    insns: Vec<Insn>,
    lits: Vec<(Vec<Vec<char>>, Vec<bool>)>,
    n_regs: usize,
    n_groups: usize,
    sets: &'a [LexSet],
    raws: &'a [RawRegex],
    firsts: Vec<First>,
    dispatch: Vec<Dispatch>,
    behinds: Vec<Arc<Program>>,
    behind_ids: Vec<u32>,
    subs: Vec<Arc<Program>>,
    sub_ids: Vec<u32>,
    interner: &'a mut Interner,
    /// the node the program is made of (a possessive repetition run as a sub-program is compiled
    /// in line in the sub-program itself)
    root: *const Node,
    name: &'a str,
    /// each literal's index in `lits`: a program repeats a few hundred literals tens of
    /// thousands of times (a cue word in every option of a speaker phrase), kept once each
    lit_index: std::collections::HashMap<(Vec<Vec<char>>, Vec<bool>), u32>,
    /// each first set's index in `firsts` (a program tests thousands of options' first sets)
    first_index: std::collections::HashMap<First, u32>,
    /// the index in `lits` of each shared literal (`Node::Shared`), by its number
    lit_of: std::collections::HashMap<u32, u32>,
}

/// Whether a part is worth running as a sub-program with its answers remembered: it reads a
/// lexicon, a raw regex, a look back or around, or repeats (a few literal tests cost less than
/// the look-up).
fn worth_a_sub(n: &Node) -> bool {
    match n {
        Node::Lex(_) | Node::Raw(_) | Node::Behind { .. } | Node::Look { .. } | Node::Rep { .. } => true,
        Node::Lit { .. } | Node::AnyWord | Node::Gap(_) | Node::Assert(_) => false,
        Node::Cat(items) | Node::Alt(items) => items.iter().any(worth_a_sub),
        Node::Opt { node, .. } | Node::Group(_, node) => worth_a_sub(node),
        Node::Shared(sh) => worth_a_sub(&sh.node),
    }
}

/// A small lexicon (`LexSet::small`) every match of `n` reads, if it has one to hand, and
/// whether it comes right after a word boundary (`Assert(Lb)`, so its entry starts a word): `n`
/// is that lexicon, or a sequence or group with it among its items.
fn needed_lex(n: &Node, sets: &[LexSet]) -> Option<(u32, bool)> {
    match n {
        Node::Lex(i) => sets.get(*i).filter(|s| s.small()).map(|_| (*i as u32, false)),
        Node::Group(_, node) => needed_lex(node, sets),
        Node::Cat(items) => needed_in(items, 0, sets),
        _ => None,
    }
}

/// `needed_lex` of the items of a sequence from item `from` on.
fn needed_in(items: &[Node], from: usize, sets: &[LexSet]) -> Option<(u32, bool)> {
    (from..items.len()).find_map(|k| {
        let (i, word) = needed_lex(&items[k], sets)?;
        let lb = k > 0 && matches!(items[k - 1], Node::Assert(AssertKind::Lb));
        Some((i, word || lb))
    })
}

/// Whether a node holds a group (its captures would have to be replayed: not a sub-program).
fn has_group(n: &Node) -> bool {
    match n {
        Node::Group(..) => true,
        Node::Cat(items) | Node::Alt(items) => items.iter().any(has_group),
        Node::Look { node, .. } | Node::Behind { node, .. } | Node::Opt { node, .. } | Node::Rep { node, .. } => {
            has_group(node)
        }
        Node::Shared(sh) => has_group(&sh.node),
        _ => false,
    }
}

impl Compiler<'_> {
    /// Emits `n` as sub-program used as `kind` (`Insn::Sub`).
    fn sub(&mut self, n: &Node, kind: SubKind) -> Result<(), String> {
        let body = self.body(n, false)?;
        let tag = match kind {
            SubKind::NegLook | SubKind::PosLook => 1, // (both ask whether it matches here)
            SubKind::Atomic | SubKind::AtomicOpt => 2,
        };
        self.sub_ids.push(self.interner.id(tag, n));
        self.subs.push(body);
        self.emit(Insn::Sub((self.subs.len() - 1) as u32, kind));
        Ok(())
    }

    /// The compiled body of a sub-program (`at_end`: of a look back), compiled once per core
    /// for each node and group count (`Interner::bodies`) and shared; it bears the name of the
    /// program that compiled it first.
    fn body(&mut self, n: &Node, at_end: bool) -> Result<Arc<Program>, String> {
        let key = (at_end, n.clone(), self.n_groups);
        if let Some(p) = self.interner.bodies.get(&key) {
            return Ok(p.clone());
        }
        let body =
            Arc::new(Program::build(self.name, n, self.n_groups, 0, self.sets, self.raws, at_end, self.interner)?);
        self.interner.bodies.insert(key, body.clone());
        Ok(body)
    }

    /// (first set, can match empty) of a node.
    fn first(&self, n: &Node) -> (First, bool) {
        match n {
            Node::Shared(sh) => {
                if let Some(got) = self.interner.firsts.borrow().get(&sh.id) {
                    return got.clone();
                }
                let got = self.first(&sh.node);
                self.interner.firsts.borrow_mut().insert(sh.id, got.clone());
                got
            }
            Node::Lit { tokens, .. } => match tokens.first().and_then(|t| t.first()) {
                Some(&c) => {
                    let mut f = First::none();
                    f.add(c);
                    (f, false)
                }
                None => (First::any(), true),
            },
            Node::Lex(i) => match self.sets.get(*i) {
                None => (First::any(), true),
                Some(set) => {
                    let mut f = First::none();
                    let mut nullable = false;
                    for trie in std::iter::once(&set.stems).chain(set.rest.as_ref()) {
                        let (chars, space, empty) = trie.starts();
                        chars.into_iter().for_each(|c| f.add(c));
                        f.space |= space;
                        nullable |= empty;
                    }
                    (f, nullable)
                }
            },
            Node::AnyWord => (First { word: true, ..First::none() }, false),
            Node::Raw(i) => match self.raws.get(*i) {
                Some(r) if r.first.is_some() => (First { raws: vec![*i as u32], ..First::none() }, r.nullable),
                _ => (First::any(), true),
            },
            Node::Gap(required) => (First { space: true, ..First::none() }, !required),
            Node::Assert(_) | Node::Look { .. } | Node::Behind { .. } => (First::none(), true),
            Node::Cat(items) => {
                let mut acc = First::none();
                for it in items {
                    let (f, nullable) = self.first(it);
                    acc.union(&f);
                    if !nullable {
                        return (acc, false);
                    }
                }
                (acc, true)
            }
            Node::Alt(options) => {
                let mut acc = First::none();
                let mut nullable = false;
                for o in options {
                    let (f, n) = self.first(o);
                    acc.union(&f);
                    nullable |= n;
                }
                (acc, nullable)
            }
            Node::Opt { node, .. } => (self.first(node).0, true),
            Node::Rep { node, min, .. } => {
                let (f, nullable) = self.first(node);
                (f, nullable || *min == 0)
            }
            Node::Group(_, node) => self.first(node),
        }
    }

    /// The index of the first set of `n` (interned), or None if `n` can match empty.
    fn guard(&mut self, n: &Node) -> Option<u32> {
        let (f, nullable) = self.first(n);
        if nullable || f.any {
            return None;
        }
        if let Some(&i) = self.first_index.get(&f) {
            return Some(i);
        }
        let i = self.firsts.len() as u32;
        self.first_index.insert(f.clone(), i);
        self.firsts.push(f);
        Some(i)
    }

    /// A split to `a` (the start of node `n`), else to `b`.
    fn split_to(&mut self, n: &Node, a: u32, b: u32) -> Insn {
        match self.guard(n) {
            Some(g) => Insn::SplitIf(a, b, g),
            None => Insn::Split(a, b),
        }
    }

    fn reg(&mut self) -> u32 {
        self.n_regs += 1;
        (self.n_regs - 1) as u32
    }

    fn here(&self) -> u32 {
        self.insns.len() as u32
    }

    fn emit(&mut self, i: Insn) -> usize {
        self.insns.push(i);
        self.insns.len() - 1
    }

    fn node(&mut self, n: &Node) -> Result<(), String> {
        match n {
            Node::Shared(sh) => {
                if let Node::Lit { .. } = *sh.node {
                    // (a shared literal's index is found by its number, not by hashing its words)
                    if let Some(&i) = self.lit_of.get(&sh.id) {
                        self.emit(Insn::Lit(i));
                        return Ok(());
                    }
                    self.node(&sh.node)?;
                    if let Some(&Insn::Lit(i)) = self.insns.last() {
                        self.lit_of.insert(sh.id, i);
                    }
                    return Ok(());
                }
                let inner = sh.node.clone(); // (the Arc, not the tree: `self` is borrowed mutably)
                self.node(&inner)?;
            }
            Node::Lit { tokens, gaps } => {
                if tokens.is_empty() || gaps.len() + 1 != tokens.len() {
                    return Err(format!("a literal needs one gap between each two tokens: {tokens:?} {gaps:?}"));
                }
                let key = (tokens.clone(), gaps.clone());
                let i = match self.lit_index.get(&key) {
                    Some(&i) => i,
                    None => {
                        let i = self.lits.len() as u32;
                        self.lits.push(key.clone());
                        self.lit_index.insert(key, i);
                        i
                    }
                };
                self.emit(Insn::Lit(i));
            }
            Node::Lex(i) => {
                self.emit(Insn::Lex(*i as u32));
            }
            Node::AnyWord => {
                self.emit(Insn::AnyWord);
            }
            Node::Raw(i) => {
                self.emit(Insn::Raw(*i as u32));
            }
            Node::Gap(r) => {
                self.emit(Insn::Gap(*r));
            }
            Node::Assert(k) => {
                self.emit(Insn::Assert(*k));
            }
            Node::Look { node, negate } if worth_a_sub(node) && (*negate || !has_group(node)) => {
                self.sub(node, if *negate { SubKind::NegLook } else { SubKind::PosLook })?;
            }
            Node::Opt { node, possessive: true } if worth_a_sub(node) && !has_group(node) => {
                self.sub(node, SubKind::AtomicOpt)?;
            }
            Node::Rep { node: item, possessive: true, .. }
                if worth_a_sub(item) && !has_group(item) && !std::ptr::eq(n, self.root) =>
            {
                self.sub(n, SubKind::Atomic)?;
            }
            Node::Look { node, negate } => {
                let mark = self.reg();
                self.emit(Insn::Mark(mark));
                if *negate {
                    // node fails: on at `after`, as before it; node matches: cut that way, fail
                    let split = self.emit(Insn::Split(0, 0));
                    let body = self.here();
                    self.node(node)?;
                    self.emit(Insn::Cut(mark));
                    self.emit(Insn::Fail);
                    let after = self.here();
                    self.insns[split] = Insn::Split(body, after);
                } else {
                    let start = self.reg();
                    self.emit(Insn::SavePos(start));
                    self.node(node)?;
                    self.emit(Insn::LookEnd(mark, start));
                }
            }
            Node::Behind { node, negate, tokens } => {
                let body = self.body(node, true)?;
                self.behind_ids.push(self.interner.id(0, node));
                self.behinds.push(body);
                let tokens = u32::try_from(*tokens).map_err(|_| format!("look back of {tokens} tokens"))?;
                self.emit(Insn::Behind((self.behinds.len() - 1) as u32, *negate, tokens));
            }
            Node::Cat(items) => {
                // a small lexicon the sequence needs after a repetition: where the text has none
                // of its entries from here on, the sequence fails at once, not after trying the
                // repetition's every way
                // (only after a repetition: there the tries before the lexicon are many)
                let needed = items
                    .iter()
                    .position(|it| matches!(it, Node::Rep { .. }))
                    .and_then(|r| needed_in(items, r + 1, self.sets));
                if let Some((i, word)) = needed {
                    self.emit(Insn::Needs(i, word));
                }
                for it in items {
                    self.node(it)?;
                }
            }
            Node::Alt(options) => {
                if options.is_empty() {
                    return Err("an alternation with no option".into());
                }
                if options.len() >= DISPATCH_MIN {
                    let at = self.emit(Insn::Dispatch(0));
                    let mut starts = Vec::with_capacity(options.len());
                    let mut jumps = Vec::new();
                    for (i, o) in options.iter().enumerate() {
                        starts.push((self.here(), self.guard(o)));
                        self.node(o)?;
                        if i + 1 < options.len() {
                            jumps.push(self.emit(Insn::Jmp(0)));
                        }
                    }
                    let end = self.here();
                    for j in jumps {
                        self.insns[j] = Insn::Jmp(end);
                    }
                    let table = Dispatch::new(starts, &self.firsts, self.raws);
                    self.dispatch.push(table);
                    self.insns[at] = Insn::Dispatch((self.dispatch.len() - 1) as u32);
                    return Ok(());
                }
                let mut jumps = Vec::new();
                for (i, o) in options.iter().enumerate() {
                    if i + 1 < options.len() {
                        let split = self.emit(Insn::Split(0, 0));
                        let first = self.here();
                        self.node(o)?;
                        jumps.push(self.emit(Insn::Jmp(0)));
                        let next = self.here();
                        self.insns[split] = self.split_to(o, first, next);
                    } else {
                        self.node(o)?;
                    }
                }
                let end = self.here();
                for j in jumps {
                    self.insns[j] = Insn::Jmp(end);
                }
            }
            Node::Opt { node, possessive } => {
                let mark = if *possessive {
                    let m = self.reg();
                    self.emit(Insn::Mark(m));
                    Some(m)
                } else {
                    None
                };
                let split = self.emit(Insn::Split(0, 0));
                let body = self.here();
                self.node(node)?;
                if let Some(m) = mark {
                    self.emit(Insn::Cut(m));
                }
                let after = self.here();
                self.insns[split] = self.split_to(node, body, after);
            }
            Node::Rep { node, min, max, possessive } => {
                let (min, max) = (to_u32(*min)?, max.map(to_u32).transpose()?);
                let count = self.reg();
                let start = self.reg();
                let mark = if *possessive { Some(self.reg()) } else { None };
                self.emit(Insn::Zero(count));
                let top = self.here();
                let max_check = max.map(|_| self.emit(Insn::RepMax(count, 0, 0)));
                if let Some(m) = mark {
                    self.emit(Insn::Mark(m));
                }
                self.emit(Insn::SavePos(start));
                let split = self.emit(Insn::Split(0, 0));
                let body = self.here();
                self.node(node)?;
                match mark {
                    Some(m) => self.emit(Insn::PossNext(count, start, m)),
                    None => self.emit(Insn::RepNext(count, start)),
                };
                self.emit(Insn::Jmp(top));
                let exit = self.here();
                self.emit(Insn::RepMin(count, min));
                self.insns[split] = self.split_to(node, body, exit);
                if let (Some(at), Some(mx)) = (max_check, max) {
                    self.insns[at] = Insn::RepMax(count, mx, exit);
                }
            }
            Node::Group(g, node) => {
                if *g >= self.n_groups {
                    return Err(format!("group {g} out of range"));
                }
                self.emit(Insn::SavePos(2 * *g as u32));
                self.node(node)?;
                self.emit(Insn::SavePos(2 * *g as u32 + 1));
            }
        }
        Ok(())
    }
}

/// Alternations of at least this many options are compiled to a `Dispatch` (shorter ones to a
/// chain of `SplitIf`, one first-set test per option).
const DISPATCH_MIN: usize = 4;

/// The characters a dispatch table holds rows for: ASCII and the Arabic block (others test
/// each option's first set).
const ROWS: usize = 128 + 256;

/// The row of character `u` in a dispatch table, if it has one.
#[inline]
fn row_of(u: u32) -> Option<usize> {
    match u {
        0..=127 => Some(u as usize),
        0x600..=0x6FF => Some(128 + (u - 0x600) as usize),
        _ => None,
    }
}

/// The options of a long alternation by the character at hand, so that those that cannot start
/// there cost nothing (a chain of `SplitIf` tests every option's first set in turn).
#[derive(Clone, Debug)]
pub struct Dispatch {
    /// per option: its first instruction and its first set (None: tried anywhere)
    pub options: Vec<(u32, Option<u32>)>,
    /// u64 words per bit set (one bit per option)
    words: usize,
    /// per character with a row (`row_of`): which of `rows` holds the options that admit it by
    /// the character alone (most characters share a few rows: kept once each)
    index: Vec<u8>,
    rows: Vec<u64>,
    /// the options that admit any word character, any whitespace, and those tried anywhere
    word: Vec<u64>,
    space: Vec<u64>,
    always: Vec<u64>,
}

impl Dispatch {
    fn new(options: Vec<(u32, Option<u32>)>, firsts: &[First], raws: &[RawRegex]) -> Dispatch {
        let words = options.len().div_ceil(64);
        let mut low = vec![0u64; ROWS * words];
        let mut d = Dispatch {
            words,
            index: Vec::new(),
            rows: Vec::new(),
            word: vec![0; words],
            space: vec![0; words],
            always: vec![0; words],
            options,
        };
        for (i, &(_, guard)) in d.options.iter().enumerate() {
            let bit = 1u64 << (i % 64);
            let Some(f) = guard.map(|g| &firsts[g as usize]) else {
                d.always[i / 64] |= bit;
                continue;
            };
            if f.word {
                d.word[i / 64] |= bit;
            }
            if f.space {
                d.space[i / 64] |= bit;
            }
            let mut set = |u: u32| {
                if let Some(row) = row_of(u) {
                    low[row * words + i / 64] |= bit;
                }
            };
            // the characters of its own bitmap that have rows: ASCII (words 0, 1), the Arabic block (24..28)
            for w in [0usize, 1, 24, 25, 26, 27] {
                let mut b = f.low[w];
                while b != 0 {
                    set((w * 64) as u32 + b.trailing_zeros());
                    b &= b - 1;
                }
            }
            for &r in &f.raws {
                let first = raws.get(r as usize).and_then(|x| x.first.as_ref());
                for u in (0..128u32).chain(0x600..0x700) {
                    if first.is_none_or(|cs| char::from_u32(u).is_some_and(|c| cs.contains(c))) {
                        set(u);
                    }
                }
            }
        }
        let mut seen: std::collections::HashMap<&[u64], u8> = std::collections::HashMap::new();
        for row in low.chunks(words.max(1)).take(ROWS) {
            let k = match seen.get(row) {
                Some(&k) => k,
                None if seen.len() <= u8::MAX as usize => {
                    let k = seen.len() as u8;
                    seen.insert(row, k);
                    d.rows.extend_from_slice(row);
                    k
                }
                None => {
                    // (more distinct rows than an index holds: every option's first set is tested)
                    d.index.clear();
                    d.rows.clear();
                    return d;
                }
            };
            d.index.push(k);
        }
        d
    }

    /// The options that can start at `p` of `t[..end]` (the bits of `out`), as a chain of
    /// `SplitIf` would admit them.
    #[inline]
    pub fn admitted(&self, t: &Text, p: usize, end: usize, firsts: &[First], raws: &[RawRegex], out: &mut Vec<u64>) {
        out.clear();
        out.extend_from_slice(&self.always);
        if p >= end {
            return; // (a guarded option needs a character)
        }
        if let Some(r) = row_of(t.chars[p] as u32).filter(|_| !self.index.is_empty()) {
            let k = self.index[r] as usize;
            let row = &self.rows[k * self.words..(k + 1) * self.words];
            let f = t.flags[p];
            for (k, w) in out.iter_mut().enumerate() {
                *w |= row[k];
                if f & WORD != 0 {
                    *w |= self.word[k];
                }
                if f & SPACE != 0 {
                    *w |= self.space[k];
                }
            }
            return;
        }
        for (i, &(_, guard)) in self.options.iter().enumerate() {
            if let Some(g) = guard {
                if firsts[g as usize].admits(t, p, end, raws) {
                    out[i / 64] |= 1u64 << (i % 64);
                }
            }
        }
    }
}

fn to_u32(x: usize) -> Result<u32, String> {
    u32::try_from(x).map_err(|_| format!("repeat count {x} too big"))
}
