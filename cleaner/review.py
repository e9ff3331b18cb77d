"""``cleaner review``: one self-contained HTML page showing what a run did, from its report and inputs.

The page has an overview (documents by status, characters removed per stage and per rule as bars,
rollbacks, warnings and failures) and, per document, its text with every removal struck through and
coloured by stage, every repair shown as old → new, the rule and reason on hover; two selects filter the
documents and marks by stage or rule, and each rule lists the documents it touched.

Edits are marked on the text explain marks (:func:`cleaner.explain.base_text`: the input of the first text
stage, so an HTML page shows the text extraction gave, which the report holds); a text input is read
again from the path in its record. Everything taken from a report or an input is escaped: inputs are
hostile HTML. The page loads nothing: its CSS and script are inline.

Limits, so a run of any size gives a page a browser opens: the first ``full`` documents of the report
are rendered in full (:data:`FULL_DOCUMENTS` by default), each up to :data:`MAX_CHARS` characters; the
next :data:`LISTED_DOCUMENTS` are listed by name, status and edit count; the rest are only counted.
Each rule links to the first :data:`RULE_LINKS` documents it touched. The page says so.
"""

from __future__ import annotations

import contextlib
import html
import re
from collections.abc import Iterable, Mapping
from dataclasses import dataclass, field
from pathlib import Path
from typing import IO, Any

from cleaner.document import replay
from cleaner.explain import base_text, marks, result_of, visible
from cleaner.io import InputError, decode, iter_jsonl, read_bytes
from cleaner.report import rule_tally
from cleaner.summary import STATUSES, RunSummary, document_name

FULL_DOCUMENTS = 200  # rendered in full: a few MB of page, which a browser opens in a second or two
LISTED_DOCUMENTS = 5_000  # listed by name after those
MAX_CHARS = 100_000  # characters of one document rendered; the rest is cut, saying so
RULE_LINKS = 100  # documents each rule links to
BAR_RULES = 30  # rules drawn as bars (all of them are in the rule index)

# one colour per stage, in pipeline order; each removal and repair is coloured by its stage
_COLOURS = {
    "extract": "#9e9e9e",
    "unicode": "#8d6e63",
    "debris": "#ef6c00",
    "appended": "#c62828",
    "boilerplate": "#d81b60",
    "mainblock": "#6a1b9a",
    "repair": "#2e7d32",
    "names": "#00838f",
    "language": "#1565c0",
    "canonical": "#757575",
}
_OTHER = "#546e7a"
_JSONL_LINE = re.compile(r"(?P<file>.+\.jsonl(?:\.gz)?):(?P<line>\d+)", re.IGNORECASE)


def _e(value: Any) -> str:
    return html.escape(str(value), quote=True)


def _css_name(stage: str) -> str:
    return "s-" + re.sub(r"[^a-z0-9-]", "_", stage.lower())


@dataclass
class _Index:
    """What the page needs of the whole report, gathered in one pass over it."""

    summary: RunSummary = field(default_factory=RunSummary)
    full: list[tuple[int, dict]] = field(default_factory=list)  # (position, record) rendered in full
    listed: list[tuple[int, str, str, int]] = field(default_factory=list)  # position, name, status, edits
    by_rule: dict[str, list[int]] = field(default_factory=dict)  # rule -> positions, the first RULE_LINKS
    names: dict[int, str] = field(default_factory=dict)  # position -> name, of the documents linked
    anchors: dict[str, int] = field(default_factory=dict)  # name -> position, of the documents on the page


def write_page(
    records: Iterable[Mapping[str, Any]], out: IO[str], *, root: Path, full: int = FULL_DOCUMENTS, all=False
) -> str:
    """Write the review page of a run's report records to ``out``; returns what it shows, in words."""
    index = _gather(records, full)
    sources = _sources([r for _, r in index.full], root)
    out.write(_HEAD)
    out.write(_overview(index, full))
    out.write(_filters(index))
    out.write('<main id="documents">\n')
    for pos, record in index.full:
        out.write(_document(pos, record, sources.get(pos), all))
    out.write("</main>\n")
    out.write(_listing(index))
    out.write(_rule_index(index))
    out.write(_TAIL)
    s = index.summary
    return (
        f"{len(index.full):,} of {s.documents:,} documents shown in full, {len(index.listed):,} listed, "
        f"{len(s.edits_by_rule):,} rules"
    )


