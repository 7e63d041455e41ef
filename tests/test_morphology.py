"""Morphology: hand-written paradigms must be generated; wrong forms and bad data must not pass.

The expected forms below are written by hand in ordinary spelling (hamza seats, أ, ى, tanwin) and
normalized here the way the engine normalizes text, independently of the module's own code.
"""

from __future__ import annotations

import copy
import dataclasses
import re
from pathlib import Path

import pytest
import yaml

from arabic_rules.morphology import (
    Forms,
    Measures,
    MorphologyError,
    VerbSpec,
    format_forms,
    generate,
    load_measures,
)

YAML_PATH = Path(__file__).resolve().parent.parent / "patterns" / "morphology.yaml"
_MARKS = re.compile("[\u064b-\u0652\u0670\u0640]")


def norm(word: str) -> str:
    """The engine's normalization of one word (diacritics, tatweel, alif and ya folds)."""
    word = _MARKS.sub("", word)
    for src in "أإآٱ":
        word = word.replace(src, "ا")
    return word.replace("ى", "ي")


@pytest.fixture(scope="module")
def data() -> dict:
    with YAML_PATH.open(encoding="utf-8") as handle:
        return yaml.safe_load(handle)


@pytest.fixture(scope="module")
def measures(data) -> Measures:
    return load_measures(data)


