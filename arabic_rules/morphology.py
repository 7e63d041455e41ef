"""Verb morphology: root + measure (وزن) -> the inflected surface forms news text writes.

Linguists declare measure templates in ``patterns/morphology.yaml`` with ف ع ل as radical slots.
This module only checks that data, substitutes radicals and applies generic rules: the template
rewrites and clitic joins declared in YAML, plus one built-in spelling rule (hamza seats, because an
unvocalized template cannot know them). Every output form is already in the engine's normalized
spelling (see ``_fold``). Stdlib only; imports nothing else from the package.
"""

from __future__ import annotations

import difflib
import itertools
import re
from collections.abc import Mapping
from dataclasses import dataclass, field

__all__ = [
    "SLOTS",
    "CliticSet",
    "Forms",
    "Measure",
    "Measures",
    "MorphologyError",
    "Rule",
    "VerbSpec",
    "format_forms",
    "generate",
    "load_measures",
]

SLOTS = ("ف", "ع", "ل")
"""The radical slots of a template: first, second and third radical."""
QUAD = "لل"
"""In a quadriliteral measure (``quadriliteral: true``, the grammarians' فعلل) the doubled slot
stands for the third and fourth radicals: ترجم is فعلل, يطمئن is يفعلل."""

TOP_KEYS = ("measures", "clitics")
MEASURE_KEYS = ("doc", "example", "like", "radicals", "same", "rules", "quadriliteral")
CLITIC_KEYS = ("classes", "joins")
EXTRA_CLASS = "extra"

_HAMZA = "\x01"  # stands for a radical hamza until its seat is chosen
_THIRD, _FOURTH = "\x02", "\x03"  # the two radicals of a quadriliteral's لل while substituting
_HAMZA_SEATS = ("ء", "ا", "ؤ", "ئ")
_ALIFS = "اأإآٱ"
_DIACRITICS = re.compile("[\u064b-\u0652\u0670\u0640]")
_FOLDS = str.maketrans({"أ": "ا", "إ": "ا", "آ": "ا", "ٱ": "ا", "ى": "ي"})
_HAMZA_LETTERS = "ءأإآٱؤئ"
_ROOT_SEPARATORS = re.compile(r"[\s,،\-+]+")
_GROUP = re.compile(r"\(([^()]*)\)")


def _fold(text: str) -> str:
    """Spell ``text`` as the engine's normalizer does (diacritics, tatweel, alif and ya folds)."""
    return _DIACRITICS.sub("", text).translate(_FOLDS)


def _strip(text: str) -> str:
    """Remove diacritics and tatweel only; hamza seats and ى survive for the seam rules."""
    return _DIACRITICS.sub("", text)


def _is_arabic_letter(ch: str) -> bool:
    return "\u0621" <= ch <= "\u064a"


def _keypath(path: tuple) -> str:
    out = ""
    for part in path:
        out += f"[{part}]" if isinstance(part, int) else (f".{part}" if out else str(part))
    return out or "<top>"


def _did_you_mean(word: str, choices) -> str:
    close = difflib.get_close_matches(str(word), [str(c) for c in choices], n=3, cutoff=0.5)
    return f"; did you mean {', '.join(repr(c) for c in close)}?" if close else "."


class MorphologyError(ValueError):
    """All problems found in morphology data or a verb declaration, reported at once.

    ``problems`` is a tuple of ``(keypath_tuple, message)``; each message says how to fix it.
    """

    def __init__(self, problems):
        self.problems = tuple((tuple(path), str(msg)) for path, msg in problems)
        super().__init__("\n".join(f"{_keypath(p)}: {m}" for p, m in self.problems))


@dataclass(frozen=True)
class Rule:
    """A template rewrite applied when the root's radicals match ``when`` (e.g. VIII افتعل + ص -> اصطبر)."""

    when: tuple[tuple[str, frozenset[str]], ...]
    replace: tuple[tuple[str, tuple[str, ...]], ...]

    def applies(self, radicals: tuple[str, ...]) -> bool:
        return all(radicals[SLOTS.index(slot)] in letters for slot, letters in self.when)


