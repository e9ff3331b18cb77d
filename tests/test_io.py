"""Unit tests of cleaner.io: decoding bytes, finding inputs, atomic writes and JSONL reading."""

from __future__ import annotations

import codecs
import gzip
import json
import os
from pathlib import Path

import pytest

from cleaner.io import (
    STDIN,
    AtomicWriter,
    InputError,
    Inputs,
    Item,
    decode,
    find_inputs,
    iter_jsonl,
    kind_of,
    output_rel,
    write_atomic,
)

FRENCH = (
    "Le président a déclaré que la réunion à Genève était très importante pour l'économie française. "
    "Les négociations ont duré toute la journée, et les délégués étaient épuisés à la fin. "
    "« Nous avons fait des progrès », a-t-il ajouté.\n"
)
ENGLISH_CP1252 = (
    "The café owner said the new rules were \u201cunfair\u201d and \u2018short-sighted\u2019 \u2014 "
    "a view shared by many in the neighbourhood. Prices rose by 5% last year.\n"
)
BINARY = b"\x89PNG\r\n\x1a\n\x00\x00\x00\rIHDR\x00\x00\x00\xff\x00\x00\x00\xfe\x08\x06" * 8


def _listing(directory: Path) -> list[str]:
    return sorted(p.relative_to(directory).as_posix() for p in directory.rglob("*"))


# --- decode -----------------------------------------------------------------------------------------------


def test_decode_utf8():
    assert decode("Grüße aus Köln — “quoted”\n".encode()) == ("Grüße aus Köln — “quoted”\n", "utf-8")


def test_decode_plain_ascii_is_utf8():
    assert decode(b"Plain ASCII text.\n") == ("Plain ASCII text.\n", "utf-8")


def test_decode_utf8_bom_is_stripped():
    text, encoding = decode(codecs.BOM_UTF8 + "Grüße\n".encode())
    assert text == "Grüße\n"
    assert not text.startswith("\ufeff")
    assert encoding == "utf-8-sig"


@pytest.mark.parametrize("codec", ["utf-16", "utf-16-le", "utf-16-be"])
def test_decode_utf16_with_bom(codec):
    text = "Grüße aus Köln, 20 °C\n"
    data = text.encode(codec) if codec == "utf-16" else codecs.lookup(codec).encode(text)[0]
    if codec == "utf-16-le":
        data = codecs.BOM_UTF16_LE + data
    elif codec == "utf-16-be":
        data = codecs.BOM_UTF16_BE + data
    got, encoding = decode(data)
    assert got == text
    assert encoding == "utf-16"


def test_decode_utf32_with_bom():
    text = "Grüße aus Köln\n"
    got, encoding = decode(text.encode("utf-32"))
    assert got == text
    assert encoding == "utf-32"


def test_decode_bom_that_does_not_decode_is_input_error():
    # a UTF-16 byte-order mark followed by an odd number of bytes
    with pytest.raises(InputError, match="byte-order mark"):
        decode(codecs.BOM_UTF16_LE + b"A")


@pytest.mark.parametrize("codec", ["latin-1", "cp1252"])
def test_decode_latin1_french_is_detected(codec):
    data = FRENCH.encode(codec)
    with pytest.raises(UnicodeDecodeError):
        data.decode("utf-8")  # the test needs bytes that are not UTF-8
    text, encoding = decode(data)
    assert text == FRENCH
    assert encoding not in ("utf-8", "utf-8-sig")


def test_decode_short_latin1_french_is_not_read_as_cp1250():
    text = (
        "Le président a déclaré que la réunion à Genève était très importante pour l'économie française. "
        "Les négociations ont duré toute la journée, et les délégués étaient épuisés à la fin.\n"
    )
    assert decode(text.encode("latin-1"))[0] == text


def test_decode_cp1252_typographic_quotes_are_detected():
    data = ENGLISH_CP1252.encode("cp1252")
    text, encoding = decode(data)
    assert text == ENGLISH_CP1252
    assert encoding != "utf-8"


def test_decode_binary_is_input_error():
    with pytest.raises(InputError, match="binary"):
        decode(BINARY)


