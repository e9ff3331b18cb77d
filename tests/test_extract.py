"""The ``extract`` stage: the precision/recall merge, the page parse, and the first pass's carried
extraction (each page extracted once per run, with the same bytes out as extracting it again)."""

from __future__ import annotations

import json
from pathlib import Path

import pytest

from cleaner import Cleaner
from cleaner.cli import main
from cleaner.document import Document, DocumentFailure
from cleaner.stages import extract as extract_module
from cleaner.stages.extract import merge, parse

PARAGRAPHS = [
    "The old harbour bridge reopened to traffic on Monday morning after two years of repairs that cost "
    "the city far more than it had planned, officials said at a ceremony.",
    "Engineers replaced the corroded steel cables and rebuilt the deck, which had been closed to heavy "
    "lorries since an inspection found deep cracks in three of its supporting beams.",
    "The mayor thanked the workers and the neighbours who had put up with the noise for so long.",
]


def page(title: str, paragraphs: list[str], wrapper: str = "html") -> str:
    body = "".join(f"<p>{p}</p>\n" for p in paragraphs)
    nav = '<ul><li><a href="/">Home</a></li><li><a href="/w">World</a></li></ul>'
    if wrapper == "html":
        return f"<html><head><title>{title}</title></head><body>{nav}<article>{body}</article></body></html>"
    return f'<text id="x" title="{title}">\n<div>{nav}<div>{body}</div></div></text>'


# --- merge ------------------------------------------------------------------------------------------


def test_merge_adds_the_recall_runs_prose_lines_in_their_place():
    precise = "\n".join([PARAGRAPHS[0], PARAGRAPHS[2]])
    recalled = "\n".join(["Home", PARAGRAPHS[0], PARAGRAPHS[1], "Share this", PARAGRAPHS[2]])
    merged, added = merge(precise, recalled)
    assert merged == "\n".join(PARAGRAPHS)
    assert added == 1


def test_merge_without_new_prose_is_the_precision_text():
    precise = PARAGRAPHS[0]
    assert merge(precise, "Home\nWorld\n" + PARAGRAPHS[0] + "\nMore stories") == (precise, 0)


def test_merge_ends_the_article_where_another_block_of_the_page_begins():
    # after the last line precision has: the missed last paragraph follows at once and stays; the
    # teasers past a box of links (five lines of furniture) are another block, and stay out
    teasers = [
        "A columnist says the storm showed how little the city had spent on its sea walls since 1990.",
        "Another says the bridge should never have been closed for so long, and that the delay cost jobs.",
    ]
    links = ["Opinion", "World", "Sport", "Business", "Travel"]
    precise = "\n".join(PARAGRAPHS[:2])
    recalled = "\n".join([*PARAGRAPHS, *links, *teasers])
    assert merge(precise, recalled) == ("\n".join(PARAGRAPHS), 1)
    # four lines of furniture are an inline box: what follows is still the article's
    assert merge(precise, "\n".join([*PARAGRAPHS, *links[:4], *teasers]))[1] == 3
    # with no missed paragraph before the box, nothing is added: the precision text as it is
    assert merge(precise, "\n".join([*PARAGRAPHS[:2], *links, *teasers])) == (precise, 0)
    assert merge(precise, recalled, tail_gap=99)[1] == 3  # a large gap keeps every trailing line


def test_merge_never_loses_a_precision_line():
    # the recall run lacks the precision run's second line (it prunes differently now and then):
    # it goes back after the line before it, not to the end
    precise = "\n".join(["Short lead.", PARAGRAPHS[0], "A caption only precision kept", PARAGRAPHS[2]])
    recalled = "\n".join(["Short lead.", PARAGRAPHS[0], PARAGRAPHS[1], PARAGRAPHS[2]])
    merged, added = merge(precise, recalled)
    assert added == 1
    assert merged.split("\n") == [
        "Short lead.",
        PARAGRAPHS[0],
        "A caption only precision kept",
        PARAGRAPHS[1],
        PARAGRAPHS[2],
    ]