@dataclass(frozen=True)
class Measure:
    """One measure (وزن) after ``like`` inheritance: templates per form class plus root constraints."""

    name: str
    templates: dict[str, tuple[str, ...]]
    radicals: dict[str, frozenset[str]] = field(default_factory=dict)
    same: tuple[str, ...] = ()
    rules: tuple[Rule, ...] = ()
    doc: str = ""
    example: tuple[str, str] | None = None
    quadriliteral: bool = False  # roots of four radicals, لل in templates for the last two

    @property
    def size(self) -> int:
        """How many radicals a root of this measure has."""
        return 4 if self.quadriliteral else len(SLOTS)


@dataclass(frozen=True)
class CliticSet:
    """Proclitics and enclitics that attach to the forms of one class."""

    proclitics: tuple[str, ...] = ()
    enclitics: tuple[str, ...] = ()


@dataclass(frozen=True)
class Measures:
    """The validated content of morphology.yaml: measures, clitics per class, seam joins."""

    measures: dict[str, Measure]
    clitics: dict[str, CliticSet]
    joins: tuple[tuple[str, str], ...] = ()

    def names(self) -> tuple[str, ...]:
        return tuple(self.measures)

    def __contains__(self, name: object) -> bool:
        return name in self.measures

    def __getitem__(self, name: str) -> Measure:
        return self.measures[name]


@dataclass(frozen=True)
class VerbSpec:
    """A cue verb as a linguist declares it: root, measure, citation form and per-verb fixes.

    ``extra`` adds forms (``"form"`` goes to class ``extra``, ``"class:form"`` to that class);
    ``exclude`` removes forms, and every clitic combination built on them.
    """

    root: str
    measure: str
    lemma: str = ""
    extra: tuple[str, ...] = ()
    exclude: tuple[str, ...] = ()

    def __post_init__(self):
        # YAML hands lists; keep the dataclass hashable and immutable.
        for name in ("extra", "exclude"):
            value = getattr(self, name)
            if isinstance(value, str):
                value = (value,)
            object.__setattr__(self, name, tuple(value or ()))


@dataclass(frozen=True)
class Forms:
    """Generated forms of one verb, in normalized spelling.

    ``by_class`` maps class -> bare forms (no clitics); ``with_clitics`` maps class -> every form
    with all declared clitic combinations (bare forms included).
    """

    spec: VerbSpec
    by_class: dict[str, tuple[str, ...]]
    with_clitics: dict[str, tuple[str, ...]] = field(repr=False, default_factory=dict)

    def surface(self, classes=None, clitics: bool = True) -> tuple[str, ...]:
        """All forms of the chosen classes (default: all), deduplicated and sorted."""
        source = self.with_clitics if clitics else self.by_class
        chosen = source if classes is None else [c for c in classes if c in source]
        return tuple(sorted({form for cls in chosen for form in source[cls]}))


# --------------------------------------------------------------------------- loading


def _expand_groups(template: str) -> list[str]:
    """``فاعل(|ا|ة)`` -> [فاعل, فاعلا, فاعلة]; several groups multiply."""
    parts = _GROUP.split(template)
    literal, groups = parts[0::2], [g.split("|") for g in parts[1::2]]
    out = []
    for choice in itertools.product(*groups):
        out.append(literal[0] + "".join(c + lit for c, lit in zip(choice, literal[1:])))
    return out


