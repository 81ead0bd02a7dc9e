import json

import pytest

from nlp.training.gold import GoldError, load_gold
from tests.paths import GOLD_DIRS, TEXT_DIRS


def test_every_bundled_gold_line_slices_to_its_text():
    for gold_dir in GOLD_DIRS:
        for doc, (text, lines) in load_gold(gold_dir, TEXT_DIRS).items():
            for line in lines:
                assert text[line["start"]:line["end"]] == line["text"], (doc, line)


def test_dev_gold_has_the_five_seed_articles():
    gold = load_gold(GOLD_DIRS[0], TEXT_DIRS)
    assert len(gold) == 5
    assert sum(len(lines) for _, lines in gold.values()) == 78


def test_offsets_that_do_not_slice_are_an_error(tmp_path):
    (tmp_path / "t").mkdir()
    (tmp_path / "t" / "a.txt").write_text("Đề án 06 và Đề án 06", encoding="utf-8")
    (tmp_path / "g").mkdir()
    (tmp_path / "g" / "a.jsonl").write_text(json.dumps({"doc": "a", "type": "legal_ref", "text": "Đề án 06", "n": 1, "start": 1, "end": 9}) + "\n", encoding="utf-8")
    with pytest.raises(GoldError, match="do not slice"):
        load_gold(tmp_path / "g", tmp_path / "t")


def test_nth_occurrence_resolves_in_nfc(tmp_path):
    import unicodedata

    (tmp_path / "a.txt").write_text(unicodedata.normalize("NFD", "Đề án 06 và Đề án 06"), encoding="utf-8")
    (tmp_path / "a.jsonl").write_text(json.dumps({"doc": "a", "type": "legal_ref", "text": "Đề án 06", "n": 2}) + "\n", encoding="utf-8")
    (_, lines), = load_gold(tmp_path / "a.jsonl", tmp_path).values()
    assert lines[0]["start"] == 12