def test_merge_matches_lines_the_runs_cut_differently():
    # one run flattens a table into one line, the other splits it: the same words are the same text
    precise = "| Team | Points | Home | 12 | Away | 9 |"
    recalled = "| Team | Points |\n| Home | 12 |\n| Away | 9 |\n" + PARAGRAPHS[1]
    merged, added = merge(precise, recalled)
    assert added == 1 and merged.endswith(PARAGRAPHS[1])
    assert "Away | 9" in merged and merged.count("Home") == 1


def test_merge_takes_a_recall_line_that_holds_the_precision_text_and_much_more():
    # A table of the page's content: the precision run kept the first rows, the recall run the whole
    # table flattened into one line. That line shares most of its words with the precision text by
    # holding all of it, and its new words are text the precision run cut.
    last_row = (
        "Residents who want to comment on the plans for the next stage of the works can write to the "
        "council until the end of the month or speak at the public meeting in the town hall."
    )
    precise = "\n".join(PARAGRAPHS)
    recalled = "| " + " | ".join([*PARAGRAPHS, last_row]) + " |"
    merged, added = merge(precise, recalled)
    assert (merged, added) == (recalled, 1)
    # a few new words (a cell label) are not enough: the precision text stays as it was
    assert merge(precise, "| Notes | " + " | ".join(PARAGRAPHS) + " |") == (precise, 0)


TASKS = [
    "Introduction: who came to the valley, from where, and why did they stay after the mines closed",
    "Task one: read the letters of the first settlers and list the reasons they give for leaving home",
    "Task two: interview an older member of your family about the town as it was fifty years ago",
    "Task three: write a short report on one street, its shops and its people, with a map",
    "Task four: compare two photographs of the market square taken a hundred years apart",
]


def test_merge_keeps_whole_a_precision_line_the_recall_run_split_and_pruned():
    # A layout table the precision run flattened into one line; the recall run split it a row a line
    # and pruned two rows. The rows it kept hold most of the line's words, so put_back took the line
    # for had, and the pruned rows were lost. The line is there once, whole, where its first row was,
    # and the recall run's new paragraph stays.
    precise = "| " + " | ".join(TASKS) + " |"
    recalled = "\n".join([*(f"| {TASKS[k]} |" for k in (0, 2, 4)), PARAGRAPHS[1]])
    merged, added = merge(precise, recalled)
    assert added == 1
    assert merged.split("\n") == [precise, PARAGRAPHS[1]]


# --- runs that found different parts of the page ---------------------------------------------------

POST = "You know me, I love pixels and I love superheroes, drawn by a reader from Leeds"
FOOTER = "If you find anything interesting here and decide to share it, please link back"


def test_a_short_precision_text_the_recall_run_lacks_is_kept_with_the_recall_text():
    # A short post: the precision run took the site's footer, the recall run the post (which does not
    # end like a sentence, so the merge alone would not take it). Neither run is trusted over the other.
    rule, text = _chosen(FOOTER, POST + "\nNo comments yet.", "")
    assert rule == "trafilatura-elsewhere"
    assert text.split("\n") == [FOOTER, POST, "No comments yet."]


def test_a_short_precision_text_the_recall_run_holds_is_kept_as_it_is():
    body = "\n".join([PARAGRAPHS[0], POST])
    assert _chosen(body, "Home\n" + body + "\nMore stories", "") == ("trafilatura", body)


def test_elsewhere_share_zero_keeps_the_precision_text():
    assert _chosen(FOOTER, POST + "\nNo comments yet.", "", elsewhere_share=0.0) == ("trafilatura", FOOTER)


def test_the_fallback_takes_the_recall_text_when_precision_left_too_little():
    recalled = "\n".join([POST, *PARAGRAPHS])
    assert _chosen(POST, recalled, "") == ("trafilatura-fallback", recalled)