def _check_template(template, path, problems) -> list[str]:
    """Validate one template string; return its expanded, diacritic-free alternatives."""
    if not isinstance(template, str) or not template.strip():
        problems.append((path, f"template must be a non-empty string of Arabic letters, got {template!r}"))
        return []
    template = template.strip()
    bad = sorted({ch for ch in template if not (_is_arabic_letter(ch) or _DIACRITICS.match(ch) or ch in "(|)")})
    if bad:
        shown = ", ".join(f"{c!r} (U+{ord(c):04X})" for c in bad)
        problems.append((path, f"unexpected character {shown} in template {template!r}; use Arabic letters, "
                               "ف ع ل for the radicals and (a|b) for alternatives"))
        return []
    stray = _GROUP.sub("", template)
    if any(ch in stray for ch in "(|)"):
        problems.append((path, f"unbalanced or nested group in {template!r}; write alternatives as (a|b|c), "
                               "one level only, e.g. فاعل(|ا|ة)"))
        return []
    out = []
    for alt in _expand_groups(template):
        alt = _strip(alt)
        if not any(slot in alt for slot in SLOTS):
            problems.append((path, f"template {template!r} yields {alt!r} without a radical slot; "
                                   "write the radicals as ف ع ل (e.g. قال is فال, يقول is يفعل)"))
        elif alt not in out:
            out.append(alt)
    return out


def _letters(value, path, problems, what: str) -> frozenset[str]:
    items = value if isinstance(value, list) else [value]
    letters = set()
    for i, item in enumerate(items):
        norm = _radical(str(item)) if isinstance(item, str) else None
        if norm is None:
            problems.append((path + (i,) if isinstance(value, list) else path,
                             f"{what}: expected single Arabic letters, got {item!r}"))
        else:
            letters.add(norm)
    return frozenset(letters)


def _slot_key(key, path, problems) -> str | None:
    if key in SLOTS:
        return key
    problems.append((path + (key,), f"unknown radical slot {key!r}; slots are ف (1st), ع (2nd), ل (3rd)"))
    return None


def _load_rules(value, path, problems) -> tuple[Rule, ...]:
    if not isinstance(value, list):
        problems.append((path, "rules must be a list of {when: {slot: [letters]}, replace: {from: to}}"))
        return ()
    rules = []
    for i, item in enumerate(value):
        here = path + (i,)
        if not isinstance(item, Mapping):
            problems.append((here, "a rule is a mapping with 'when' and 'replace'"))
            continue
        for key in item:
            if key not in ("when", "replace"):
                problems.append((here + (key,), f"unknown key {key!r} in rule; use 'when' and 'replace'"
                                 + _did_you_mean(key, ("when", "replace"))))
        when, replace = item.get("when"), item.get("replace")
        if not isinstance(when, Mapping) or not when:
            problems.append((here + ("when",), "'when' must map slots to letters, e.g. {ف: [ص, ض]}"))
            when = {}
        if not isinstance(replace, Mapping) or not replace:
            problems.append((here + ("replace",), "'replace' must map template text to its rewrite, e.g. {فت: فط}"))
            replace = {}
        conds = []
        for slot, letters in when.items():
            if _slot_key(slot, here + ("when",), problems):
                conds.append((slot, _letters(letters, here + ("when", slot), problems, "rule condition")))
        reps = []
        for src, dst in replace.items():
            dsts = dst if isinstance(dst, list) else [dst]
            if not isinstance(src, str) or not src or not all(isinstance(d, str) for d in dsts):
                problems.append((here + ("replace", str(src)), "replace entries are text: {from: to} or {from: [to1, to2]}"))
                continue
            reps.append((_strip(src), tuple(_strip(d) for d in dsts)))
        rules.append(Rule(tuple(conds), tuple(reps)))
    return tuple(rules)


