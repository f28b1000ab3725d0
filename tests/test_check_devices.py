"""The device check's two-machine mode: CPU labels written on one machine, read on another."""
import json

import pytest

from benchmarks.check_devices import agreement, read_cpu_labels


def test_labels_written_for_the_same_sentences_are_read_back_as_tuples(tmp_path):
    path = tmp_path / "cpu.json"
    path.write_text(json.dumps({"sentences": ["Quiet.", "Loud fan."], "sentiment": ["positive", "negative"],
                                "aspects": [[], [[0, 8, "negative"]]], "seconds": 1.0, "version": "m@1"}))
    saved = read_cpu_labels(str(path), ["Quiet.", "Loud fan."])
    assert saved["aspects"] == [(), ((0, 8, "negative"),)]
    # the same shape labels_on() gives, so the comparison is exact
    assert agreement(saved["aspects"], [(), ((0, 8, "negative"),)]) == 1.0


def test_labels_of_other_sentences_are_refused_with_what_to_do(tmp_path):
    path = tmp_path / "cpu.json"
    path.write_text(json.dumps({"sentences": ["Quiet."], "sentiment": ["positive"], "aspects": [[]],
                                "seconds": 1.0, "version": "m@1"}))
    with pytest.raises(SystemExit, match="other sentences.*same --reviews and --seed"):
        read_cpu_labels(str(path), ["Loud fan."])
    with pytest.raises(SystemExit, match="cannot read CPU labels"):
        read_cpu_labels(str(tmp_path / "missing.json"), ["Quiet."])
