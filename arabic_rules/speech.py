"""Attribution value builder: who said what (cue, speaker, content)."""
from __future__ import annotations

from typing import Any

from .values import BuildContext, FieldView, builder

QUOTES = {'"': '"', "«": "»", "“": "”", "'": "'"}


def is_quotation(text: str) -> bool:
    """True when ``text`` is one quotation from its opening mark to the matching closing one."""
    text = text.strip()
    if len(text) < 2 or text[0] not in QUOTES or text[-1] != QUOTES[text[0]]:
        return False
    return QUOTES[text[0]] not in text[1:-1] or text[0] == QUOTES[text[0]] and text.count(text[0]) == 2


@builder("attribution")
def attribution(ctx: BuildContext, cue: FieldView | None = None, speaker: FieldView | None = None,
                content: FieldView | None = None) -> Any:
    """``{"lemma", "direct", "speaker", "content"}``; the lemma is the cue's lexicon value."""
    lemma = None
    if cue is not None:
        lemma = cue.value if isinstance(cue.value, str) else cue.text
    return {
        "lemma": lemma,
        "direct": content is not None and is_quotation(content.text),
        "speaker": speaker.original if speaker is not None else None,
        "content": content.original if content is not None else None,
    }