def _load_clitics(value, problems) -> tuple[dict[str, CliticSet], tuple[tuple[str, str], ...]]:
    path = ("clitics",)
    if not isinstance(value, Mapping):
        problems.append((path, "clitics must be a mapping with 'classes' (and optionally 'joins')"))
        return {}, ()
    for key in value:
        if key not in CLITIC_KEYS:
            problems.append((path + (key,), f"unknown key {key!r} under clitics; allowed: classes, joins"
                             + _did_you_mean(key, CLITIC_KEYS)))
    classes = value.get("classes")
    out: dict[str, CliticSet] = {}
    if not isinstance(classes, Mapping) or not classes:
        problems.append((path + ("classes",), "clitics.classes must map each form class (perfect, imperfect, ...) "
                                              "to {proclitics: [...], enclitics: [...]}"))
        classes = {}
    for cls, spec in classes.items():
        here = path + ("classes", cls)
        if spec is None:
            spec = {}
        if not isinstance(spec, Mapping):
            problems.append((here, "expected {proclitics: [...], enclitics: [...]}"))
            continue
        lists = {}
        for key, items in spec.items():
            if key not in ("proclitics", "enclitics"):
                problems.append((here + (key,), f"unknown key {key!r}; use proclitics or enclitics"
                                 + _did_you_mean(key, ("proclitics", "enclitics"))))
                continue
            if not isinstance(items, list):
                problems.append((here + (key,), f"{key} must be a list, e.g. [و, ف]"))
                continue
            good = []
            for i, item in enumerate(items):
                if not isinstance(item, str) or not item or not all(_is_arabic_letter(c) for c in _strip(item)):
                    problems.append((here + (key, i), f"clitic must be Arabic letters, got {item!r}"))
                elif _strip(item) not in good:
                    good.append(_strip(item))
            lists[key] = tuple(good)
        out[str(cls)] = CliticSet(lists.get("proclitics", ()), lists.get("enclitics", ()))
    joins = []
    raw_joins = value.get("joins", [])
    if not isinstance(raw_joins, list):
        problems.append((path + ("joins",), "joins must be a list of {end: ..., becomes: ...}"))
        raw_joins = []
    for i, item in enumerate(raw_joins):
        here = path + ("joins", i)
        if not isinstance(item, Mapping) or set(item) != {"end", "becomes"} \
                or not isinstance(item["end"], str) or not isinstance(item["becomes"], str) or not item["end"]:
            problems.append((here, "a join is {end: TEXT, becomes: TEXT}, e.g. {end: وا, becomes: و}"))
            continue
        joins.append((_strip(item["end"]), _strip(item["becomes"])))
    return out, tuple(joins)


def _load_measure(name, value, classes, problems) -> dict | None:
    """Parse one measure entry into a dict of its own (not yet inherited) fields."""
    path = ("measures", name)
    if not isinstance(value, Mapping):
        problems.append((path, "a measure is a mapping of form classes to template lists"))
        return None
    allowed = MEASURE_KEYS + tuple(classes)
    raw: dict = {"templates": {}}
    for key, item in value.items():
        here = path + (key,)
        if key == "doc":
            raw["doc"] = str(item)
        elif key == "like":
            raw["like"] = str(item)
        elif key == "example":
            if not isinstance(item, Mapping) or set(item) != {"root", "lemma"}:
                problems.append((here, "example must be {root: ق و ل, lemma: قال}"))
            else:
                raw["example"] = (str(item["root"]), str(item["lemma"]))
        elif key == "radicals":
            if not isinstance(item, Mapping):
                problems.append((here, "radicals must map slots to allowed letters, e.g. {ع: [و, ي]}"))
                continue
            raw["radicals"] = {slot: _letters(letters, here + (slot,), problems, "allowed radicals")
                               for slot, letters in item.items() if _slot_key(slot, here, problems)}
        elif key == "same":
            if not isinstance(item, list) or len(item) < 2 or any(s not in SLOTS for s in item):
                problems.append((here, "same lists slots that must hold the same letter, e.g. [ع, ل]"))
            else:
                raw["same"] = tuple(item)
        elif key == "rules":
            raw["rules"] = _load_rules(item, here, problems)
        elif key == "quadriliteral":
            if not isinstance(item, bool):
                problems.append((here, "quadriliteral is true or false (true: roots of four radicals, "
                                       "written فعلل in the templates)"))
            else:
                raw["quadriliteral"] = item
        elif key in classes:
            if not isinstance(item, list) or not item:
                problems.append((here, f"{key} must be a non-empty list of templates, e.g. [فعل, فعلت]"))
                continue
            templates: list[str] = []
            for i, template in enumerate(item):
                for alt in _check_template(template, here + (i,), problems):
                    if alt not in templates:
                        templates.append(alt)
            raw["templates"][key] = tuple(templates)
        else:
            hint = _did_you_mean(key, allowed)
            problems.append((here, f"unknown key {key!r} in measure {name!r}{hint} Form classes are those "
                                   f"declared under clitics.classes ({', '.join(classes)}); other keys: "
                                   f"{', '.join(MEASURE_KEYS)}"))
    return raw


