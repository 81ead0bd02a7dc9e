"""Search page (AppTest): one box, every kind at once with counts, the likely kind first, deep links,
long queries cut, results linking to their pages."""
from __future__ import annotations

from nlp.search import MAX_QUERY_CHARS, search
from nlp.store import open_store
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


def _links(at, page=None):
    return [p for p in at.get("page_link") if page is None or p.proto.page.endswith(page)]


def test_empty_box_explains_what_to_type(corpus_db):
    at = _on_search()
    assert at.title[0].value == "Search"
    assert at.info and "nd 82" in at.info[0].value
    assert not at.error


def test_words_open_documents_first_with_counts_for_every_kind(corpus_db):
    q = "chuyen doi so"
    at = _on_search({"q": q})
    result = search(open_store(corpus_db), q, limit=30)
    assert result["first"] == "document"
    control = at.segmented_control[0]
    assert control.value == "documents"  # no tab in the link: the likely kind
    labels = list(control.options)  # the labels as drawn
    assert labels[0] == f"Documents · {result['counts']['document']}" and result["counts"]["document"] > 0
    assert any(label.startswith("Indicators · ") for label in labels)
    assert any(label.startswith("Decrees & legal documents · 0") for label in labels)
    captions = " ".join(c.value for c in at.caption)
    assert f"{result['counts']['document_phrase']} documents hold the whole phrase «{q}»" in captions
    # every result opens its document page; phrase matches before those holding only the words
    docs = [p for p in _links(at) if "document" in p.proto.page]
    assert [d["id"] for d in result["documents"]] and len(docs) == len(result["documents"])
    matches = [d["match"] for d in result["documents"]]
    assert matches == sorted(matches, key=lambda m: m != "phrase")
    if "words" in matches:
        assert any("Every word, not as one phrase" in m.value for m in at.markdown)
    assert "tab" not in at.query_params  # the address changes only when the user changes something


def test_decree_query_opens_the_decree_exactly(corpus_db):
    at = _on_search({"q": "nghi dinh 73"})
    assert at.segmented_control[0].value == "decrees"
    decree_links = [p for p in _links(at) if "decree" in p.proto.page]
    assert decree_links[0].label == "73/2019/NĐ-CP"  # exact: no "closest match"
    assert ("legal_ref", "73/2019/NĐ-CP") in marks(html_of(at))
    # the citing text's title is shown under the result
    assert any("quy định quản lý đầu tư" in h.value for h in at.html)


def test_a_chosen_tab_goes_into_the_link_and_back(corpus_db):
    at = _on_search({"q": "chuyen doi so"})
    at.segmented_control[0].set_value("indicators").run()
    assert_clean(at)
    assert _param(at, "tab") == "indicators"
    assert [p for p in _links(at) if "indicator" in p.proto.page]
    at.text_input[0].input("nd 82").run()  # a new query opens on its own likely kind
    assert_clean(at)
    assert at.segmented_control[0].value == "decrees" and "tab" not in at.query_params
    assert _param(at, "q") == "nd 82"


def test_a_long_query_is_cut_with_one_short_line(corpus_db):
    long = "chuyển đổi số " * 400
    at = _on_search({"q": long})
    notes = [c.value for c in at.caption if "cut" in c.value]
    assert notes == [f"Query cut to its first {MAX_QUERY_CHARS} characters."]
    shown = " ".join([*(c.value for c in at.caption), *(w.value for w in at.warning), *(e.value for e in at.error)])
    assert long.strip() not in shown and len(shown) < 2000


def test_old_decree_link_opens_the_decree_page(corpus_db):
    at = _on_search({"q": "82/2024/NĐ-CP", "tab": "decrees", "decree": "82/2024/NĐ-CP"})
    assert at.title[0].value == "82/2024/NĐ-CP"


def test_figures_tab_lists_and_links_without_mixing_indicators(corpus_db):
    q = "ty le ho so truc tuyen"
    at = _on_search({"q": q, "tab": "figures"})
    figs = search(open_store(corpus_db), q, type="figure", limit=30)["figures"]
    assert figs, "the bundled corpus reports this indicator"
    table = at.dataframe[0].value
    assert list(table["text"]) == [f["text"] for f in figs]
    assert not at.get("vega_lite_chart")  # figures of different indicators are never drawn as one line
    assert [p for p in _links(at) if "indicator" in p.proto.page]


def test_unknown_tab_falls_back_to_the_likely_kind(corpus_db):
    at = _on_search({"q": "nd 82", "tab": "nonsense"})
    assert at.segmented_control[0].value == "decrees"
