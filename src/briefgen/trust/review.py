"""The evidence sheet: every claim beside its quotes in context, for an editor's audit in one sitting.

A verified quote proves the words exist; only a reader can judge whether the claim beside them is
faithful. This sheet puts each claim next to the paragraph each of its quotes sits in (the quote
marked), the source's grade and origin, and the warnings ``check`` gives it, in one HTML page that
sorts and filters without a server, and a CSV (one row per citation) for spreadsheets.
Built from the Sphinx-free model: no book build needed.
"""

from __future__ import annotations

import csv
import html
import io
from collections.abc import Iterator
from dataclasses import dataclass, field
from pathlib import Path

from briefgen.core.errors import KeyPath, Problem, format_key_path
from briefgen.core.load import Briefing, Part
from briefgen.core.model import Citation
from briefgen.core.outtext import clean, csv_cell
from briefgen.trust.anchor import AnchorIndex
from briefgen.trust.lint import claim_texts, lint
from briefgen.trust.provenance import cite_origin


@dataclass
class Evidence:
    """One citation of a claim, resolved to its passage."""

    source: str
    outlet: str
    grade: str
    origin: str
    quote: str
    paragraph: int
    before: str  # paragraph text before the quoted span
    quoted: str  # the exact span of the article
    after: str
    note: str | None
    origin_key: str = ""  # what counts: one report however its carriers name it


@dataclass
class ClaimRow:
    number: int
    file: str
    line: int
    key_path: KeyPath
    text: str
    evidence: list[Evidence]
    warnings: list[Problem] = field(default_factory=list)

    @property
    def origins(self) -> list[str]:
        return sorted({e.origin_key or e.origin: e.origin for e in self.evidence}.values())

    @property
    def codes(self) -> list[str]:
        return sorted({w.message.rsplit("[", 1)[-1].rstrip("]") for w in self.warnings})


def _evidence(
    b: Briefing, anchors: AnchorIndex, part: Part, cites: list[Citation]
) -> Iterator[Evidence]:
    for cite in cites:
        source = b.sources[cite.source].model
        st = anchors.texts[cite.source]
        a = anchors.get(cite.source, cite.quote)
        para = st.paragraphs[a.paragraph - 1]
        yield Evidence(
            cite.source,
            source.outlet,
            f"{source.grade.reliability}{source.grade.credibility}",
            (origin := cite_origin(b, anchors, cite)).label,
            cite.quote,
            a.paragraph,
            st.text[para.start : a.start],
            st.text[a.start : a.end],
            st.text[a.end : para.end],
            cite.note,
            origin.key,
        )


def _attached(claim_path: KeyPath, warning_path: KeyPath) -> bool:
    """A warning belongs to a claim inside it (a citation's quote) or beside it (its judgment's confidence)."""
    if not warning_path:
        return False  # file-level warnings concern no one claim
    if warning_path[: len(claim_path)] == claim_path:
        return True
    # a field of what holds the claim
    beside = isinstance(warning_path[-1], str) and len(warning_path) > 1
    return beside and claim_path[: len(warning_path) - 1] == warning_path[:-1]


def collect(b: Briefing, anchors: AnchorIndex) -> list[ClaimRow]:
    """Every claim of the briefing, in file order, with its evidence and warnings."""
    warnings = lint(b, anchors).warnings
    rows: list[ClaimRow] = []
    for part in b.parts():
        display = part.doc.problem((), "").file
        for path, text, cites in claim_texts(part):
            located = part.doc.problem(path, "")
            row = ClaimRow(
                len(rows) + 1,
                display,
                located.line,
                path,
                text,
                list(_evidence(b, anchors, part, cites)),
            )
            row.warnings = [
                w for w in warnings if w.file == display and _attached(path, w.key_path)
            ]
            rows.append(row)
    return rows


CSV_COLUMNS = [
    "claim",
    "file",
    "line",
    "key_path",
    "claim_text",
    "origins",
    "warnings",
    "source",
    "outlet",
    "grade",
    "origin",
    "paragraph",
    "quote",
    "passage_in_article",
    "paragraph_text",
    "note",
]


def to_csv(rows: list[ClaimRow]) -> str:
    """One row per citation (a claim's cells repeat), so a spreadsheet can filter by source or grade."""
    out = io.StringIO()
    writer = csv.writer(out, lineterminator="\n")
    writer.writerow(CSV_COLUMNS)
    for row in rows:
        for e in row.evidence:
            writer.writerow([csv_cell(cell) for cell in (
                row.number, row.file, row.line, format_key_path(row.key_path), row.text, len(row.origins),
                "; ".join(str(w.message) for w in row.warnings),
                e.source, e.outlet, e.grade, e.origin, e.paragraph, e.quote, e.quoted,
                e.before + e.quoted + e.after, e.note or "",
            )])  # fmt: skip
    return out.getvalue()


