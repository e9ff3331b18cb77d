"""Reading and writing at the edges: finding inputs, decoding bytes, JSONL, atomic writes.

Nothing here cleans text; the pipeline never touches a file.
"""

from __future__ import annotations

import codecs
import contextlib
import errno
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
MISSING = "no such file or directory"
UNSUPPORTED = "not a .txt, .html, .htm, .jsonl or .jsonl.gz file"


@dataclass(frozen=True, slots=True)
class InputProblem:
    """An input the run cannot take (missing, of an unsupported type, a symlink not followed, an output
    that collides with another's): reported as a failure of ``path``."""

    path: str
    reason: str

    def __str__(self) -> str:
        return f"{self.path}: {self.reason}"


class InputError(Exception):
    """An input that cannot be read as text (binary, undecodable, unreadable); reported per item."""


@dataclass(frozen=True, slots=True)
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


def output_rel(rel: PurePosixPath | str, kind: str) -> str:
    """``a/b.html`` → ``a/b.txt``; JSONL keeps its name (and its compression). String work only, as
    ``PurePosixPath.with_suffix(".txt")`` would do it: it runs once per file of a walk, where building a
    path object (which interns every part) costs more than the rest."""
    rel = str(rel)
    if kind == "jsonl":
        return rel
    head, slash, name = rel.rpartition("/")
    dot = name.rfind(".")
    stem = name[:dot] if 0 < dot < len(name) - 1 else name  # pathlib: ".txt" is a name, not a suffix
    return f"{head}{slash}{stem}.txt"


def find_inputs(paths: list[str]) -> tuple[list[Item], list[InputProblem]]:
    """The items the command line's inputs name, as a list, and the problems with them: what
    :class:`Inputs` finds, for callers that want it all at once."""
    inputs = Inputs(paths)
    items = list(inputs)
    return items, inputs.problems


class Inputs:
    """The items the command line's inputs name, in order, found afresh each time they are iterated.

    Directories are walked recursively in sorted order; files of other types are skipped; a symlink
    that leads out of the directory given is not followed. Two inputs that map to one output (a.html
    and a.txt -> a.txt) are not merged: the later one is refused, a problem. With ``out_dir``, inputs
    inside it are left out (a rerun would clean its own outputs), except one whose output would be
    itself, which stays so that the run refuses it out loud.

    Nothing is listed up front: a run over a directory tree of a million files holds one directory's
    entries at a time (they must be sorted), not the million. Only when several inputs are given are
    the output names of all but the last kept, to find outputs that collide across them.
    """

    def __init__(self, paths: list[str], out_dir: Path | None = None):
        self.paths = list(paths)
        self.out = out_dir.resolve() if out_dir is not None else None
        #: problems with the command line itself: a path that is missing or of an unsupported type
        self.usage = [p for p in map(_usage_problem, self.paths) if p]
        self._noted: dict[InputProblem, None] = {}  # problems found while walking, once each, in order

    @property
    def problems(self) -> list[InputProblem]:
        """Every problem found so far: the command line's, then the walks' (symlinks not followed,
        colliding outputs); complete once the items have been iterated to the end."""
        return self.usage + list(self._noted)

    def __iter__(self) -> Iterator[Item]:
        earlier: dict[str, str] = {}  # output -> input, over the inputs before the last
        for n, given in enumerate(self.paths):
            for item in self._expand(given):
                if item.path != STDIN and item.rel in earlier:
                    self._note(item.path, f"output {item.rel} is already the output of {earlier[item.rel]}")
                    continue
                if n < len(self.paths) - 1:
                    earlier.setdefault(item.rel, item.path)
                if self._outside(item):
                    yield item

    def _note(self, path: str, reason: str) -> None:
        self._noted[InputProblem(path, reason)] = None

    def _outside(self, item: Item) -> bool:
        if self.out is None or item.path == STDIN:
            return True
        path = Path(item.path).resolve()
        return not path.is_relative_to(self.out) or (self.out / item.rel).resolve() == path

    def _expand(self, given: str) -> Iterator[Item]:
        if given == STDIN:
            yield Item(STDIN, "text", "stdin.txt")
            return
        p = Path(given)
        if p.is_dir():
            yield from self._directory(str(p), "", p.resolve(), given)
        elif p.is_file() and (kind := kind_of(p.name)) is not None:
            yield Item(str(p), kind, output_rel(p.name, kind))

    def _directory(self, path: str, prefix: str, root: Path, given: str) -> Iterator[Item]:
        """The items under ``path`` (``prefix``: its path relative to the input, "" or ending in "/"), in
        the order of their relative paths, without entering symbolic links to directories.

        One ``scandir`` per directory, whose entries know their type (``sorted(rglob("*"))`` built a Path
        and made two system calls per file: 24 s and twice the memory for 100,000 files). A directory
        sorts as its name plus "/", which is where its files fall among the paths ("a.txt" < "a/b.txt").
        """
        try:
            with os.scandir(path) as it:
                entries = list(it)
        except OSError:  # unreadable: as rglob did, there is nothing to list here
            return
        is_dir = {e.name: e.is_dir(follow_symlinks=False) for e in entries}
        entries.sort(key=lambda e: e.name + "/" if is_dir[e.name] else e.name)
        # Two files of one input share an output only when they are in the same directory (a.html and
        # a.txt), so the outputs taken are kept per directory, while it is being walked.
        taken: dict[str, str] = {}
        for entry in entries:
            if is_dir[entry.name]:
                yield from self._directory(entry.path, f"{prefix}{entry.name}/", root, given)
                continue
            kind = kind_of(entry.name)
            if kind is None or not entry.is_file():
                continue
            if entry.is_symlink() and not Path(entry.path).resolve().is_relative_to(root):
                self._note(entry.path, f"symlink out of {given} not followed")
                continue
            rel = output_rel(prefix + entry.name, kind)
            if rel in taken:
                self._note(entry.path, f"output {rel} is already the output of {taken[rel]}")
                continue
            taken[rel] = entry.path
            yield Item(entry.path, kind, rel)


