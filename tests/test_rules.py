"""Every rules file under nlp/rules loads and validates; broken files fail clearly."""
import pytest

from nlp import rules
from nlp.rules import RuleError, _validate


@pytest.mark.parametrize("name", rules.available())
def test_rules_file_is_valid(name):
    loaded = rules.load(name)
    assert loaded, f"{name}.yml has no rules"
    assert len({r["id"] for r in loaded}) == len(loaded)


def test_rules_exist():
    assert len(rules.available()) >= 4


@pytest.mark.parametrize("data,msg", [
    ({"rules": [{"examples": ["x"]}]}, "missing 'id'"),
    ({"rules": [{"id": "a", "examples": []}]}, "examples"),
    ({"rules": [{"id": "a", "examples": ["x"]}, {"id": "a", "examples": ["y"]}]}, "duplicate"),
    ({"nope": 1}, "rules"),
    ({"rules": [{"id": "a", "examples": ["x"]}]}, "missing keys"),
])
def test_invalid_rules_are_rejected(data, msg):
    with pytest.raises(RuleError, match=msg):
        _validate("t", data, ("pattern",) if msg == "missing keys" else ())


def test_phrase_lists_fill_every_file_that_names_them():
    from nlp.rules import _with_phrase_lists, phrase_lists

    actions = phrase_lists()["intended-actions"]
    assert "dự kiến đầu tư" in actions and "dự tính huy động" in actions
    intent = next(r for r in rules.load("role_cues") if r["id"] == "intended-action")
    forecast = next(r for r in rules.load("context_cues") if r["id"] == "forecast")
    assert list(intent["cues"]) == list(actions) and set(actions) <= set(forecast["except"])
    assert not any(x.startswith("@") for r in rules.load("role_cues") for v in r.values()
                   if isinstance(v, list) for x in v if isinstance(x, str))
    with pytest.raises(RuleError, match="no phrase list '@nope'"):
        _with_phrase_lists("t", [{"id": "a", "cues": ["@nope"], "examples": ["x"]}])