_STYLE = """
:root { color-scheme: light dark; --bg:#fff; --fg:#1b1b1b; --muted:#555; --line:#ccc; --mark:#ffe58a; --warn:#8a3b00; --warnbg:#fff1e0; }
@media (prefers-color-scheme: dark) { :root { --bg:#161616; --fg:#e8e8e8; --muted:#b0b0b0; --line:#444; --mark:#6b5500; --warn:#ffb877; --warnbg:#3a2410; } }
body { font: 15px/1.45 system-ui, sans-serif; margin: 1rem; background: var(--bg); color: var(--fg); }
h1 { font-size: 1.4rem; margin: 0 0 .3rem; }
.summary, .help { color: var(--muted); margin: .2rem 0 .8rem; }
.controls { display: flex; flex-wrap: wrap; gap: .6rem 1rem; align-items: center; position: sticky; top: 0; background: var(--bg); padding: .5rem 0; border-bottom: 1px solid var(--line); }
.controls input[type=search] { min-width: 18rem; padding: .3rem; font: inherit; }
table { border-collapse: collapse; width: 100%; table-layout: fixed; }
col.n { width: 3rem; } col.where { width: 11rem; } col.claim { width: 27%; } col.origins { width: 7.5rem; } col.warnings { width: 22%; }
th, td { border-bottom: 1px solid var(--line); padding: .45rem .5rem; vertical-align: top; text-align: left; }
th button { font: inherit; font-weight: 600; background: none; border: 0; color: inherit; cursor: pointer; padding: 0; }
th[aria-sort=ascending] button::after { content: " ▲"; } th[aria-sort=descending] button::after { content: " ▼"; }
td.where { color: var(--muted); font-size: .85em; overflow-wrap: anywhere; }
td { overflow-wrap: break-word; }
.ev { margin: 0 0 .6rem; } .ev:last-child { margin-bottom: 0; }
.ev .meta { font-size: .85em; color: var(--muted); }
.ev blockquote { margin: .15rem 0 0; padding-left: .6rem; border-left: 3px solid var(--line); }
mark { background: var(--mark); color: inherit; }
.warn { color: var(--warn); background: var(--warnbg); padding: .2rem .35rem; margin: 0 0 .3rem; font-size: .9em; border-radius: 3px; }
.num { text-align: right; }
@media (max-width: 700px) { col { width: auto !important; } table, thead, tbody, tr, th, td { display: block; } thead { position: absolute; left: -9999px; } tr { border-bottom: 2px solid var(--line); } td { border: 0; } td[data-label]::before { content: attr(data-label); display: block; font-weight: 600; font-size: .85em; } td[data-label="Warnings"]:empty { display: none; } }
"""

_SCRIPT = """
(() => {
  const rows = [...document.querySelectorAll('tbody tr')];
  const q = document.getElementById('q'), code = document.getElementById('code'), only = document.getElementById('only');
  const count = document.getElementById('count');
  function apply() {
    const words = q.value.toLowerCase().split(/\\s+/).filter(Boolean);
    let shown = 0;
    for (const r of rows) {
      const text = r.textContent.toLowerCase();
      const codes = r.dataset.codes.split(' ');
      const ok = words.every(w => text.includes(w)) && (!code.value || codes.includes(code.value)) && (!only.checked || r.dataset.codes);
      r.hidden = !ok; shown += ok;
    }
    count.textContent = shown + ' of ' + rows.length + ' claims shown';
  }
  for (const el of [q, code, only]) el.addEventListener('input', apply);
  document.querySelectorAll('th[data-key] button').forEach(btn => btn.addEventListener('click', () => {
    const th = btn.parentElement, key = th.dataset.key, numeric = th.dataset.numeric === '1';
    const dir = th.getAttribute('aria-sort') === 'ascending' ? -1 : 1;
    document.querySelectorAll('th[aria-sort]').forEach(h => h.removeAttribute('aria-sort'));
    th.setAttribute('aria-sort', dir === 1 ? 'ascending' : 'descending');
    const value = r => numeric ? Number(r.dataset[key]) : r.dataset[key];
    rows.sort((a, b) => (value(a) > value(b) ? 1 : value(a) < value(b) ? -1 : 0) * dir);
    const body = document.querySelector('tbody'); rows.forEach(r => body.appendChild(r));
  }));
  apply();
})();
"""


