"""``cleaner review``: the HTML page of a run, built from the seeds' report and read in headless Chromium.

The browser tests load the page as a person would and assert on the DOM after its script ran (the
filters) and on a screenshot; they skip, saying so, only where Chromium is not installed (.ci/run
installs Debian's package). The other tests read the page's source: escaping, limits, no network.
"""

from __future__ import annotations

import json
import re
import shutil
import struct
import subprocess
from pathlib import Path

import pytest

from cleaner.cli import main

REPO = Path(__file__).resolve().parents[1]
SEEDS = REPO / "seeds"
CHROMIUM = shutil.which("chromium")
needs_chromium = pytest.mark.skipif(
    CHROMIUM is None, reason="chromium is not installed (.ci/run installs Debian's chromium package)"
)
WINDOW = (1280, 1600)


@pytest.fixture(scope="module")
def seeds_run(tmp_path_factory):
    """The seeds cleaned with a report, and the review page made from it: (report, page, records)."""
    tmp = tmp_path_factory.mktemp("review")
    report, page = tmp / "run.jsonl", tmp / "review.html"
    assert main(["clean", str(SEEDS), "-o", str(tmp / "out"), "--report", str(report), "-q"]) == 0
    assert main(["review", str(report), "-o", str(page), "--root", "/"]) == 0
    records = [json.loads(line) for line in report.read_text(encoding="utf-8").splitlines()]
    return report, page, records


def _chromium(tmp_path: Path, *args: str) -> subprocess.CompletedProcess:
    return subprocess.run(
        [
            CHROMIUM,
            "--headless",
            "--no-sandbox",
            "--disable-gpu",
            f"--user-data-dir={tmp_path / 'profile'}",
            *args,
        ],
        capture_output=True,
        text=True,
        timeout=120,
    )


def _dom(tmp_path: Path, url: str) -> str:
    done = _chromium(tmp_path, "--virtual-time-budget=5000", "--dump-dom", url)
    assert done.returncode == 0, done.stderr[-2000:]
    return done.stdout


def _sections(dom: str) -> list[str]:
    """The opening tags of the per-document sections."""
    return re.findall(r'<section class="doc"[^>]*>', dom)


@needs_chromium
def test_page_shows_the_seeds_run_in_chromium(seeds_run, tmp_path):
    _, page, records = seeds_run
    dom = _dom(tmp_path, page.as_uri())
    assert 'data-ready="yes"' in dom  # the script ran
    sections = _sections(dom)
    assert len(sections) == len(records) == 5
    assert not any(" hidden" in s for s in sections)
    assert "5 of 5 documents shown" in dom
    # every removal struck through, coloured by its stage, its rule and reason on hover
    for record in records:
        for e in record["edits"]:
            if e["stage"] in ("canonical", "extract"):
                continue
            rule = f"{e['stage']}/{e['rule']}"
            assert f'<option value="{rule}">{rule}</option>' in dom  # the rule filter offers it
            assert f'data-rule="{rule}"' in dom, rule
    removal = re.search(
        r'<del class="e s-boilerplate" data-stage="boilerplate" data-rule="([^"]+)" title="([^"]+)"', dom
    )
    assert removal and removal[2].startswith(removal[1] + ": ")
    assert "STORY CONTINUES BELOW THIS AD" in dom or "Get the full experience in the app" in dom
    # a repair shows old and new
    assert re.search(
        r'<span class="e s-repair repair"[^>]*><del>[^<]*</del><span class="to">→</span><ins>', dom
    )
    # the overview: statuses and a bar per stage that removed text
    assert re.search(r'<td class="status-cleaned">cleaned</td><td class="n">5</td>', dom)
    assert 'class="fill s-boilerplate"' in dom and 'class="fill s-appended"' in dom


@needs_chromium
def test_rule_link_filters_to_the_documents_it_touched(seeds_run, tmp_path):
    _, page, records = seeds_run
    rule = "names/zelensky"
    touched = [r for r in records if any(f"{e['stage']}/{e['rule']}" == rule for e in r["edits"])]
    assert 0 < len(touched) < len(records)
    dom = _dom(tmp_path, f"{page.as_uri()}#rule={rule}")  # what the rule's link in the overview opens
    shown = [s for s in _sections(dom) if " hidden" not in s]
    assert len(shown) == len(touched)
    assert all(f"{rule} " in s.split('data-rules="')[1] + " " for s in shown)
    assert f"{len(touched)} of 5 documents shown" in dom
    # marks of other rules are faded, the rule's own are not
    assert re.search(r'class="e s-boilerplate off"', dom)
    assert re.search(rf'class="e s-names repair" data-stage="names" data-rule="{rule}"', dom)