def _resolve(raws: dict[str, dict], problems) -> dict[str, Measure]:
    """Apply ``like`` inheritance: a measure starts from its parent and overrides what it declares."""
    done: dict[str, dict] = {}

    def resolve(name, chain):
        if name in done:
            return done[name]
        raw = raws[name]
        parent_name = raw.get("like")
        merged = {"templates": {}}
        if parent_name is not None:
            if parent_name not in raws:
                problems.append((("measures", name, "like"), f"unknown measure {parent_name!r}"
                                 + _did_you_mean(parent_name, raws)))
            elif parent_name in chain:
                problems.append((("measures", name, "like"), "inheritance cycle: " + " -> ".join(chain + (name, parent_name))))
            else:
                parent = resolve(parent_name, chain + (name,))
                merged = {k: v for k, v in parent.items() if k not in ("doc", "example", "like")}
                merged["templates"] = dict(parent["templates"])
        for key, val in raw.items():
            if key == "templates":
                merged["templates"].update(val)
            else:
                merged[key] = val
        done[name] = merged
        return merged

    out = {}
    for name in raws:
        merged = resolve(name, ())
        if not merged["templates"]:
            problems.append((("measures", name), "measure declares no form class (perfect, imperfect, ...) "
                                                 "and inherits none; add templates or 'like: OTHER'"))
        out[name] = Measure(
            name=name,
            templates=merged["templates"],
            radicals=merged.get("radicals", {}),
            same=merged.get("same", ()),
            rules=merged.get("rules", ()),
            doc=merged.get("doc", ""),
            example=merged.get("example"),
            quadriliteral=merged.get("quadriliteral", False),
        )
        if out[name].quadriliteral:
            _check_quad_templates(out[name], problems)
    return out


def _check_quad_templates(measure: Measure, problems) -> None:
    """Each template of a quadriliteral measure holds لل once (the 3rd and 4th radicals) and no
    other ل: a lone ل would be neither."""
    for cls, templates in measure.templates.items():
        for template in templates:
            if template.count(QUAD) != 1 or template.replace(QUAD, "").count("ل"):
                problems.append((("measures", measure.name, cls),
                                 f"template {template!r} of a quadriliteral measure must hold لل once "
                                 "(the 3rd and 4th radicals, as in فعلل) and no other ل"))


