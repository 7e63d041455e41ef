//! VM unit tests on hand-built programs (expected results worked out from the reference
//! executor's rules; `tests/test_native.py` checks the same against the executor itself).

use crate::load::core_from_json;
use crate::program::{AssertKind, Interner, LexSet, Node, Program};
use crate::text::{Classes, Text};
use crate::vm::{Core, RawRegex, Scratch};

fn lit(words: &[&str], gaps: &[bool]) -> Node {
    Node::Lit { tokens: words.iter().map(|w| w.chars().collect()).collect(), gaps: gaps.to_vec() }
}
fn w(word: &str) -> Node {
    lit(&[word], &[])
}
fn cat(items: Vec<Node>) -> Node {
    Node::Cat(items)
}
fn alt(items: Vec<Node>) -> Node {
    Node::Alt(items)
}
fn opt(n: Node, possessive: bool) -> Node {
    Node::Opt { node: Box::new(n), possessive }
}
fn rep(n: Node, min: usize, max: Option<usize>, possessive: bool) -> Node {
    Node::Rep { node: Box::new(n), min, max, possessive }
}
fn group(g: usize, n: Node) -> Node {
    Node::Group(g, Box::new(n))
}
fn gap(required: bool) -> Node {
    Node::Gap(required)
}
const LB: Node = Node::Assert(AssertKind::Lb);
const RB: Node = Node::Assert(AssertKind::Rb);

struct Fixture {
    core: Core,
}

impl Fixture {
    fn new(programs: Vec<(Node, usize)>, sets: Vec<LexSet>, raws: Vec<(&str, &str)>) -> Fixture {
        let raws: Vec<RawRegex> = raws.into_iter().map(|(s, p)| RawRegex::new(s, p).unwrap()).collect();
        let mut interner = Interner::default();
        let programs = programs
            .into_iter()
            .enumerate()
            .map(|(i, (n, groups))| {
                Program::compile(&format!("p{i}"), &n, groups, groups, &sets, &raws, &mut interner).unwrap()
            })
            .collect();
        Fixture {
            core: Core {
                classes: Classes::approximate(),
                sets,
                raws,
                programs,
                planner: None,
                guards: Default::default(),
            },
        }
    }

    fn run(&self, prog: usize, text: &str, pos: usize, end: Option<usize>) -> Option<(usize, Vec<(i64, i64)>)> {
        let t = Text::from_str(text, &self.core.classes);
        let end = end.unwrap_or(t.len());
        self.core.run(prog, &t, pos, end, &mut Scratch::default()).unwrap()
    }

    fn end(&self, prog: usize, text: &str, pos: usize) -> Option<usize> {
        // (the end alone)
        self.run(prog, text, pos, None).map(|m| m.0)
    }
}

fn one(n: Node) -> Fixture {
    Fixture::new(vec![(n, 1)], vec![], vec![])
}

#[test]
fn literal_with_gaps() {
    let f = one(lit(&["قال", "ان", ":"], &[true, false]));
    assert_eq!(f.end(0, "قال  ان:x", 0), Some(8));
    assert_eq!(f.end(0, "قال ان \n :", 0), Some(10)); // whitespace taken whole
    assert_eq!(f.end(0, "قالان:", 0), None); // a required gap
    assert_eq!(f.end(0, "x قال ان:", 2), Some(9));
}

#[test]
fn endpos_cuts() {
    let f = one(cat(vec![w("قال"), RB]));
    assert_eq!(f.run(0, "قالت", 0, Some(3)).map(|m| m.0), Some(3)); // the text ends at endpos
    assert_eq!(f.run(0, "قالت", 0, None), None);
    assert_eq!(f.run(0, "قالت", 0, Some(2)), None);
}

#[test]
fn conditions_see_before_pos() {
    let f = one(cat(vec![LB, Node::AnyWord]));
    assert_eq!(f.end(0, "ab cd", 3), Some(5));
    assert_eq!(f.end(0, "ab cd", 4), None); // a word character before
    let f = one(cat(vec![Node::Assert(AssertKind::NoSplit), w("b")]));
    assert_eq!(f.end(0, "ab", 1), None);
    assert_eq!(f.end(0, "a b", 2), Some(3));
}

#[test]
fn anyword_and_gap() {
    let f = one(cat(vec![Node::AnyWord, gap(true), Node::AnyWord]));
    assert_eq!(f.end(0, "كلمة_1   اخري،", 0), Some(13));
    assert_eq!(f.end(0, "كلمة،اخري", 0), None);
    let f = one(cat(vec![w("a"), gap(false), w(",")]));
    assert_eq!(f.end(0, "a,", 0), Some(2));
    assert_eq!(f.end(0, "a \t,", 0), Some(4));
}

