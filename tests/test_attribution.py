"""Attribution pack: builder attrs, speaker carry-over, negation, passives, headlines."""
from __future__ import annotations

from pathlib import Path

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


PACK_DIR = "attribution"  # patterns/attribution/: a pack folder


def _pack():
    from arabic_rules.loader import load
    from arabic_rules.resources import data_dir

    return load([data_dir("patterns") / PACK_DIR])


def test_verbal_nouns_are_one_list_read_both_ways():
    """<masdar> (a complement's head) and `&!<masdar>` (not a speaker) read the same lexicons."""
    from arabic_rules.compiler import analysis, node_program
    from arabic_rules.executor import Executor
    from arabic_rules.syntax import parse_pattern

    pack = _pack()
    assert "not_masdar" not in pack.macros
    an = analysis(pack)
    ex = Executor(an.word_sets())
    head = node_program(pack, parse_pattern("<masdar>"), an)
    speaker = node_program(pack, parse_pattern("<npstrict_np>"), an)
    words = [w for f, _ in pack.lexicons["verbal_noun"].entries for w in (f, "ال" + f, f + "ها")]
    words += [w for f, _ in pack.lexicons["verbal_noun_t"].entries for w in (f + "ة", "ال" + f + "ة", f + "تها")]
    for w in words:
        m = ex.match(head, w, 0)
        assert m is not None and m.end() == len(w), w  # the whole word
        assert ex.match(speaker, w + " الوزير", 0) is None, w


def test_the_pack_is_a_folder_loaded_in_a_stable_order():
    from arabic_rules.resources import data_dir, default_pattern_files

    files = [p.relative_to(data_dir("patterns")).as_posix() for p in default_pattern_files()]
    assert [f for f in files if f.startswith(PACK_DIR + "/")] == [
        f"{PACK_DIR}/{n}.yaml" for n in ("characters", "phrases", "rules", "verbs", "words")]
    assert files == sorted(files, key=lambda f: f.split("/"))
    assert "morphology.yaml" in files and "attribution.yaml" not in files


def test_a_pack_folder_imports_its_own_files(tmp_path):
    """Files of a pack folder import each other by name, a sub-folder sees the folder above it (up
    to the folder given), and the shipped morphology is still found."""
    from arabic_rules.errors import RuleError
    from arabic_rules.loader import load

    root = tmp_path / "mine"
    pack = root / "speech"
    pack.mkdir(parents=True)
    (root / "shared.yaml").write_text("lexicons:\n  month: [آذار]\n", encoding="utf-8")
    (pack / "words.yaml").write_text("lexicons:\n  cue: [قال]\n", encoding="utf-8")
    (pack / "verbs.yaml").write_text("imports: [morphology]\nverbs:\n  say:\n"
                                     "    - {root: ق و ل, measure: I-hollow, lemma: قال}\n", encoding="utf-8")
    (pack / "rules.yaml").write_text(
        "imports: [words, verbs, shared]\nrules:\n"
        "  - {name: m.cue, label: x, pattern: '@cue @month', examples: ['[قال آذار]', {not: 'آذار'}]}\n"
        "  - {name: m.say, label: y, pattern: '@say.perfect', examples: ['[قالت]', {not: 'مقال'}]}\n",
        encoding="utf-8")
    loaded = load([root])
    assert [r.name for r in loaded.rules] == ["m.cue", "m.say"]
    assert [Path(f).name for f in loaded.files][-1] == "rules.yaml"
    engine = Engine.from_paths([root], use_cache=False)
    assert sorted(m.rule for m in engine.extract("قال آذار")) == ["m.cue", "m.say"]
    (pack / "broken.yaml").write_text("imports: [nowhere]\n", encoding="utf-8")
    with pytest.raises(RuleError) as err:
        load([root])
    assert any(p.code == "E109" for p in err.value.problems)


