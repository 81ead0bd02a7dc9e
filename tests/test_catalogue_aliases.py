"""refers_to from the store's alias catalogue when a document is stored (issue 8, item 7):
`nlp.store.prepared.with_catalogue_aliases`, backend-neutral, on both backends; and through
the ingest path that calls it."""
from __future__ import annotations

from nlp.ingest import ingest
from nlp.pipeline import extract
from nlp.readers import document_from_text
from nlp.store import open_store
from nlp.store.prepared import with_catalogue_aliases

STATES = "Thủ tướng ký Quyết định số 749/QĐ-TTg phê duyệt Chương trình Chuyển đổi số quốc gia (Chương trình 749)."
CITES = "Triển khai Chương trình 749, tỉnh đạt 80% hồ sơ trực tuyến."


def _store(store, doc_id: str, text: str) -> None:
    store.add_document(document_from_text(text, doc_id=doc_id), with_catalogue_aliases(store, extract(text)))


def _refers(store, doc_id: str) -> dict[str, str | None]:
    return {r["text"]: r.get("refers_to") for r in store.list_records(doc=doc_id, kind="legal_ref")}


def test_a_short_name_takes_the_alias_another_text_stated(new_location):
    with open_store(new_location()) as s:
        _store(s, "a", STATES)
        assert [r.refers_to for r in extract(CITES) if r.type == "legal_ref"] == [None]  # the text alone says nothing
        _store(s, "b", CITES)
        assert _refers(s, "b") == {"Chương trình 749": "749/QĐ-TTg"}


def test_an_ambiguous_short_name_stays_as_written(new_location):
    """`Nghị quyết 19`: the catalogue knows 19/NQ-CP (as another text's alias) and 19-NQ/TW."""
    with open_store(new_location()) as s:
        _store(s, "c", "Theo Nghị quyết 19/NQ-CP, tỉnh cải cách. Nghị quyết 19 đề ra nhiều giải pháp.")
        assert _refers(s, "c")["Nghị quyết 19"] == "19/NQ-CP"  # resolved inside its own text
        _store(s, "d", "Nghị quyết 19 được triển khai rộng rãi.")
        assert _refers(s, "d") == {"Nghị quyết 19": "19/NQ-CP"}  # one such document known: certain
        _store(s, "e", "Thực hiện Nghị quyết 19-NQ/TW về nông nghiệp.")
        _store(s, "f", "Nghị quyết 19 được triển khai rộng rãi ở các huyện.")
        assert _refers(s, "f") == {"Nghị quyết 19": None}  # two known: not certain


def test_the_documents_own_citation_decides(new_location):
    with open_store(new_location()) as s:
        _store(s, "a", STATES)
        text = "Tỉnh ban hành Chương trình số 749/CTr-UBND. Chương trình 749 có 5 nhóm nhiệm vụ."
        _store(s, "g", text)
        assert _refers(s, "g")["Chương trình 749"] == "749/CTr-UBND"


def test_records_as_dicts_and_a_failing_store_are_handled():
    class Broken:
        def resolve_legal_id(self, spelling):
            raise RuntimeError("down")

    recs = [r.to_dict() for r in extract(CITES)]
    assert with_catalogue_aliases(Broken(), recs) == recs  # never raises, nothing changed


def test_ingest_fills_refers_to_from_the_catalogue(tmp_path):
    (tmp_path / "a.txt").write_text(STATES, encoding="utf-8")
    (tmp_path / "b.txt").write_text(CITES, encoding="utf-8")
    db = tmp_path / "s.db"
    ingest(db, [tmp_path / "a.txt"], workers=1, progress=False)
    ingest(db, [tmp_path / "b.txt"], workers=1, progress=False)
    with open_store(db, readonly=True) as s:
        assert _refers(s, "b") == {"Chương trình 749": "749/QĐ-TTg"}
