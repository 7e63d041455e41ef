"""Per-rule build functions for the native core's matches, generated once per pack.

`Engine._build_pending` turns a native match into a candidate: it reads the rule's groups (most
did not match), looks up lexicon values, makes the builder's views and context, and calls the
builder. Done by one loop over tables for every rule, that costs more than many builders; here
each rule gets a function with its groups, argument plan and constants written out (the way
`match.maker` writes a constructor), so a match pays only for what its rule has. The functions
compute exactly what `Engine._build_pending` computes (tests/test_speedups.py checks it).
"""
from __future__ import annotations

import keyword
from typing import Any, Callable, Sequence

from .values import Built, Reject

# build(p, text, original, mapped, ref_date, structure, prefer) -> Candidate | None
BuildFn = Callable[..., Any]


def _is_name(k: Any) -> bool:
    return isinstance(k, str) and k.isidentifier() and not keyword.iskeyword(k)


def build_function(rule: Any, field_plan: Sequence[tuple[int, str, Any]], call_plan: Any, lexicons: Any, roles: Any,
                   make_view: Callable[..., Any], make_context: Callable[..., Any],
                   make_candidate: Callable[..., Any]) -> BuildFn | None:
    """The build function of ``rule`` (None when the plan cannot be written out: a keyword
    argument that is not a Python name; the engine then runs its generic loop)."""
    fn, arg_plan, kwarg_plan = call_plan
    if not all(_is_name(k) for k, _, _ in kwarg_plan):
        return None
    ns: dict[str, Any] = {"VIEW": make_view, "CONTEXT": make_context, "NEW": make_candidate, "Built": Built,
                          "Reject": Reject, "FN": fn, "RULE": rule, "NAME": rule.name, "LABEL": rule.label,
                          "LEXICONS": lexicons, "ROLES": roles}
    lines = ["def build(p, text, original, mapped, ref_date, structure, prefer):",
             "    spans = p.spans", "    fields = {}", "    views = {}"]
    seen: set[str] = set()
    for k, (i, name, values) in enumerate(field_plan):
        ns[f"N{k}"] = name
        cond = "s >= 0" if name not in seen else f"s >= 0 and N{k} not in fields"
        seen.add(name)
        lines += [f"    s, e = spans[{int(i)}]", f"    if {cond}:", "        m = text[s:e]"]
        if values is None:
            lines.append("        v = None")
        else:
            ns[f"L{k}"] = values
            lines.append(f"        v = L{k}.get(' '.join(m.split()))")
        lines += [f"        fields[N{k}] = (s, e, v)", "        os_, oe = mapped(s, e)",
                  f"        views[N{k}] = VIEW(N{k}, m, v, original[os_:oe])"]
    lines += ["    start, end = p.start, p.end",
              "    ctx = CONTEXT(NAME, LABEL, text[start:end], views, ref_date, LEXICONS, text, start, structure,"
              " prefer, ROLES)"]
    args = ["ctx"]
    for k, (named, a) in enumerate(arg_plan):
        ns[f"A{k}"] = a
        args.append(f"views.get(A{k})" if named else f"A{k}")
    for k, (key, named, a) in enumerate(kwarg_plan):
        ns[f"K{k}"] = a
        args.append(f"{key}=views.get(K{k})" if named else f"{key}=K{k}")
    lines += ["    try:", f"        result = FN({', '.join(args)})", "    except Reject:", "        return None",
              "    if isinstance(result, Built):",
              "        return NEW((RULE, start, end, fields, result.value, dict(result.attrs)))",
              "    return NEW((RULE, start, end, fields, result, {}))"]
    exec("\n".join(lines) + "\n", ns)  # (the source holds names and indices only; values are in ns)
    build: BuildFn = ns["build"]
    build.__qualname__ = f"build_function.<{rule.name}>"
    return build