def test_the_fallback_puts_back_what_the_precision_run_found_and_the_recall_run_lacks():
    # A one-paragraph post: precision took it, recall took the sidebar's list of contributors (many
    # times as long) without it. Taking recall whole lost the post: what precision found goes back in.
    contributors = "\n".join(f"- Contributor number {n}" for n in range(60))
    rule, text = _chosen(PARAGRAPHS[0], contributors, "")
    assert rule == "trafilatura-fallback"
    assert text.split("\n") == [PARAGRAPHS[0], *contributors.split("\n")]


def test_the_fallback_keeps_whole_a_precision_line_the_recall_run_split_and_pruned():
    # As the merge does (above): the recall text taken whole holds the precision run's table again whole
    precise = "| " + " | ".join(TASKS) + " |"
    recalled = "\n".join([*(f"| {TASKS[k]} |" for k in (0, 2, 4)), *PARAGRAPHS * 3])
    rule, text = _chosen(precise, recalled, "")
    assert rule == "trafilatura-fallback"
    assert text.split("\n") == [precise, *PARAGRAPHS * 3]


# --- threads ----------------------------------------------------------------------------------------

POSTS = "\n".join(f"Post {n}: " + p for n, p in enumerate(PARAGRAPHS * 4))


def _chosen(body: str, recalled: str, thread: str, paragraphs: str | None = None, **settings):
    stage = extract_module.Extract(extract_module.ExtractSettings(include_headline=False, **settings))
    (edit,) = stage.choose("<html></html>", {"text": body}, recalled, thread, paragraphs).edits
    return edit.rule, edit.new


def test_a_stub_of_a_body_beside_many_posts_is_a_thread_and_the_posts_are_kept():
    # A forum page or guestbook: trafilatura's body is its opening line, the posts are "comments".
    rule, text = _chosen(
        "What do you think of the new bridge?", "What do you think of the new bridge?", POSTS
    )
    assert rule == "trafilatura-thread"
    assert text == "What do you think of the new bridge?\n" + POSTS


def test_an_article_with_comments_keeps_only_the_article():
    # A body of full length is an article whatever follows it: its comments stay out (DESIGN.md 1).
    body = "\n".join(PARAGRAPHS * 4)
    assert len(body) >= extract_module.ExtractSettings().fallback_chars
    assert _chosen(body, body, POSTS * 3) == ("trafilatura", body)


def test_a_short_post_of_its_own_beside_a_long_discussion_keeps_only_the_post():
    # A blog post of two paragraphs and its readers' comments, many times its length: the post is an
    # article, under fallback_chars but no stub, and the comments stay out (DESIGN.md 1).
    body = "\n".join(PARAGRAPHS[:2])
    assert len(body) < extract_module.ExtractSettings().fallback_chars
    assert _chosen(body, body, POSTS * 3) == ("trafilatura", body)


def test_short_article_with_a_few_comments_is_not_a_thread():
    body = "\n".join(PARAGRAPHS)
    assert _chosen(body, body, PARAGRAPHS[0]) == ("trafilatura", body)


def test_thread_ratio_zero_never_takes_the_posts():
    stub = "What do you think of the new bridge?"
    assert _chosen(stub, stub, POSTS, thread_ratio=0.0) == ("trafilatura", stub)


# --- jusText ---------------------------------------------------------------------------------------


def test_justext_is_the_text_when_trafilatura_finds_nothing():
    assert _chosen("", "", "", "\n".join(PARAGRAPHS)) == ("justext", "\n".join(PARAGRAPHS))
    with pytest.raises(DocumentFailure, match="no main content"):
        _chosen("", "", "", "")


def test_justext_paragraphs_of_a_page_keep_the_prose_and_leave_the_menu():
    # jusText keeps short paragraphs only near a long one (200 characters or more)
    paragraphs = [PARAGRAPHS[0] + " " + PARAGRAPHS[1], PARAGRAPHS[2]]
    got = extract_module.justext_paragraphs(parse(page("Bridge", paragraphs)))
    assert got.split("\n") == paragraphs


