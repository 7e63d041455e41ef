import pytest

from arabic_rules.errors import PatternSyntaxError
from arabic_rules.syntax import (Alt, AnyWord, Capture, Glue, LexRef, Phrase, Raw, Repeat, Seq, SubRef, Word,
                                 parse_call, parse_pattern, render)

VALID = [
    ("قال", Word("قال")),
    ('"كانون الأول"', Phrase("كانون الأول")),
    ('":"', Phrase(":")),
    ("@month", LexRef("month")),
    ("<day>", SubRef("day")),
    ("_", AnyWord()),
    ('re"[0-9]+"', Raw("[0-9]+")),
    ("قال | ذكر", Alt((Word("قال"), Word("ذكر")))),
    ("قال الوزير", Seq((Word("قال"), Word("الوزير")))),
    ("و ~ قال", Glue((Word("و"), Word("قال")))),
    ("(و | ف)? ~ @say", Glue((Repeat(Alt((Word("و"), Word("ف"))), 0, 1), LexRef("say")))),
    ("_{1,6}", Repeat(AnyWord(), 1, 6)),
    ("_{2,}", Repeat(AnyWord(), 2, None)),
    ("_{3}", Repeat(AnyWord(), 3, 3)),
    ("_*", Repeat(AnyWord(), 0, None)),
    ("x+", Repeat(Word("x"), 1, None)),
    ("year:<year>?", Capture("year", Repeat(SubRef("year"), 0, 1))),
    ("(a:x)?", Repeat(Capture("a", Word("x")), 0, 1)),
    ("a:(x y)+", Capture("a", Repeat(Seq((Word("x"), Word("y"))), 1, None))),
]


@pytest.mark.parametrize("source,ast", VALID)
def test_valid_patterns_parse_to_the_expected_ast_and_render_back(source, ast):
    assert parse_pattern(source) == ast
    assert parse_pattern(render(ast)) == ast


INVALID = [
    ("قال:", 3, "quote punctuation"),
    ("قال ) x", 4, "unexpected ')'"),
    ("(قال", 4, "ends too early"),
    ("x{5,2}", 1, "bad repetition"),
    ("x ??", 3, "quantifier"),
    ("| x", 0, "unexpected '|'"),
    ('re"[0-9"', 0, "does not compile"),
    ("x{0}", 1, "bad repetition"),
    ("x{999}", 1, "larger than"),
    ('""', 0, "empty quoted literal"),
    ("", 0, "empty pattern"),
]


@pytest.mark.parametrize("source,offset,message", INVALID)
def test_invalid_patterns_report_the_column(source, offset, message):
    with pytest.raises(PatternSyntaxError) as err:
        parse_pattern(source)
    assert err.value.offset == offset
    assert message in err.value.message
    assert "^" in str(err.value)  # the caret line


def test_value_calls():
    call = parse_call('date(day=day, month=month, kind="ordinal", n=3)')
    assert call.name == "date"
    assert [k for k, _ in call.kwargs] == ["day", "month", "kind", "n"]
    assert call.kwargs[2][1] == "ordinal" and call.kwargs[3][1] == 3
    with pytest.raises(PatternSyntaxError):
        parse_call("date(day=")
