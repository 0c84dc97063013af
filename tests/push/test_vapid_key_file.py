"""The VAPID key file: made once, whole, even when several worker processes start together."""
from __future__ import annotations

import multiprocessing
import stat

from shinjuku_pwa.push.vapid import key_file, load_or_create_key, public_key_b64


def _public_key(folder: str, results) -> None:
    results.put(public_key_b64(load_or_create_key(folder)))


def test_processes_starting_together_all_use_one_complete_key(tmp_path):
    results = multiprocessing.Queue()
    processes = [multiprocessing.Process(target=_public_key, args=(str(tmp_path), results)) for _ in range(6)]
    for process in processes:
        process.start()
    keys = {results.get(timeout=60) for _ in processes}
    for process in processes:
        process.join(10)
    assert [p.exitcode for p in processes] == [0] * 6
    assert len(keys) == 1 and keys == {public_key_b64(load_or_create_key(str(tmp_path)))}
    assert stat.S_IMODE(key_file(str(tmp_path)).stat().st_mode) == 0o600
    assert sorted(p.name for p in tmp_path.iterdir()) == ["vapid_private.pem"]  # no drafts left behind