# root, measure, lemma, {class: forms}, forms with clitics, wrong forms (never generated)
PARADIGMS = [
    ("ق و ل", "I-hollow", "قال", {
        "perfect": "قال قالت قالا قالتا قالوا قلن",
        "imperfect": "يقول تقول يقولان تقولان يقولون يقلن",
        "jussive": "يقل تقل يقولا يقولوا يقلن",
        "participle": "قائل قائلاً قائلا قائلة قائلةً قائلان قائلين قائلون قائلتان قائلتين قائلات",
        "passive": "قِيل يُقال تُقال",
    }, "وقال فقال وقالت ويقول سيقول وسيقول فسيقول ليقول وليقول وقيل ويقال سيقال وقائلا والقائل "
       "قاله قالها قالته قالوه قالوها يقولها يقولونه يقولوه فليقل",
       "قولت يقيل قاول قالواه قائيل"),
    ("ز ي د", "I-hollow-ya", "زاد", {
        "perfect": "زاد زادت زادا زادتا زادوا زدن",
        "imperfect": "يزيد تزيد يزيدان يزيدون يزدن",
        "jussive": "يزد تزد يزيدوا",
        "participle": "زائد زائداً زائدة زائدين زائدون",
        "passive": "زِيد يُزاد",
    }, "وزاد فزاد ويزيد سيزيد", "يزود زودت"),
    ("ء ك د", "II", "أكّد", {
        "perfect": "أكّد أكّدت أكّدا أكّدتا أكّدوا أكّدن",
        "imperfect": "يؤكّد تؤكّد يؤكّدان تؤكّدان يؤكّدون يؤكّدن",
        "jussive": "يؤكد تؤكد يؤكدا يؤكدوا",
        "participle": "مؤكّد مؤكّداً مؤكّدة مؤكّدةً مؤكّدين مؤكّدون مؤكّدتين مؤكّدات",
        "passive": "أُكِّد يُؤكَّد",
    }, "وأكد فأكد وأكدت ويؤكد وسيؤكد فسيؤكد أكده أكدها أكدوه أكدوها يؤكدها ومؤكدا والمؤكد",
       "اكيد يكد مكد تاكيد اكاد"),
    ("ر د ف", "IV", "أردف", {
        "perfect": "أردف أردفت أردفا أردفتا أردفوا أردفن",
        "imperfect": "يردف تردف يردفان يردفون يردفن",
        "jussive": "يردفوا",
        "participle": "مردف مردفاً مردفة مردفين مردفون",
        "passive": "أُردف يُردف",
    }, "وأردف فأردف وأردفت ويردف", "ردف مرادف اردافا"),
    ("ت ب ع", "III", "تابع", {
        "perfect": "تابع تابعت تابعا تابعتا تابعوا تابعن",
        "imperfect": "يتابع تتابع يتابعان يتابعون يتابعن",
        "jussive": "يتابعا يتابعوا",
        "participle": "متابع متابعاً متابعة متابعين متابعون",
        "passive": "تُوبع يُتابع",
    }, "وتابع فتابع وتابعت ويتابع وسيتابع تابعه تابعها", "تبع يتبع تتبع متتابع"),
    ("ض ي ف", "IV-hollow", "أضاف", {
        "perfect": "أضاف أضافت أضافا أضافتا أضافوا أضفن",
        "imperfect": "يضيف تضيف يضيفان تضيفان يضيفون يضفن",
        "jussive": "يضف تضف يضيفا يضيفوا",
        "participle": "مضيف مضيفاً مضيفا مضيفة مضيفين مضيفون مضيفتين",
        "passive": "أُضيف يُضاف تُضاف",
    }, "وأضاف فأضاف وأضافت ويضيف وسيضيف ومضيفا أضافه أضافها ويضاف", "ضاف يضوف مضاف مضافة"),
    ("ش و ر", "IV-hollow", "أشار", {
        "perfect": "أشار أشارت أشاروا أشرن",
        "imperfect": "يشير تشير يشيرون",
        "participle": "مشير مشيرا مشيراً مشيرة مشيرين مشيرون",
        "passive": "أُشير يُشار",
    }, "وأشار فأشار ويشير ومشيرا", "شار يشور"),
    ("ن ف ي", "I-defective", "نفى", {
        "perfect": "نفى نفت نفيا نفتا نفوا نفين",
        "imperfect": "ينفي تنفي ينفيان ينفون ينفين",
        "jussive": "ينف تنف ينفيا ينفوا",
        "participle": "نافٍ نافياً نافية نافين نافون",
        "passive": "نُفي يُنفى",
    }, "ونفى فنفى نفاه نفاها نفوه ينفيه ينفيها وينفي ونافيا", "نفا ينفو نفيوا"),
    ("ر د د", "I-doubled", "ردّ", {
        "perfect": "ردّ ردّت ردّا ردّتا ردّوا رددن",
        "imperfect": "يردّ تردّ يردّان يردّون يرددن",
        "jussive": "يرد يردد يردوا",
        "participle": "رادّ رادّاً رادّة رادّين",
        "passive": "رُدّ يُردّ",
    }, "ورد فرد رده ردها ردوه ويرد سيرد", "ردد رادد يرادد"),
    ("د ع و", "I-defective-waw", "دعا", {
        "perfect": "دعا دعت دعوا دعتا دعون",
        "imperfect": "يدعو تدعو يدعوان يدعون",
        "jussive": "يدعُ تدعُ يدعوا",
        "participle": "داعٍ داعياً داعية داعين داعون",
        "passive": "دُعي يُدعى",
    }, "ودعا فدعا دعاه دعاها دعوه يدعوه ويدعو وسيدعو", "دعيا يدعوون"),
    ("و ص ف", "I-assimilated", "وصف", {
        "perfect": "وصف وصفت وصفا وصفتا وصفوا وصفن",
        "imperfect": "يصف تصف يصفان تصفان يصفون يصفن",
        "jussive": "يصف يصفوا",
        "participle": "واصف واصفاً واصفة واصفين",
        "passive": "وُصف يُوصف",
    }, "ووصف وصفه وصفها يصفه ويصف وسيصف", "صاف يواصف وصيف"),
    ("ع ب ر", "VIII", "اعتبر", {
        "perfect": "اعتبر اعتبرت اعتبرا اعتبرتا اعتبروا اعتبرن",
        "imperfect": "يعتبر تعتبر يعتبران يعتبرون يعتبرن",
        "jussive": "يعتبروا",
        "participle": "معتبر معتبراً معتبرة معتبرين معتبرون",
        "passive": "اُعتُبر يُعتبر",
    }, "واعتبر فاعتبر اعتبره اعتبرها اعتبروه ويعتبر وسيعتبر", "عتبر اعتابر معتابر اتعبر"),
    ("و ه م", "VIII", "اتّهم", {
        "perfect": "اتّهم اتّهمت اتّهموا",
        "imperfect": "يتّهم تتّهم يتّهمون",
        "participle": "متّهِماً متّهمة",
    }, "واتهم اتهمه اتهمها ويتهم", "اوتهم يوتهم"),
    ("ض ر ر", "VIII-doubled", "اضطرّ", {
        "perfect": "اضطرّ اضطرّت اضطرّوا",
        "imperfect": "يضطرّ",
        "participle": "مضطرّ مضطرّاً",
    }, "واضطر", "اضترر اضتر"),
    ("ط ر د", "X", "استطرد", {
        "perfect": "استطرد استطردت استطردا استطردتا استطردوا استطردن",
        "imperfect": "يستطرد تستطرد يستطردون",
        "participle": "مستطرد مستطرداً مستطردة مستطردين",
    }, "واستطرد فاستطرد", "استطارد ستطرد"),
    ("و ق ع", "V", "توقّع", {
        "perfect": "توقّع توقّعت توقّعا توقّعتا توقّعوا توقّعن",
        "imperfect": "يتوقّع تتوقّع يتوقّعان يتوقّعون يتوقّعن",
        "jussive": "يتوقعوا",
        "participle": "متوقّع متوقّعاً متوقّعة متوقّعين متوقّعون",
    }, "وتوقع توقعه توقعوه يتوقعه ويتوقع ومتوقعا", "تواقع يتقع يوقع"),
    ("و ض ح", "IV-assimilated", "أوضح", {
        "perfect": "أوضح أوضحت أوضحا أوضحتا أوضحوا أوضحن",
        "imperfect": "يوضح توضح يوضحان يوضحون",
        "jussive": "يوضحوا",
        "participle": "موضح موضحاً موضحة موضحين موضحون",
        "passive": "أُوضح يُوضح",
    }, "وأوضح فأوضح أوضحه أوضحها ويوضح وسيوضح", "يضح واضح"),
    ("ر ء ي", "I-raa", "رأى", {
        "perfect": "رأى رأت رأيا رأتا رأوا رأين",
        "imperfect": "يرى ترى يريان يرون يرين",
        "jussive": "يرَ ترَ يروا",
        "participle": "راءٍ رائياً رائية",
        "passive": "رُئي يُرى",
    }, "ورأى فرأى رآه رآها رأوه يراه يراها ويرى وسيرى", "يرأى يرءي"),
    ("ذ ك ر", "I-sound", "ذكر", {
        "perfect": "ذكر ذكرت ذكرا ذكرتا ذكروا ذكرن",
        "imperfect": "يذكر تذكر يذكران يذكرون يذكرن",
        "participle": "ذاكر ذاكراً ذاكرة ذاكرين",
        "passive": "ذُكر ذُكرت يُذكر تُذكر",
    }, "وذكر فذكر وذكرت ويذكر سيذكر ويُذكر ذكره ذكرها", "مذكور ذكار"),
    ("ع ل ن", "IV", "أعلن", {
        "perfect": "أعلن أعلنت أعلنوا",
        "imperfect": "يعلن تعلن يعلنون",
        "participle": "معلن معلناً معلنة",
        "passive": "أُعلن أُعلنت يُعلن",
    }, "وأعلن فأعلن أعلنه وسيعلن وسيُعلن", "علن معلان"),
    ("ب ل غ", "IV", "أبلغ", {
        "perfect": "أبلغ أبلغت أبلغوا",
        "imperfect": "يبلغ تبلغ",
        "participle": "مبلغ مبلغاً",
        "passive": "أُبلغ",
    }, "أبلغه أبلغهم أبلغها أبلغته أبلغوه وأبلغ", "بلغه"),
    ("ن ق ل", "I-sound", "نقل", {
        "perfect": "نقل نقلت نقلوا",
        "imperfect": "ينقل",
        "participle": "ناقل ناقلا ناقلاً ناقلة",
        "passive": "نُقل يُنقل",
    }, "نقلته ونقل نقله نقلها ونقلت", "منقول"),
    ("س ء ل", "I-sound", "سأل", {
        "perfect": "سأل سألت سألوا",
        "imperfect": "يسأل تسأل يسألون يسألن",
        "participle": "سائل سائلاً سائلة",
        "passive": "سُئل يُسأل",
    }, "سأله سألها سألوه يسألونه", "ساءال"),
    ("ق ر ء", "I-sound", "قرأ", {
        "perfect": "قرأ قرأت قرأوا قرؤوا",
        "imperfect": "يقرأ يقرؤون يقرأون",
        "participle": "قارئ قارئاً قارئة",
    }, "قرأه وقرأ سيقرأ", "قراا"),
    ("س ء ل", "VI", "تساءل", {
        "perfect": "تساءل تساءلت تساءلوا",
        "imperfect": "يتساءل تتساءل يتساءلون",
        "participle": "متسائلاً متسائلة",
    }, "وتساءل ويتساءل", "تساال"),
    ("ء م ن", "IV", "آمن", {
        "perfect": "آمن آمنت آمنوا",
        "imperfect": "يؤمن يؤمنون",
        "participle": "مؤمن مؤمنة",
    }, "وآمن", "ااامن"),
    ("د ع و", "VIII-defective", "ادّعى", {
        "perfect": "ادّعى ادّعت ادّعوا",
        "imperfect": "يدّعي تدّعي يدّعون",
        "jussive": "يدّعِ",
        "participle": "مدّعٍ مدّعياً مدّعية",
        "passive": "اُدُّعي يُدّعى",
    }, "وادعى ادعاه", "ادتعى"),
    # quadriliteral (لل is the 3rd and 4th radicals), with a radical hamza in third place
    ("ت ر ج م", "Iq", "ترجم", {
        "perfect": "ترجم ترجمت ترجموا",
        "imperfect": "يترجم تترجم يترجمون",
        "participle": "مترجم مترجماً مترجمة",
    }, "وترجمه يترجمونه", "تررجم"),
    ("ط م ء ن", "Iq", "طمأن", {
        "perfect": "طمأن طمأنت طمأنوا",
        "imperfect": "يطمئن تطمئن يطمئنون",
        "participle": "مطمئن مطمئنة",
    }, "وطمأنهم طمأنته", "طمنن"),
]


