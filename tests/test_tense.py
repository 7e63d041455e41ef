"""The tense reader (arabic_rules/tense.py) on its own, with the word lists of the shipped pack
(patterns/date_tense.yaml), and the way the date builder uses it."""
from __future__ import annotations

import datetime as dt

import pytest

from arabic_rules import Engine, TenseWords, read_tense
from arabic_rules.normalize import normalize

ENGINE = Engine.default()
WORDS = TenseWords.from_lexicons(ENGINE.pack.lexicons, "tense_verbs", "future_cues", "future_prefixes",
                                 "future_exceptions")
MARK = "[D]"  # where the date stands in the sentences below


def tense_of(sentence: str):
    before, after = sentence.split(MARK)
    return read_tense(normalize(before).text, normalize(after).text, WORDS)


@pytest.mark.parametrize("sentence, expected", [
    # the perfect of a declared verb, bare, with و / ف, with an object pronoun
    ("اختطف مسلحون الصحفي في [D] قرب الحدود", "past"),
    ("واجتمعت الحكومة [D] في جلسة طارئة", "past"),
    ("فأعلنوه [D] رسمياً", "past"),
    # the future: سـ (also after و), سوف or لن before an imperfect, a word shaped like a future verb
    ("سيلتقي الوزير نظيره [D] في جنيف", "future"),
    ("وستعقد اللجنة اجتماعها [D]", "future"),
    ("سوف يصل الوفد [D] إلى العاصمة", "future"),
    ("ولن يشارك المنتخب [D] في البطولة", "future"),
    ("سيدشن الوزير الجسر [D]", "future"),
    # لم + imperfect / jussive is past; «ما لم» (unless) is not
    ("لم يعد الوفد قبل [D]", "past"),
    ("ما لم يعد الوفد قبل [D]", "future"),
    # an imperfect alone is present; a future cue further back still counts
    ("يعود الوفد في [D] إلى العاصمة", "present"),
    ("ومن المقرر ان يتوجه المبعوث الى نيويورك [D]", "future"),
    # adjectives and prepositions of time, scheduling words
    ("تم حبس المتهمين حتى الجلسة القادمة بالمحكمة في [D]", "future"),
    ("تراجعت الصادرات إلى أدنى مستوى منذ [D]", "past"),
    ("حددت اللجنة موعد الانتخابات في [D]", "scheduled"),
    ("قررت الشركة رفع سعر النفط في [D]", "scheduled"),
    # nothing to read
    ("مناطق في سوسة بلا كهرباء [D]", None),
    ("عقد الشراكة في [D]", None),  # عقد here is the noun (a contract), not the verb
])
def test_the_clause_before_the_date(sentence, expected):
    assert tense_of(sentence) == expected


@pytest.mark.parametrize("sentence, expected", [
    # a break word (أن) ends the search: the reporting verb is not the content's tense
    ("وأضافت الهيئة أن قيودا جديدة قد تفرض في [D]", None),
    ("قال كيري إن الاجتماع سيعقد [D]", "future"),
    # the clause ends at a full stop or comma, not at a decimal point or a clock time
    ("اجتمع الوزراء أمس. وفي [D]", None),
    ("ستخفض الهيئة الغاطس إلى 11.89 متر بدءا من [D]", "future"),
    ("ستبدأ الهدنة من الساعة 11:59 مساء [D]", "future"),
    # a date set off by commas belongs to the clause before the first one
    ("سينهي الوزير زيارته، [D]، ويتوجه إلى عمان", "future"),
    # after the date only when it opens its clause, and never past a break word
    ("[D] سيصل الوفد إلى العاصمة", "future"),
    ("وصل الوزير [D] إن الوفد سيغادر", "past"),
    ("في اجتماع الحكومة [D] سيناقش الوزراء الموازنة", None),
    ("[D] إن الوفد سيغادر", None),
])
def test_clause_boundaries(sentence, expected):
    assert tense_of(sentence) == expected