def test_justext_runs_only_where_trafilatura_finds_nothing(monkeypatch):
    calls = []
    monkeypatch.setattr(extract_module, "justext_paragraphs", lambda tree: calls.append(1) or "Found.")
    monkeypatch.setattr(extract_module, "_extract", lambda tree, s, focus, metadata: {})
    bridge = Document(page("Bridge", PARAGRAPHS), html=True)
    (edit,) = extract_module.Extract(extract_module.ExtractSettings()).apply(bridge).edits
    assert (edit.rule, calls) == ("justext", [1])
    with pytest.raises(DocumentFailure, match="no main content"):
        extract_module.Extract(extract_module.ExtractSettings(justext_fallback=False)).apply(bridge)
    assert calls == [1]
    monkeypatch.setattr(extract_module, "_extract", lambda tree, s, focus, metadata: {"text": "Body."})
    extract_module.Extract(extract_module.ExtractSettings()).apply(bridge)
    assert calls == [1]


def test_the_keep_comments_preset_puts_readers_comments_after_the_article():
    from cleaner.rules import load_rules

    comments = [
        "I drove across it this morning and the new surface is much smoother than before, thank you.",
        "About time too: the detour added twenty minutes to my commute every single day.",
    ]
    thread = "".join(f'<li class="comment"><p>{c}</p><a href="#r">Reply</a></li>' for c in comments)
    html = page("Bridge reopens", PARAGRAPHS).replace(
        "</article>", f'</article><div id="comments"><h3>2 Comments</h3><ol>{thread}</ol></div>'
    )
    article = Cleaner().clean(html, html=True).text.strip().split("\n\n")
    assert article == ["Bridge reopens", *PARAGRAPHS]  # the canonical text: the article alone
    kept = Cleaner(load_rules(settings=["keep-comments"])).clean(html, html=True).text.strip().split("\n\n")
    assert kept == [*article, *comments]  # the comments in order, their "Reply" buttons still gone


def test_comments_the_body_holds_already_are_not_said_twice():
    # The recall run kept part of a thread in its text, and the merge put it in the body; trafilatura's
    # comments hold the whole thread. What the body holds is not appended again; a line the thread says
    # twice ("Thanks!") is appended as often as the body lacks it.
    thread = ["Great post, I learnt a lot from it.", "Thanks!", "Which bridge do you mean?", "Thanks!"]
    body = "\n".join([PARAGRAPHS[0], thread[0], thread[1]])
    assert extract_module.with_comments(body, "\n".join(thread)).split("\n") == [PARAGRAPHS[0], *thread]
    assert extract_module.with_comments(PARAGRAPHS[0], "\n".join(thread)).split("\n") == [
        PARAGRAPHS[0],
        *thread,
    ]


@pytest.mark.parametrize("recall_comments", [True, False])
def test_only_the_recall_run_takes_comments_apart(monkeypatch, recall_comments):
    import trafilatura

    seen = []

    def spy(tree, **options):
        seen.append((options["favor_recall"], options["include_comments"]))
        return None

    monkeypatch.setattr(trafilatura, "bare_extraction", spy)
    settings = extract_module.ExtractSettings(recall_comments=recall_comments)
    tree = parse(page("Bridge reopens", PARAGRAPHS))
    extract_module._extract(tree, settings, "precision", metadata=True)
    extract_module._extract(tree, settings, "recall", metadata=False)
    assert seen == [(False, False), (True, recall_comments)]


# --- parse ------------------------------------------------------------------------------------------


def test_a_page_without_an_html_tag_is_still_extracted(cleaner):
    # CleanEval's pages start with <text ...>: trafilatura's own loader takes them for non-HTML and
    # finds nothing; the stage parses them itself
    import trafilatura

    wrapped = page("Bridge reopens", PARAGRAPHS, wrapper="text")
    assert trafilatura.extract(wrapped) is None
    result = cleaner.clean(wrapped, html=True)
    assert result.ok, result.error
    assert PARAGRAPHS[0] in result.text