def load_measures(data) -> Measures:
    """Validate the parsed morphology.yaml mapping and build ``Measures``.

    Raises ``MorphologyError`` listing every problem at once, including each measure whose
    ``example`` lemma is not generated from its root (a quick self-test of the templates).
    """
    problems: list = []
    if not isinstance(data, Mapping):
        raise MorphologyError([((), "morphology data must be a mapping with keys 'measures' and 'clitics'")])
    for key in data:
        if key not in TOP_KEYS:
            problems.append(((key,), f"unknown top-level key {key!r}; morphology.yaml has exactly "
                                     f"'measures' and 'clitics'" + _did_you_mean(key, TOP_KEYS)))
    for key in TOP_KEYS:
        if key not in data:
            problems.append(((key,), f"missing top-level key {key!r}"))
    clitics, joins = _load_clitics(data.get("clitics"), problems) if "clitics" in data else ({}, ())
    raw_measures = data.get("measures")
    raws: dict[str, dict] = {}
    if "measures" in data and (not isinstance(raw_measures, Mapping) or not raw_measures):
        problems.append((("measures",), "measures must map measure names (I-sound, II, ...) to templates"))
    elif isinstance(raw_measures, Mapping):
        for name, value in raw_measures.items():
            raw = _load_measure(str(name), value, tuple(clitics), problems)
            if raw is not None:
                raws[str(name)] = raw
    measures = _resolve(raws, problems)
    if problems:
        raise MorphologyError(problems)
    result = Measures(measures=measures, clitics=clitics, joins=joins)
    for name, measure in measures.items():
        if measure.example is None:
            continue
        root, lemma = measure.example
        try:
            generate(VerbSpec(root=root, measure=name, lemma=lemma), result)
        except MorphologyError as err:
            for _path, msg in err.problems:
                problems.append((("measures", name, "example"), f"example {lemma!r}: {msg}"))
    if problems:
        raise MorphologyError(problems)
    return result


# --------------------------------------------------------------------------- generation


def _radical(letter: str) -> str | None:
    """Normalize one radical: any hamza spelling -> ء, ى -> ي; None if not a radical letter."""
    letter = _strip(letter)
    if len(letter) != 1 or not _is_arabic_letter(letter) or letter in "اة":
        return None
    if letter in _HAMZA_LETTERS:
        return "ء"
    return "ي" if letter == "ى" else letter


def _parse_root(root, problems, size: int = len(SLOTS)) -> tuple[str, ...] | None:
    if isinstance(root, (list, tuple)):  # a YAML list [ق, و, ل]
        root = " ".join(str(r) for r in root)
    text = _strip(str(root)).strip()
    parts = [p for p in _ROOT_SEPARATORS.split(text) if p] if _ROOT_SEPARATORS.search(text) else list(text)
    radicals = []
    for part in parts:
        norm = _radical(part)
        if norm is None:
            hint = (" ا is never a radical: write the underlying و or ي (e.g. ق و ل for قال)" if part == "ا"
                    else " write single Arabic letters separated by spaces, e.g. 'ق و ل'")
            problems.append((("root",), f"{part!r} in root {root!r} is not a radical;{hint}"))
            return None
        radicals.append(norm)
    if len(radicals) != size:
        if size == len(SLOTS):
            need = (f"this measure needs {len(SLOTS)} (ف ع ل), written like 'ق و ل' (for a doubled verb repeat "
                    "it: 'ر د د')" + ("; a root of four radicals needs a quadriliteral measure (Iq)"
                                      if len(radicals) == 4 else ""))
        else:
            need = f"this quadriliteral measure needs {size} (فعلل), written like 'ط م ء ن'"
        problems.append((("root",), f"root {root!r} has {len(radicals)} radicals; {need}"))
        return None
    return tuple(radicals)


def _apply_rules(template: str, rules, radicals) -> list[str]:
    out = [template]
    for rule in rules:
        if not rule.applies(radicals):
            continue
        for src, dsts in rule.replace:
            out = [t.replace(src, d) if src in t else t for t in out for d in dsts]
    return list(dict.fromkeys(out))


def _substitute(template: str, radicals) -> str:
    table = {slot: (_HAMZA if r == "ء" else r) for slot, r in zip(SLOTS, radicals)}
    if len(radicals) > len(SLOTS):  # quadriliteral: لل is the 3rd and 4th radicals
        template = template.replace(QUAD, _THIRD + _FOURTH)
        table[_THIRD] = table.pop("ل")
        table[_FOURTH] = _HAMZA if radicals[3] == "ء" else radicals[3]
    return "".join(table.get(ch, ch) for ch in template)


