"""Reading and writing at the edges: finding inputs, decoding bytes, JSONL, atomic writes.

Nothing here cleans text; the pipeline never touches a file.
"""

from __future__ import annotations

import codecs
import gzip
import json
import os
import tempfile
from collections.abc import Iterator
from dataclasses import dataclass
from pathlib import Path, PurePosixPath

TEXT_SUFFIXES = (".txt",)
HTML_SUFFIXES = (".html", ".htm")
JSONL_SUFFIXES = (".jsonl", ".jsonl.gz")
STDIN = "-"


class InputError(Exception):
    """An input that cannot be read as text (binary, undecodable, unreadable); reported per item."""


@dataclass(frozen=True)
class Item:
    """One input: where it is, what kind it is, and where its output goes relative to the output dir."""

    path: str  # as given or found; "-" for standard input
    kind: str  # "text", "html" or "jsonl"
    rel: str  # output path relative to OUT, POSIX separators

    @property
    def id(self) -> str:
        """Document id of a text or HTML file: its output path without the extension."""
        return self.rel[: -len(".txt")] if self.rel.endswith(".txt") else self.rel


def kind_of(name: str) -> str | None:
    low = name.lower()
    if low.endswith(JSONL_SUFFIXES):
        return "jsonl"
    if low.endswith(HTML_SUFFIXES):
        return "html"
    if low.endswith(TEXT_SUFFIXES):
        return "text"
    return None


def output_rel(rel: PurePosixPath, kind: str) -> str:
    """``a/b.html`` → ``a/b.txt``; JSONL keeps its name (and its compression)."""
    if kind == "jsonl":
        return str(rel)
    return str(rel.with_suffix(".txt"))


def find_inputs(paths: list[str]) -> tuple[list[Item], list[str]]:
    """Expand the command line's inputs into items, sorted; returns (items, problems with the paths).

    Directories are walked recursively in sorted order; files of other types are skipped; a symlink
    that leads out of the directory given is not followed.
    """
    items: list[Item] = []
    problems: list[str] = []
    for given in paths:
        if given == STDIN:
            items.append(Item(STDIN, "text", "stdin.txt"))
            continue
        p = Path(given)
        if p.is_dir():
            root = p.resolve()
            for f in sorted(p.rglob("*"), key=lambda f: f.relative_to(p).as_posix()):
                kind = kind_of(f.name)
                if kind is None or not f.is_file():
                    continue
                if f.is_symlink() and not f.resolve().is_relative_to(root):
                    problems.append(f"{f}: symlink out of {given} not followed")
                    continue
                rel = PurePosixPath(f.relative_to(p).as_posix())
                items.append(Item(str(f), kind, output_rel(rel, kind)))
        elif p.is_file():
            kind = kind_of(p.name)
            if kind is None:
                problems.append(f"{given}: not a .txt, .html, .htm, .jsonl or .jsonl.gz file")
                continue
            items.append(Item(str(p), kind, output_rel(PurePosixPath(p.name), kind)))
        else:
            problems.append(f"{given}: no such file or directory")
    return items, problems


def read_bytes(path: str) -> bytes:
    if path == STDIN:
        import sys

        return sys.stdin.buffer.read()
    try:
        return Path(path).read_bytes()
    except OSError as exc:
        raise InputError(f"cannot read: {exc.strerror or exc}") from exc


def decode(data: bytes) -> tuple[str, str]:
    """Decode bytes to text; returns (text, encoding). UTF-8 first, then detection (charset-normalizer).

    Raises InputError for binary data: NUL bytes outside UTF-16/32, or nothing that decodes plausibly.
    """
    if data.startswith(codecs.BOM_UTF8):
        return data[len(codecs.BOM_UTF8) :].decode("utf-8", errors="replace"), "utf-8-sig"
    for bom, enc in (
        (codecs.BOM_UTF32_LE, "utf-32"),
        (codecs.BOM_UTF32_BE, "utf-32"),
        (codecs.BOM_UTF16_LE, "utf-16"),
        (codecs.BOM_UTF16_BE, "utf-16"),
    ):
        if data.startswith(bom):
            try:
                return data.decode(enc), enc
            except UnicodeDecodeError as exc:
                raise InputError(
                    f"starts with a {enc} byte-order mark but does not decode: {exc.reason}"
                ) from exc
    try:
        return data.decode("utf-8"), "utf-8"
    except UnicodeDecodeError:
        pass
    if b"\x00" in data[:65536]:
        raise InputError("binary file (NUL bytes), not text")
    from charset_normalizer import from_bytes

    best = from_bytes(data[: 1 << 20]).best()
    if best is None or best.encoding is None:
        raise InputError("binary or undecodable bytes: no text encoding fits")
    try:
        return data.decode(best.encoding), best.encoding
    except (UnicodeDecodeError, LookupError) as exc:
        raise InputError(f"undecodable as {best.encoding}: {exc}") from exc


def iter_jsonl(path: str) -> Iterator[tuple[int, dict | None, str | None]]:
    """Yield (line number, record, error) per non-empty line of a JSONL or JSONL.gz file."""
    opener = gzip.open if path.lower().endswith(".gz") else open
    try:
        with opener(path, "rb") as fh:
            for n, raw in enumerate(fh, 1):
                if not raw.strip():
                    continue
                try:
                    record = json.loads(raw)
                except (json.JSONDecodeError, UnicodeDecodeError) as exc:
                    yield n, None, f"line {n}: not JSON ({exc})"
                    continue
                if not isinstance(record, dict):
                    yield n, None, f"line {n}: not a JSON object"
                    continue
                yield n, record, None
    except (OSError, EOFError, gzip.BadGzipFile) as exc:
        raise InputError(f"cannot read JSONL: {exc}") from exc


class AtomicWriter:
    """Write a file under a temporary name in its directory and rename it into place on success.

    A reader (or a resumed run) never sees a half-written output: either the old file or the new one.
    ``.gz`` outputs are compressed with a zero timestamp so the bytes do not depend on the clock.
    """

    def __init__(self, path: Path):
        self.path = path
        self._tmp: str | None = None
        self._fh = None

    def __enter__(self):
        self.path.parent.mkdir(parents=True, exist_ok=True)
        fd, self._tmp = tempfile.mkstemp(prefix=f".{self.path.name}.", suffix=".tmp", dir=self.path.parent)
        raw = os.fdopen(fd, "wb")
        self._raw = raw
        self._fh = (
            gzip.GzipFile(fileobj=raw, mode="wb", mtime=0, filename="") if self.path.suffix == ".gz" else raw
        )
        return self._fh

    def __exit__(self, exc_type, exc, tb):
        if self._fh is not self._raw:
            self._fh.close()
        self._raw.close()
        if exc_type is None:
            os.replace(self._tmp, self.path)
        else:
            Path(self._tmp).unlink(missing_ok=True)
        return False


def write_atomic(path: Path, data: bytes) -> None:
    with AtomicWriter(path) as fh:
        fh.write(data)