def _usage_problem(given: str) -> InputProblem | None:
    """What makes a command-line input unusable, if anything."""
    if given == STDIN:
        return None
    p = Path(given)
    if p.is_dir():
        return None
    if p.is_file():
        return None if kind_of(p.name) else InputProblem(given, UNSUPPORTED)
    return InputProblem(given, MISSING)


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

    Raises InputError for binary data (NUL bytes that are not UTF-16/32 text) and for bytes no text
    encoding fits. A stray NUL in text does not make it binary; the unicode stage removes it.
    """
    for bom, enc in _BOMS:
        if data.startswith(bom):
            try:
                return data[len(bom) :].decode(enc), _BOM_NAMES.get(enc, enc)
            except UnicodeDecodeError as exc:
                raise InputError(
                    f"starts with a {enc} byte-order mark but does not decode: {exc.reason}"
                ) from exc
    head = data[:65536]
    nuls = head.count(0)
    if nuls:
        wide = _utf16_without_bom(head)
        if wide:
            try:
                return data.decode(wide), wide
            except UnicodeDecodeError as exc:
                raise InputError(f"looks like {wide} without a byte-order mark but does not decode") from exc
        if nuls > max(1, len(head) // 1000) and not _utf8_with_stray_nuls(data, nuls, len(head)):
            raise InputError("binary file (NUL bytes), not text")
    try:
        return data.decode("utf-8"), "utf-8"
    except UnicodeDecodeError:
        pass
    from charset_normalizer import from_bytes

    matches = list(from_bytes(data[: 1 << 20]))
    if not matches:
        raise InputError("binary or undecodable bytes: no text encoding fits")
    # charset-normalizer often ties several single-byte code pages on short texts; among the tied
    # best, prefer the ones most text in the wild is written in, so "Genève" does not become "Genčve".
    best = min(matches, key=lambda m: (m.percent_chaos, -m.percent_coherence))
    tied = [
        m
        for m in matches
        if (m.percent_chaos, m.percent_coherence) == (best.percent_chaos, best.percent_coherence)
    ]
    chosen = min(
        tied, key=lambda m: _PREFERRED.index(m.encoding) if m.encoding in _PREFERRED else len(_PREFERRED)
    )
    try:
        return data.decode(chosen.encoding), chosen.encoding
    except (UnicodeDecodeError, LookupError) as exc:
        raise InputError(f"undecodable as {chosen.encoding}: {exc}") from exc


_BOMS = (
    (codecs.BOM_UTF8, "utf-8"),
    (codecs.BOM_UTF32_LE, "utf-32-le"),
    (codecs.BOM_UTF32_BE, "utf-32-be"),
    (codecs.BOM_UTF16_LE, "utf-16-le"),
    (codecs.BOM_UTF16_BE, "utf-16-be"),
)
_BOM_NAMES = {
    "utf-8": "utf-8-sig",
    "utf-16-le": "utf-16",
    "utf-16-be": "utf-16",
    "utf-32-le": "utf-32",
    "utf-32-be": "utf-32",
}
_PREFERRED = [
    "cp1252",
    "latin_1",
    "iso8859_15",
    "cp1250",
    "iso8859_2",
    "cp1251",
    "koi8_r",
    "cp1253",
    "cp1254",
]


def _utf8_with_stray_nuls(data: bytes, nuls: int, head: int) -> bool:
    """Text with a few NULs in it (under 1%) that is otherwise valid UTF-8: a scraper's slip, not a
    binary file (binary data almost never decodes as UTF-8). The unicode stage removes the NULs."""
    if nuls * 100 >= head:
        return False
    try:
        data.decode("utf-8")
    except UnicodeDecodeError:
        return False
    return True


def _utf16_without_bom(head: bytes) -> str | None:
    """ "utf-16-le"/"utf-16-be" when NULs sit on every other byte, as in mostly-Latin UTF-16 text."""
    even, odd = head[0::2], head[1::2]
    if len(head) >= 4 and odd.count(0) > 0.9 * len(odd) and even.count(0) < 0.1 * len(even):
        return "utf-16-le"
    if len(head) >= 4 and even.count(0) > 0.9 * len(even) and odd.count(0) < 0.1 * len(odd):
        return "utf-16-be"
    return None


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


def _umask() -> int:
    mask = os.umask(0)
    os.umask(mask)
    return mask


_UMASK = _umask()


class AtomicWriter:
    """Write a file under a temporary name in its directory and rename it into place on success.

    A reader (or a resumed run) never sees a half-written output: either the old file or the new one.
    ``.gz`` outputs are compressed with a zero timestamp so the bytes do not depend on the clock.
    """

    def __init__(self, path: Path, root: Path | None = None):
        self.path = path
        self.root = root
        self._tmp: str | None = None

    def __enter__(self):
        make_parent(self.path, self.root)
        fd, self._tmp = tempfile.mkstemp(prefix=f".{self.path.name}.", suffix=".tmp", dir=self.path.parent)
        try:
            os.chmod(self._tmp, 0o666 & ~_UMASK)  # mkstemp makes 0600; an output is an ordinary file
        except BaseException:
            os.close(fd)
            _remove(self._tmp)
            raise
        raw = os.fdopen(fd, "wb")
        self._raw = raw
        self._fh = (
            gzip.GzipFile(fileobj=raw, mode="wb", mtime=0, filename="") if self.path.suffix == ".gz" else raw
        )
        return self._fh

    def __exit__(self, exc_type, exc, tb):
        # Closing writes what is still buffered, so on a full disk it is closing that fails: the
        # temporary file goes whatever happens here, and only a complete one is renamed into place.
        try:
            try:
                if self._fh is not self._raw:
                    self._fh.close()
            finally:
                self._raw.close()
            if exc_type is None:
                os.replace(self._tmp, self.path)
                self._tmp = None
        finally:
            if self._tmp is not None:
                _remove(self._tmp)
        return False


def _remove(path: str) -> None:
    """Remove a temporary file if the filesystem lets us (a read-only one does not: nothing to do)."""
    with contextlib.suppress(OSError):
        os.unlink(path)


def make_parent(path: Path, root: Path | None = None) -> None:
    """Create the directories above ``path``, below ``root``; ``root`` itself must still be there.

    ``root`` is the output directory, created when the run started: if it is gone, it vanished
    (deleted, unmounted) and making it anew would fill it with the rest of the outputs alone, so this
    raises ENOENT, a fault of the machine (cleaner/faults.py), instead."""
    if root is not None and not root.is_dir():
        raise FileNotFoundError(errno.ENOENT, "output directory vanished", str(root))
    path.parent.mkdir(parents=True, exist_ok=True)


def unwritable(directory: Path) -> str | None:
    """Why no file can be written in ``directory`` (created when missing), or None. Run before any work,
    so a read-only, full or misnamed output directory is a one-line usage error, not a fault mid-run."""
    if directory.exists() and not directory.is_dir():
        return "not a directory"
    try:
        directory.mkdir(parents=True, exist_ok=True)
        # named like AtomicWriter's temporary files, so one a crash leaves is removed like theirs
        fd, probe = tempfile.mkstemp(prefix=".cleaner-probe.", suffix=".tmp", dir=directory)
        try:
            os.write(fd, b"\n")  # a full disk may still take a new name, but not a byte
        finally:
            os.close(fd)
            os.unlink(probe)
    except OSError as exc:
        return exc.strerror or str(exc)
    return None


def write_atomic(path: Path, data: bytes) -> None:
    with AtomicWriter(path) as fh:
        fh.write(data)
