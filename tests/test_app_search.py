"""Search page (AppTest): deep links, decrees (any spelling) and their page, documents, figures."""
from __future__ import annotations

import json

from nlp.search import search
from nlp.store import Store
from tests.app_support import assert_clean, html_of, marks, run_app

SEARCH = "app_pages/search.py"


def _param(at, key):
    v = at.query_params[key]
    return v[0] if isinstance(v, list) else v


def _on_search(query=None):
    at = run_app()
    if query:
        at.query_params.update(query)
    at.switch_page(SEARCH).run()
    assert_clean(at)
    return at


def test_empty_box_explains_what_to_type(corpus_db):
    at = _on_search()
    assert at.title[0].value == "Search"
    assert at.info and "nd 82" in at.info[0].value
    assert not at.error


def test_deep_link_finds_the_decree_in_a_user_spelling(corpus_db):
    at = _on_search({"q": "nd 82", "tab": "decrees"})
    assert at.text_input[0].value == "nd 82"
    assert at.segmented_control[0].value == "decrees"
    expected = [d["id"] for d in search(Store(corpus_db), "nd 82", type="decree")["decrees"]]
    assert "82/2024/NĐ-CP" in expected
    assert [b.key for b in at.button if b.key and b.key.startswith("open_")] == [f"open_{i}" for i in expected]
    # each result shows its first mention with the reference marked
    assert ("legal_ref", "82/2024/NĐ-CP") in marks(html_of(at))


def test_open_a_decree_lists_every_mention_with_aliases_and_relations(corpus_db):
    at = _on_search({"q": "nd 82", "tab": "decrees"})
    next(b for b in at.button if b.key == "open_82/2024/NĐ-CP").click()
    at.run()
    assert_clean(at)
    assert _param(at, "decree") == "82/2024/NĐ-CP"
    assert at.header[0].value == "82/2024/NĐ-CP"
    entry = Store(corpus_db).legal_document("82/2024/NĐ-CP")
    assert entry["mentions"], "the seed article mentions it"
    shown = html_of(at)
    for m in entry["mentions"]:
        assert m["doc"] in " ".join(c.value for c in at.caption)
    assert shown.count('data-kind="legal_ref"') >= len(entry["mentions"])
    metrics = {m.label: m.value for m in at.metric}
    assert metrics["Mentions"] == str(len(entry["mentions"]))
    # relations stated in the seed (82/2024 amends 73/2019) are listed and open the other decree
    rel_buttons = [b for b in at.button if b.key and b.key.startswith("rel_")]
    assert len(rel_buttons) == len(entry["relations"])
    if rel_buttons:
        rel_buttons[0].click()
        at.run()
        assert_clean(at)
        assert at.header[0].value == entry["relations"][0]["target"]


def test_decree_link_opens_the_decree_page_directly(corpus_db):
    at = _on_search({"q": "82/2024/NĐ-CP", "tab": "decrees", "decree": "82/2024/NĐ-CP"})
    assert at.header[0].value == "82/2024/NĐ-CP"


def test_unknown_decree_in_a_link_is_a_clear_error(corpus_db):
    at = _on_search({"q": "nd 999", "tab": "decrees", "decree": "999/2099/NĐ-CP"})
    assert at.error and "999/2099/NĐ-CP" in at.error[0].value


def test_typing_a_query_updates_the_link(corpus_db):
    at = _on_search()
    at.text_input[0].input("quyết định 1012").run()
    assert_clean(at)
    assert _param(at, "q") == "quyết định 1012"
    at.segmented_control[0].set_value("documents").run()
    assert_clean(at)
    assert _param(at, "tab") == "documents"


def test_document_search_shows_marked_snippets(corpus_db):
    q = "chuyển đổi số"
    at = _on_search({"q": q, "tab": "documents"})
    expected = search(Store(corpus_db), q, type="document")["documents"]
    assert expected
    html = html_of(at)
    assert html.count("<mark>") >= len(expected)
    assert expected[0]["id"] in html
    # open one article with its records highlighted
    at.toggle(f"show_{expected[0]['id']}").set_value(True).run()
    assert_clean(at)
    assert marks(html_of(at))


def test_figure_search_draws_targets_and_results_over_time(corpus_db):
    q = "ty le ho so truc tuyen"
    at = _on_search({"q": q, "tab": "figures"})
    figs = search(Store(corpus_db), q, type="figure")["figures"]
    assert figs, "the bundled corpus reports this indicator"
    table = at.dataframe[0].value
    assert len(table) == len(figs)
    assert list(table["text"]) == [f["text"] for f in figs]
    charts = at.get("vega_lite_chart")
    assert len(charts) == 1
    spec = json.loads(charts[0].proto.spec)
    layers = spec["layer"]
    assert {layer["mark"]["type"] for layer in layers} == {"line", "point"}
    assert layers[0]["encoding"]["color"]["field"] == "role_name"  # roles drawn apart


def test_unknown_tab_falls_back_to_decrees(corpus_db):
    at = _on_search({"q": "nd 82", "tab": "nonsense"})
    assert at.segmented_control[0].value == "decrees"
