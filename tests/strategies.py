"""Hypothesis strategies: Arabic text as it really comes, pattern ASTs, rule files, pack sentences.

Texts mix letters (every alef, hamza, yaa and taa-marbuta variant) with harakat, shadda
combinations and tatweel, three digit scripts, Arabic and Latin punctuation, quotes, Latin words,
line breaks inside sentences, bidi marks and joiners, and NBSP. Pattern ASTs are the ones the
parser can produce, so ``parse_pattern(render(ast)) == ast`` is a fair property.
"""
from __future__ import annotations

from functools import cache

from hypothesis import strategies as st

from arabic_rules import syntax
from arabic_rules.syntax import (Alt, AnyWord, BuiltinRef, Capture, Cond, Glue, LexRef, Phrase, Raw, Repeat, Seq,
                                 SubRef, Word)

# --- characters ---------------------------------------------------------------------------------

LETTERS = "ابتثجحخدذرزسشصضطظعغفقكلمنهوي"
VARIANTS = "أإآٱءؤئىیةک"  # alef/hamza seats, alef maqsura, Persian yeh, taa marbuta, keheh
DIACRITICS = [chr(c) for c in range(0x064B, 0x0653)] + ["\u0670"]
SHADDA_COMBOS = ["\u0651\u064e", "\u0651\u064f", "\u0651\u0650", "\u0651\u064b", "\u0651\u064c", "\u0651\u064d"]
TATWEEL = "\u0640"
DIGITS = "0123456789" + "".join(chr(0x0660 + d) for d in range(10)) + "".join(chr(0x06F0 + d) for d in range(10))
PUNCT = list("،؛؟.,:;!?-()/٪%٫٬") + ["«", "»", "“", "”", '"', "'"]
SPACES = [" ", " ", " ", " ", "\n", "  ", " \n ", "\u00a0", "\t"]
FORMAT = ["\u200e", "\u200f", "\u061c", "\u200c", "\u200d"]
LATIN_WORDS = ["AFP", "Reuters", "COVID-19", "km", "OK", "iPhone", "x"]

# Folds the normalizer makes: normalized char -> spellings that fold to it.
UNFOLD = {
    "ا": "اأإآٱ",
    "ي": "يىی",
    "ك": "كک",
    **{str(d): str(d) + chr(0x0660 + d) + chr(0x06F0 + d) for d in range(10)},
}
INVISIBLE = DIACRITICS + SHADDA_COMBOS + [TATWEEL] + FORMAT
# marks that change no match: the number pack reads the damma of خُمس / ثُمن (a fifth, an eighth,
# against five and a price: rule number.fraction_marked), so respelling leaves it out
NEUTRAL = [m for m in INVISIBLE if "\u064f" not in m]


@st.composite
def arabic_word(draw) -> str:
    """A word: letters or variants, each maybe followed by harakat/shadda, maybe tatweel inside."""
    n = draw(st.integers(1, 7))
    out = []
    for i in range(n):
        out.append(draw(st.sampled_from(LETTERS + VARIANTS)))
        if draw(st.integers(0, 3)) == 0:
            out.append(draw(st.sampled_from(DIACRITICS + SHADDA_COMBOS)))
        if 0 < i < n - 1 and draw(st.integers(0, 8)) == 0:
            out.append(TATWEEL * draw(st.integers(1, 3)))
    return "".join(out)


number_token = st.text(alphabet=DIGITS, min_size=1, max_size=5)
token = st.one_of(
    arabic_word(), arabic_word(), arabic_word(), number_token, st.sampled_from(PUNCT),
    st.sampled_from(LATIN_WORDS),
)
separator = st.one_of(st.sampled_from(SPACES), st.sampled_from(FORMAT), st.just(""))


@st.composite
def arabic_text(draw, max_tokens: int = 30, words=None) -> str:
    """Arabic-looking text; ``words`` (a strategy) adds words of one's choice to the mix."""
    tok = token if words is None else st.one_of(token, words, words)
    toks = draw(st.lists(tok, max_size=max_tokens))
    out = []
    for t in toks:
        out.append(t)
        out.append(draw(st.sampled_from([" ", " ", " "]) | separator))
    if draw(st.booleans()):
        out.insert(0, draw(st.sampled_from(FORMAT)))
    return "".join(out)


any_unicode = st.text(alphabet=st.characters(blacklist_categories=()), max_size=200)  # surrogates too


# --- perturbations that the normalizer undoes -----------------------------------------------------

@st.composite
def respell(draw, text: str) -> str:
    """``text`` with invisible marks inserted and letters swapped for variants that fold the same.

    Only marks that the normalizer deletes and no rule reads (NEUTRAL) are inserted, and only
    inside or after a word (after a letter or digit), never between two whitespace characters,
    so the words stay the words.
    """
    out = []
    for c in text:
        choices = UNFOLD.get(c)
        out.append(draw(st.sampled_from(choices)) if choices and draw(st.booleans()) else c)
        if c.isalnum() and draw(st.integers(0, 4)) == 0:
            out.append(draw(st.sampled_from(NEUTRAL)))
    return "".join(out)