#[test]
fn alternation_first_that_leads_to_a_match() {
    let f = one(cat(vec![alt(vec![w("ab"), w("a")]), w("bc")]));
    assert_eq!(f.end(0, "abc", 0), Some(3)); // "ab" then "bc" fails: "a" then "bc"
    let f = one(alt(vec![w("a"), w("ab")]));
    assert_eq!(f.end(0, "ab", 0), Some(1)); // first option wins, not the longest
}

#[test]
fn optional_greedy_and_possessive() {
    let body = cat(vec![w("a"), w("b")]);
    let f = Fixture::new(
        vec![
            (cat(vec![opt(body.clone(), false), w("b")]), 0),
            (cat(vec![opt(alt(vec![w("ab"), w("a")]), true), w("bc")]), 0),
            (cat(vec![opt(alt(vec![w("ab"), w("a")]), false), w("bc")]), 0),
        ],
        vec![],
        vec![],
    );
    assert_eq!(f.end(0, "abb", 0), Some(3));
    assert_eq!(f.end(0, "b", 0), Some(1));
    assert_eq!(f.end(1, "abc", 0), None); // possessive: "ab" kept, "bc" fails, no giving back
    assert_eq!(f.end(2, "abc", 0), Some(3)); // greedy: backs off to "a"
}

#[test]
fn repetition_greedy_backtracks() {
    // (a){0,}a : gives back one
    let f = one(cat(vec![rep(w("a"), 0, None, false), w("a")]));
    assert_eq!(f.end(0, "aaaa", 0), Some(4));
    // possessive never gives back
    let f = one(cat(vec![rep(w("a"), 0, None, true), w("a")]));
    assert_eq!(f.end(0, "aaaa", 0), None);
    // bounds
    let f = one(rep(w("a"), 2, Some(3), false));
    assert_eq!(f.end(0, "a", 0), None);
    assert_eq!(f.end(0, "aa", 0), Some(2));
    assert_eq!(f.end(0, "aaaaa", 0), Some(3));
    let f = one(rep(w("a"), 2, Some(3), true));
    assert_eq!(f.end(0, "aaaaa", 0), Some(3));
    assert_eq!(f.end(0, "a", 0), None);
}

#[test]
fn repetition_of_empty_items_stops() {
    // (gap?)* : an item that matches empty ends the repetition instead of looping
    let f = one(cat(vec![rep(gap(false), 0, None, false), w("x")]));
    assert_eq!(f.end(0, "  x", 0), Some(3));
    let f = one(cat(vec![rep(gap(false), 1, None, true), w("x")]));
    assert_eq!(f.end(0, "x", 0), None); // the empty try is dropped: 0 < min
    assert_eq!(f.end(0, " x", 0), Some(2));
}

#[test]
fn captures_in_repetitions_keep_the_last() {
    // (?:(word) gap?)+ then "!"
    let f = one(cat(vec![rep(cat(vec![group(0, Node::AnyWord), gap(false)]), 1, None, false), w("!")]));
    assert_eq!(f.run(0, "aa bb cc!", 0, None), Some((9, vec![(6, 8)])));
    // a group backed out of keeps its earlier span
    let f = one(cat(vec![rep(group(0, alt(vec![w("ab"), w("a")])), 0, None, false), w("b")]));
    assert_eq!(f.run(0, "abab", 0, None), Some((4, vec![(2, 3)])));
    // a group not taken part in
    let f = Fixture::new(vec![(cat(vec![opt(group(0, w("x")), false), group(1, w("y"))]), 2)], vec![], vec![]);
    assert_eq!(f.run(0, "y", 0, None), Some((1, vec![(-1, -1), (0, 1)])));
}

#[test]
fn possessive_repetition_discards_empty_iteration_captures() {
    // (?:(gap?))*+ x : the empty try's capture is dropped with it
    let f = one(cat(vec![rep(group(0, gap(false)), 0, None, true), w("x")]));
    assert_eq!(f.run(0, "x", 0, None), Some((1, vec![(-1, -1)])));
    assert_eq!(f.run(0, "  x", 0, None), Some((3, vec![(0, 2)])));
}

#[test]
fn lexicon_longest_first_with_multiword_entries() {
    let set = LexSet::new("l", &["قال", "قال ان", "ق"], &[], &[]);
    let f =
        Fixture::new(vec![(cat(vec![Node::Lex(0), RB]), 0), (cat(vec![Node::Lex(0), w("ال")]), 0)], vec![set], vec![]);
    assert_eq!(f.end(0, "قال \n ان x", 0), Some(8)); // a space in an entry reads the whole run
    assert_eq!(f.end(0, "قال انه", 0), Some(3)); // longest fails RB: backs off to قال
    assert_eq!(f.end(1, "قال", 0), Some(3)); // ق then ال
}

