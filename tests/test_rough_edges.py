"""The rough edges a new user hit (issue 16), each with its test: a closed pipe, explain on JSONL and on a
directory, invisible characters in explain, dates in ISO 8601, and the library's logger."""

from __future__ import annotations

import json
import logging
import os
import subprocess
import sys
from pathlib import Path

import pytest

from cleaner.cli import main
from cleaner.dates import date_fields, iso_date
from cleaner.explain import visible

REPO = Path(__file__).resolve().parents[1]
SEED = REPO / "seeds" / "003_b4ec836e6ba91319.txt"
OK, USAGE = 0, 2


@pytest.mark.parametrize(
    "argv",
    [["rules"], ["explain", str(SEED)], ["clean", str(SEED)], ["rules", "--json"]],
    ids=["rules", "explain", "clean", "rules-json"],
)
def test_a_closed_standard_output_ends_quietly(argv):
    # the pipe's read end is closed before the child starts: its first write to standard output fails
    # with EPIPE whatever its size and timing, as `cleaner rules | head` does once head has its lines
    read, write = os.pipe()
    os.close(read)
    try:
        done = subprocess.run(
            [sys.executable, "-m", "cleaner", *argv],
            stdout=write,
            stderr=subprocess.PIPE,
            text=True,
            cwd=REPO,
        )
    finally:
        os.close(write)
    assert done.returncode == OK, done.stderr
    assert "Traceback" not in done.stderr and "BrokenPipe" not in done.stderr and "Errno" not in done.stderr


@pytest.fixture
def jsonl(tmp_path):
    path = tmp_path / "docs.jsonl"
    docs = [
        {"id": "first", "text": "The envoy met Zelensky 's team.\n"},
        {"id": "second", "text": "STORY CONTINUES BELOW THIS AD\nPutin met the envoy in Anchorage.\n"},
        {"text": "A record without an id.\n"},
    ]
    path.write_text("".join(json.dumps(d) + "\n" for d in docs), encoding="utf-8")
    return path


def test_explain_jsonl_needs_a_record_and_says_how_many(jsonl, capsys):
    assert main(["explain", str(jsonl)]) == USAGE
    err = capsys.readouterr().err
    assert "holds 3 records; pick one with --record N (1 to 3) or --record ID" in err


@pytest.mark.parametrize("record", ["second", "2"])
def test_explain_jsonl_picks_a_record_by_id_or_number(jsonl, capsys, record):
    assert main(["explain", str(jsonl), "--record", record]) == OK
    out, err = capsys.readouterr()
    assert "record 2 of 3 (id second)" in err
    assert "[-STORY CONTINUES BELOW THIS AD\n-]⟨ad-slot-marker⟩" in out
    assert "Zelensky" not in out  # the first record's text is not shown
    assert "second: cleaned" in out


def test_explain_jsonl_record_without_id_gets_the_run_s_id(jsonl, capsys):
    assert main(["explain", str(jsonl), "--record", "3"]) == OK
    assert "record 3 of 3 (id docs.jsonl:3)" in capsys.readouterr().err


def test_explain_jsonl_unknown_record(jsonl, capsys):
    assert main(["explain", str(jsonl), "--record", "nope"]) == USAGE
    assert "no record 'nope' among its 3" in capsys.readouterr().err


def test_explain_record_of_a_text_file_is_a_usage_error(capsys):
    assert main(["explain", str(SEED), "--record", "1"]) == USAGE
    assert "--record picks a record of a .jsonl file" in capsys.readouterr().err


def test_explain_directory_says_what_to_do(tmp_path, capsys):
    assert main(["explain", str(tmp_path)]) == USAGE
    err = capsys.readouterr().err
    assert f"{tmp_path} is a directory; explain shows one document" in err
    assert "cleaner review" in err and "no such file" not in err


def test_explain_shows_removed_invisible_characters_by_name(tmp_path, capsys):
    src = tmp_path / "a.txt"
    src.write_text("The minis\u00adter met the envoy\u200b in Kyiv on Monday.\n", encoding="utf-8")
    assert main(["explain", str(src)]) == OK
    out = capsys.readouterr().out
    assert "[-⟨U+00AD SOFT HYPHEN⟩-]" in out and "[-⟨U+200B ZERO WIDTH SPACE⟩-]" in out
    assert "\u00ad" not in out and "\u200b" not in out


def test_visible_names_invisible_characters_and_keeps_the_rest():
    assert visible("a\u00a0b\tc\nd\u2028") == "a⟨U+00A0 NO-BREAK SPACE⟩b\tc\nd⟨U+2028 LINE SEPARATOR⟩"
    assert visible("\x07") == "⟨U+0007⟩"
    assert visible("Zelensky’s “plan”") == "Zelensky’s “plan”"


