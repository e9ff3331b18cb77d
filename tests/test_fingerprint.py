"""A cleaner's fingerprint and pickle: the same for the same configuration in any process, before and
after use; different when a rule changes. Caches keyed on either (``datasets``' ``map``) then hit."""

from __future__ import annotations

import dataclasses
import json
import os
import pickle
import shutil
import subprocess
import sys

import pytest

from cleaner import Cleaner
from cleaner.namestats import NameStats
from cleaner.pickling import dumps, loads
from tests.conftest import ROOT, SEEDS

SEED_TEXTS = [p.read_text(encoding="utf-8") for p in sorted(SEEDS.glob("*.txt"))]
NOISY = "Putin met Zelensky 's envoy.\nSTORY CONTINUES BELOW THIS AD\nDownload our app on the App Store\n"

# Printed by a second Python process with another hash seed: what another machine would compute.
_OTHER_PROCESS = """
import hashlib, pickle
from cleaner import Cleaner
c = Cleaner()
print(c.fingerprint, hashlib.sha256(pickle.dumps(c)).hexdigest())
"""


@pytest.fixture(scope="module")
def fresh():
    return Cleaner()


def _pickled(cleaner):
    import hashlib

    return hashlib.sha256(pickle.dumps(cleaner)).hexdigest()


def test_two_fresh_cleaners_and_a_used_one_agree(fresh, ruleset):
    used = Cleaner(ruleset)
    for text in [NOISY, *SEED_TEXTS]:
        used.clean(text)
    assert used.fingerprint == fresh.fingerprint == Cleaner(ruleset).fingerprint
    assert pickle.dumps(used) == pickle.dumps(fresh)


def test_another_process_with_another_hash_seed_agrees(fresh):
    env = {**os.environ, "PYTHONHASHSEED": "12345", "PYTHONPATH": str(ROOT)}
    out = subprocess.run(
        [sys.executable, "-c", _OTHER_PROCESS], env=env, cwd=ROOT, capture_output=True, text=True, check=True
    ).stdout.split()
    assert out == [fresh.fingerprint, _pickled(fresh)]


def test_any_rule_change_changes_the_fingerprint(fresh, ruleset):
    def changed(**what):
        rules = dict(ruleset.rules)
        first = rules["boilerplate"][0]
        rules["boilerplate"] = (dataclasses.replace(first, **what), *rules["boilerplate"][1:])
        return Cleaner(dataclasses.replace(ruleset, rules=rules)).fingerprint

    pattern = ruleset.rules["boilerplate"][0].pattern
    wider = type(pattern)(pattern.source + "|never seen", pattern.rule_id, pattern.timeout)
    prints = {changed(pattern=wider), changed(reason="another reason"), changed(keep=("a new near miss",))}
    assert len(prints) == 3 and fresh.fingerprint not in prints
    off = dataclasses.replace(ruleset, stages=tuple(s for s in ruleset.stages if s != "names"))
    assert Cleaner(off).fingerprint != fresh.fingerprint
    assert fresh.fingerprint in repr(fresh)  # caches keyed on repr see the change too


def test_where_the_rules_were_read_from_does_not_count(fresh, tmp_path):
    shutil.copytree(ROOT / "rules", tmp_path / "copy")
    assert Cleaner(tmp_path / "copy").fingerprint == fresh.fingerprint


def test_name_statistics_count_but_not_their_order(fresh):
    forward = fresh.with_name_stats(fresh.collect_name_stats(SEED_TEXTS))
    backward = fresh.with_name_stats(fresh.collect_name_stats(SEED_TEXTS[::-1]))
    assert forward.fingerprint == backward.fingerprint != fresh.fingerprint
    assert pickle.dumps(forward) == pickle.dumps(backward)
    fewer = fresh.with_name_stats(fresh.collect_name_stats(SEED_TEXTS[1:]))
    assert fewer.fingerprint != forward.fingerprint


