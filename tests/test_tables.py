"""nlp.tables: structure from `| a | b |` text, header cues (rules/table_headers.yml), frames."""
from __future__ import annotations

import pytest

from nlp import rules
from nlp.records import Figure
from nlp.tables import apply_table_frames, cell_frames, find_tables, is_table_record, normalize_unit
from nlp.tables import cues

RULES = rules.load("table_headers", required=("kind",))


@pytest.mark.parametrize("rule", RULES, ids=[r["id"] for r in RULES])
def test_every_rule_fires_on_its_examples_and_not_on_its_not_examples(rule):
    for ex in rule["examples"]:
        assert rule["id"] in cues.rule_ids(ex), (rule["id"], ex)
    for ex in rule.get("not_examples") or ():
        assert rule["id"] not in cues.rule_ids(ex), (rule["id"], ex)


@pytest.mark.parametrize("header,role", [
    ("Kế hoạch năm 2025", "target"), ("KH 2025", "target"), ("Mục tiêu đến năm 2030", "target"),
    ("Chỉ tiêu giao", "target"), ("Dự toán 2025", "target"), ("Thực hiện năm 2024", "actual"),
    ("TH 2024", "actual"), ("Ước TH 2024", "actual"), ("Ước thực hiện", "actual"), ("Kết quả", "actual"),
    ("Tỷ lệ TH/KH (%)", "actual"), ("Kế hoạch thực hiện 2025", "target"), ("Thành phố", None),
])
def test_role_of_a_column_header(header, role):
    found = cues.role_of(header)
    assert (found[0] if found else None) == role


@pytest.mark.parametrize("header,year", [("Năm 2024", 2024), ("Giai đoạn 2021-2025", 2025),
                                         ("So sánh 2024/2023", 2024), ("Kế hoạch", None)])
def test_year_of_a_column_header(header, year):
    found = cues.year_of(header)
    assert (found[0] if found else None) == year


@pytest.mark.parametrize("raw,unit,factor", [
    ("%", "%", 1), ("Nghìn ha", "ha", 1e3), ("tỷ đồng", "đồng", 1e9), ("Triệu USD", "usd", 1e6), ("Triệu Euro", "euro", 1e6), ("triệu EUR", "eur", 1e6),
    ("doanh nghiệp", "doanh nghiệp", 1), ("m2/người", "m2/người", 1), ("nghìn tỷ đồng", "đồng", 1e12),
    ("tỷ lệ", "tỷ lệ", 1), (None, None, 1),
])
def test_normalize_unit(raw, unit, factor):
    assert normalize_unit(raw) == (unit, factor)


MD = """Bảng 3. Kết quả năm 2024
| Chỉ tiêu | Kế hoạch | Thực hiện |
|---|---:|---:|
| Tỷ lệ hộ gia đình có cáp quang (%) | 80 | 82,5 |
| Số dịch vụ công trực tuyến | 43/53 | ≥ 50 |
"""


def test_markdown_table_structure_and_offsets():
    [t] = find_tables(MD)
    assert MD[t.caption[0]:t.caption[1]] == "Bảng 3. Kết quả năm 2024"
    assert [len(r.cells) for r in t.rows] == [3, 3, 3]  # the rule line is skipped
    for row in t.rows:
        for c in row.cells:
            assert MD[c.start:c.end] == c.text
    assert t.rows[1].cells[0].text == "Tỷ lệ hộ gia đình có cáp quang (%)"


def test_frames_from_a_pasted_table():
    frames = {f.cell.text: f for f in cell_frames(MD)}
    f = frames["82,5"]
    assert (f.indicator, f.role, f.year, f.unit) == ("Tỷ lệ hộ gia đình có cáp quang", "actual", 2024, "%")
    assert "year-header@caption" in f.rules  # the year came from the caption line
    figs = apply_table_frames(MD, [])
    by_text = {(x.text, x.value): x for x in figs}
    assert by_text[("80", 80.0)].role == "target" and by_text[("80", 80.0)].unit == "%"
    ratio = by_text[("43/53", 43.0)]
    assert ratio.total == 53 and ratio.indicator == "Số dịch vụ công trực tuyến"
    assert by_text[("50", 50.0)].comparator == ">="
    for x in figs:
        assert MD[x.start:x.end] == x.text and is_table_record(x) and x.sentence[0] <= x.start