@pytest.mark.parametrize("nothing", ["", "   ", "\x00"])
def test_parse_of_nothing_is_none(nothing):
    assert parse(nothing) is None


# --- the first pass's carried extraction ---------------------------------------------------------------


@pytest.fixture
def cleaner():
    return Cleaner()


@pytest.fixture
def corpus(tmp_path) -> Path:
    src = tmp_path / "in"
    (src / "sub").mkdir(parents=True)
    for n in range(3):
        paras = [p.replace("bridge", f"bridge number {n}") for p in PARAGRAPHS]
        (src / f"page{n}.html").write_text(page(f"Bridge {n} reopens", paras), encoding="utf-8")
    (src / "sub" / "page.htm").write_text(page("Witkoff visits", PARAGRAPHS[:2]), encoding="utf-8")
    (src / "note.txt").write_text("Steve Witkoff met the envoy on Monday in Geneva.\n", encoding="utf-8")
    return src


def counted_runs(monkeypatch) -> list[str]:
    """Record every trafilatura run the extract stage makes (one entry per run, its focus)."""
    runs: list[str] = []
    real = extract_module._extract

    def counting(tree, s, focus, metadata):
        runs.append(focus)
        return real(tree, s, focus, metadata)

    monkeypatch.setattr(extract_module, "_extract", counting)
    return runs


def tree_bytes(root: Path) -> dict[str, bytes]:
    return {str(p.relative_to(root)): p.read_bytes() for p in sorted(root.rglob("*")) if p.is_file()}


def clean(capsys, *args) -> int:
    code = main(["clean", *map(str, args), "-q"])
    capsys.readouterr()
    return code


def test_each_page_is_extracted_once_per_run(capsys, tmp_path, corpus, monkeypatch):
    runs = counted_runs(monkeypatch)
    assert clean(capsys, corpus, "-o", tmp_path / "out") == 0
    # four pages, a precision and a recall run each: the first pass's extraction is carried over
    assert sorted(runs) == ["precision"] * 4 + ["recall"] * 4
    assert not (tmp_path / "out" / ".cleaner-extracted").exists()  # the spool goes with the run


def test_carried_extraction_gives_the_same_bytes(capsys, tmp_path, corpus, monkeypatch):
    outs = []
    for carry in (True, False):
        if not carry:  # every page extracted again in the second pass, as before the spool
            monkeypatch.setattr("cleaner.run.items.carried", lambda cleaner, *_: cleaner)
        out, report = tmp_path / f"out{carry}", tmp_path / f"report{carry}.jsonl"
        assert clean(capsys, corpus, "-o", out, "--report", report) == 0
        outs.append((tree_bytes(out), report.read_bytes()))
    assert outs[0] == outs[1]
    assert len(outs[0][0]) == 5


def test_jobs_2_carries_the_same_bytes_as_jobs_1(capsys, tmp_path, corpus):
    outs = []
    for jobs in ("1", "2"):
        out, report = tmp_path / f"out{jobs}", tmp_path / f"report{jobs}.jsonl"
        assert clean(capsys, corpus, "-o", out, "--jobs", jobs, "--report", report) == 0
        outs.append((tree_bytes(out), report.read_bytes()))
    assert outs[0] == outs[1]


def test_a_spooled_result_of_other_code_or_another_page_is_not_used(tmp_path, cleaner, monkeypatch):
    from cleaner.io import Item
    from cleaner.run.firstpass import SPOOL, carried, item_texts

    spool = tmp_path / SPOOL
    html = page("Bridge reopens", PARAGRAPHS)
    item = Item(str(tmp_path / "a.html"), "html", "a.txt")
    Path(item.path).write_text(html, encoding="utf-8")
    assert list(item_texts(cleaner, item, spool=spool))
    (entry,) = spool.iterdir()
    stored = json.loads(entry.read_bytes())

    def rewrite(**change):
        entry.write_text(json.dumps({**stored, **change}), encoding="utf-8")

    for change in ({"key": "0" * 32}, {"page": "0" * 32}):
        rewrite(**change, text="Not what the page says.")
        assert carried(cleaner, item, html, spool) is cleaner
        assert not entry.exists()  # read once, then gone
    rewrite(text="Carried text.")
    with_carry = carried(cleaner, item, html, spool)
    assert with_carry is not cleaner
    assert with_carry.clean(html, html=True).text == "Carried text.\n"
    # any other page is extracted as usual
    other = page("Other", PARAGRAPHS[1:])
    assert with_carry.clean(other, html=True).text == cleaner.clean(other, html=True).text