@needs_chromium
def test_screenshot_of_the_page(seeds_run, tmp_path):
    _, page, _ = seeds_run
    shot = tmp_path / "review.png"
    done = _chromium(
        tmp_path, f"--screenshot={shot}", f"--window-size={WINDOW[0]},{WINDOW[1]}", page.as_uri()
    )
    assert done.returncode == 0, done.stderr[-2000:]
    data = shot.read_bytes()
    assert data[:8] == b"\x89PNG\r\n\x1a\n"
    assert struct.unpack(">II", data[16:24]) == WINDOW
    assert len(data) > 30_000  # text, bars and colours; a blank page of this size is a few kB


def test_page_is_self_contained_and_escapes_hostile_input(tmp_path):
    hostile = '<script>alert("x")</script><img src=x onerror=alert(1)>'
    src = tmp_path / "in" / "page.txt"
    src.parent.mkdir()
    src.write_text(
        f"Putin met Zelensky 's envoy.\n{hostile}\nSTORY CONTINUES BELOW THIS AD\n", encoding="utf-8"
    )
    report = tmp_path / "run.jsonl"
    assert main(["clean", str(src), "-o", str(tmp_path / "out"), "--report", str(report), "-q"]) == 0
    record = json.loads(report.read_text(encoding="utf-8"))
    record["metadata"]["title"] = hostile
    record["warnings"] = [f"boilerplate: rolled back, {hostile}"]
    report.write_text(json.dumps(record) + "\n", encoding="utf-8")
    page = tmp_path / "review.html"
    assert main(["review", str(report), "-o", str(page), "--root", "/"]) == 0
    html = page.read_text(encoding="utf-8")
    assert "<img" not in html and 'alert("x")</script>' not in html
    assert html.count("<script>") == 1  # the page's own
    assert "&lt;script&gt;alert(&quot;x&quot;)&lt;/script&gt;" in html
    assert not re.search(r"""(?:src|href)=["']?(?:https?:)?//""", html) and "<link" not in html
    assert "ad-slot-marker" in html


def test_limits_render_the_first_documents_and_list_the_rest(tmp_path, capsys):
    records = []
    for n in range(3):
        src = tmp_path / f"d{n}.txt"
        src.write_text(f"Document {n} says the envoy met Zelensky 's team.\n", encoding="utf-8")
        records.append(
            {
                "id": f"d{n}",
                "path": str(src),
                "status": "cleaned",
                "error": None,
                "metadata": {},
                "warnings": [],
                "edits": [],
                "chars_in": 40,
                "chars_out": 40,
            }
        )
    records[2]["warnings"] = ["boilerplate: rolled back, it would delete 92% of the text (limit 60%)"]
    report = tmp_path / "run.jsonl"
    report.write_text("".join(json.dumps(r) + "\n" for r in records), encoding="utf-8")
    assert main(["review", str(report), "--documents", "1"]) == 0
    out, err = capsys.readouterr()
    assert len(_sections(out)) == 1 and 'id="d0"' in out
    assert '<tr id="d1">' in out and '<tr id="d2">' in out
    assert "the first 1 documents of the report are shown in full" in out
    assert "1 of 3 documents shown in full, 2 listed" in err
    # the overview lists the rollback and links to the document's row
    assert (
        f'<li><a href="#d2">{records[2]["path"]}</a>: <b>boilerplate</b> rolled back, it would delete 92%'
        in out
    )


def test_review_help_states_the_limits(capsys):
    with pytest.raises(SystemExit):
        main(["review", "--help"])
    out = capsys.readouterr().out
    assert "are shown in full" in out and "--documents" in out


def test_an_input_changed_since_the_run_lists_its_edits(tmp_path):
    src = tmp_path / "a.txt"
    src.write_text("Putin met Zelensky 's envoy.\nSTORY CONTINUES BELOW THIS AD\n", encoding="utf-8")
    report, page = tmp_path / "run.jsonl", tmp_path / "review.html"
    assert main(["clean", str(src), "-o", str(tmp_path / "out"), "--report", str(report), "-q"]) == 0
    src.write_text("Something else entirely.\n", encoding="utf-8")
    assert main(["review", str(report), "-o", str(page)]) == 0
    html = page.read_text(encoding="utf-8")
    assert "the input changed since the run" in html
    assert '<table class="edits">' in html and "ad-slot-marker" in html