@pytest.mark.parametrize("sentence, expected", [
    # a clause that says nothing of its tense continues one set off by commas: an apposition or a
    # list stands between the future cue and the date
    ("ومن المقرر أن يلتقي الرئيس، وهو في جولة إقليمية، نظيره [D] في العاصمة", "future"),
    ("وقال إن اجتماعا سيعقد بين الأردن، ومصر، والعراق [D] في عمان", "future"),
    ("ستغلق المدارس أبوابها، اعتبارا من [D] بسبب البرد", "future"),
    ("ألغى زيارته المقررة إلى روما، لعقد مشاورات مع الوزراء، [D]، بشأن الأزمة", "future"),
    # a past verb there, or a break word, ends the search: the default holds
    ("اجتمع الوزراء في بروكسل، وفي لندن، [D]", None),
    ("سيعود الوفد إلى بلاده، لقد استيقظ [D]", None),
    ("ستنطلق البطولة غدا حيث الفرق، من عواصمها [D]", None),
    # not an adjective of another date, not a name shaped like a future verb before its apposition
    ("أقرت الخطة التي سيعتمدها القادة في مارس المقبل، ممثلو الدول [D]", "future"),
    ("الخطة في مارس المقبل، ممثلو الدول [D]", None),
    ("وقال يوسف سيسترون، مدير الشركة، في بيان [D]، إن الأرباح زادت", None),
    # another event's time told in passing after بعد / إثر
    ("ألغت الشركة رحلاتها المقررة غدا، بعد إلغاء عشرات الرحلات [D]", None),
    # too far back (more than COMMA_WORDS words between the cue and the date)
    ("سيتم اعتماد الخطة، وهي خطة طويلة جدا تشمل أهدافا كثيرة للتنمية في البلدان الفقيرة والغنية على السواء [D]", None),
    ("سيتم اعتماد الخطة، وهي خطة طويلة تشمل أهدافا كثيرة للتنمية في البلدان الفقيرة [D]", "future"),
])
def test_a_future_clause_across_commas(sentence, expected):
    assert tense_of(sentence) == expected


def test_without_word_lists_nothing_is_read():
    empty = TenseWords.from_lexicons({}, None)
    assert read_tense("سيلتقي الوزير", "", empty) is None
    assert read_tense("اختطف", "", empty) is None


@pytest.mark.parametrize("text, ref, resolved", [
    ("اختطف مسلحون الصحفي في ديسمبر قرب الحدود", dt.date(2022, 8, 10), "2021-12"),  # past: backward
    ("سيزور الرئيس البلاد في يناير لتوقيع الاتفاق", dt.date(2021, 12, 13), "2022-01"),  # far behind: next
    ("سيزور الرئيس البلاد في 5 يناير", dt.date(2021, 12, 13), "2022-01-05"),  # a day far behind too
    ("ستفتح السوق في مارس", dt.date(2021, 12, 13), "2022-03"),
    ("وكان من المقرر أن تنطلق البعثة في 26 أيار", dt.date(2015, 7, 23), "2015-05-26"),  # not far behind
    ("عاد الوفد في 20 ديسمبر إلى العاصمة", dt.date(2021, 12, 13), "2020-12-20"),
    ("تتساقط الثلوج عادة في كانون الثاني على المرتفعات", dt.date(2021, 12, 13), "2021-01"),  # the default
])
def test_the_builder_resolves_by_the_tense(text, ref, resolved):
    found = ENGINE.extract(text, ref_date=ref, labels={"date"})
    assert [m.attrs.get("resolved") for m in found] == [resolved]


def test_prefer_wins_over_the_tense():
    text = "سيزور الرئيس البلاد في مارس ثم اختطف مسلحون الصحفي الأحد"
    ref = dt.date(2021, 12, 13)
    news = [m.attrs["resolved"] for m in ENGINE.extract(text, ref_date=ref, labels={"date"})]
    past = [m.attrs["resolved"] for m in ENGINE.extract(text, ref_date=ref, labels={"date"}, prefer="past")]
    future = [m.attrs["resolved"] for m in ENGINE.extract(text, ref_date=ref, labels={"date"}, prefer="future")]
    assert news == ["2022-03", "2021-12-12"]
    assert past == ["2021-03", "2021-12-12"]
    assert future == ["2022-03", "2021-12-19"]
