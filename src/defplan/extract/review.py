"""The review page: every proposed attack with its words highlighted in its article.

One offline HTML file (no script, no request: styles inline) written beside the CSV.
For each article, the text with the sentence that places each attack marked, and the
sentences that retell it (linked restatements) marked more lightly, each under the
attack's event id; above the text, a table of the fields read. A planner reads it
before the rows enter the theater (docs/extraction.md).
"""

from __future__ import annotations

import html
from collections.abc import Mapping, Sequence
from pathlib import Path

from defplan.atomic import atomic_write_bytes
from defplan.extract.events import ExtractedAttack

FIELDS = (
    "base",
    "base_id",
    "date",
    "date_precision",
    "weapon",
    "munitions",
    "killed",
    "wounded",
    "actor",
)
STYLE = " ".join(
    [
        "body{font-family:system-ui,sans-serif;margin:2rem;max-width:70rem;color:#1b1b1b}",
        "h1{font-size:1.4rem}",
        "h2{font-size:1.1rem;margin-top:2.5rem;border-top:1px solid #ccc;padding-top:1rem}",
        "table{border-collapse:collapse;margin:.5rem 0 1rem}",
        "td,th{border:1px solid #bbb;padding:.2rem .5rem;font-size:.85rem;text-align:left}",
        "th{background:#eee}",
        ".text{white-space:pre-wrap;line-height:1.5;font-size:.9rem;background:#fafafa;",
        "padding:1rem;border:1px solid #ddd}",
        "mark.main{background:#ffd54f} mark.linked{background:#fff3c4}",
        "sup{color:#7a5c00;font-weight:600} .note{color:#555;font-size:.85rem}",
    ]
)


def _cell(value: object) -> str:
    return "" if value is None else html.escape(str(value))


def _table(rows: Sequence[ExtractedAttack]) -> str:
    head = "".join(f"<th>{name}</th>" for name in ("event_id", *FIELDS, "told in"))
    body = []
    for row in rows:
        told = f"{1 + len(row.linked_spans)} sentence(s)"
        cells = "".join(f"<td>{_cell(getattr(row, name))}</td>" for name in FIELDS)
        body.append(
            f'<tr id="{html.escape(row.event_id)}-{row.span_start}"><td>'
            f"{html.escape(row.event_id)}</td>{cells}<td>{told}</td></tr>"
        )
    return f"<table><tr>{head}</tr>{''.join(body)}</table>"


def _marked_text(text: str, rows: Sequence[ExtractedAttack]) -> str:
    """``text`` escaped, each row's sentence (main) and restatements (linked) marked and
    labelled with the event ids they tell (one sentence may tell several attacks)."""
    spans: dict[tuple[int, int], list[tuple[str, str]]] = {}
    for row in rows:
        spans.setdefault((row.span_start, row.span_end), []).append(("main", row.event_id))
        for span in row.linked_spans:
            spans.setdefault(span, []).append(("linked", row.event_id))
    out, at = [], 0
    for (start, end), told in sorted(spans.items()):
        if start < at:
            continue  # overlaps a sentence already marked
        kind = "main" if any(k == "main" for k, _ in told) else "linked"
        events = ", ".join(dict.fromkeys(e for _, e in told))
        title = html.escape(f"{events}: {'places the attack' if kind == 'main' else 'retells it'}")
        out.append(html.escape(text[at:start]))
        out.append(
            f'<mark class="{kind}" title="{title}">{html.escape(text[start:end])}</mark>'
            f"<sup>{html.escape(events)}</sup>"
        )
        at = end
    out.append(html.escape(text[at:]))
    return "".join(out)


def review_html(rows: Sequence[ExtractedAttack], texts: Mapping[str, str]) -> str:
    """The whole review page for ``rows`` read from articles whose texts are ``texts``."""
    parts = [
        "<!doctype html><html lang=en><head><meta charset=utf-8>",
        "<title>defplan extract: attacks to review</title>",
        f"<style>{STYLE}</style></head><body>",
        "<h1>Attacks proposed from the articles</h1>",
        f'<p class="note">{len(rows)} row(s) from {len(texts)} article(s). Yellow: the '
        "sentence that places the attack; pale: sentences that retell it (linked, not "
        "separate rows). Accept or reject each event in the attacks sheet's review column.</p>",
    ]
    for file in sorted(texts):
        own = [r for r in rows if r.article_file == file]
        parts.append(f"<h2>{html.escape(file)}</h2>")
        parts.append(_table(own) if own else '<p class="note">no attack on a base read</p>')
        parts.append(f'<div class="text">{_marked_text(texts[file], own)}</div>')
    parts.append("</body></html>")
    return "".join(parts)


def write_review_page(
    rows: Sequence[ExtractedAttack], texts: Mapping[str, str], path: Path
) -> Path:
    """Write the review page to ``path`` (atomically) and return it."""
    atomic_write_bytes(path, review_html(rows, texts).encode("utf-8"))
    return path