# --- sentences from the shipped lexicons ---------------------------------------------------------

@cache
def pack_lexicons() -> dict[str, tuple[str, ...]]:
    """Normalized forms of every lexicon of the default engine (grows with the packs)."""
    from arabic_rules import Engine

    return {name: tuple(sorted(forms)) for name, forms in Engine.default().pack.lexicons.items() if forms}


@st.composite
def pack_sentence(draw, max_tokens: int = 25) -> str:
    """A sentence mixing forms of the shipped lexicons, numbers, quotes and ordinary words."""
    lex = pack_lexicons()
    names = sorted(lex)
    form = st.sampled_from(names).flatmap(lambda n: st.sampled_from(lex[n]))
    glued = st.tuples(st.sampled_from(["و", "ف", "ب", "ال", ""]), form).map("".join)
    quote = st.sampled_from(['"', "«", "»", "“", "”", ":", "،", "."])
    return draw(arabic_text(max_tokens=max_tokens, words=st.one_of(form, glued, quote,
                                                                   number_token.map(lambda d: d[:2]))))


# --- pattern ASTs ----------------------------------------------------------------------------------

NAMES = st.from_regex(r"[A-Za-z][A-Za-z0-9_]{0,6}", fullmatch=True)
REF_NAMES = st.from_regex(r"[A-Za-z][A-Za-z0-9_.]{0,6}", fullmatch=True)
BARE = st.text(alphabet=st.characters(whitelist_categories=("L", "N")), min_size=1, max_size=6).filter(
    lambda s: syntax._BARE_WORD.fullmatch(s) is not None)
PHRASE = st.text(alphabet=st.characters(blacklist_categories=("Cs", "Cc")), min_size=1, max_size=8).filter(
    lambda s: s.strip() and "\n" not in s and "\r" not in s)
# Raw sources as the parser produces them: a quote is written \" in the pattern and stored as ",
# so a stored source never has a backslash right before a quote.
BUILTINS = st.sampled_from(["quotation", "digits", "integer"])
RAWS = st.sampled_from([r"[0-9]{1,2}", r"[0-9]+(?:\.[0-9]+)?", r"«[^»]+»", r'"[^"]+"', r"a\\b", r"x|y", "ا",
                        r"\d\\"])


def _atoms(words=BARE, lexicons=REF_NAMES, macros=REF_NAMES, raws=True):
    options = [words.map(Word), lexicons.map(LexRef), st.just(AnyWord())]
    if macros is not None:
        options.append(macros.map(SubRef))
    if raws:
        options += [PHRASE.map(Phrase), RAWS.map(Raw), BUILTINS.map(BuiltinRef)]
    return st.one_of(*options)


def _quantified(inner):
    q = st.sampled_from([(0, 1), (0, None), (1, None), (2, 2), (1, 3), (0, 4), (2, None)])
    return st.tuples(inner, q).map(lambda t: Repeat(t[0], *t[1]))


def pattern_asts(atoms=None, max_leaves: int = 12):
    """Any AST the parser can produce (sequences/alternations/glues of two or more)."""
    atoms = atoms if atoms is not None else _atoms()

    def extend(children):
        return st.one_of(
            st.lists(children, min_size=2, max_size=4).map(lambda xs: Seq(tuple(xs))),
            st.lists(children, min_size=2, max_size=3).map(lambda xs: Alt(tuple(xs))),
            st.lists(children, min_size=2, max_size=3).map(lambda xs: Glue(tuple(xs))),
            _quantified(children),
            st.tuples(NAMES, children).map(lambda t: Capture(*t)),
        )

    return st.recursive(atoms, extend, max_leaves=max_leaves)


# --- random rule files for the differential test ------------------------------------------------

VOCAB = ("قال", "قالت", "الوزير", "وزير", "و", "ف", "ال", "كانون", "الاول", "امس", "12", "ب")
LEXICONS = {"say": ("قال", "قالت", "اكد"), "who": ("الوزير", "وزير", "الوزير الاول"),
            "pre": ("و", "ف", "ب")}
DIFF_WORDS = st.sampled_from(VOCAB)
DIFF_PUNCT = st.sampled_from([":", "،", "«", "»"])


# numbers in digits as the news writes them, for the built-in numbers (%digits, %integer)
DIFF_NUMBERS = st.sampled_from(["12", "2,500", "1،250،000", "3.5", "٣٫٥", "2,5", "0،4", "1,1075", "-7", "+3", "40-55",
                                "7:45", "3:1", "19:60", "1 250", "1 250.5", "1 250.123", "كوفيد-19", "5.", ".5", "4.4.2",
                                "12,3456", "1,234,5678", "2017", "1،2345"])