def _e(text: object) -> str:
    """Text for the sheet's HTML: cleaned as the book cleans it (no control or bidi characters), escaped."""
    return html.escape(clean(str(text), strip=False), quote=True)


def _evidence_html(e: Evidence) -> str:
    note = f" Note: {_e(e.note)}" if e.note else ""
    return (
        f'<div class="ev"><div class="meta">{_e(e.outlet)} ({_e(e.source)}), ¶{e.paragraph} · grade {_e(e.grade)} · origin {_e(e.origin)}{note}</div>'
        f"<blockquote>{_e(e.before)}<mark>{_e(e.quoted)}</mark>{_e(e.after)}</blockquote></div>"
    )


def to_html(rows: list[ClaimRow], title: str) -> str:
    """A self-contained page: all text escaped, no external assets, usable without JavaScript."""
    codes = sorted({c for r in rows for c in r.codes})
    warned = sum(1 for r in rows if r.warnings)
    body = []
    for r in rows:
        warnings = "".join(
            f'<p class="warn">{_e(w.message)}{" (hint: " + _e(w.hint) + ")" if w.hint else ""}</p>'
            for w in r.warnings
        )
        body.append(
            f'<tr id="claim-{r.number}" data-n="{r.number}" data-file="{_e(r.file)}:{r.line:06d}" data-origins="{len(r.origins)}" '
            f'data-warnings="{len(r.warnings)}" data-codes="{_e(" ".join(r.codes))}">'
            f'<td class="num">{r.number}</td>'
            f'<td class="where">{_e(r.file)}:{r.line}<br>{_e(format_key_path(r.key_path))}</td>'
            f'<td data-label="Claim">{_e(r.text)}</td>'
            f'<td data-label="Quotes in context">{"".join(_evidence_html(e) for e in r.evidence)}</td>'
            f'<td data-label="Origins">{len(r.origins)}: <span class="meta">{_e(", ".join(r.origins))}</span></td>'
            f'<td data-label="Warnings">{warnings}</td></tr>'
        )
    options = "".join(f'<option value="{_e(c)}">{_e(c)}</option>' for c in codes)

    def th(label: str, key: str, numeric: bool = False) -> str:
        return f'<th scope="col" data-key="{key}" data-numeric="{int(numeric)}"><button type="button">{label}</button></th>'

    return (
        "<!DOCTYPE html>\n"
        f'<html lang="en"><head><meta charset="utf-8"><meta name="viewport" content="width=device-width, initial-scale=1">'
        f"<title>Evidence sheet: {_e(title)}</title><style>{_STYLE}</style></head><body>"
        f"<h1>Evidence sheet: {_e(title)}</h1>"
        f'<p class="summary">{len(rows)} claims, {sum(len(r.evidence) for r in rows)} citations; {warned} claims with warnings. '
        f"Each quote is shown marked in its paragraph of the article.</p>"
        f'<p class="help">Read each claim against its passages: does the claim say only what they say, and is it attributed to who says it? '
        f"Filter by words or by warning; click a column heading to sort.</p>"
        f'<div class="controls" role="search"><label>Filter <input id="q" type="search" placeholder="words in claim, quote or source"></label>'
        f'<label>Warning <select id="code"><option value="">any or none</option>{options}</select></label>'
        f'<label><input id="only" type="checkbox"> only claims with warnings</label><span id="count" aria-live="polite"></span></div>'
        f'<table><colgroup><col class="n"><col class="where"><col class="claim"><col class="quotes"><col class="origins"><col class="warnings"></colgroup><thead><tr>{th("#", "n", True)}{th("Where", "file")}<th scope="col">Claim</th><th scope="col">Quotes in context</th>'
        f"{th('Origins', 'origins', True)}{th('Warnings', 'warnings', True)}</tr></thead><tbody>"
        + "\n".join(body)
        + f"</tbody></table><script>{_SCRIPT}</script></body></html>\n"
    )


def write_review(b: Briefing, anchors: AnchorIndex, out: Path) -> tuple[Path, Path, list[ClaimRow]]:
    """Write review.html and review.csv into ``out``; return their paths and the rows."""
    rows = collect(b, anchors)
    out.mkdir(parents=True, exist_ok=True)
    html_path, csv_path = out / "review.html", out / "review.csv"
    html_path.write_text(to_html(rows, b.book.model.title), encoding="utf-8")
    csv_path.write_text(to_csv(rows), encoding="utf-8", newline="")
    return html_path, csv_path, rows