#[test]
fn lexicon_stems_and_suffixes_order() {
    // stems with suffixes: stem+longest suffix, ..., bare stem; then the rest
    let set = LexSet::new("v", &["قال", "قا"], &["ت", "وا"], &["قالتا"]);
    let t = Text::from_str("قالتا", &Classes::approximate());
    let (mut out, mut tmp) = (Vec::new(), Vec::new());
    set.ends(&t, 0, t.len(), &mut out, &mut tmp);
    // قال+ت (4), قال (3), قا (2), rest قالتا (5)
    assert_eq!(out, vec![4, 3, 2, 5]);
    let f = Fixture::new(vec![(cat(vec![Node::Lex(0), RB]), 0)], vec![set], vec![]);
    assert_eq!(f.end(0, "قالتا", 0), Some(5)); // only the rest ends at a word end
    assert_eq!(f.end(0, "قالوا", 0), Some(5));
}

#[test]
fn raw_regex_atomic_with_lookbehind_before_pos() {
    let f = Fixture::new(
        vec![(cat(vec![Node::Raw(0), w("x")]), 0), (Node::Raw(1), 0), (cat(vec![Node::Raw(2), RB]), 0)],
        vec![],
        vec![("(?<=ab)c+", "(?<=ab)c+"), (r"\d+(?=%)", r"\d+(?=%)"), ("a|ab", "a|ab")],
    );
    assert_eq!(f.end(0, "abccx", 2), Some(5));
    assert_eq!(f.end(0, "xbccx", 2), None);
    assert_eq!(f.run(1, "12%", 0, Some(2)), None); // the lookahead does not see past endpos
    assert_eq!(f.run(1, "12%", 0, None).map(|m| m.0), Some(2));
    assert_eq!(f.end(2, "ab", 0), None); // atomic: its first match "a" only, never "ab"
}

#[test]
fn raw_regex_compile_error_is_an_error() {
    let err = RawRegex::new("(?<=a+", "(?<=a+").err().unwrap();
    assert!(err.contains("(?<=a+"), "{err}");
}

#[test]
fn long_repetition_has_no_recursion() {
    let f = one(cat(vec![rep(cat(vec![Node::AnyWord, gap(false)]), 0, None, false), w(".")]));
    let text = "كلمة ".repeat(20000) + ".";
    assert_eq!(f.end(0, &text, 0), Some(text.chars().count()));
    let text = "كلمة ".repeat(20000);
    assert_eq!(f.end(0, &text, 0), None);
}