def test_decode_binary_with_nul_and_ff_is_input_error():
    with pytest.raises(InputError):
        decode(b"\x00\xff\x00\xfe\x01\x02text\x00\x80" * 40)


def test_decode_ascii_only_binary_with_nul_bytes_is_input_error():
    with pytest.raises(InputError):
        decode(b"\x00\x00\x00\x18ftypmp42\x00\x00\x00\x00mp42isom\x00\x00\x00\x08free")


def test_decode_utf16_without_bom_is_not_read_as_utf8_with_nuls():
    text = "Hello world, this is a short news text.\n"
    try:
        got, _ = decode(text.encode("utf-16-le"))
    except InputError:
        return  # refusing it is acceptable too
    assert "\x00" not in got


# --- kind_of / output_rel ---------------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("name", "kind"),
    [
        ("a.txt", "text"),
        ("A.TXT", "text"),
        ("page.html", "html"),
        ("page.HTM", "html"),
        ("docs.jsonl", "jsonl"),
        ("docs.JSONL.GZ", "jsonl"),
        ("docs.gz", None),
        ("notes.md", None),
        ("txt", None),
        ("archive.txt.gz", None),
    ],
)
def test_kind_of(name, kind):
    assert kind_of(name) == kind


def test_output_rel():
    from pathlib import PurePosixPath as P

    assert output_rel(P("a/b.html"), "html") == "a/b.txt"
    assert output_rel(P("a/b.htm"), "html") == "a/b.txt"
    assert output_rel(P("a/b.txt"), "text") == "a/b.txt"
    assert output_rel(P("a/docs.jsonl.gz"), "jsonl") == "a/docs.jsonl.gz"


def test_item_id_drops_txt_extension():
    assert Item("in/a/b.html", "html", "a/b.txt").id == "a/b"
    assert Item("in/docs.jsonl", "jsonl", "docs.jsonl").id == "docs.jsonl"


def _find(paths):
    """find_inputs with its problems as text ("path: reason")."""
    items, problems = find_inputs(paths)
    return items, [str(p) for p in problems]


# --- find_inputs --------------------------------------------------------------------------------------------


def _tree(root: Path) -> None:
    files = {
        "z.txt": "z",
        "b/inner.html": "<p>x</p>",
        "b/deeper/c.txt": "c",
        "a.htm": "<p>a</p>",
        "docs.jsonl": "{}",
        "b/docs.jsonl.gz": "",
        "notes.md": "skip me",
        "image.png": "skip me",
        "b/README": "skip me",
    }
    for rel, content in files.items():
        p = root / rel
        p.parent.mkdir(parents=True, exist_ok=True)
        p.write_text(content)
    (root / "folder.txt").mkdir()  # a directory with a text suffix is not an input


@pytest.mark.parametrize(
    "rel",
    [
        "a/b.html",
        "b.htm",
        "a.b.c.txt",
        ".txt",
        "x/.html",
        "a..txt",
        "..txt",
        "dir.v1/f.TXT",
        "é/ü.HTML",
        "a.",
    ],
)
def test_output_rel_is_pathlibs_with_suffix(rel):
    # output_rel works on strings for speed; it must name outputs exactly as pathlib would
    from pathlib import PurePosixPath

    assert output_rel(rel, "html") == str(PurePosixPath(rel).with_suffix(".txt"))


def test_find_inputs_walks_directory_sorted_and_recursive(tmp_path):
    _tree(tmp_path / "in")
    items, problems = _find([str(tmp_path / "in")])
    assert problems == []
    rels = [i.rel for i in items]
    assert rels == ["a.txt", "b/deeper/c.txt", "b/docs.jsonl.gz", "b/inner.txt", "docs.jsonl", "z.txt"]
    by_rel = {i.rel: i for i in items}
    assert by_rel["a.txt"].kind == "html"
    assert by_rel["b/inner.txt"].kind == "html"
    assert by_rel["b/deeper/c.txt"].kind == "text"
    assert by_rel["b/docs.jsonl.gz"].kind == "jsonl"
    assert by_rel["a.txt"].path == str(tmp_path / "in" / "a.htm")
    assert by_rel["b/deeper/c.txt"].id == "b/deeper/c"
    # sorted by the path inside the directory, whatever the file system returns
    paths = [Path(i.path).relative_to(tmp_path / "in").as_posix() for i in items]
    assert paths == sorted(paths)


