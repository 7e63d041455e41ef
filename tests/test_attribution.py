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


def _attr(engine, text):
    return [(m.fields["cue"].text if "cue" in m.fields else None, m.value["speaker"], m.value["content"])
            for m in found(engine, text)]


def test_adverbials_before_the_colon(engine):
    (m,) = found(engine, 'وقال قائد اللواء أمس الأحد: "لن نغادر مواقعنا".')
    assert m.value["speaker"] == "قائد اللواء" and m.value["lemma"] == "قال" and m.value["direct"]


def test_a_verbal_noun_after_the_verb_is_the_complement_not_the_speaker(engine):
    a, b = found(engine, "وأعلن الجيش السيطرة على الميناء، مشيراً إلى أن المعارك توقفت.")
    assert (a.value["speaker"], a.value["content"]) == ("الجيش", "السيطرة على الميناء")
    assert b.value["speaker"] == "الجيش" and b.attrs["speaker_inferred"]
    (m,) = found(engine, "وأعلن الحداد خمسة أيام.")
    assert m.value["speaker"] is None and m.value["content"] == "الحداد خمسة أيام"
    for text, content in (("وأعلنت النقابة ترحيبها بالاتفاق.", "ترحيبها بالاتفاق"),
                          ("وأعلن الوزير رفضه للمقترح.", "رفضه للمقترح")):
        (m,) = found(engine, text)
        assert m.value["speaker"] in ("النقابة", "الوزير") and m.value["content"] == content


def test_akkada_with_a_stance_noun_then_a_participle(engine):
    a, b = found(engine, "وأكد المدير حرص الإدارة على السلامة، موضحاً أن التفتيش يومي.")
    assert a.value == {"lemma": "أكد", "direct": False, "speaker": "المدير", "content": "حرص الإدارة على السلامة"}
    assert b.value["speaker"] == "المدير" and b.attrs["speaker_inferred"]
    assert found(engine, "وأكد المنتخب تأهله إلى النهائيات.") == []


def test_sentence_initial_sources(engine):
    (m,) = found(engine, "وفق بيان المحافظة، تقرر تعطيل الدوام.")
    assert m.value == {"lemma": "وفق", "direct": False, "speaker": "بيان المحافظة", "content": "تقرر تعطيل الدوام"}
    a, b = found(engine, "نقلاً عن وكالة الأنباء، قال الناطق إن الطريق مفتوح.")
    assert (a.fields["cue"].text, a.value["speaker"], a.value["content"]) == ("نقلاً عن", "وكالة الأنباء", None)
    assert (b.value["lemma"], b.value["speaker"]) == ("قال", "الناطق")
    assert found(engine, "ووفق الجدول المعلن، تبدأ العطلة غداً.") == []


def test_qaailan_after_a_cue_verb_belongs_to_it(engine):
    (m,) = found(engine, "وأردف قائلاً إن الطقس سيتحسن.")
    assert (m.fields["cue"].text, m.value["lemma"], m.value["speaker"]) == ("أردف", "أردف", None)
    (m,) = found(engine, "ومضى قائلاً إن الحل قريب.")
    assert m.value["lemma"] == "مضى"


def test_an_unclosed_quotation_is_not_a_headline(engine):
    (m,) = found(engine, 'وقال الناطق: "لا جديد في الملف')
    assert (m.value["lemma"], m.value["speaker"], m.value["content"]) == ("قال", "الناطق", '"لا جديد في الملف')


def test_the_addressee_is_not_the_speaker(engine):
    (m,) = found(engine, "وأبلغ المدرب اللاعبين بأن التمرين ألغي.")
    assert (m.value["lemma"], m.value["speaker"], m.value["content"]) == ("أبلغ", "المدرب", "أن التمرين ألغي")


def test_masdar_and_its_lookahead_hold_the_same_list():
    import re as _re

    from arabic_rules.resources import data_dir

    text = (data_dir("patterns") / "attribution.yaml").read_text(encoding="utf-8")
    body = _re.search(r"^  masdar: 're\"(.*)\"'$", text, _re.M).group(1)
    look = _re.search(r"^  not_masdar: 're\"\(\?!(.*)\)\(\?=\\S\)\"'$", text, _re.M).group(1)
    assert body == look


# ---------------------------------------------------------------- the fail-fast lookaheads
# The <name>_ahead macros of attribution.yaml only save time: the rules with them must find what the
# same rules find without them, on tricky texts (quoted names with punctuation, commas before
# participles, قائلاً after a comma, particles out of reach) and on random sentences of news words.