def _gather(records: Iterable[Mapping[str, Any]], full: int) -> _Index:
    index = _Index()
    for pos, record in enumerate(records):
        index.summary.add(record)
        tally = rule_tally(record)  # from the edits, or a summary-level record's counts
        if pos < full + LISTED_DOCUMENTS:
            index.anchors.setdefault(document_name(record), pos)
        if pos < full:
            index.full.append((pos, dict(record)))
        elif pos < full + LISTED_DOCUMENTS:
            index.listed.append((pos, document_name(record), record["status"], sum(t[2] for t in tally)))
        for rule in (f"{stage}/{rule}" for stage, rule, _, _ in tally):
            linked = index.by_rule.setdefault(rule, [])
            if len(linked) < RULE_LINKS:
                linked.append(pos)
                index.names[pos] = document_name(record)
    return index


def _sources(records: list[dict], root: Path) -> dict[int, str]:
    """The input text of each record to render, by position, where it can be read: a text file again,
    a JSONL record by its line (each file read once), nothing for an HTML page (the report has its text)."""
    wanted: dict[str, dict[int, int]] = {}  # JSONL file -> line -> position
    found: dict[int, str] = {}
    for pos, record in enumerate(records):
        edits = record.get("edits") or []
        path = record.get("path")
        if not path or "edits" not in record or (edits and edits[0]["stage"] == "extract"):
            continue  # nothing to mark (a summary-level record) or the report holds the text
        if m := _JSONL_LINE.fullmatch(path):
            wanted.setdefault(m["file"], {})[int(m["line"])] = pos
            continue
        with contextlib.suppress(InputError, OSError):  # gone or moved: the page lists its edits instead
            found[pos] = decode(read_bytes(str(root / path)))[0]
    for file, lines in wanted.items():
        try:
            for n, doc, _ in iter_jsonl(str(root / file)):
                if n in lines and doc is not None and isinstance(doc.get("text"), str):
                    found[lines[n]] = doc["text"]
        except InputError:
            pass
    return found


def _bars(counts: list[tuple[str, int]], css, title: str, link=None) -> str:
    top = max((n for _, n in counts), default=0) or 1
    rows = []
    for name, n in counts:
        if not n:  # a repair that takes nothing out: in the rule index, not among the bars
            continue
        label = f'<a href="{_e(link(name))}">{_e(name)}</a>' if link else _e(name)
        rows.append(
            f'<div class="bar"><span class="label">{label}</span>'
            f'<span class="track"><span class="fill {css(name)}" style="width:{100 * n / top:.1f}%"></span>'
            f'</span><span class="n">{n:,}</span></div>'
        )
    return f"<h3>{_e(title)}</h3>\n" + ("\n".join(rows) or "<p>none</p>") + "\n"


def _overview(index: _Index, full: int) -> str:
    s = index.summary
    statuses = "".join(
        f'<tr><td class="status-{_e(k)}">{_e(k)}</td><td class="n">{s.statuses[k]:,}</td></tr>'
        for k in (*STATUSES, *sorted(set(s.statuses) - set(STATUSES)))
    )
    kept = f" ({s.chars_out / s.chars_in:.0%} kept)" if s.chars_in else ""
    parts = [
        "<header><h1>cleaner review</h1>",
        f"<p>{s.documents:,} documents; characters in {s.chars_in:,}, out {s.chars_out:,}{kept}.</p>",
        f'<p class="limits">Limits: the first {full:,} documents of the report are shown in full (each up to '
        f"{MAX_CHARS:,} characters), the next {LISTED_DOCUMENTS:,} are listed, the rest only counted; each "
        f"rule links to the first {RULE_LINKS:,} documents it touched. An HTML page is shown as the text "
        "extraction gave; format-only edits of the canonical stage are counted but not marked unless the "
        "page was made with --all. Hover a mark for its rule and reason.</p></header>",
        '<section id="overview"><h2>Overview</h2>',
        f'<table class="statuses"><tr><th>status</th><th>documents</th></tr>{statuses}</table>',
        _bars(s.removed_by_stage.most_common(), _css_name, "Characters removed per stage"),
        _bars(
            s.removed_by_rule.most_common(BAR_RULES),
            lambda rule: _css_name(rule.split("/")[0]),
            f"Characters removed per rule (top {BAR_RULES}; every rule in the rule index below)",
            link=lambda rule: f"#rule={rule}",
        ),
        _problems(s, index.anchors),
        "</section>\n",
    ]
    return "\n".join(parts)