def test_an_unpickled_cleaner_rebuilds_its_automata_and_cleans_alike(fresh):
    again = pickle.loads(pickle.dumps(fresh))
    boilerplate = next(s for s in again.stages if s.name == "boilerplate")
    assert boilerplate.line_rules.prefilter.automaton is not None
    for text in [NOISY, *SEED_TEXTS]:
        assert again.clean(text) == fresh.clean(text)
    assert again.fingerprint == fresh.fingerprint


def test_copy_is_shallow(fresh):
    import copy

    assert copy.copy(fresh).stages is fresh.stages


def test_deterministic_pickles_sort_sets_and_read_back():
    value = {"words": {"b", "a", "c"}, "frozen": frozenset({("x", 1), ("a", 2)})}
    assert loads(dumps(value)) == value
    assert dumps({"c", "a", "b"}) == dumps({"a", "b", "c"}) == dumps({"b", "c", "a"})


def test_name_statistics_save_and_load(tmp_path, fresh):
    stats = fresh.collect_name_stats(SEED_TEXTS)
    for name in ("stats.json", "stats.json.gz"):
        stats.save(tmp_path / name)
        back = NameStats.load(tmp_path / name)
        assert back.to_bytes() == stats.to_bytes() and back.digest() == stats.digest()
    fresh.collect_name_stats(SEED_TEXTS[::-1]).save(tmp_path / "again.json.gz")
    assert (tmp_path / "again.json.gz").read_bytes() == (tmp_path / "stats.json.gz").read_bytes()
    halves = fresh.collect_name_stats(SEED_TEXTS[:2]).merge(fresh.collect_name_stats(SEED_TEXTS[2:]))
    assert halves.digest() == stats.digest()
    (tmp_path / "other.json").write_text(json.dumps({"format": "something else"}))
    with pytest.raises(ValueError, match="not name statistics"):
        NameStats.load(tmp_path / "other.json")


def test_clean_batch_columns(fresh):
    batch = {"id": ["a", "b", "c"], "text": [NOISY, "   ", None]}
    out = fresh.clean_batch(batch)
    assert out["status"] == ["cleaned", "failed", "failed"]
    assert out["text"][0] == fresh.clean(NOISY).text and out["text"][1:] == ["", ""]
    assert json.loads(out["metadata"][0]) == json.loads(json.dumps(fresh.clean(NOISY).metadata))
    assert out["error"][0] == "" and "empty" in out["error"][1] and "string" in out["error"][2]
    assert fresh.clean_batch({"text": []}) == {"text": [], "status": [], "metadata": [], "error": []}


def test_datasets_hasher_and_map_cache(fresh, tmp_path, ruleset):
    datasets = pytest.importorskip("datasets", reason="datasets is not installed (pip install -e '.[test]')")
    from datasets.fingerprint import Hasher

    used = Cleaner(ruleset)
    used.clean(NOISY)
    assert Hasher.hash(fresh) == Hasher.hash(Cleaner(ruleset)) == Hasher.hash(used)
    assert Hasher.hash(fresh.clean_batch) == Hasher.hash(used.clean_batch)

    datasets.Dataset.from_dict({"text": [NOISY, *SEED_TEXTS]}).save_to_disk(tmp_path / "ds")
    ds = datasets.load_from_disk(str(tmp_path / "ds"))
    first = ds.map(fresh.clean_batch, batched=True)
    (cache,) = {f["filename"] for f in first.cache_files}
    written = os.stat(cache).st_mtime_ns
    second = ds.map(Cleaner(ruleset).clean_batch, batched=True)  # another instance, same configuration
    assert [f["filename"] for f in second.cache_files] == [cache]
    assert os.stat(cache).st_mtime_ns == written, "the second map ran again instead of reading the cache"
    assert second["text"] == first["text"] and second["status"][0] == "cleaned"
    other = dataclasses.replace(ruleset, stages=tuple(s for s in ruleset.stages if s != "names"))
    third = ds.map(Cleaner(other).clean_batch, batched=True)
    assert [f["filename"] for f in third.cache_files] != [cache]