AHEAD_TEXTS = [
    'وقال رئيس حزب "الأمل." إن الانتخابات ستجري في موعدها.',
    'وقال الوزير، مشيراً إلى أن الخطة جاهزة.',
    'وغرد الناشط، قائلاً: "الحرية أولاً للجميع".',
    'وقال المدير، قائلاً "لا تأخير في التسليم أبداً".',
    'وأعرب رئيس جمعية «الأمل: غد» عن قلقه من الوضع.',
    'وأكد المتحدث باسم الشركة، سامر علي، في بيان، أن الإنتاج سيتضاعف.',
    'وكان الوزير (السابق) قد أعلن أن الأسعار ستنخفض.',
    'وطالبت النقابة، فيما تجمع العمال، بزيادة الأجور.',
    'ودعا المجلس "الشعب" إلى ضبط النفس، كما دعا إلى الحوار.',
    'وحذر الأطباء في مؤتمر صحفي من أن العدوى تنتشر.',
    'وقال لـ"الصباح": "سنبقى هنا حتى النهاية".',
    'وقال "عسيري" في حديث تلفزيوني: "الحدود آمنة تماماً".',
    'وأضاف: «لا نية لدينا لرفع الأسعار».',
    'وقال الرجل: نعم. وأكد أن الأمر انتهى.',
    'قال: "كلمة". وأضاف المدير، وقال إن "الأمر" انتهى.',
    'وقال المتحدث في بيان: إن الحدود آمنة.',
    'وكان رئيس اللجنة سامي خليل، قد قال في تصريح صحفي، إن الموعد ثابت.',
    'وأعلن المدير الأحد عن خطة جديدة، وقال أمس إن التنفيذ قريب.',
    'وقال المتحدث: "لا تعليق لدينا',
    'وقال المتحدث: «لا تعليق\nوأضاف: "سنرد لاحقاً".',
    'وأبلغ رئيس الهيئة العامة للمياه السكان، أمس، بأن الضخ سيتوقف.',
    'وأردف قائلاً إن الوضع صعب.',
]
AHEAD_WORDS = [
    "وقال", "قال", "وأكد", "وأضاف", "وأعرب", "وطالبت", "ودعا", "وحذر", "وشدد", "وكشف", "أعلن", "ويقول",
    "وكان", "قد", "ولم", "يقل", "الوزير", "رئيس", "البلدية", "المتحدث", "باسم", "الشركة", "في", "بيان",
    "خلال", "مؤتمر", "الأحد", "مساء", "للصحفيين", "إن", "أن", "بأن", "فإن", "إنه", "عن", "على", "إلى",
    "من", "بزيادة", "بالقول", "مشيراً", "مضيفاً", "قائلاً", "فيما", "كما", "قلقه", "ضرورة", "الماضي",
    "،", "،", ".", ":", "؟", "(", ")", "/", '"الأمل"', "«النهضة»", '"نص من ثلاث كلمات"', '"كلمة. أخرى"',
    "«أ: ب»", '"', "«", "يوم", "أمس", "الخميس", "بعد", "وأبلغ", "النواب", "وأردف", '"نص غير مغلق',
]


def _engine_pair(tmp_path_factory):
    import pathlib
    import re as _re

    from arabic_rules.resources import data_dir

    src = data_dir("patterns")
    text = (src / "attribution.yaml").read_text(encoding="utf-8")
    assert "_ahead>" in text
    pair = []
    for name, body in (("with", text), ("without", _re.sub(r" <\w+_ahead>", "", text))):
        d = pathlib.Path(tmp_path_factory.mktemp(f"ahead_{name}"))
        (d / "attribution.yaml").write_text(body, encoding="utf-8")
        (d / "morphology.yaml").write_text((src / "morphology.yaml").read_text(encoding="utf-8"), encoding="utf-8")
        pair.append(Engine.from_paths([d]))
    return pair


@pytest.fixture(scope="module")
def ahead_pair(tmp_path_factory):
    return _engine_pair(tmp_path_factory)


def _same(pair, text):
    a, b = ([m.to_dict() for m in e.extract(text)] for e in pair)
    assert a == b, text


@pytest.mark.parametrize("text", AHEAD_TEXTS)
def test_fail_fast_lookaheads_change_no_match(ahead_pair, text):
    _same(ahead_pair, text)


def test_fail_fast_lookaheads_change_no_match_on_random_sentences(ahead_pair):
    import random

    rng = random.Random(7)
    for _ in range(400):
        words = [rng.choice(AHEAD_WORDS) for _ in range(rng.randint(3, 30))]
        text = "".join(w + rng.choice([" ", " ", " ", "", "\n"]) for w in words)
        _same(ahead_pair, text)