def _seat(word: str) -> list[str]:
    """Expand radical-hamza placeholders into every plausible spelling.

    Word-initial -> ا (merged with a following alif, as in آمر). Elsewhere any of ء ا ؤ ئ; next to
    an alif no ا seat, but ءا and initial أء may be written آ, which folds to a single ا.
    """
    if _HAMZA not in word:
        return [word]
    options = []
    for i, ch in enumerate(word):
        if ch != _HAMZA:
            options.append((ch,))
            continue
        prev, nxt = word[i - 1 : i], word[i + 1 : i + 2]
        touches_alif = (prev and prev in _ALIFS) or (nxt and nxt in _ALIFS)
        if i == 0:
            options.append(("",) if touches_alif else ("ا",))
        elif touches_alif:
            # two alifs are never written side by side: no ا seat, but ءا / initial أء may be آ
            madda = (nxt and nxt in _ALIFS) or i == 1
            options.append(("ء", "ؤ", "ئ") + (("",) if madda else ()))
        else:
            options.append(_HAMZA_SEATS)
    return ["".join(p) for p in itertools.product(*options)]


def _join(stem: str, enclitic: str, joins) -> str:
    """Attach an enclitic, applying the first declared seam join (قالوا+ه -> قالوه)."""
    if not enclitic:
        return stem
    for end, becomes in joins:
        if stem.endswith(end):
            return stem[: len(stem) - len(end)] + becomes + enclitic
    return stem + enclitic


def _check_root(spec: VerbSpec, measure: Measure, radicals, measures: Measures, problems):
    for slot, allowed in measure.radicals.items():
        got = radicals[SLOTS.index(slot)]
        if got not in allowed:
            fits = [m.name for m in measures.measures.values()
                    if m.name.split("-")[0] == measure.name.split("-")[0] and _fits(m, radicals)]
            hint = f"; measures of the same family that accept it: {', '.join(fits)}" if fits else ""
            problems.append((("root",), f"measure {measure.name} needs {slot} in {{{' '.join(sorted(allowed))}}}, "
                                        f"root {spec.root!r} has {got}{hint}"))
    if measure.same and len({radicals[SLOTS.index(s)] for s in measure.same}) > 1:
        problems.append((("root",), f"measure {measure.name} is for roots whose {' and '.join(measure.same)} are the "
                                    f"same letter (e.g. ر د د); root {spec.root!r} is not"))


def _fits(measure: Measure, radicals) -> bool:
    ok = all(radicals[SLOTS.index(s)] in a for s, a in measure.radicals.items())
    return ok and (not measure.same or len({radicals[SLOTS.index(s)] for s in measure.same}) == 1)


def _build(measure: Measure, radicals, extras: dict[str, list[str]], exclude, measures: Measures):
    """Bare forms and clitic forms per class, in normalized spelling."""
    stems_by_class: dict[str, list[str]] = {}
    for cls, templates in measure.templates.items():
        stems = stems_by_class.setdefault(cls, [])
        for template in templates:
            for variant in _apply_rules(template, measure.rules, radicals):
                stem = _substitute(variant, radicals)
                if stem not in stems:
                    stems.append(stem)
    for cls, forms in extras.items():
        stems_by_class.setdefault(cls, []).extend(_strip(f) for f in forms)
    excluded = {_strip(x) for x in exclude}
    by_class, with_clitics = {}, {}
    for cls, stems in stems_by_class.items():
        cset = measures.clitics.get(cls, CliticSet())
        procs, encs = ("",) + cset.proclitics, ("",) + cset.enclitics
        # (`_fold` reads one character at a time, so a proclitic and a word are folded apart and
        # joined after: folding every joined form was most of generating the shipped verbs)
        folded_procs = tuple(dict.fromkeys(_fold(p) for p in procs))
        banned = {p + _fold(word) for x in excluded for p in folded_procs for e in encs
                  for word in (x + e, _join(x, e, measures.joins))}
        bare, full = {}, {}
        for stem in stems:
            for form in _seat(stem):
                form = _fold(form)
                if form not in banned:
                    bare[form] = None
            for enc in encs:
                for word in _seat(_join(stem, enc, measures.joins)):
                    word = _fold(word)
                    for proc in folded_procs:
                        form = proc + word
                        if form not in banned:
                            full[form] = None
        by_class[cls] = tuple(bare)
        with_clitics[cls] = tuple(sorted(full))
    return by_class, with_clitics