def _problems(s: RunSummary, anchors: Mapping[str, int]) -> str:
    def doc(name: str) -> str:  # a link to the document where the page has it
        return f'<a href="#d{anchors[name]}">{_e(name)}</a>' if name in anchors else _e(name)

    rollbacks = "".join(
        f"<li>{doc(r['document'])}: <b>{_e(r['stage'])}</b> rolled back, {_e(r['why'])}</li>"
        for r in s.rollbacks
    )
    warnings = "".join(f"<li>{doc(w['document'])}: {_e(w['warning'])}</li>" for w in s.warnings)
    failures = "".join(f"<li>{doc(f['document'])}: {_e(f['error'])}</li>" for f in s.failures)
    total = sum(s.rollbacks_by_stage.values())
    return (
        f'<h3 id="rollbacks">Rollbacks: {total:,}</h3><ul>{rollbacks}</ul>'
        f'<h3 id="warnings">Other warnings: {s.warning_count:,}</h3><ul>{warnings}</ul>'
        f'<h3 id="failures">Failures: {s.statuses["failed"]:,}</h3><ul>{failures}</ul>'
    )


def _filters(index: _Index) -> str:
    stages = sorted({rule.split("/")[0] for rule in index.by_rule}, key=_stage_order)
    stage_options = "".join(f'<option value="{_e(s)}">{_e(s)}</option>' for s in stages)
    rule_options = "".join(f'<option value="{_e(r)}">{_e(r)}</option>' for r in sorted(index.by_rule))
    return (
        '<nav id="filters">Filter: <label>stage <select id="filter-stage"><option value="">all</option>'
        f'{stage_options}</select></label> <label>rule <select id="filter-rule"><option value="">all</option>'
        f'{rule_options}</select></label> <span id="shown"></span></nav>\n'
    )


def _stage_order(stage: str) -> tuple[int, str]:
    order = list(_COLOURS)
    return (order.index(stage) if stage in order else len(order), stage)


def _document(pos: int, record: Mapping[str, Any], source: str | None, all: bool) -> str:
    result = result_of(record)
    name = document_name(record)
    edits = record.get("edits") or []
    tally = rule_tally(record)
    rules = sorted({f"{stage}/{rule}" for stage, rule, _, _ in tally})
    stages = sorted({stage for stage, _, _, _ in tally})
    filters = f'data-rules="{_e(" ".join(rules))}" data-stages="{_e(" ".join(stages))}"'
    head = [
        f'<section class="doc" id="d{pos}" {filters}>',
        f'<h2>{_e(name)} <span class="status-{_e(result.status)}">{_e(result.status)}</span></h2>',
    ]
    if result.error:
        head.append(f'<p class="error">error: {_e(result.error)}</p>')
    head += [f'<p class="warning">warning: {_e(w)}</p>' for w in result.warnings]
    if result.metadata:
        meta = "".join(f"<dt>{_e(k)}</dt><dd>{_e(v)}</dd>" for k, v in sorted(result.metadata.items()))
        head.append(f'<dl class="meta">{meta}</dl>')
    if "edits" not in record:
        head.append(
            '<p class="note">the report was written with --report-level summary: the edits are absent, '
            "only their counts per rule</p>"
        )
        return "\n".join(head) + _rule_counts(tally) + "</section>\n"
    is_html = bool(edits) and edits[0]["stage"] == "extract"
    if source is None and not is_html:
        head.append('<p class="note">input not readable here: its edits are listed instead</p>')
        return "\n".join(head) + _edit_list(edits) + "</section>\n"
    if not is_html:
        try:
            replay(source, result.edits)
        except ValueError:
            head.append('<p class="note">the input changed since the run: its edits are listed instead</p>')
            return "\n".join(head) + _edit_list(edits) + "</section>\n"
    text, base = base_text(source or "", result)
    shown = [e for e in base if all or e.stage != "canonical"]
    return "\n".join(head) + f'<pre class="text">{_marked(text, shown)}</pre></section>\n'