def test_carried_result_equals_a_fresh_extraction(cleaner):
    stage = next(s for s in cleaner.stages if s.name == "extract")
    html = page("Bridge reopens", PARAGRAPHS)
    fresh = stage.apply(Document(html, html=True))
    spooled = json.loads(json.dumps(stage.spooled(fresh)))  # through the spool file's JSON
    assert stage.carrying(html, spooled).apply(Document(html, html=True)) == fresh


# --- the HTML mode benchmark ----------------------------------------------------------------------------


def test_html_benchmark_skips_without_bench(tmp_path, capsys):
    from benchmarks import html_mode

    assert html_mode.main(["speed", "--bench", str(tmp_path / "absent")]) == 0
    assert html_mode.SKIP_MESSAGE in capsys.readouterr().err


def test_html_benchmark_callables_give_the_text_with_and_without_headline():
    from benchmarks import html_mode

    html = page("Bridge reopens", PARAGRAPHS).encode("utf-8")  # score.py hands most sets over as bytes
    full, body = html_mode.cleaner_full(html), html_mode.cleaner_body(html)
    assert full == "Bridge reopens\n\n" + body
    assert body.startswith(PARAGRAPHS[0])


# --- a blog's banner taken for the title ---------------------------------------------------------

_POST = "The Dangerous Hubris of the Startup World"
_BANNER_PAGE = (
    "<html><head><title>{title}</title></head><body>"
    '<div id="header"><h1><a href="{href}">Rand\'s Blog</a></h1></div>'
    f'<div class="post"><h2>{_POST}</h2>'
    + "".join(
        f"<p>Paragraph {i} of the post says something long enough to be taken for article text by the "
        "extractor, with several clauses and a full stop at the end.</p>"
        for i in range(6)
    )
    + '</div><div id="footer"><a href="/about">About</a></div></body></html>'
)


@pytest.mark.parametrize(
    ("title", "href", "expected"),
    [
        (f"{_POST} « Rand's Blog", "http://randfishkin.com/blog", _POST),
        (f"Rand's Blog: {_POST}", "/", _POST),
        (f"Rand's Blog » Blog Archive » {_POST}", "http://randfishkin.com/", _POST),
        ("Rand's Blog", "/blog/", ""),  # the <title> holds nothing else: no headline rather than the name
        (f"{_POST} « Rand's Blog", "/2012/11/the-dangerous-hubris", None),  # a link to a post: not a banner
        (f"{_POST} « Rand's Blog", "/the-dangerous-hubris", None),
    ],
    ids=["name-last", "name-first", "wordpress-archive", "title-is-the-name", "post-link", "slug-link"],
)
def test_banner_title_takes_the_post_title_from_the_page_title(title, href, expected):
    page = _BANNER_PAGE.format(title=title, href=href)
    assert extract_module.banner_title(page, "Rand's Blog") == expected


def test_a_blog_post_is_headed_by_its_title_not_the_blog_name():
    page = _BANNER_PAGE.format(title=f"{_POST} « Rand's Blog", href="http://randfishkin.com/blog")
    result = Cleaner().clean(page, html=True)
    assert result.ok, result.error
    assert result.text.startswith(_POST + "\n\n")
    assert "Rand's Blog" not in result.text
    assert result.metadata.get("source") == "Rand's Blog"  # the banner is the site's name, kept as such