def test_no_cue_list_is_written_out_twice():
    """The participle and finite cue forms are listed in words.yaml only: no pattern of the pack
    spells one out, and the relative source cues (بحسب ما ...) are written once, in <source_rel>."""
    import re as _re

    from arabic_rules.normalize import normalize

    pack = _pack()
    sources = [m.source for m in pack.macros.values()]
    sources += [r.source for r in pack.rules]
    words = set(_re.findall(r"\w+", normalize(" ".join(sources)).text))
    for name in ("participle", "participle_np", "participle_more", "said", "said_pointed", "said_went_on",
                 "said_more"):
        for form, _ in pack.lexicons[name].entries:
            assert not words & {form, "و" + form, "ف" + form}, (name, form)
    assert sum(s.count("(بحسب | حسب | وفق) ما") for s in sources) == 1


@pytest.mark.parametrize("text", [
    "وأشاد الرئيس بحفل الافتتاح.",            # a particle glued to the complement: the check sees it
    "ودعا رئيس البلدية الضيوف إلى مأدبة عشاء.",
])
def test_no_speech_after_a_glued_or_separate_particle(engine, text):
    assert [m for m in found(engine, text) if m.rule == "attribution.verb_speaker_prep_np"] == []


# ---------------------------------------------------------------- the sentence gates
# The compiler puts a sentence gate after a rule's cue (sentence_gates.py): the next required word
# must occur before the sentence ends. A gate only saves time: the pack finds the same without
# gates, on tricky texts (quoted names with punctuation, commas before participles, قائلاً after
# a comma, particles out of reach) and on random sentences of news words.

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


def _engine_pair():
    from arabic_rules import compiler

    from test_language import has_sentence_gate

    gated = Engine.default()
    assert any(has_sentence_gate(r.program) for r in gated.pack.rules)  # gates were derived
    with pytest.MonkeyPatch.context() as mp:
        mp.setattr(compiler, "sentence_gate", lambda an, items, k: None)
        plain = Engine.default(use_cache=False)
    assert not any(has_sentence_gate(r.program) for r in plain.pack.rules)
    return gated, plain


@pytest.fixture(scope="module")
def gate_pair():
    return _engine_pair()


def _same(pair, text):
    a, b = ([m.to_dict() for m in e.extract(text)] for e in pair)
    assert a == b, text


@pytest.mark.slow  # (compiles the packs without a cache)
@pytest.mark.parametrize("text", AHEAD_TEXTS)
def test_sentence_gates_change_no_match(gate_pair, text):
    _same(gate_pair, text)


@pytest.mark.slow
def test_sentence_gates_change_no_match_on_random_sentences(gate_pair):
    import random

    rng = random.Random(7)
    for _ in range(400):
        words = [rng.choice(AHEAD_WORDS) for _ in range(rng.randint(3, 30))]
        text = "".join(w + rng.choice([" ", " ", " ", "", "\n"]) for w in words)
        _same(gate_pair, text)


def test_a_speaker_named_in_a_relative_clause_is_not_carried_over(engine):
    # the antecedent of «الذي قال» speaks there (attribution.relative_subject), but the chain of
    # speakers goes on past it: «وأضاف» is the minister's (speech.carry_over, ``aside``)
    text = ('وقال الوزير إن الخطة جاهزة، ورد على الكاتب سامي الذي قال إن الخطة متأخرة. '
            'وأضاف أن التنفيذ يبدأ غداً.')
    said, aside, added = found(engine, text)
    assert said.value["speaker"] == "الوزير"
    assert aside.rule == "attribution.relative_subject" and aside.value["speaker"] == "سامي"
    assert not aside.attrs.get("speaker_inferred") and "aside" not in aside.attrs
    assert added.value["speaker"] == "الوزير" and added.attrs["speaker_inferred"]


def test_without_aside_the_last_speaker_is_carried_over(engine):
    # the same chain with the second speaker named by a cue of its own: he is the one carried over
    text = 'وقال الوزير إن الخطة جاهزة. وقال الكاتب إن الخطة متأخرة. وأضاف أن التنفيذ بطيء.'
    *_, added = found(engine, text)
    assert added.value["speaker"] == "الكاتب"