def generate(spec: VerbSpec, measures: Measures) -> Forms:
    """Generate all forms of ``spec`` from its measure's templates.

    Raises ``MorphologyError`` for an unknown measure, a malformed root, a root the measure does
    not accept, an ``extra`` naming an unknown class, or a lemma the measure does not produce.
    """
    problems: list = []
    measure = measures.measures.get(spec.measure)
    if measure is None:
        problems.append((("measure",), f"unknown measure {spec.measure!r}" + _did_you_mean(spec.measure, measures.names())
                         + f" Known measures: {', '.join(measures.names())}"))
    radicals = _parse_root(spec.root, problems, measure.size if measure is not None else len(SLOTS))
    if measure is not None and radicals is not None:
        _check_root(spec, measure, radicals, measures, problems)
    extras: dict[str, list[str]] = {}
    known = set(measure.templates if measure else ()) | set(measures.clitics) | {EXTRA_CLASS}
    for i, item in enumerate(spec.extra):
        cls, sep, form = str(item).partition(":")
        cls, form = (cls.strip(), form.strip()) if sep else (EXTRA_CLASS, cls.strip())
        if cls not in known:
            problems.append((("extra", i), f"unknown form class {cls!r} in {item!r}" + _did_you_mean(cls, known)
                             + " Write 'form' or 'class:form'"))
        elif not form or not all(_is_arabic_letter(c) for c in _strip(form)):
            problems.append((("extra", i), f"extra form must be an Arabic word, got {item!r}"))
        else:
            extras.setdefault(cls, []).append(form)
    if problems:
        raise MorphologyError(problems)
    by_class, with_clitics = _build(measure, radicals, extras, spec.exclude, measures)
    if spec.lemma:
        lemma = _fold(spec.lemma.strip())
        if not any(lemma in forms for forms in by_class.values()):
            problems.append((("lemma",), _lemma_hint(spec, lemma, by_class, measures)))
            raise MorphologyError(problems)
    return Forms(spec=spec, by_class=by_class, with_clitics=with_clitics)


def _lemma_hint(spec: VerbSpec, lemma: str, by_class, measures: Measures) -> str:
    """Explain a lemma the measure does not produce, naming measures that do produce it."""
    fits = []
    for name in measures.names():
        if name == spec.measure:
            continue
        try:
            other = generate(VerbSpec(root=spec.root, measure=name), measures)
        except MorphologyError:
            continue
        if any(lemma in forms for forms in other.by_class.values()):
            fits.append(name)
    perfect = " ".join(by_class.get("perfect", ())[:6])
    msg = f"lemma {spec.lemma!r} is not generated by measure {spec.measure} from root {spec.root!r}"
    msg += f" (its perfect: {perfect})" if perfect else ""
    if fits:
        return msg + f"; measures that generate it: {', '.join(fits)}"
    return msg + "; check root and measure, or add the form with extra: ['perfect:...']"


def format_forms(forms: Forms) -> str:
    """A plain-text table, class -> forms, as ``arules forms ROOT MEASURE`` prints it."""
    spec = forms.spec
    title = f"{spec.lemma or spec.root}  root {spec.root}  measure {spec.measure}"
    width = max((len(c) for c in forms.by_class), default=0)
    lines = [title, "-" * len(title)]
    for cls, items in forms.by_class.items():
        lines.append(f"{cls.ljust(width)}  {' '.join(items)}")
    total = len(forms.surface())
    lines.append(f"{'':{width}}  ({len(forms.surface(clitics=False))} forms, {total} with clitics)")
    return "\n".join(lines)