def _marked(text: str, edits) -> str:
    out: list[str] = []
    size = 0
    for piece in marks(text, edits):
        if size > MAX_CHARS:
            out.append(f'<span class="note">[cut: the page shows the first {MAX_CHARS:,} characters]</span>')
            break
        if isinstance(piece, str):
            out.append(_e(piece))
            size += len(piece)
            continue
        e, old = piece, text[piece.start : piece.end]
        size += len(old)
        attrs = (
            f'class="e {_css_name(e.stage)}{" repair" if e.new else ""}" data-stage="{_e(e.stage)}" '
            f'data-rule="{_e(f"{e.stage}/{e.rule}")}" title="{_e(f"{e.stage}/{e.rule}: {e.reason}")}"'
        )
        if not e.new:
            out.append(f"<del {attrs}>{_e(visible(old))}</del>")
        else:
            was = f"<del>{_e(visible(old))}</del>" if old else ""
            out.append(f'<span {attrs}>{was}<span class="to">→</span><ins>{_e(visible(e.new))}</ins></span>')
    return "".join(out)


def _edit_list(edits: list[Mapping[str, Any]]) -> str:
    rows = "".join(
        f'<tr class="e {_css_name(e["stage"])}" data-stage="{_e(e["stage"])}" '
        f'data-rule="{_e(e["stage"] + "/" + e["rule"])}" title="{_e(e["reason"])}">'
        f"<td>{_e(e['stage'])}/{_e(e['rule'])}</td><td><del>{_e(visible(e['old']))}</del></td>"
        f"<td><ins>{_e(visible(e['new']))}</ins></td></tr>"
        for e in edits
    )
    return f'<table class="edits"><tr><th>rule</th><th>old</th><th>new</th></tr>{rows}</table>'


def _rule_counts(tally: list[tuple[str, str, int, int]]) -> str:
    """A summary-level record's rules: edits and characters removed by each."""
    rows = "".join(
        f'<tr class="e {_css_name(stage)}" data-stage="{_e(stage)}" data-rule="{_e(stage + "/" + rule)}">'
        f'<td>{_e(stage)}/{_e(rule)}</td><td class="n">{n:,}</td><td class="n">{removed:,}</td></tr>'
        for stage, rule, n, removed in tally
    )
    head = "<tr><th>rule</th><th>edits</th><th>characters removed</th></tr>"
    return f'<table class="edits">{head}{rows}</table>'


def _listing(index: _Index) -> str:
    s = index.summary
    if not index.listed:
        return ""
    rows = "".join(
        f'<tr id="d{pos}"><td>{_e(name)}</td><td class="status-{_e(status)}">{_e(status)}</td>'
        f'<td class="n">{n:,}</td></tr>'
        for pos, name, status, n in index.listed
    )
    rest = s.documents - len(index.full) - len(index.listed)
    more = f"<p>{rest:,} more documents are only counted.</p>" if rest > 0 else ""
    return (
        f'<section id="listed"><h2>Not shown in full: {len(index.listed):,} documents</h2>'
        f"<table><tr><th>document</th><th>status</th><th>edits</th></tr>{rows}</table>{more}</section>\n"
    )


def _rule_index(index: _Index) -> str:
    s = index.summary
    parts = ['<section id="rules"><h2>Rule index</h2>']
    for rule in sorted(index.by_rule, key=lambda r: (_stage_order(r.split("/")[0]), r)):
        docs = index.by_rule[rule]
        links = ", ".join(f'<a href="#d{pos}">{_e(index.names[pos])}</a>' for pos in docs)
        # the summary counts rules without canonical's format edits; its documents are linked all the same
        count = f"{s.edits_by_rule[rule]:,} edits, " if rule in s.edits_by_rule else ""
        parts.append(
            f'<div class="rule" id="rule-{_e(rule)}"><h3><a href="#rule={_e(rule)}">{_e(rule)}</a></h3>'
            f"<p>{count}{s.removed_by_rule.get(rule, 0):,} characters removed; documents: {links}"
            + (f" (the first {RULE_LINKS} only)" if len(docs) == RULE_LINKS else "")
            + "</p></div>"
        )
    parts.append("</section>\n")
    return "\n".join(parts)


