"""A summary of a run of findings: how many of each label and rule, who is quoted most, with
which verbs, and which months the dates fall in.

The collector is fed the located records the CLI writes (the output contract plus ``file``,
``line``, ``col`` and, for a corpus, ``doc``), one at a time: `Stats.add` only bumps a few
counters, so it can see every finding of a big run. `Stats.render` prints the summary with rich
(to any console, ``Console(stderr=True)`` included); `Stats.to_dict` gives it as JSON.
"""
from __future__ import annotations

from typing import Any, Iterable

_DIGITS = frozenset("0123456789")


def month_of(record: dict[str, Any]) -> str | None:
    """The Gregorian month (``YYYY-MM``) a date record falls in: that of ``attrs.resolved`` when
    there is one, else that of the value when it has a known year and month; for an interval,
    its start. A Hijri value without a resolved date has no Gregorian month: None, as for a
    week, a bare year or an unknown year."""
    attrs = record.get("attrs") or {}
    when = attrs.get("resolved")
    if not when:
        if attrs.get("calendar") == "hijri":
            return None
        when = record.get("value")
    if not isinstance(when, str) or len(when) < 7 or when[4] != "-":
        return None
    ym = when[:7]
    if not (_DIGITS.issuperset(ym[:4]) and _DIGITS.issuperset(ym[5:])) or not "01" <= ym[5:] <= "12":
        return None
    return ym


def _bump(counts: dict, key: Any) -> None:
    counts[key] = counts.get(key, 0) + 1


def _top(counts: dict[Any, int], n: int | None) -> list[tuple[Any, int]]:
    """The ``n`` biggest counts (all when ``n`` is None), biggest first, ties in key order."""
    return sorted(counts.items(), key=lambda kv: (-kv[1], str(kv[0])))[:n]


class Stats:
    """Counts over the findings of a run.

    ``top``: how many speakers and cue verbs the summary lists; ``months``: how many months
    (the busiest, shown in calendar order); ``rules``: how many rules the rule table lists
    (the others are summed in one row; None lists all). `to_dict` keeps every label, rule and
    month, and the same tops of speakers and cues.
    """

    def __init__(self, top: int = 10, months: int = 12, rules: int | None = 25) -> None:
        self.top, self.months_shown, self.rules_shown = top, months, rules
        self.documents = 0
        self.findings = 0
        self.labels: dict[str, int] = {}
        self.rules: dict[str, int] = {}
        self.speakers: dict[str, int] = {}
        self.cues: dict[str, int] = {}
        self.months: dict[str, int] = {}
        self.dates_without_month = 0

    def add_document(self, n: int = 1) -> None:
        """Count ``n`` more documents (a file, or a document of a corpus), with findings or not."""
        self.documents += n

    def add(self, record: dict[str, Any]) -> None:
        """Count one finding (a located record, or any dict with ``label``, ``rule``, ``value``
        and ``attrs``)."""
        self.findings += 1
        label = record["label"]
        _bump(self.labels, label)
        _bump(self.rules, record["rule"])
        if label == "attribution":
            value = record.get("value")
            if isinstance(value, dict):
                speaker = value.get("speaker")
                if speaker:
                    _bump(self.speakers, " ".join(speaker.split()))  # a speaker cut by a line break is one
                lemma = value.get("lemma")
                if lemma:
                    _bump(self.cues, lemma)
        elif label == "date":
            month = month_of(record)
            if month is None:
                self.dates_without_month += 1
            else:
                _bump(self.months, month)

    def update(self, records: Iterable[dict[str, Any]]) -> None:
        """`add` each record."""
        for record in records:
            self.add(record)

    def merge(self, other: Stats) -> None:
        """Add the counts of another collector (of another part of the same run)."""
        self.documents += other.documents
        self.findings += other.findings
        self.dates_without_month += other.dates_without_month
        for mine, theirs in ((self.labels, other.labels), (self.rules, other.rules),
                             (self.speakers, other.speakers), (self.cues, other.cues),
                             (self.months, other.months)):
            for key, n in theirs.items():
                mine[key] = mine.get(key, 0) + n

    def top_months(self) -> list[tuple[str, int]]:
        """The busiest ``months`` months, in calendar order."""
        return sorted(_top(self.months, self.months_shown))

    def to_dict(self) -> dict[str, Any]:
        """The summary as plain JSON-ready data: counts by label, rule (biggest first) and month
        (in calendar order, all of them), and the top speakers and cue verbs (biggest first)."""
        return {
            "documents": self.documents,
            "findings": self.findings,
            "labels": dict(_top(self.labels, None)),
            "rules": dict(_top(self.rules, None)),
            "speakers": dict(_top(self.speakers, self.top)),
            "cues": dict(_top(self.cues, self.top)),
            "months": dict(sorted(self.months.items())),
            "dates_without_month": self.dates_without_month,
        }

    def render(self, console) -> None:
        """Print the summary on a rich console: a heading line, then tables of labels, rules,
        top speakers, top cue verbs and dates by month (a table without rows is left out)."""
        from rich import box
        from rich.table import Table
        from rich.text import Text

        def table(title: str, key: str, rows: list[tuple[Any, int]], total: int | None = None) -> Table:
            t = Table(title=title, box=box.SIMPLE, title_justify="left", show_edge=False, min_width=len(title))
            t.add_column(key)
            t.add_column("count", justify="right")
            if total:
                t.add_column("%", justify="right")
            for name, n in rows:
                cells = [Text(str(name)), f"{n:,}"]  # a Text: no markup in names
                if total:
                    cells.append(f"{100 * n / total:.1f}")
                t.add_row(*cells)
            return t

        console.print(f"[bold]{self.findings:,}[/bold] finding(s) in [bold]{self.documents:,}[/bold] document(s)",
                      highlight=False)
        if not self.findings:
            return
        console.print(table("Findings by label", "label", _top(self.labels, None), self.findings))
        rules = _top(self.rules, self.rules_shown)
        t = table("Findings by rule", "rule", rules, self.findings)
        rest = len(self.rules) - len(rules)
        if rest > 0:
            n = self.findings - sum(n for _, n in rules)
            t.add_row(f"({rest} more rules)", f"{n:,}", f"{100 * n / self.findings:.1f}", style="dim")
        console.print(t)
        if self.speakers:
            console.print(table(f"Top {self.top} speakers", "speaker", _top(self.speakers, self.top)))
        if self.cues:
            console.print(table(f"Top {self.top} cue verbs", "cue", _top(self.cues, self.top)))
        if self.months:
            title = "Dates by month" if len(self.months) <= self.months_shown else \
                f"Dates by month (the {self.months_shown} busiest of {len(self.months)})"
            t = table(title, "month", self.top_months())
            if self.dates_without_month:
                t.add_row("(no month)", f"{self.dates_without_month:,}", style="dim")
            console.print(t)