def test_find_inputs_skips_unsupported_files_silently_in_directories(tmp_path):
    _tree(tmp_path / "in")
    items, problems = _find([str(tmp_path / "in")])
    names = {Path(i.path).name for i in items}
    assert not names & {"notes.md", "image.png", "README", "folder.txt"}
    assert problems == []


def test_find_inputs_single_file_uses_its_name(tmp_path):
    f = tmp_path / "deep" / "dir" / "page.html"
    f.parent.mkdir(parents=True)
    f.write_text("<p>x</p>")
    items, problems = _find([str(f)])
    assert problems == []
    assert items == [Item(str(f), "html", "page.txt")]


def test_find_inputs_explicit_unsupported_file_is_a_problem(tmp_path):
    f = tmp_path / "notes.md"
    f.write_text("x")
    items, problems = _find([str(f)])
    assert items == []
    assert len(problems) == 1
    assert problems[0].startswith(f"{f}: ")


def test_find_inputs_missing_path_is_a_problem(tmp_path):
    missing = tmp_path / "nope"
    items, problems = _find([str(missing)])
    assert items == []
    assert problems == [f"{missing}: no such file or directory"]


def test_find_inputs_stdin():
    items, problems = _find([STDIN])
    assert problems == []
    assert items == [Item(STDIN, "text", "stdin.txt")]


def test_find_inputs_keeps_command_line_order(tmp_path):
    (tmp_path / "b.txt").write_text("b")
    (tmp_path / "a.txt").write_text("a")
    items, _ = find_inputs([str(tmp_path / "b.txt"), str(tmp_path / "a.txt")])
    assert [i.rel for i in items] == ["b.txt", "a.txt"]


def test_two_files_of_one_directory_with_one_output_keep_the_first(tmp_path):
    # "a.html" and "a.txt" both make a.txt; the subdirectory "a.i" sorts between them, so the check
    # must hold across the walk of a subdirectory
    for name in ("a.html", "a.i/x.txt", "a.txt", "b/a.txt"):
        (tmp_path / name).parent.mkdir(parents=True, exist_ok=True)
        (tmp_path / name).write_text("x")
    items, problems = _find([str(tmp_path)])
    assert [(Path(i.path).name, i.rel) for i in items] == [
        ("a.html", "a.txt"),
        ("x.txt", "a.i/x.txt"),
        ("a.txt", "b/a.txt"),
    ]
    assert problems == [f"{tmp_path / 'a.txt'}: output a.txt is already the output of {tmp_path / 'a.html'}"]


def test_inputs_with_one_output_across_the_command_line_keep_the_first(tmp_path):
    for name in ("one/x.txt", "one/y.txt", "two/x.html", "two/z.txt"):
        (tmp_path / name).parent.mkdir(parents=True, exist_ok=True)
        (tmp_path / name).write_text("x")
    items, problems = _find([str(tmp_path / "one"), str(tmp_path / "two"), str(tmp_path / "one" / "y.txt")])
    assert [i.path for i in items] == [str(tmp_path / n) for n in ("one/x.txt", "one/y.txt", "two/z.txt")]
    assert problems == [
        f"{tmp_path / 'two' / 'x.html'}: output x.txt is already the output of {tmp_path / 'one' / 'x.txt'}",
        f"{tmp_path / 'one' / 'y.txt'}: output y.txt is already the output of {tmp_path / 'one' / 'y.txt'}",
    ]


def test_inputs_are_walked_as_they_are_read(tmp_path, monkeypatch):
    # the first item comes after listing the directories on its path, not the whole tree
    for d in range(20):
        (tmp_path / f"d{d:02}").mkdir()
        (tmp_path / f"d{d:02}" / "a.txt").write_text("x")
    listed = []
    real = os.scandir
    monkeypatch.setattr(os, "scandir", lambda path: listed.append(path) or real(path))
    inputs = Inputs([str(tmp_path)])
    first = next(iter(inputs))
    assert first.rel == "d00/a.txt" and len(listed) == 2
    assert len(list(inputs)) == 20  # iterating again walks again
    assert len(listed) == 2 + 21