#[test]
fn json_round_trip_and_errors() {
    let json = r#"{"format": "arabic_rules.native/3", "word": [[48, 57], [65, 90], [95, 95], [97, 122], [1569, 1610]],
      "space": [[9, 13], [32, 32]],
      "sets": [{"name": "l", "forms": ["ab", "a b"], "suffixes": [], "rest": []}],
      "raws": [{"source": "c", "regex": "c"}],
      "programs": [{"name": "r", "groups": 1, "report": 1,
        "node": ["cat", [["assert", "LB"], ["group", 0, ["lex", 0]], ["opt", ["raw", 0], true],
                         ["rep", ["gap", false], 0, null, false], ["alt", [["lit", ["x", "y"], [true]], ["word"]]]]]}]}"#;
    let core = core_from_json(json).unwrap();
    let t = Text::from_str("a  b c x y", &core.classes);
    assert_eq!(core.run(0, &t, 0, t.len(), &mut Scratch::default()).unwrap(), Some((6, vec![(0, 4)])));
    let t = Text::from_str("abc x  y", &core.classes);
    assert_eq!(core.run(0, &t, 0, t.len(), &mut Scratch::default()).unwrap(), Some((8, vec![(0, 2)])));
    let bad = json.replace(r#""regex": "c""#, r#""regex": "(c""#);
    assert!(core_from_json(&bad).err().unwrap().contains("raw regex `c`"));
    let bad = json.replace(r#"["lex", 0]"#, r#"["lex", 3]"#);
    assert!(core_from_json(&bad).is_err());
    assert!(core_from_json("{").is_err());
}

#[test]
fn positions_past_endpos() {
    // as the executor: an empty match is still possible when pos > endpos
    let f = one(gap(false));
    assert_eq!(f.run(0, "ab", 2, Some(1)).map(|m| m.0), Some(2));
    let f = one(w("b"));
    assert_eq!(f.run(0, "ab", 1, Some(0)), None);
}

#[test]
fn lookahead_reads_nothing_and_keeps_captures() {
    let look = |n: Node, negate: bool| Node::Look { node: Box::new(n), negate };
    // &(word) then the word again: the condition's capture is kept, its reading is not
    let f = one(cat(vec![look(group(0, Node::AnyWord), false), Node::AnyWord]));
    assert_eq!(f.run(0, "abc d", 0, None), Some((3, vec![(0, 3)])));
    // !x: one word where "ال" does not start
    let f = one(cat(vec![look(w("ال"), true), Node::AnyWord]));
    assert_eq!(f.end(0, "الكتاب", 0), None);
    assert_eq!(f.end(0, "كتاب", 0), Some(4));
    // a negative condition's captures are never kept; an atomic positive one: first outcome only
    let f = one(cat(vec![opt(look(group(0, w("a")), true), false), w("b")]));
    assert_eq!(f.run(0, "b", 0, None), Some((1, vec![(-1, -1)])));
    let f = one(cat(vec![look(alt(vec![w("a"), w("ab")]), false), w("ab")]));
    assert_eq!(f.end(0, "ab", 0), Some(2));
    let f = one(cat(vec![look(cat(vec![alt(vec![w("a"), w("ab")]), w("c")]), false), w("ab")]));
    assert_eq!(f.end(0, "abc", 0), Some(2)); // the condition itself backtracks inside
                                             // backtracking past a condition into earlier choices
    let f = one(cat(vec![alt(vec![w("a"), w("ab")]), look(w("c"), false), w("c")]));
    assert_eq!(f.end(0, "abc", 0), Some(3));
}

#[test]
fn a_runaway_run_stops_at_the_deadline() {
    // (word gap | word gap word gap)* "!" over 60 words and no "!": exponential backtracking
    let item = alt(vec![
        cat(vec![Node::AnyWord, gap(false)]),
        cat(vec![Node::AnyWord, gap(false), Node::AnyWord, gap(false)]),
    ]);
    let f = one(cat(vec![rep(item, 0, None, false), w("!")]));
    let text = "ab ".repeat(60);
    let t = Text::from_str(&text, &f.core.classes);
    let mut s = Scratch::with_deadline(Some(std::time::Instant::now() + std::time::Duration::from_millis(50)));
    let started = std::time::Instant::now();
    let got = f.core.run(0, &t, 0, t.len(), &mut s);
    assert!(got.is_err() && s.timed_out, "{got:?}");
    assert!(started.elapsed().as_secs_f64() < 5.0);
}

#[test]
fn steps_are_counted_and_a_budget_stops_a_run() {
    // the same run counts the same steps; a run that backtracks without end stops at its
    // budget with `over_budget` set; the steps of a condition's sub-program count too
    let item = alt(vec![
        cat(vec![Node::AnyWord, gap(false)]),
        cat(vec![Node::AnyWord, gap(false), Node::AnyWord, gap(false)]),
    ]);
    let f = one(cat(vec![rep(item, 0, None, false), w("!")]));
    let count = |text: &str, budget: Option<u64>| {
        let t = Text::from_str(text, &f.core.classes);
        let mut s = Scratch::with_budget(budget);
        let got = f.core.run(0, &t, 0, t.len(), &mut s);
        (got.is_err(), s.over_budget, s.work)
    };
    let (small, large) = (count(&"ab ".repeat(8), None), count(&"ab ".repeat(16), None));
    assert_eq!(small, count(&"ab ".repeat(8), None));
    assert!(!small.0 && large.2 > 20 * small.2, "{small:?} {large:?}"); // exponential growth
    assert_eq!(count(&"ab ".repeat(60), Some(100_000)), (true, true, 100_001));
    let look = |n: Node| Node::Look { node: Box::new(n), negate: false };
    let f = one(cat(vec![look(cat(vec![Node::AnyWord, gap(false), w("x")])), Node::AnyWord]));
    let t = Text::from_str("ab x", &f.core.classes);
    let mut s = Scratch::default();
    assert_eq!(f.core.run(0, &t, 0, t.len(), &mut s).unwrap().map(|m| m.0), Some(2));
    let outer = s.work;
    let f2 = one(Node::AnyWord);
    let mut s2 = Scratch::default();
    f2.core.run(0, &t, 0, t.len(), &mut s2).unwrap();
    assert!(outer > s2.work + 3, "{outer} {}", s2.work);
}

#[test]
fn raw_answers_are_remembered_per_text_only() {
    // the raw item is asked twice at the same place (once per option): both times it matches
    let raw = Node::Raw(0);
    let prog = alt(vec![cat(vec![raw.clone(), gap(true), w("x")]), cat(vec![raw, gap(true), w("y")])]);
    let f = Fixture::new(vec![(prog, 0)], vec![], vec![("\\w+(?=\\s)", "\\w+(?=\\s)")]);
    let (a, b) = (Text::from_str("cat y", &f.core.classes), Text::from_str("dog x", &f.core.classes));
    let mut s = Scratch::default();
    assert_eq!(f.core.run(0, &a, 0, a.len(), &mut s).unwrap().map(|m| m.0), Some(5));
    // one scratch, another text: the first text's answers do not carry over
    let short = Text::from_str("dogx", &f.core.classes);
    assert_eq!(f.core.run(0, &short, 0, short.len(), &mut s).unwrap(), None);
    assert_eq!(f.core.run(0, &b, 0, b.len(), &mut s).unwrap().map(|m| m.0), Some(5));
    // the window is part of the question: cut before the space, the lookahead fails
    assert_eq!(f.core.run(0, &b, 0, 3, &mut s).unwrap(), None);
    assert_eq!(f.core.run(0, &b, 0, b.len(), &mut s).unwrap().map(|m| m.0), Some(5));
}

#[test]
fn long_alternations_try_in_order_only_the_options_that_can_start() {
    // compiled to a dispatch table (3 options or more): options in order, the first that lets the
    // rest match wins, options that cannot start at the character are skipped, and an option that
    // can match empty is tried anywhere
    let opts = alt(vec![w("ab"), w("a"), w("中文"), w("b"), opt(w("x"), false)]);
    let f = one(cat(vec![group(0, opts), w("b")]));
    assert_eq!(f.run(0, "abb", 0, None), Some((3, vec![(0, 2)]))); // "ab" then "b"
    assert_eq!(f.run(0, "ab", 0, None), Some((2, vec![(0, 1)]))); // "ab" leaves no "b": "a"
    assert_eq!(f.run(0, "中文b", 0, None), Some((3, vec![(0, 2)]))); // a character without a row
    assert_eq!(f.run(0, "bb", 0, None), Some((2, vec![(0, 1)])));
    assert_eq!(f.run(0, "b", 0, None), Some((1, vec![(0, 0)]))); // "b" leaves none: the empty option
    assert_eq!(f.run(0, "zb", 0, None), None);
    assert_eq!(f.run(0, "ab", 0, Some(0)), None); // at the window's end only the empty option, then no "b"
                                                  // more than 64 options (two words of bits), the one that matches last
    let mut many: Vec<Node> = (0..70).map(|i| w(&format!("q{i}"))).collect();
    many.push(w("ok"));
    let f = one(group(0, alt(many)));
    assert_eq!(f.run(0, "ok", 0, None), Some((2, vec![(0, 2)])));
    assert_eq!(f.run(0, "q69", 0, None), Some((2, vec![(0, 2)]))); // "q6" comes first: it wins
    assert_eq!(f.run(0, "q6", 0, None), Some((2, vec![(0, 2)])));
}

#[test]
fn look_back_reads_what_ends_here() {
    let back = |n: Node, negate: bool, tokens: usize| Node::Behind { node: Box::new(n), negate, tokens };
    // <&!(التي | الذي) then a word: the word before (and the gap) is not a relative
    let rel = cat(vec![LB, alt(vec![w("التي"), w("الذي")]), RB, gap(false)]);
    let f = one(cat(vec![back(rel.clone(), true, 1), LB, Node::AnyWord]));
    assert_eq!(f.end(0, "الحكومة كانت", 8), Some(12));
    assert_eq!(f.end(0, "الحكومة التي كانت", 13), None);
    assert_eq!(f.end(0, "التي كانت", 5), None);
    assert_eq!(f.end(0, "كانت", 0), Some(4)); // nothing before: nothing matches there
                                              // a positive one, and one that looks further: ما and up to two words before
    let f = one(cat(vec![back(rel, false, 1), Node::AnyWord]));
    assert_eq!(f.end(0, "التي  كانت", 6), Some(10));
    let ma = cat(vec![LB, w("ما"), RB, rep(cat(vec![gap(true), Node::AnyWord]), 0, Some(2), false), gap(false)]);
    let f = one(cat(vec![back(ma.clone(), true, 3), w("قال")]));
    assert_eq!(f.end(0, "وهو ما قد قال", 10), None);
    assert_eq!(f.end(0, "ما هو قد قال", 9), None);
    assert_eq!(f.end(0, "ما كان هو قد قال", 13), Some(16)); // three words between: out of reach
                                                            // the body sees nothing after its point: a word it reads stops there
    let f =
        one(cat(vec![w("ال"), back(cat(vec![Node::AnyWord, Node::Assert(AssertKind::Rb)]), false, 1), Node::AnyWord]));
    assert_eq!(f.end(0, "الوزير", 0), Some(6));
    // glued: a word ending (a cue that does not end in ه)
    let say = Node::Lex(0);
    let sets = vec![LexSet::new("say", &["استبعد"], &["ه", "ها"], &[])];
    let f = Fixture::new(vec![(cat(vec![LB, say, back(alt(vec![w("ه"), w("ها")]), true, 1), RB]), 0)], sets, vec![]);
    assert_eq!(f.end(0, "استبعد قرار", 0), Some(6));
    assert_eq!(f.end(0, "استبعده قرار", 0), None);
    assert_eq!(f.end(0, "استبعدها", 0), None);
}

#[test]
fn line_checks_look_back_over_whitespace() {
    let at = |kind: AssertKind| one(cat(vec![Node::Assert(kind), Node::AnyWord]));
    let (line, para, sent) = (at(AssertKind::LineStart), at(AssertKind::ParagraphStart), at(AssertKind::SentenceStart));
    let text = "a b\n c\n \n d. e";
    // a: the text starts; b: same line; c: after a line break; d: after a blank line; e: after a period
    let want = [
        (0, true, true, true),
        (2, false, false, false),
        (5, true, false, true),
        (10, true, true, true),
        (13, false, false, true),
    ];
    for (pos, l, p, s) in want {
        assert_eq!(line.end(0, text, pos).is_some(), l, "line {pos}");
        assert_eq!(para.end(0, text, pos).is_some(), p, "paragraph {pos}");
        assert_eq!(sent.end(0, text, pos).is_some(), s, "sentence {pos}");
    }
}

#[test]
fn remembered_sub_programs_answer_as_in_line_parts() {
    // lookaheads and possessive items that read a lexicon run as sub-programs whose answers are
    // remembered per text; programs that share one share its answers (one scratch throughout)
    let look = |n: Node, negate: bool| Node::Look { node: Box::new(n), negate };
    let lex = Node::Lex(0);
    let f = Fixture::new(
        vec![
            (cat(vec![look(lex.clone(), true), Node::AnyWord]), 0),
            (cat(vec![look(lex.clone(), false), Node::AnyWord]), 0),
            (cat(vec![rep(cat(vec![lex.clone(), gap(false)]), 0, None, true), w("x")]), 0),
            (cat(vec![opt(cat(vec![lex.clone(), gap(true)]), true), w("b")]), 0),
        ],
        vec![LexSet::new("s", &["ab", "a"], &[], &[])],
        vec![],
    );
    let prog = f.core.programs.iter().map(|p| p.subs.len()).collect::<Vec<_>>();
    assert_eq!(prog, vec![1, 1, 1, 1]);
    assert_eq!(f.core.programs[0].sub_ids, f.core.programs[1].sub_ids); // one question, one number
    let t = Text::from_str("ab x", &f.core.classes);
    let mut s = Scratch::default();
    let mut run =
        |prog: usize, t: &Text, pos: usize, end: usize| f.core.run(prog, t, pos, end, &mut s).unwrap().map(|m| m.0);
    assert_eq!(run(0, &t, 0, 4), None); // "ab" is in the lexicon
    assert_eq!(run(1, &t, 0, 4), Some(2));
    assert_eq!(run(0, &t, 3, 4), Some(4));
    assert_eq!(run(1, &t, 3, 4), None);
    assert_eq!(run(1, &t, 0, 1), Some(1)); // the window is part of the question: "a" then
    assert_eq!(run(1, &t, 0, 0), None);
    assert_eq!(run(1, &t, 0, 4), Some(2));
    let t2 = Text::from_str("ab a x", &f.core.classes);
    assert_eq!(run(2, &t2, 0, 6), Some(6));
    let t3 = Text::from_str("ab ab", &f.core.classes);
    assert_eq!(run(2, &t3, 0, 5), None); // possessive: it gives nothing back, and no "x"
    assert_eq!(run(0, &t3, 0, 5), None);
    let t4 = Text::from_str("ab b", &f.core.classes);
    assert_eq!(run(3, &t4, 0, 4), Some(4));
    let t5 = Text::from_str("b", &f.core.classes);
    assert_eq!(run(3, &t5, 0, 1), Some(1));
    assert_eq!(run(1, &t5, 0, 1), None); // another text: nothing carried over
}

#[test]
fn repeated_literals_are_kept_once() {
    // a cue word in every option: one literal, and each option still matches as before
    let options = (0..6).map(|i| cat(vec![w("قال"), gap(true), w(&format!("w{i}"))])).collect();
    let f = one(alt(options));
    assert_eq!(f.core.programs[0].lits.len(), 7); // "قال" once, w0..w5
    assert_eq!(f.end(0, "قال w4 x", 0), Some(6));
    assert_eq!(f.end(0, "قال w9", 0), None);
}

#[test]
fn json_parts_missing_or_malformed() {
    let base = r#"{"format": "arabic_rules.native/3", "word": [[97, 122]], "space": [[32, 32]], "sets": [], "raws": [],
      "programs": [{"name": "r", "groups": 0, "node": ["word"]}]}"#;
    assert!(core_from_json(base).is_ok());
    assert!(core_from_json(&base.replace(r#""sets": [], "#, "")).err().unwrap().contains("\"sets\""));
    assert!(core_from_json(&base.replace(r#""word": [[97, 122]], "#, "")).err().unwrap().contains("\"word\""));
    assert!(core_from_json(&base.replace("native/3", "native/2")).err().unwrap().contains("format"));
    assert!(core_from_json(&base.replace(r#"["word"]"#, r#"["nope"]"#)).err().unwrap().contains("program 0"));
}

#[test]
fn node_table_shares_sub_trees_and_their_compiled_bodies() {
    // entry 2 (a negated look at a run of "a") is used by two programs, and inside entry 3
    let json = r#"{"format": "arabic_rules.native/3", "word": [[97, 122]], "space": [[32, 32]], "sets": [], "raws": [],
      "nodes": [["lit", ["a"], []], ["rep", 0, 1, null, true], ["look", 1, true], ["cat", [2, ["word"]]]],
      "programs": [{"name": "p0", "groups": 0, "node": 3},
                   {"name": "p1", "groups": 0, "node": ["cat", [["lit", ["b"], []], ["gap", false], 2, ["word"]]]},
                   {"name": "p2", "groups": 1, "node": ["group", 0, 3]}]}"#;
    let core = core_from_json(json).unwrap();
    let subs = |i: usize| core.programs[i].subs.clone();
    assert_eq!((subs(0).len(), subs(1).len(), subs(2).len()), (1, 1, 1));
    assert!(std::sync::Arc::ptr_eq(&subs(0)[0], &subs(1)[0])); // compiled once, shared
    assert!(!std::sync::Arc::ptr_eq(&subs(0)[0], &subs(2)[0])); // (another group count: its own)
    let run = |prog: usize, text: &str| {
        let t = Text::from_str(text, &core.classes);
        core.run(prog, &t, 0, t.len(), &mut Scratch::default()).unwrap()
    };
    assert_eq!(run(0, "bc").map(|m| m.0), Some(2));
    assert_eq!(run(0, "ab"), None);
    assert_eq!(run(1, "b cd").map(|m| m.0), Some(4));
    assert_eq!(run(1, "b ad"), None);
    assert_eq!(run(2, "xy"), Some((2, vec![(0, 2)])));
    // an entry reads only earlier entries; a group's index is checked for each program
    assert!(core_from_json(&json.replace(r#"["rep", 0,"#, r#"["rep", 3,"#)).err().unwrap().contains("node 1"));
    assert!(core_from_json(&json.replace(r#""groups": 1"#, r#""groups": 0"#)).err().unwrap().contains("program 2"));
}

#[test]
fn a_lexicon_needed_after_a_repetition_is_looked_for_once_per_text() {
    // (a | b){0,4} then a small lexicon at a word start: where the text has none of its entries
    // from the position on, the run fails at once (`Insn::Needs`), with the same answers
    let node =
        cat(vec![rep(cat(vec![alt(vec![w("a"), w("b")]), gap(false)]), 0, Some(4), false), LB, Node::Lex(0), RB]);
    let f = Fixture::new(vec![(node, 0)], vec![LexSet::new("q", &["qx", "qy"], &[], &[])], vec![]);
    let insns = &f.core.programs[0].insns;
    assert!(insns.iter().any(|i| matches!(i, crate::program::Insn::Needs(0, true))));
    assert_eq!(f.end(0, "a b a qx", 0), Some(8));
    assert_eq!(f.end(0, "a b a q", 0), None);
    assert_eq!(f.end(0, "a b azqx", 0), None); // (an entry inside a word does not count)
    assert_eq!(f.end(0, "qy a b", 0), Some(2));
    assert_eq!(f.end(0, "qy a b", 3), None); // the only entry lies before the position
                                             // one set of buffers over two texts: what was known of the first is not used for the second
    let mut s = Scratch::default();
    let (t1, t2) = (Text::from_str("a b", &f.core.classes), Text::from_str("a b qy", &f.core.classes));
    assert_eq!(f.core.run(0, &t1, 0, t1.len(), &mut s).unwrap(), None);
    assert_eq!(f.core.run(0, &t2, 0, t2.len(), &mut s).unwrap().map(|m| m.0), Some(6));
    s.renew(None);
    assert_eq!(f.core.run(0, &t1, 0, t1.len(), &mut s).unwrap(), None);
}

/// A guard never rejects a start where the program matches, and does reject where the event
/// cannot come (a full stop before any colon or quotation mark, no `that` word before it).
#[test]
fn guards_admit_every_match_and_reject_what_cannot_match() {
    use crate::guard::{Analyzer, Cursor, LexStarts};
    let that = LexSet::new("that", &["an", "anna"], &[] as &[&str], &[] as &[&str]);
    let say = LexSet::new("say", &["said", "told"], &[] as &[&str], &[] as &[&str]);
    // say (word | "(" word{1,3} ")" | "-"){0,6} (":" word | '"' word '"')
    let speaker = rep(
        alt(vec![Node::AnyWord, cat(vec![w("("), gap(false), Node::AnyWord, gap(false), w(")")]), w("-")]),
        0,
        Some(6),
        false,
    );
    let quote = Node::Raw(0);
    let p0 = cat(vec![
        LB,
        Node::Lex(1),
        gap(false),
        rep(cat(vec![speaker, gap(false)]), 0, Some(2), false),
        alt(vec![cat(vec![w(":"), gap(false), Node::AnyWord]), quote]),
    ]);
    // say word{0,4} LB that RB word
    let p1 = cat(vec![
        LB,
        Node::Lex(1),
        rep(cat(vec![gap(true), Node::AnyWord]), 0, Some(4), false),
        gap(true),
        LB,
        Node::Lex(0),
        RB,
        gap(true),
        Node::AnyWord,
    ]);
    let f = Fixture::new(vec![(p0.clone(), 0), (p1.clone(), 0)], vec![that, say], vec![("\"\\w+\"", "\"\\w+\"")]);
    let raws: Vec<RawRegex> = vec![RawRegex::new("q", "\"\\w+\"")
        .unwrap()
        .with_first(Some(crate::text::CharSet::from_ranges(&[(34, 34)])), false)];
    let analyzer = Analyzer::new(&f.core.sets, &raws, &f.core.classes);
    let g0 = analyzer.guards(&p0);
    let g1 = analyzer.guards(&p1);
    assert!(!g0.is_empty() && !g1.is_empty());
    let texts = [
        "said the man - (x y) : yes. told him \"ok\" said so. said x",
        "said a b c an d. said a b. anna said x anna y. told banana z",
        "said (a. b) : c said :",
    ];
    let mut rejected = 0;
    for text in texts {
        let t = Text::from_str(text, &f.core.classes);
        for (prog, guards) in [(0, &g0), (1, &g1)] {
            let mut cursors = [Cursor::default(); 4];
            let mut lex = LexStarts::default();
            for q in 0..t.len() {
                let admitted = guards
                    .iter()
                    .zip(cursors.iter_mut())
                    .all(|(g, c)| g.admits(&f.core.sets, &t, q, t.len(), c, &mut lex));
                let matched = f.core.run(prog, &t, q, t.len(), &mut Scratch::default()).unwrap().is_some();
                assert!(admitted || !matched, "program {prog} matches at {q} of {text:?} but a guard rejects it");
                rejected += (!admitted && text[..].chars().nth(q).is_some_and(|c| c == 's')) as usize;
            }
        }
    }
    assert!(rejected >= 3, "the guards rejected only {rejected} cue starts");
}

/// `CharSet::from_ranges` and `ranges` (a word of the bitmap at a time) against a set built one
/// character at a time, on ranges across word edges, whole words and the BMP's end.
#[test]
fn charset_ranges_round_trip() {
    use crate::text::CharSet;
    let cases: Vec<Vec<(u32, u32)>> = vec![
        vec![],
        vec![(0, 0)],
        vec![(0, 63)],
        vec![(0, 64)],
        vec![(63, 64)],
        vec![(1, 62), (64, 127), (128, 128)],
        vec![(5, 200), (300, 300), (0x600, 0x6FF), (0xFFF0, 0x10010)],
        vec![(0, 0xFFFF)],
        vec![(65, 65), (66, 70), (200, 190)],
    ];
    for ranges in cases {
        let set = CharSet::from_ranges(&ranges);
        let mut want: Vec<(u32, u32)> = Vec::new();
        for c in 0..=0xFFFFu32 {
            if ranges.iter().any(|&(lo, hi)| lo <= c && c <= hi) {
                match want.last_mut() {
                    Some(r) if r.1 + 1 == c => r.1 = c,
                    _ => want.push((c, c)),
                }
            }
        }
        for &(lo, hi) in &ranges {
            if hi > 0xFFFF && lo <= hi {
                want.push((lo.max(0x10000), hi));
            }
        }
        assert_eq!(set.ranges(), want, "ranges {ranges:?}");
        for c in [0u32, 63, 64, 65, 127, 128, 199, 200, 201, 0x600, 0xFFFF] {
            let inside = ranges.iter().any(|&(lo, hi)| lo <= c && c <= hi);
            assert_eq!(set.contains(char::from_u32(c).unwrap()), inside, "{c:x} in {ranges:?}");
        }
    }
}