def _words(text: str) -> set[str]:
    return {norm(w) for w in text.split()}


@pytest.mark.parametrize("root,measure,lemma,table,clitic_forms,wrong", PARADIGMS,
                         ids=[f"{p[2]}-{p[1]}" for p in PARADIGMS])
def test_paradigm(measures, root, measure, lemma, table, clitic_forms, wrong):
    forms = generate(VerbSpec(root=root, measure=measure, lemma=lemma), measures)
    for cls, expected in table.items():
        missing = _words(expected) - set(forms.by_class[cls])
        assert not missing, f"{lemma} {cls}: missing {sorted(missing)}"
    surface = set(forms.surface())
    missing = _words(clitic_forms) - surface
    assert not missing, f"{lemma} with clitics: missing {sorted(missing)}"
    produced = _words(wrong) & surface
    assert not produced, f"{lemma}: wrong forms generated {sorted(produced)}"


def test_defective_perfect_is_not_spelled_with_alif(measures):
    forms = generate(VerbSpec("ن ف ي", "I-defective", "نفى"), measures)
    assert "نفا" not in forms.by_class["perfect"]
    assert "نفاه" in forms.surface(classes=["perfect"])


def test_participle_takes_no_object_pronoun(measures):
    forms = generate(VerbSpec("ق و ل", "I-hollow", "قال"), measures)
    assert not {"قائله", "قائلها"} & set(forms.surface())


