"""pytest plugin: golden-file tests of cleaned text, with your own rule set.

Installed with the package (a ``pytest11`` entry point), so any project that has ``cleaner`` installed
gets the ``cleaner_golden`` fixture::

    from pathlib import Path

    def test_story(cleaner_golden):
        cleaner_golden.check(Path("seeds/story.html"))     # against <golden dir>/story.txt
        cleaner_golden.check("Buy now!\\nReal text.\\n", name="promo")   # against <golden dir>/promo.txt

A ``Path`` is a file to clean (relative to the rootdir; ``.html``/``.htm`` is cleaned as HTML), a ``str``
is the text itself. Settings, in ``[tool.pytest.ini_options]`` or ``pytest.ini``:

- ``cleaner_rules``: the rule set, as ``--rules`` takes it (``["default", "my_rules/"]`` extends the
  bundled rules; paths relative to the rootdir); the bundled rules when unset;
- ``cleaner_golden_dir``: where goldens live, relative to the rootdir; a ``golden`` folder next to the
  test file when unset.

A missing golden fails, and so does one that differs: the failure shows the word-level diff and the
rules that made each difference (:mod:`cleaner.golden_diff`). ``pytest --cleaner-update`` writes the
goldens that are missing or differ and still fails those tests (once each has run to its end, so all
its goldens are written in one run), so a person reviews the change before
committing it (as ``cleaner check --update`` does; pytest-regressions' ``--force-regen`` too).
"""

from __future__ import annotations

import os
import re
from pathlib import Path
from typing import TYPE_CHECKING

import pytest

if TYPE_CHECKING:
    from cleaner.document import CleanResult
    from cleaner.pipeline import Cleaner

UPDATE = "--cleaner-update"
# One cleaner per rule set for the whole session: building one loads and self-tests every rule.
_CLEANERS: dict[tuple[str, ...], Cleaner] = {}


def pytest_addoption(parser: pytest.Parser) -> None:
    group = parser.getgroup("cleaner", "cleaner golden files")
    group.addoption(
        UPDATE,
        action="store_true",
        default=False,
        help="write cleaner goldens that are missing or differ (those tests still fail: review the diff)",
    )
    parser.addini("cleaner_rules", "rule directories or files for cleaner_golden (default: bundled)", "args")
    parser.addini("cleaner_golden_dir", "folder of cleaner_golden's goldens (rootdir-relative)", "string")


#: The goldens a test wrote under --cleaner-update: it fails once its body has run, so every check in it
#: gets to write its golden in the same run.
_UPDATED = pytest.StashKey[list]()


@pytest.hookimpl(wrapper=True)
def pytest_runtest_call(item: pytest.Item):
    result = yield
    if item.stash.get(_UPDATED, None):
        pytest.fail("\n".join(item.stash[_UPDATED]), pytrace=False)
    return result


@pytest.fixture
def cleaner_golden(request: pytest.FixtureRequest) -> GoldenCheck:
    """Check cleaned text against golden files: ``cleaner_golden.check(Path("page.html"))``."""
    return GoldenCheck(request)


class GoldenCheck:
    """The ``cleaner_golden`` fixture: :meth:`check` cleans a text or file and compares it with a golden."""

    def __init__(self, request: pytest.FixtureRequest):
        self.config = request.config
        self.item = request.node
        self.update = bool(request.config.getoption(UPDATE))
        setting = request.config.getini("cleaner_golden_dir")
        self.golden_dir = self.config.rootpath / setting if setting else request.path.parent / "golden"
        self.test_name = re.sub(r"[^\w.-]+", "_", request.node.name).strip("_")
        self.texts = 0  # texts checked so far without a name: the second gets "-2"

    @property
    def cleaner(self) -> Cleaner:
        """The cleaner of the ini file's ``cleaner_rules`` (one per session)."""
        from cleaner.pipeline import Cleaner

        root = self.config.rootpath
        rules = tuple(r if r == "default" else str(root / r) for r in self.config.getini("cleaner_rules"))
        if rules not in _CLEANERS:
            from cleaner.rules import RuleError

            try:
                _CLEANERS[rules] = Cleaner(list(rules) or None)
            except RuleError as exc:  # the rule files' problems, each with file and line: no traceback
                pytest.fail(f"cleaner_rules {list(rules)}: {exc}", pytrace=False)
        return _CLEANERS[rules]

    def check(
        self,
        source: str | os.PathLike,
        golden: str | os.PathLike | None = None,
        *,
        name: str | None = None,
        html: bool | None = None,
        cleaner: Cleaner | None = None,
    ) -> CleanResult:
        """Clean ``source`` (a path: that file; a string: that text) and compare the text with its golden.

        ``golden`` names the golden file (relative ones are in the golden folder); by default it is the
        file's name without its type suffix, or ``name``, or the test's name, plus ``.txt``. ``cleaner``
        replaces the ini file's (one with name statistics, say). Returns the result when they match."""
        from cleaner.io import decode, kind_of

        cleaner = cleaner or self.cleaner
        if isinstance(source, os.PathLike):
            path = self.config.rootpath / source
            text, _ = decode(path.read_bytes())
            html = kind_of(path.name) == "html" if html is None else html
            stem = path.name[: -len(path.suffix)] if path.suffix else path.name
        else:
            text, path, html = source, None, bool(html)
            self.texts += 1
            stem = name or (self.test_name if self.texts == 1 else f"{self.test_name}-{self.texts}")
        target = self.golden_dir / (golden if golden is not None else f"{name or stem}.txt")
        result = cleaner.clean(text, id=stem, html=html)
        what = self._shown(path) if path else f"the text of {self.test_name}"
        if not result.ok:
            pytest.fail(f"{what}: {result.status}: {result.error}", pytrace=False)
        want = target.read_text(encoding="utf-8") if target.exists() else None
        if want == result.text:
            return result
        return self._differs(target, want, text, result, what)

    def _shown(self, path: Path) -> str:
        """``path`` relative to the rootdir where it is under it."""
        try:
            return str(path.relative_to(self.config.rootpath))
        except ValueError:
            return str(path)

    def _differs(self, target: Path, want: str | None, text: str, result: CleanResult, what: str):
        from cleaner.golden_diff import word_diff
        from cleaner.io import write_atomic

        diff = "" if want is None else word_diff(want, result.text, text, result)
        golden = self._shown(target)
        if self.update:
            target.parent.mkdir(parents=True, exist_ok=True)
            write_atomic(target, result.text.encode("utf-8"))
            done = "wrote the missing golden" if want is None else "rewrote the golden"
            message = f"{done} {golden} from {what}: review it, then commit" + (f"\n{diff}" if diff else "")
            self.item.stash.setdefault(_UPDATED, []).append(message)
            return result
        if want is None:
            pytest.fail(f"golden {golden} is missing: `pytest {UPDATE}` writes it from {what}", pytrace=False)
        pytest.fail(
            f"{what} no longer cleans to its golden {golden} (`pytest {UPDATE}` rewrites it):\n{diff}",
            pytrace=False,
        )
