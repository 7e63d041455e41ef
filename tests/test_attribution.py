"""Attribution pack: builder attrs, speaker carry-over, negation, passives, headlines."""
from __future__ import annotations

import pytest

from arabic_rules import Engine


@pytest.fixture(scope="module")
def engine():
    return Engine.default()


def found(engine, text):
    return engine.extract(text, labels={"attribution"})


def test_continuation_carries_the_speaker_over(engine):
    text = 'وقال رئيس البلدية إن الجسر سيفتح غداً. وأضاف: "العمل لم يتوقف".'
    first, second = found(engine, text)
    assert first.fields["speaker"].text == "رئيس البلدية" and not first.attrs.get("speaker_inferred")
    assert second.attrs["speaker_inferred"] is True
    assert second.fields["speaker"].start == first.fields["speaker"].start
    assert second.value == {"lemma": "أضاف", "direct": True, "speaker": "رئيس البلدية",
                            "content": '"العمل لم يتوقف"'}


def test_participle_after_a_clause_has_the_same_speaker(engine):
    text = "وأكدت الوزارة أن الامتحانات في موعدها، مشيرةً إلى أن الأسئلة جاهزة."
    a, b = found(engine, text)
    assert a.fields["content"].text == "أن الامتحانات في موعدها"
    assert b.fields["cue"].text == "مشيرةً" and b.value["speaker"] == "الوزارة" and b.attrs["speaker_inferred"]


def test_no_antecedent_means_no_speaker(engine):
    (m,) = found(engine, 'وقال: "نحن هنا".')
    assert m.value["speaker"] is None and not m.attrs.get("speaker_inferred")


def test_passive_keeps_a_null_speaker(engine):
    text = "وقال المدير إن المصنع مغلق. وقيل إن العمال غادروا."
    a, b = found(engine, text)
    assert b.value["lemma"] == "قال" and b.value["speaker"] is None and not b.attrs.get("speaker_inferred")


def test_negation_is_marked_not_part_of_the_cue(engine):
    (m,) = found(engine, "ولم يؤكد المتحدث أن الاتفاق وقع.")
    assert m.attrs["negated"] is True and m.fields["cue"].text == "يؤكد" and m.value["lemma"] == "أكد"
    (m,) = found(engine, "ونفى المتحدث أن يكون الاتفاق وقع.")
    assert m.attrs["negated"] is False


def test_direct_only_for_a_whole_quotation(engine):
    (m,) = found(engine, 'وقال الوزير إن الخطة "جاهزة".')
    assert m.value["direct"] is False
    (m,) = found(engine, 'وقال الوزير: «الخطة جاهزة».')
    assert m.value["direct"] is True


def test_headline_only_at_the_start_of_a_line(engine):
    (m,) = found(engine, "الرئاسة: لا تأجيل للانتخابات\nنص آخر.")
    assert m.fields["cue"].text == ":" and m.value["lemma"] is None
    assert found(engine, "وتبدأ الجلسة في الساعة 10:30 صباحاً") == []


@pytest.mark.parametrize("text", [
    "وزاد عدد السكان في المحافظة.", "ورأى المشروع النور بعد سنوات.", "ويبقى القول الفصل للمحكمة.",
    "ونقلت سيارات الإسعاف المصابين إلى المستشفى.", "وتختلف الأسعار بحسب المواسم.",
])
def test_other_senses_are_not_attributions(engine, text):
    assert found(engine, text) == []


def test_source_after_a_clause_takes_that_clause_as_content(engine):
    (m,) = found(engine, "وارتفعت الأسعار بنسبة عشرة في المئة، بحسب غرفة التجارة.")
    assert m.value["speaker"] == "غرفة التجارة"
    assert m.fields["content"].text == "ارتفعت الأسعار بنسبة عشرة في المئة"