def test_proclitics_follow_their_class(measures):
    forms = generate(VerbSpec("ق و ل", "I-hollow", "قال"), measures)
    assert "سيقول" in forms.surface(classes=["imperfect"])
    assert "سقال" not in forms.surface()          # the future س never precedes a perfect
    assert "القول" not in forms.surface()         # the article goes on participles only
    assert "القائل" in forms.surface(classes=["participle"])


def test_output_is_normalized(measures):
    for name, measure in measures.measures.items():
        root, lemma = measure.example
        forms = generate(VerbSpec(root, name, lemma), measures)
        odd = {w for w in forms.surface() if norm(w) != w or "\x01" in w}
        assert not odd, f"{name}: not normalized {sorted(odd)[:5]}"


def test_surface_is_sorted_deduplicated_and_selectable(measures):
    forms = generate(VerbSpec("ق و ل", "I-hollow", "قال"), measures)
    everything = forms.surface()
    assert list(everything) == sorted(set(everything))
    assert forms.surface(classes=["perfect"], clitics=False) == tuple(sorted(forms.by_class["perfect"]))
    assert set(forms.surface(clitics=False)) < set(everything)
    assert forms.surface(classes=["no-such-class"]) == ()


def test_root_spellings_are_equivalent(measures):
    spaced = generate(VerbSpec("ء ك د", "II", "أكد"), measures)
    assert generate(VerbSpec("أكد", "II"), measures).by_class == spaced.by_class
    assert generate(VerbSpec("أ ك د", "II"), measures).by_class == spaced.by_class
    assert generate(VerbSpec(["ء", "ك", "د"], "II"), measures).by_class == spaced.by_class