def test_review_page_names_invisible_characters_as_explain_does(tmp_path):
    src = tmp_path / "a.txt"
    src.write_text("The minis\u00adter met the envoy in Kyiv on Monday.\n", encoding="utf-8")
    report, page = tmp_path / "run.jsonl", tmp_path / "review.html"
    assert main(["clean", str(src), "-o", str(tmp_path / "out"), "--report", str(report), "-q"]) == OK
    assert main(["review", str(report), "-o", str(page)]) == OK
    assert "⟨U+00AD SOFT HYPHEN⟩</del>" in page.read_text(encoding="utf-8")


@pytest.mark.parametrize(
    ("raw", "iso"),
    [
        ("2025-08-17 18:31:00", "2025-08-17"),
        ("17 August 2025", "2025-08-17"),
        ("Aug 17, 2025, 10:32 AM EDT", "2025-08-17"),
        ("17.08.2025, 14:05 Uhr", "2025-08-17"),
        ("Sunday, August 17", None),  # no year: never completed from today's date
        ("2 hours ago", None),  # relative: would depend on the clock
    ],
)
def test_iso_date(raw, iso):
    assert iso_date(raw) == iso
    assert date_fields(raw) == {"date": iso or raw, "date_raw": raw}


def test_dates_in_the_text_reach_the_record_in_iso_8601(cleaner):
    text = "Published: 17 August 2025\nPutin met the envoy in Anchorage on Friday, officials said.\n"
    result = cleaner.clean(text)
    assert result.metadata["date"] == "2025-08-17"
    assert result.metadata["date_raw"] == "17 August 2025"
    assert "17 August" not in result.text


def test_the_library_logs_through_the_cleaner_logger(cleaner, caplog):
    with caplog.at_level(logging.INFO, logger="cleaner"):
        cleaner.clean("STORY CONTINUES BELOW THIS AD\n" * 8 + "Putin met the envoy.\n", id="doc-1")
        cleaner.clean("   ", id="doc-2")
    messages = [(r.name, r.levelname, r.getMessage()) for r in caplog.records if r.name == "cleaner"]
    assert (
        "cleaner",
        "INFO",
        "doc-1: boilerplate: rolled back, it would delete 92% of the text (limit 60%)",
    ) in messages
    assert ("cleaner", "INFO", "doc-2: failed: empty document: no text to clean") in messages
    assert len(messages) == 2  # a guard that trips on every pass is logged once


def test_the_library_is_silent_without_logging_configured(tmp_path):
    code = "from cleaner import Cleaner; Cleaner().clean('STORY CONTINUES BELOW THIS AD\\n' * 8 + 'Hi.\\n')"
    done = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, cwd=REPO)
    assert done.returncode == 0 and done.stderr == ""


MY_RULES = """stage = "boilerplate"
concept = "my markers"

[[rule]]
id = "ad-slot-marker"
pattern = '(?i)story continues below'
reason = "my narrower version of the bundled rule"
examples = ["Story continues below"]
keep = ["The story continues below the surface."]

[[rule]]
id = "my-feed-promo"
pattern = '(?i)subscribe to our feed'
reason = "my own marker"
examples = ["Subscribe to our feed"]
keep = ["They subscribe to many feeds."]
"""


def _listing(capsys, *argv: str) -> dict[str, dict[str, str]]:
    """`cleaner rules --json`: stage -> rule id -> reason."""
    assert main(["rules", "--json", *argv]) == OK
    return {
        s["stage"]: {r["id"]: r["reason"] for r in s["rules"]} for s in json.loads(capsys.readouterr().out)
    }


def test_user_rules_extend_and_override_the_bundled_ones(tmp_path, capsys):
    (tmp_path / "mine").mkdir()
    (tmp_path / "mine" / "markers.toml").write_text(MY_RULES, encoding="utf-8")
    bundled = _listing(capsys)
    mine = _listing(capsys, "--rules", str(tmp_path / "mine"))
    # every bundled rule is still there, the one with my stage and id replaced in place, mine added
    assert set(mine["boilerplate"]) == set(bundled["boilerplate"]) | {"my-feed-promo"}
    assert list(mine["boilerplate"]).index("ad-slot-marker") == list(bundled["boilerplate"]).index(
        "ad-slot-marker"
    )
    assert mine["boilerplate"]["ad-slot-marker"] == "my narrower version of the bundled rule"
    assert {s: r for s, r in mine.items() if s != "boilerplate"} == {
        s: r for s, r in bundled.items() if s != "boilerplate"
    }
    # --only-rules: mine alone
    only = _listing(capsys, "--rules", str(tmp_path / "mine"), "--only-rules")
    assert {s: set(r) for s, r in only.items() if r} == {"boilerplate": {"ad-slot-marker", "my-feed-promo"}}