def test_existing_figure_in_a_cell_is_framed_not_duplicated():
    text = "| Chỉ tiêu | Kế hoạch 2025 | Thực hiện 2024 |\n| Tỷ lệ phủ sóng 5G | 90% | 85% |\n"
    s = text.index("85%")
    before = Figure(start=s, end=s + 3, text="85%", value=85.0, unit="%", role="target", year=2025,
                    indicator="phủ sóng", source="figures:unit-percent")
    out = apply_table_frames(text, [before])
    framed = [r for r in out if r.text == "85%"]
    assert len(framed) == 1
    f = framed[0]
    assert (f.role, f.year, f.indicator, f.unit) == ("actual", 2024, "Tỷ lệ phủ sóng 5G", "%")
    assert f.source.startswith("table:") and f.source.endswith("figures:unit-percent")
    assert len([r for r in out if r.text == "90%"]) == 1


def test_headerless_table_and_plain_text_are_left_alone():
    headerless = "1 | Dịch vụ công trực tuyến | 30% | 100% |\n2 | Đô thị có ứng dụng AI | 20% | 100% |\n"
    recs = [Figure(start=0, end=1, text="1", value=1.0)]
    assert apply_table_frames(headerless, recs) == recs
    assert apply_table_frames("Không có bảng: đạt 42%.", recs) == recs
    assert apply_table_frames(None, recs) == recs  # type: ignore[arg-type]


def test_mid_table_header_block():
    text = ("| Tiêu chí | Đô thị lớn | Đô thị nhỏ |\n| Tỷ lệ đất phủ xanh (%) | 28 - 30 | 32-34 |\n"
            "| Các tiêu chí khác |\n|  |  | Mục tiêu cơ bản |\n| Tỷ lệ cây xanh (%) | Khu dân cư mới | ≥ 31 |\n")
    frames = {f.cell.text: f for f in cell_frames(text)}
    assert frames["28 - 30"].role is None and frames["28 - 30"].unit == "%"
    assert frames["≥ 31"].role == "target" and frames["≥ 31"].indicator == "Tỷ lệ cây xanh"
    rng = [x for x in apply_table_frames(text, []) if x.text == "28 - 30"]
    assert [(x.value, x.comparator) for x in rng] == [(28.0, ">="), (30.0, "<=")]


def test_pipeline_frames_a_txt_table():
    from nlp.pipeline import extract

    recs = extract("Kết quả chuyển đổi số của tỉnh.\n\n" + MD)
    figs = [r for r in recs if r.type == "figure" and is_table_record(r)]
    assert {(r.text, r.role) for r in figs} >= {("80", "target"), ("82,5", "actual")}


def test_cells_under_a_multiplier_header_are_exact():
    """`8,03` under `(tỷ đồng)` is 8030000000 (decimal arithmetic), never 8029999999.999999;
    so is a bare number a figure finder read first and the frame then multiplies."""
    text = ("| Chỉ tiêu | Thực hiện 2024 (tỷ đồng) | Kế hoạch 2025 (nghìn tỷ đồng) |\n"
            "| Vốn đầu tư công | 8,03 | 4,35 |\n")
    values = {x.text: x.value for x in apply_table_frames(text, []) if x.type == "figure"}
    assert values == {"8,03": 8030000000.0, "4,35": 4350000000000.0}
    s = text.index("8,03")
    bare = Figure(start=s, end=s + 4, text="8,03", value=8.03, unit=None, source="figures:bare-number-cues")
    [framed] = [r for r in apply_table_frames(text, [bare]) if r.text == "8,03"]
    assert framed.value == 8030000000.0 and framed.unit == "đồng"