def test_extra_and_exclude(measures):
    spec = VerbSpec("ق و ل", "I-hollow", "قال",
                    extra=("imperfect:يقولن", "مقالة"), exclude=["قيلت", "قائلات"])
    assert spec.exclude == ("قيلت", "قائلات")          # lists from YAML become tuples
    forms = generate(spec, measures)
    assert "يقولن" in forms.by_class["imperfect"]
    assert "سيقولن" in forms.surface()                  # an extra form takes its class's clitics
    assert "ومقالة" in forms.surface(classes=["extra"])
    surface = set(forms.surface())
    assert not {"قيلت", "وقيلت", "قائلات", "والقائلات"} & surface
    assert "قيل" in surface


def test_frozen(measures):
    forms = generate(VerbSpec("ق و ل", "I-hollow", "قال"), measures)
    assert isinstance(forms, Forms)
    with pytest.raises(dataclasses.FrozenInstanceError):
        forms.spec = None
    with pytest.raises(dataclasses.FrozenInstanceError):
        VerbSpec("ق و ل", "I-hollow").root = "x"


def test_format_forms(measures):
    text = format_forms(generate(VerbSpec("ق و ل", "I-hollow", "قال"), measures))
    lines = text.splitlines()
    assert "I-hollow" in lines[0]
    perfect = next(line for line in lines if line.startswith("perfect"))
    assert perfect.split()[1:] == ["قال", "قالت", "قالا", "قالتا", "قالوا", "قلن"]
    assert any(line.startswith("participle") and "قائلا" in line for line in lines)


# ----------------------------------------------------------------- errors in a verb declaration


def _problems(excinfo) -> dict:
    return {path: msg for path, msg in excinfo.value.problems}


def test_unknown_measure_suggests_close_names(measures):
    with pytest.raises(MorphologyError) as excinfo:
        generate(VerbSpec("ق و ل", "I-holow"), measures)
    assert "'I-hollow'" in _problems(excinfo)[("measure",)]


@pytest.mark.parametrize("root,needle", [("ق ل", "2 radicals"), ("ق و ل ل", "4 radicals"),
                                         ("ق ا ل", "underlying و or ي"), ("q w l", "not a radical")])
def test_bad_root(measures, root, needle):
    with pytest.raises(MorphologyError) as excinfo:
        generate(VerbSpec(root, "I-hollow"), measures)
    assert needle in _problems(excinfo)[("root",)]


def test_root_size_follows_the_measure(measures):
    """A quadriliteral measure wants four radicals, the others three; each error says which."""
    with pytest.raises(MorphologyError) as excinfo:
        generate(VerbSpec("ط م ء ن", "II"), measures)
    assert "quadriliteral measure (Iq)" in _problems(excinfo)[("root",)]
    with pytest.raises(MorphologyError) as excinfo:
        generate(VerbSpec("ق و ل", "Iq"), measures)
    assert "needs 4" in _problems(excinfo)[("root",)]