def test_only_rules_needs_rules(capsys):
    assert main(["rules", "--only-rules"]) == USAGE
    assert "--only-rules needs --rules" in capsys.readouterr().err


def test_a_settings_file_by_any_name(tmp_path, capsys):
    settings = tmp_path / "straight-quotes.toml"
    settings.write_text('[settings.canonical]\nquotes = "straight"\n', encoding="utf-8")
    assert main(["rules", "--json", "--settings", str(settings)]) == OK
    stages = {s["stage"]: s for s in json.loads(capsys.readouterr().out)}
    assert stages["canonical"]["settings"]["quotes"] == "straight"
    assert len(stages["boilerplate"]["rules"]) > 10  # the bundled rules stay
    # given as a rule file, it says what a settings file is and how to pass one
    assert main(["rules", "--rules", str(settings)]) == USAGE
    err = capsys.readouterr().err
    assert "settings keys (settings) in a rule file" in err
    assert "named pipeline.toml in a rule directory" in err and "--settings FILE" in err
    assert main(["rules", "--settings", str(tmp_path / "nope.toml")]) == USAGE
    assert "no such settings file" in capsys.readouterr().err


def test_a_bundled_preset_by_name(tmp_path, capsys, monkeypatch):
    assert main(["rules", "--json", "--settings", "keep-comments"]) == OK
    stages = {s["stage"]: s for s in json.loads(capsys.readouterr().out)}
    assert stages["extract"]["settings"]["include_comments"] is True
    assert "comment-section-boundary" not in {r["id"] for r in stages["appended"]["rules"]}
    # a misspelt name fails as a missing file would, and names the presets there are
    assert main(["rules", "--settings", "keep-coments"]) == USAGE
    err = capsys.readouterr().err
    assert "keep-coments: no such settings file" in err and "bundled preset: keep-comments" in err
    # a file of that name where the user runs it is theirs, and wins
    monkeypatch.chdir(tmp_path)
    (tmp_path / "keep-comments").write_text('[settings.canonical]\nquotes = "straight"\n', encoding="utf-8")
    assert main(["rules", "--json", "--settings", "keep-comments"]) == OK
    stages = {s["stage"]: s for s in json.loads(capsys.readouterr().out)}
    assert stages["extract"]["settings"]["include_comments"] is False
    assert stages["canonical"]["settings"]["quotes"] == "straight"


def test_names_are_repaired_in_captions_moved_to_the_metadata(capsys):
    assert main(["explain", "--json", str(SEED)]) == OK
    record = json.loads(capsys.readouterr().out)
    caption = record["metadata"]["caption"][0]
    assert "Steve Witkoff" in caption and "Whitkov" not in caption
    (repair,) = [e for e in record["metadata_edits"] if e["key"] == "caption"]
    assert repair["stage"] == "names" and repair["rule"] == "witkoff" and repair["index"] == 0
    assert (repair["old"], repair["new"]) == ("Whitkov", "Witkoff") and repair["reason"]
    assert caption[repair["start"] : repair["start"] + len(repair["new"])] == "Witkoff"


def test_metadata_repairs_leave_the_text_edits_replayable_and_the_callers_metadata_alone():
    from cleaner import Cleaner
    from cleaner.document import replay

    cleaner = Cleaner()
    text = SEED.read_text(encoding="utf-8")
    given = {"caption": ["Envoy Steve Whitkov arrives."]}
    result = cleaner.clean(text, metadata=given)
    assert replay(text, result.edits) == result.text
    assert result.metadata["caption"][0] == "Envoy Steve Witkoff arrives."
    assert given == {"caption": ["Envoy Steve Whitkov arrives."]}  # a new list, not the caller's changed
    assert result.metadata_edits and all(e.edit.stage == "names" for e in result.metadata_edits)
    again = cleaner.clean(result.text, metadata=result.metadata)
    assert not again.metadata_edits  # idempotent: nothing left to repair


def test_explain_shows_a_metadata_repair(capsys):
    assert main(["explain", str(SEED)]) == OK
    out = capsys.readouterr().out
    assert "metadata repair: caption[0]: Whitkov -> Witkoff  names/witkoff: " in out
