"""Quoted regions of a text: paired in one pass, bounded, and asked in O(log n)."""
from __future__ import annotations

import pytest

from arabic_rules import Engine
from arabic_rules.structure import REACH, Quotations


def quoted(text: str) -> str:
    """The characters of ``text`` inside a quotation, others as '.' (for readable asserts)."""
    q = Quotations.of(text)
    return "".join(c if q.contains(i) else "." for i, c in enumerate(text))


def test_pairs_of_each_kind():
    assert quoted('a "bc" d «ef» g “hi” j') == '...bc"....ef»....hi”..'


def test_marks_inside_a_quotation_belong_to_it():
    assert quoted('«a "b» c "d"') == ".a \"b»....d\""


def test_straight_quotes_cross_a_line_break_only_to_a_closing_mark():
    # the stray mark quotes to the end of its line; the next line is free, and its own pair works
    assert quoted('x "ab\ncd "e"') == '...ab.....e"'
    # hard-wrapped text: the mark after a word and before a sign closes the quotation
    assert quoted('x "ab\ncd". e') == '...ab\ncd"...'


def test_guillemets_cross_a_line_break_but_not_another_opening():
    assert quoted("«ab\ncd» e") == ".ab\ncd».."
    assert quoted("«ab\n«cd» e") == ".ab..cd».."


def test_a_mark_reopened_before_it_closes_quotes_up_to_the_new_one():
    # a speech over two sentences, each reopened; then free text after the last closing mark
    assert quoted("a «bc. «de.» f") == "...bc. .de.».."
    assert quoted("a “bc. “de.” f “g") == "...bc. .de.”....g"


def test_an_unclosed_mark_reaches_no_further_than_reach():
    text = "«" + "ب" * (3 * REACH)
    q = Quotations.of(text)
    assert q.contains(REACH - 1) and not q.contains(REACH + 1)
    far = "«" + "ب" * (REACH + 5) + "»"  # a partner too far away is no partner
    assert not Quotations.of(far).contains(REACH + 2)


@pytest.mark.parametrize("unit", ['"', "«", "“ ", '" ب\n', "«\n", "» «"])
def test_the_pass_is_linear_in_marks(unit):
    """The pass looks at each mark and line break once, whatever their arrangement."""
    small, big = Quotations.of(unit * 1000), Quotations.of(unit * 10000)
    assert big.visited == 10 * small.visited
    assert len(big.starts) <= 10 * max(1, len(small.starts))


SAY = "قال وزير المالية إن العجز تراجع."


def test_a_stray_quote_does_not_silence_the_next_paragraph():
    engine = Engine.default()
    text = 'بث التلفزيون برنامج "حوار المساء.\n' + SAY + "\n"
    assert [m.fields["speaker"].text for m in engine.extract(text, labels={"attribution"})] == ["وزير المالية"]


def test_a_cue_inside_quoted_words_is_not_a_new_attribution():
    engine = Engine.default()
    text = 'وقال الوزير: "' + SAY + '"\n'
    found = engine.extract(text, labels={"attribution"})
    assert len(found) == 1 and found[0].fields["speaker"].text == "الوزير"
