"""Faults of the machine, not the input: a full disk, a read-only or vanished output, an I/O error, a signal.

A document that cannot be cleaned is that document's failure: reported, journaled, and the run goes on.
A write that fails because of the machine is different: it would fail again for every item after it, and
journaling the item as failed would make ``--resume`` keep that failure for good. So such an error becomes
a :class:`Fault` that stops the run at once; the item it hit is never journaled, and ``--resume`` retries
it. SIGINT and SIGTERM stop the run the same way, as :class:`Interrupted`.
"""

from __future__ import annotations

import errno
import os
import signal
from collections.abc import Iterator
from contextlib import contextmanager

#: errno values that say the machine is at fault, not the document: a rerun once the machine is mended
#: succeeds. Not among them: a file name too long or invalid on the output's filesystem (ENAMETOOLONG,
#: EINVAL, EILSEQ), which fails that one item every time, so it is that item's failure.
MACHINE = frozenset(
    {
        errno.ENOSPC,  # disk full
        errno.EDQUOT,  # quota exceeded
        errno.EROFS,  # read-only filesystem (a disk remounted read-only after errors)
        errno.EIO,  # I/O error
        errno.ENOENT,  # the output directory vanished
        errno.ENOTDIR,  # ... or was replaced by a file
        errno.ESTALE,  # ... on NFS
        errno.EACCES,  # its permissions changed
        errno.EPERM,
    }
)

# What the user can do about each, before rerunning with --resume.
_REMEDY = {
    errno.ENOSPC: "free space",
    errno.EDQUOT: "free space",
    errno.EROFS: "make it writable",
    errno.EACCES: "make it writable",
    errno.EPERM: "make it writable",
    errno.EIO: "check the disk",
}


class Fault(Exception):
    """An environment fault on a write (or a worker process lost): the run stops, the item is not
    journaled. ``where`` is the file the write was for (an output, the journal, the report)."""

    def __init__(self, code: int, strerror: str, where: str):
        super().__init__(code, strerror, where)  # the args rebuild it when it comes back from a worker
        self.code, self.strerror, self.where = code, strerror, where

    def __str__(self) -> str:
        return f"{self.strerror} ({errno.errorcode.get(self.code, self.code)}) writing {self.where}"

    @property
    def remedy(self) -> str:
        return _REMEDY.get(self.code, "restore the output directory")


def of_machine(exc: BaseException) -> bool:
    """Is ``exc`` an error of the machine (see :data:`MACHINE`)?"""
    return isinstance(exc, OSError) and exc.errno in MACHINE


@contextmanager
def writing(where: object) -> Iterator[None]:
    """Turn an error of the machine inside the block into a :class:`Fault` naming ``where``."""
    try:
        yield
    except OSError as exc:
        if exc.errno in MACHINE:
            raise Fault(exc.errno, exc.strerror or str(exc), str(where)) from exc
        raise


class Interrupted(SystemExit):
    """SIGINT or SIGTERM, raised where the process was: ``with`` blocks remove their temporary files on
    the way out. Built from the exit code, 128 + the signal number (130, 143), so it pickles back from a
    pool worker as itself. A SystemExit: ``except Exception`` (a document's failure) does not catch it, and
    an idle pool worker it reaches exits quietly with that code."""

    @property
    def signal_name(self) -> str:
        return signal.Signals(self.code - 128).name


STOP_SIGNALS = (signal.SIGINT, signal.SIGTERM)


def _raise_once(signum, frame) -> None:
    # A second signal ends the process as the signal would (a user who presses Ctrl-C twice does not want
    # to wait for the cleanup; a pool whose worker died terminates the others and must not wait for
    # them). It is a Python handler, not SIG_DFL: a signal that arrived before this handler ran would
    # otherwise raise "OSError: Signal 15 ignored due to race condition" here.
    global _received
    for s in STOP_SIGNALS:
        if signal.getsignal(s) is _raise_once:
            signal.signal(s, _die)
    _received = signum
    raise Interrupted(128 + signum)


_received: int | None = None


def signalled() -> Interrupted | None:
    """The stop a signal asked for, if one came: for code that catches an exception where a signal may
    have been turned into another one (langdetect loads its profiles under a bare ``except:``)."""
    return None if _received is None else Interrupted(128 + _received)


def _die(signum, frame) -> None:
    signal.signal(signum, signal.SIG_DFL)
    os.kill(os.getpid(), signum)


def raise_on_signals(*, worker: bool = False) -> None:
    """Make the first SIGINT or SIGTERM raise :class:`Interrupted` in this process; for the main process
    through :func:`stopping`, and for a pool worker's initializer (``worker``). A worker ignores SIGINT:
    Ctrl-C reaches the whole process group, and the main process decides, then sends its workers SIGTERM."""
    if worker:
        signal.signal(signal.SIGINT, signal.SIG_IGN)
    for s in (signal.SIGTERM,) if worker else STOP_SIGNALS:
        signal.signal(s, _raise_once)


@contextmanager
def stopping() -> Iterator[None]:
    """SIGINT and SIGTERM raise :class:`Interrupted` inside the block; the handlers before are restored
    after it. Signal handlers belong to the main thread: elsewhere (a library calling the command line
    from a thread) the block runs with the handlers as they are."""
    import threading

    if threading.current_thread() is not threading.main_thread():
        yield
        return
    global _received
    before = {s: signal.getsignal(s) for s in STOP_SIGNALS}
    _received = None
    raise_on_signals()
    try:
        yield
    finally:
        for s, handler in before.items():
            signal.signal(s, handler)
        _received = None