_STAGE_CSS = "\n".join(f".{_css_name(stage)}{{--c:{colour}}}" for stage, colour in _COLOURS.items())

_HEAD = f"""<!DOCTYPE html>
<html lang="en"><head><meta charset="utf-8">
<meta name="viewport" content="width=device-width, initial-scale=1">
<title>cleaner review</title>
<style>
body{{font:15px/1.45 system-ui,sans-serif;margin:0 auto;max-width:70em;padding:0 1em 4em;color:#222}}
h1{{margin-top:.6em}} h2{{border-bottom:1px solid #ddd;padding-bottom:.2em}}
.limits,.note{{color:#666;font-size:.9em}}
table{{border-collapse:collapse}} td,th{{padding:.15em .6em;text-align:left;vertical-align:top}}
td.n,.n{{text-align:right;font-variant-numeric:tabular-nums}}
.bar{{display:flex;align-items:center;gap:.5em;margin:.15em 0}}
.bar .label{{width:22em;overflow:hidden;text-overflow:ellipsis;white-space:nowrap}}
.bar .track{{flex:1;background:#f1f1f1;height:1em}}
.bar .fill{{display:block;height:100%;background:var(--c,{_OTHER})}}
.bar .n{{width:7em}}
.e{{--c:{_OTHER}}}
{_STAGE_CSS}
#filters{{position:sticky;top:0;background:#fff;padding:.5em 0;border-bottom:1px solid #ddd;z-index:1}}
pre.text{{white-space:pre-wrap;word-wrap:break-word;background:#fafafa;padding:.8em;border:1px solid #eee}}
del.e,.e del{{text-decoration:line-through;color:var(--c);background:color-mix(in srgb,var(--c) 12%,#fff)}}
.e ins{{text-decoration:none;color:#fff;background:var(--c);padding:0 .15em}}
.e .to{{color:var(--c);padding:0 .1em}}
.e.off{{opacity:.25}}
.status-failed,.error{{color:#c62828}} .status-dropped,.warning{{color:#ef6c00}}
.meta{{display:grid;grid-template-columns:max-content 1fr;gap:0 1em;font-size:.9em;color:#444}}
.meta dd{{margin:0}}
</style></head>
<body>
"""

# The filters: a stage and a rule select; a document is shown when it has a mark of both, and marks of
# other rules are faded. The hash (#rule=stage/id or #stage=name, as the rule links write it) sets them,
# so a link from a rule filters the page to the documents it touched.
_SCRIPT = """
(function () {
  var stage = document.getElementById('filter-stage'), rule = document.getElementById('filter-rule');
  function apply() {
    var s = stage.value, r = rule.value, shown = 0;
    var docs = document.querySelectorAll('section.doc');
    docs.forEach(function (doc) {
      var ok = (!s || doc.dataset.stages.split(' ').indexOf(s) >= 0) &&
               (!r || doc.dataset.rules.split(' ').indexOf(r) >= 0);
      doc.hidden = !ok;
      if (ok) shown++;
    });
    document.querySelectorAll('.e').forEach(function (e) {
      e.classList.toggle('off', !((!s || e.dataset.stage === s) && (!r || e.dataset.rule === r)));
    });
    document.getElementById('shown').textContent = shown + ' of ' + docs.length + ' documents shown';
  }
  function fromHash() {
    var m = /^#(stage|rule)=(.*)$/.exec(location.hash);
    if (!m) return;
    var value = decodeURIComponent(m[2]);
    stage.value = m[1] === 'stage' ? value : '';
    rule.value = m[1] === 'rule' ? value : '';
    if (rule.value && !stage.value) stage.value = '';
  }
  stage.addEventListener('change', apply);
  rule.addEventListener('change', apply);
  window.addEventListener('hashchange', function () { fromHash(); apply(); });
  fromHash();
  apply();
  document.body.dataset.ready = 'yes';
})();
"""

_TAIL = f"<script>{_SCRIPT}</script>\n</body></html>\n"