def test_walking_a_large_tree_holds_one_directory_at_a_time(tmp_path):
    import tracemalloc

    for d in range(40):
        (tmp_path / f"d{d:02}").mkdir()
        for f in range(100):
            (tmp_path / f"d{d:02}" / f"{f:03}.txt").write_bytes(b"")
    sum(1 for _ in Inputs([str(tmp_path)]))  # once first: pathlib interns names, which may grow a table
    tracemalloc.start()
    try:
        count = sum(1 for _ in Inputs([str(tmp_path)]))
        _, streamed = tracemalloc.get_traced_memory()
        tracemalloc.reset_peak()
        listed = find_inputs([str(tmp_path)])[0]
        _, whole = tracemalloc.get_traced_memory()
    finally:
        tracemalloc.stop()
    assert count == len(listed) == 4000
    assert streamed * 5 < whole  # measured 49 KB against 838 KB: one directory's entries, not all


def test_find_inputs_does_not_follow_symlink_out_of_directory(tmp_path):
    outside = tmp_path / "secret.txt"
    outside.write_text("outside the input directory")
    root = tmp_path / "in"
    root.mkdir()
    (root / "ok.txt").write_text("ok")
    (root / "inside-link.txt").symlink_to(root / "ok.txt")
    (root / "escape.txt").symlink_to(outside)
    items, problems = _find([str(root)])
    assert [i.rel for i in items] == ["inside-link.txt", "ok.txt"]
    assert len(problems) == 1
    assert "escape.txt" in problems[0]
    assert "symlink" in problems[0]


# --- AtomicWriter -----------------------------------------------------------------------------------------


def test_atomic_writer_writes_and_leaves_no_temp_file(tmp_path):
    target = tmp_path / "out" / "sub" / "a.txt"
    with AtomicWriter(target) as fh:
        fh.write(b"hello\n")
        assert not target.exists()  # nothing visible under the final name while writing
    assert target.read_bytes() == b"hello\n"
    assert _listing(tmp_path / "out") == ["sub", "sub/a.txt"]


def test_atomic_writer_replaces_existing_file(tmp_path):
    target = tmp_path / "a.txt"
    target.write_bytes(b"old")
    with AtomicWriter(target) as fh:
        fh.write(b"new")
    assert target.read_bytes() == b"new"
    assert _listing(tmp_path) == ["a.txt"]


def test_atomic_writer_exception_creates_no_target_and_no_temp(tmp_path):
    target = tmp_path / "a.txt"
    with pytest.raises(RuntimeError, match="boom"), AtomicWriter(target) as fh:
        fh.write(b"partial")
        raise RuntimeError("boom")
    assert not target.exists()
    assert _listing(tmp_path) == []


def test_atomic_writer_exception_keeps_previous_file(tmp_path):
    target = tmp_path / "a.txt"
    target.write_bytes(b"previous")
    with pytest.raises(ValueError), AtomicWriter(target) as fh:
        fh.write(b"partial")
        raise ValueError
    assert target.read_bytes() == b"previous"
    assert _listing(tmp_path) == ["a.txt"]


def test_atomic_writer_gz_is_compressed_and_reproducible(tmp_path):
    a, b = tmp_path / "a.jsonl.gz", tmp_path / "b.jsonl.gz"
    for target in (a, b):
        with AtomicWriter(target) as fh:
            fh.write(b'{"text": "x"}\n')
    assert gzip.decompress(a.read_bytes()) == b'{"text": "x"}\n'
    assert a.read_bytes() == b.read_bytes()  # zero timestamp, no file name in the header
    assert _listing(tmp_path) == ["a.jsonl.gz", "b.jsonl.gz"]


def test_atomic_writer_gz_exception_leaves_nothing(tmp_path):
    target = tmp_path / "a.jsonl.gz"
    with pytest.raises(RuntimeError), AtomicWriter(target) as fh:
        fh.write(b"x" * 1000)
        raise RuntimeError
    assert _listing(tmp_path) == []


def test_write_atomic(tmp_path):
    target = tmp_path / "new" / "g.txt"
    write_atomic(target, b"golden\n")
    assert target.read_bytes() == b"golden\n"
    assert _listing(tmp_path) == ["new", "new/g.txt"]