def test_quadriliteral_template_needs_its_double_slot(data):
    bad = copy.deepcopy(data)
    bad["measures"]["Iq"]["imperfect"].append("يفعل")           # no لل: the 4th radical is missing
    with pytest.raises(MorphologyError) as excinfo:
        load_measures(bad)
    assert "لل once" in _problems(excinfo)[("measures", "Iq", "imperfect")]
    bad = copy.deepcopy(data)
    bad["measures"]["Iq"]["quadriliteral"] = "yes"
    with pytest.raises(MorphologyError) as excinfo:
        load_measures(bad)
    assert "true or false" in _problems(excinfo)[("measures", "Iq", "quadriliteral")]


def test_root_outside_measure_constraints(measures):
    with pytest.raises(MorphologyError) as excinfo:
        generate(VerbSpec("ك ت ب", "I-hollow"), measures)
    assert "ع" in _problems(excinfo)[("root",)]
    with pytest.raises(MorphologyError) as excinfo:
        generate(VerbSpec("ر د ف", "I-doubled"), measures)
    assert "same letter" in _problems(excinfo)[("root",)]


def test_errors_of_one_spec_are_reported_together(measures):
    with pytest.raises(MorphologyError) as excinfo:
        generate(VerbSpec("ق ل", "II-x", extra=("nope:قال",)), measures)
    assert set(_problems(excinfo)) == {("measure",), ("root",), ("extra", 0)}


def test_lemma_from_another_measure_names_the_right_one(measures):
    with pytest.raises(MorphologyError) as excinfo:
        generate(VerbSpec("ق و ل", "I-sound", "قال"), measures)
    message = _problems(excinfo)[("lemma",)]
    assert "I-hollow" in message and "قول" in message


# ----------------------------------------------------------------- errors in morphology.yaml


def test_yaml_has_exactly_the_two_sections(data):
    assert set(data) == {"measures", "clitics"}


def test_every_problem_in_the_data_is_reported_at_once(data):
    bad = copy.deepcopy(data)
    bad["lexicon"] = {}
    bad["measures"]["II"]["perfect"].append("كتب")              # no radical slot
    bad["measures"]["III"]["perfct"] = ["فاعل"]                 # misspelt class
    bad["measures"]["IV"]["participle"].append("مفعل(ا|")       # unbalanced group
    bad["measures"]["V"]["rules"] = [{"when": {"x": ["ص"]}, "replace": {"فت": "فط"}}]
    bad["measures"]["X-hollow"]["like"] = "IIV"
    with pytest.raises(MorphologyError) as excinfo:
        load_measures(bad)
    problems = _problems(excinfo)
    assert "'measures' and 'clitics'" in problems[("lexicon",)]
    assert "ف ع ل" in problems[("measures", "II", "perfect", 6)]
    assert "'perfect'" in problems[("measures", "III", "perfct")]
    assert "(a|b|c)" in problems[("measures", "IV", "participle", 1)]
    assert "ف (1st)" in problems[("measures", "V", "rules", 0, "when", "x")]
    assert "unknown measure 'IIV'; did you mean" in problems[("measures", "X-hollow", "like")]
    assert len(problems) == 6


def test_broken_template_is_caught_by_the_measure_example(data):
    bad = copy.deepcopy(data)
    bad["measures"]["I-hollow"]["perfect"][0] = "فعل"           # قول instead of قال
    with pytest.raises(MorphologyError) as excinfo:
        load_measures(bad)
    paths = set(_problems(excinfo))
    assert ("measures", "I-hollow", "example") in paths
    assert ("measures", "I-sound", "example") not in paths


def test_fixing_a_form_in_yaml_changes_the_output(data):
    fixed = copy.deepcopy(data)
    fixed["measures"]["I-hollow"]["participle"].append("فايل")  # the informal ي spelling
    forms = generate(VerbSpec("ق و ل", "I-hollow", "قال"), load_measures(fixed))
    assert "قايل" in forms.by_class["participle"]


def test_not_a_mapping():
    with pytest.raises(MorphologyError):
        load_measures(["measures"])