def _reference_atoms(builtins: bool = True):
    """The atoms of the differential patterns; a look back reads no built-in item (E115)."""
    atoms = [DIFF_WORDS.map(Word), DIFF_WORDS.map(Word),
             st.sampled_from(sorted(LEXICONS)).map(LexRef), st.just(AnyWord()),
             DIFF_PUNCT.map(Phrase), st.sampled_from(["قال الوزير", "«", "كانون الاول"]).map(Phrase)]
    if builtins:
        atoms.append(st.sampled_from(["digits", "integer"]).map(BuiltinRef))
    return st.one_of(*atoms)


def _glue_part():
    word_like = st.one_of(DIFF_WORDS.map(Word), st.sampled_from(["say", "pre"]).map(LexRef))
    return st.one_of(word_like, word_like.map(lambda n: Repeat(n, 0, 1)))


@st.composite
def reference_patterns(draw, depth: int = 3):
    """Patterns in the subset the reference matcher implements (see tests/reference.py):
    words, phrases, @lexicons of word forms, _, the built-in numbers %digits and %integer,
    sequences, alternations, ``? * + {m,n}`` over items that cannot match empty, captures (never
    inside a repetition), and glue chains of words/word lexicons (optionally ``?``) that may end
    in ``_``. No raw regexes, no macros."""
    return draw(_ref_node(depth, captures=True))


def _ref_node(depth: int, captures: bool):
    leaf = _reference_atoms()
    if depth == 0:
        return leaf
    sub = st.deferred(lambda: _ref_node(depth - 1, captures))
    sub_nocap = st.deferred(lambda: _ref_node(depth - 1, False))
    glue = st.tuples(st.lists(_glue_part(), min_size=1, max_size=2),
                     st.one_of(DIFF_WORDS.map(Word), st.sampled_from(["say"]).map(LexRef), st.just(AnyWord()))
                     ).map(lambda t: Glue((*t[0], t[1])))
    # a look back before an item: a word, lexicon entry or phrase, or two or three of them in a
    # row or as options (<&!(قال | الوزير) _, <&(و ال) @who)
    back_leaf = _reference_atoms(builtins=False)
    back_body = st.one_of(back_leaf, st.lists(back_leaf, min_size=2, max_size=3).map(lambda xs: Seq(tuple(xs))),
                          st.lists(back_leaf, min_size=2, max_size=3).map(lambda xs: Alt(tuple(xs))))
    look_back = st.tuples(back_body, st.booleans(), sub).map(lambda t: Seq((Cond(t[0], t[1], back=True), t[2])))
    options = [
        leaf, leaf, glue, look_back, look_back,
        st.lists(sub, min_size=2, max_size=4).map(lambda xs: Seq(tuple(xs))),
        st.lists(sub, min_size=2, max_size=3).map(lambda xs: Alt(tuple(xs))),
        _quantified(sub_nocap),
    ]
    if captures:
        options.append(st.tuples(st.sampled_from(["a", "b", "c"]), sub).map(lambda t: Capture(*t)))
    return st.one_of(*options).filter(lambda n: not _nullable(n) and _unique_captures(n))


def _nullable(node) -> bool:
    if isinstance(node, Repeat):
        return node.min == 0 or _nullable(node.node)
    if isinstance(node, Capture):
        return _nullable(node.node)
    if isinstance(node, Seq):
        return all(_nullable(x) for x in node.items)
    if isinstance(node, Glue):
        return all(_nullable(x) for x in node.parts)
    if isinstance(node, Alt):
        return any(_nullable(x) for x in node.options)
    return False


def _unique_captures(node) -> bool:
    names = [n.name for n in syntax.walk(node) if isinstance(n, Capture)]
    return len(names) == len(set(names))


@st.composite
def reference_rule_files(draw, max_rules: int = 3) -> dict:
    """A rule file (as a dict for yaml.safe_dump) of 1-3 rules with random labels, priorities
    and ``absorbs``, over the LEXICONS above."""
    n = draw(st.integers(1, max_rules))
    rules = []
    for i in range(n):
        label = draw(st.sampled_from(["x", "y"]))
        rule = {"name": f"r{i}", "label": label, "pattern": syntax.render(draw(reference_patterns())),
                "priority": draw(st.integers(0, 2))}
        if draw(st.integers(0, 3)) == 0:
            rule["absorbs"] = [{"x": "y", "y": "x"}[label]]
        rules.append(rule)
    return {"lexicons": {k: list(v) for k, v in LEXICONS.items()}, "rules": rules}


@st.composite
def reference_text(draw) -> str:
    """Short texts made of the differential vocabulary, glued clitics, punctuation and noise."""
    word = st.one_of(DIFF_WORDS, DIFF_WORDS, st.tuples(st.sampled_from(["و", "ف", "ب"]), DIFF_WORDS).map("".join),
                     DIFF_PUNCT, st.sampled_from(["اكد", "هم", "x"]), DIFF_NUMBERS)
    toks = draw(st.lists(word, max_size=14))
    seps = st.sampled_from([" ", " ", " ", "\n", "", " \u200f"])
    return "".join(t + draw(seps) for t in toks)