def test_atomic_writer_output_mode_follows_umask(tmp_path):
    old = os.umask(0o022)
    try:
        write_atomic(tmp_path / "a.txt", b"x")
        (tmp_path / "plain.txt").write_bytes(b"x")
    finally:
        os.umask(old)
    assert (tmp_path / "a.txt").stat().st_mode & 0o777 == (tmp_path / "plain.txt").stat().st_mode & 0o777


# --- iter_jsonl ---------------------------------------------------------------------------------------------


def _lines() -> list[bytes]:
    return [
        json.dumps({"id": "a", "text": "First."}).encode(),
        b"",
        b'{"id": "b", "text": ',  # cut off
        b"   ",
        json.dumps({"id": "c", "text": "Grüße"}, ensure_ascii=False).encode(),
        b"[1, 2, 3]",
        b'{"id": "d", "text": "\xff\xfe"}',  # not UTF-8
    ]


def _check_lines(rows):
    assert [n for n, _, _ in rows] == [1, 3, 5, 6, 7]  # blank lines skipped, numbering kept
    (_, r1, e1), (_, r3, e3), (_, r5, e5), (_, r6, e6), (_, r7, e7) = rows
    assert r1 == {"id": "a", "text": "First."} and e1 is None
    assert r3 is None and e3.startswith("line 3: not JSON")
    assert r5 == {"id": "c", "text": "Grüße"} and e5 is None
    assert r6 is None and e6 == "line 6: not a JSON object"
    assert r7 is None and e7.startswith("line 7: not JSON")


def test_iter_jsonl_plain(tmp_path):
    f = tmp_path / "docs.jsonl"
    f.write_bytes(b"\n".join(_lines()) + b"\n")
    _check_lines(list(iter_jsonl(str(f))))


def test_iter_jsonl_gz(tmp_path):
    f = tmp_path / "docs.jsonl.gz"
    f.write_bytes(gzip.compress(b"\n".join(_lines()) + b"\n"))
    _check_lines(list(iter_jsonl(str(f))))


def test_iter_jsonl_crlf_and_no_final_newline(tmp_path):
    f = tmp_path / "docs.jsonl"
    f.write_bytes(b'{"id": "a", "text": "x"}\r\n{"id": "b", "text": "y"}')
    assert list(iter_jsonl(str(f))) == [
        (1, {"id": "a", "text": "x"}, None),
        (2, {"id": "b", "text": "y"}, None),
    ]


def test_iter_jsonl_truncated_gz_is_input_error(tmp_path):
    data = gzip.compress(
        b"".join(json.dumps({"id": i, "text": "x" * 50}).encode() + b"\n" for i in range(200))
    )
    f = tmp_path / "docs.jsonl.gz"
    f.write_bytes(data[: len(data) // 2])
    with pytest.raises(InputError, match="cannot read JSONL"):
        list(iter_jsonl(str(f)))


def test_iter_jsonl_not_gzip_is_input_error(tmp_path):
    f = tmp_path / "docs.jsonl.gz"
    f.write_bytes(b'{"id": "a", "text": "plain, not compressed"}\n')
    with pytest.raises(InputError):
        list(iter_jsonl(str(f)))


def test_iter_jsonl_missing_file_is_input_error(tmp_path):
    with pytest.raises(InputError):
        list(iter_jsonl(str(tmp_path / "missing.jsonl")))


def test_directory_items_come_in_the_order_of_their_relative_paths(tmp_path):
    # sorted as relative path strings: "a-b/x.txt" < "a.txt" < "a/b.txt" ('-' < '.' < '/'), which a walk
    # that sorted directories by their bare names would get wrong
    names = [
        "a.txt",
        "a/b.txt",
        "a/b/c.html",
        "a-b/x.txt",
        "a b.txt",
        "A.txt",
        "Z/z.jsonl",
        "é.txt",
        "a0.txt",
    ]
    for name in names:
        (tmp_path / name).parent.mkdir(parents=True, exist_ok=True)
        (tmp_path / name).write_text("x", encoding="utf-8")
    items, problems = _find([str(tmp_path)])
    assert not problems
    assert [i.path for i in items] == [str(tmp_path / n) for n in sorted(names)]
