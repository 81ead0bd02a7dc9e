"""Make the small reader fixtures under tests/fixtures/readers/ (run once; the files are committed).

    python scripts/make_fixtures.py            # all of them (the .doc needs LibreOffice: soffice)
    python scripts/make_fixtures.py plan.pdf   # only the ones named

- plan.docx  a report with a table: row headers, a unit column, `Năm 2024` over `Kế hoạch | Thực hiện`,
             and a `Kế hoạch 2025` column (python-docx, merged cells);
- plan.html  the same kind of table in HTML (thead, colspan/rowspan);
- law.doc    a draft law with `Điều …` articles and a small plan/result table, saved as Word 97-2003
             by LibreOffice headless from a .docx made here;
- scan.pdf   one page rendered from known Vietnamese text (scan.txt) with DejaVu Sans, as an image
             only: a PDF without a text layer, like a scanner's;
- plan.pdf   three pages with a text layer (reportlab, DejaVu Sans embedded): text around ruled
             tables, `Chỉ tiêu | Kế hoạch 2025 | Thực hiện 2024` on page 1, `Năm 2024` merged over
             `Kế hoạch | Thực hiện` (and cells merged down) on page 2, going on over the page
             break on page 3 (without its header rows).

The tests never run LibreOffice or render fonts: they read these files.
"""
from __future__ import annotations

import io
import shutil
import subprocess
import sys
import tempfile
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
OUT = ROOT / "tests" / "fixtures" / "readers"
FONT = "/usr/share/fonts/truetype/dejavu/DejaVuSans.ttf"  # Debian: fonts-dejavu-core

SCAN_TEXT = """BÁO CÁO KẾT QUẢ CHUYỂN ĐỔI SỐ NĂM 2024

Căn cứ Luật Các tổ chức tín dụng số 32/2024/QH15 đã được sửa đổi,
bổ sung một số điều theo Luật số 43/2024/QH15, Ủy ban nhân dân tỉnh
báo cáo kết quả thực hiện như sau:

Tỷ lệ hồ sơ trực tuyến toàn trình đạt 42,5%, tăng 6,7% so với năm 2023.
Toàn tỉnh có 1.250 doanh nghiệp công nghệ số; phấn đấu đến năm 2025
đạt 1.500 doanh nghiệp. Điều 3 quy định rõ trách nhiệm của các sở, ngành.
"""


def plan_docx() -> bytes:
    import docx

    d = docx.Document()
    d.add_paragraph("BÁO CÁO KẾT QUẢ THỰC HIỆN KẾ HOẠCH CHUYỂN ĐỔI SỐ")
    d.add_paragraph("Năm 2024, tỉnh đã triển khai đồng bộ các nhiệm vụ theo Nghị định số 82/2024/NĐ-CP.")
    d.add_paragraph("Bảng 1. Các chỉ tiêu chủ yếu")
    t = d.add_table(rows=5, cols=6)
    head = ["TT", "Chỉ tiêu", "Đơn vị tính", "Năm 2024", None, "Kế hoạch 2025"]
    for j, h in enumerate(head):
        if h is not None:
            t.cell(0, j).text = h
    t.cell(0, 3).merge(t.cell(0, 4))  # Năm 2024 over two columns
    for j in (0, 1, 2, 5):
        t.cell(0, j).merge(t.cell(1, j))  # merged down over the second header row
    t.cell(1, 3).text, t.cell(1, 4).text = "Kế hoạch", "Thực hiện"
    rows = [
        ["1", "Tỷ lệ hồ sơ trực tuyến toàn trình", "%", "50", "52,3", "60"],
        ["2", "Doanh thu dịch vụ số", "tỷ đồng", "1.200", "1.350,5", "1.500"],
        ["3", "Số doanh nghiệp công nghệ số", "doanh nghiệp", "300", "320", "350"],
    ]
    for i, row in enumerate(rows, start=2):
        for j, v in enumerate(row):
            t.cell(i, j).text = v
    d.add_paragraph("Sau bảng: tiếp tục thực hiện Đề án 06.")
    buf = io.BytesIO()
    d.save(buf)
    return buf.getvalue()


PLAN_HTML = """<!DOCTYPE html>
<html><head><meta charset="utf-8"><title>Kết quả thực hiện chỉ tiêu</title></head>
<body><article>
<h1>Kết quả thực hiện chỉ tiêu chuyển đổi số</h1>
<p>Năm 2024, thành phố đạt nhiều kết quả quan trọng theo Quyết định số 06/QĐ-TTg.</p>
<table>
<caption>Bảng 2. Chỉ tiêu và kết quả</caption>
<thead>
<tr><th rowspan="2">STT</th><th rowspan="2">Chỉ tiêu</th><th rowspan="2">ĐVT</th>
<th colspan="2">Năm 2024</th><th rowspan="2">Mục tiêu 2025</th></tr>
<tr><th>Kế hoạch</th><th>Ước thực hiện</th></tr>
</thead>
<tbody>
<tr><td>1</td><td>Tỷ lệ dịch vụ công trực tuyến</td><td>%</td><td>80</td><td>85,5</td><td>90</td></tr>
<tr><td>2</td><td>Số người dùng ứng dụng công dân số</td><td>nghìn người</td><td>500</td><td>620</td><td>800</td></tr>
</tbody>
</table>
<p>Thành phố tiếp tục triển khai các nhiệm vụ năm 2025.</p>
</article></body></html>
"""

LAW_PARAGRAPHS = [
    "QUỐC HỘI",
    "Luật số: /2025/QH15",
    "LUẬT",
    "SỬA ĐỔI, BỔ SUNG MỘT SỐ ĐIỀU CỦA LUẬT CÁC TỔ CHỨC TÍN DỤNG",
    "Căn cứ Hiến pháp nước Cộng hòa xã hội chủ nghĩa Việt Nam;",
    "Quốc hội ban hành Luật sửa đổi, bổ sung một số điều của Luật Các tổ chức tín dụng số 32/2024/QH15.",
    "Điều 1. Sửa đổi, bổ sung một số điều của Luật Các tổ chức tín dụng",
    "1. Sửa đổi, bổ sung khoản 1 Điều 193 như sau: lãi suất cho vay đặc biệt là 0%/năm.",
    "Điều 2. Hiệu lực thi hành",
    "Luật này có hiệu lực thi hành từ ngày 01 tháng 01 năm 2026.",
]


def law_doc(tmp: Path) -> bytes:
    import docx

    d = docx.Document()
    for p in LAW_PARAGRAPHS:
        d.add_paragraph(p)
    d.add_paragraph("Phụ lục. Chỉ tiêu tín dụng")
    t = d.add_table(rows=3, cols=3)
    for j, h in enumerate(["Chỉ tiêu", "Kế hoạch 2025", "Thực hiện 2024"]):
        t.cell(0, j).text = h
    for j, v in enumerate(["Tăng trưởng tín dụng (%)", "15", "13,8"]):
        t.cell(1, j).text = v
    for j, v in enumerate(["Tỷ lệ nợ xấu (%)", "3", "4,5"]):
        t.cell(2, j).text = v
    src = tmp / "law.docx"
    d.save(src)
    soffice = shutil.which("soffice") or shutil.which("libreoffice")
    if soffice is None:
        sys.exit("make_fixtures: LibreOffice (soffice) is needed for law.doc: apt-get install libreoffice-writer-nogui")
    subprocess.run([soffice, f"-env:UserInstallation=file://{tmp}/profile", "--headless", "--convert-to",
                    "doc:MS Word 97", "--outdir", str(tmp), str(src)], check=True, capture_output=True, timeout=300)
    return (tmp / "law.doc").read_bytes()


PDF_TITLE = "BÁO CÁO KẾT QUẢ CHUYỂN ĐỔI SỐ NĂM 2024"
PDF_TABLE_1 = [
    ["Chỉ tiêu", "Kế hoạch 2025", "Thực hiện 2024"],
    ["Tỷ lệ hồ sơ trực tuyến toàn trình (%)", "60", "52,3"],
    ["Số doanh nghiệp công nghệ số", "350", "320"],
    ["Doanh thu dịch vụ số (tỷ đồng)", "1.500", "1.350,5"],
]
PDF_TABLE_2 = [  # None: covered by a merged cell
    ["TT", "Chỉ tiêu", "Năm 2024", None, "Mục tiêu 2025"],
    [None, None, "Kế hoạch", "Thực hiện", None],
    ["1", "Số người dùng ứng dụng công dân số (nghìn người)", "500", "620", "800"],
    ["2", "Tỷ lệ dân số trưởng thành có chữ ký số (%)", "40", "45,5", "50"],
]
PDF_TABLE_2_NEXT_PAGE = [  # the same table going on over the page break, without its header
    ["3", "Số giao dịch không dùng tiền mặt (triệu giao dịch)", "150", "162,5", "200"],
]


def plan_pdf() -> bytes:
    """A text-layer PDF with ruled tables (reportlab; DejaVu Sans embedded for Vietnamese)."""
    from reportlab.lib import colors
    from reportlab.lib.pagesizes import A4
    from reportlab.lib.styles import ParagraphStyle
    from reportlab.pdfbase import pdfmetrics
    from reportlab.pdfbase.ttfonts import TTFont
    from reportlab.platypus import PageBreak, Paragraph, SimpleDocTemplate, Spacer, Table, TableStyle

    if not Path(FONT).is_file():
        sys.exit(f"make_fixtures: {FONT} is needed for plan.pdf: apt-get install fonts-dejavu-core")
    pdfmetrics.registerFont(TTFont("DejaVuSans", FONT))
    body = ParagraphStyle("body", fontName="DejaVuSans", fontSize=11, leading=15)
    grid = [("FONTNAME", (0, 0), (-1, -1), "DejaVuSans"), ("FONTSIZE", (0, 0), (-1, -1), 10),
            ("GRID", (0, 0), (-1, -1), 0.75, colors.black), ("VALIGN", (0, 0), (-1, -1), "MIDDLE")]
    t1 = Table(PDF_TABLE_1, colWidths=[250, 95, 95])
    t1.setStyle(TableStyle(grid))
    widths = [30, 270, 60, 60, 80]
    t2 = Table([[c or "" for c in row] for row in PDF_TABLE_2], colWidths=widths)
    t2.setStyle(TableStyle([*grid, ("SPAN", (2, 0), (3, 0)), ("SPAN", (0, 0), (0, 1)), ("SPAN", (1, 0), (1, 1)),
                            ("SPAN", (4, 0), (4, 1))]))
    t3 = Table(PDF_TABLE_2_NEXT_PAGE, colWidths=widths)
    t3.setStyle(TableStyle(grid))
    story = [
        Paragraph(PDF_TITLE, body),
        Paragraph("Năm 2024, tỉnh đã triển khai đồng bộ các nhiệm vụ theo Nghị định số 82/2024/NĐ-CP.",
                  body),
        Spacer(1, 8), Paragraph("Bảng 1. Các chỉ tiêu chủ yếu", body), Spacer(1, 4), t1, Spacer(1, 8),
        Paragraph("Sau bảng: tiếp tục thực hiện Đề án 06 của Chính phủ.", body),
        PageBreak(),
        Paragraph("Bảng 2. Người dùng và chữ ký số", body), Spacer(1, 4), t2,
        PageBreak(),
        t3, Spacer(1, 8),
        Paragraph("Tỉnh phấn đấu đến năm 2025 có 1.000 nghìn người dùng ứng dụng.", body),
    ]
    buf = io.BytesIO()
    SimpleDocTemplate(buf, pagesize=A4, title="Kết quả chuyển đổi số", invariant=1).build(story)
    return buf.getvalue()


def render_page(text: str, *, dpi: int = 300, size: int = 40, width_in: float = 8.27, margin: int = 150):
    """`text` drawn on a white page (DejaVu Sans, `size` px), as a grayscale PIL image."""
    from PIL import Image, ImageDraw, ImageFont

    font = ImageFont.truetype(FONT, size)
    lines = text.split("\n")
    step = int(size * 1.5)
    img = Image.new("L", (int(width_in * dpi), margin * 2 + step * len(lines)), 255)
    draw = ImageDraw.Draw(img)
    for i, line in enumerate(lines):
        draw.text((margin, margin + i * step), line, font=font, fill=0)
    return img


def image_pdf(images, dpi: int = 300) -> bytes:
    """Images as a PDF with no text layer (one page per image)."""
    buf = io.BytesIO()
    first, rest = images[0], list(images[1:])
    first.save(buf, format="PDF", resolution=dpi, save_all=True, append_images=rest)
    return buf.getvalue()


MAKERS = {
    "plan.docx": lambda tmp: plan_docx(),
    "plan.html": lambda tmp: PLAN_HTML.encode("utf-8"),
    "scan.txt": lambda tmp: SCAN_TEXT.encode("utf-8"),
    "scan.pdf": lambda tmp: image_pdf([render_page(SCAN_TEXT.rstrip("\n")).convert("1")]),  # fax-mode b/w
    "plan.pdf": lambda tmp: plan_pdf(),
    "law.doc": law_doc,  # last: it needs LibreOffice
}


def main(argv: list[str] | None = None) -> int:
    """Make the fixtures named on the command line (all of them when none is named)."""
    names = list(argv if argv is not None else sys.argv[1:]) or list(MAKERS)
    unknown = [n for n in names if n not in MAKERS]
    if unknown:
        sys.exit(f"make_fixtures: unknown fixture {', '.join(unknown)}; known: {', '.join(MAKERS)}")
    OUT.mkdir(parents=True, exist_ok=True)
    with tempfile.TemporaryDirectory() as tmp:
        for name in names:
            (OUT / name).write_bytes(MAKERS[name](Path(tmp)))
    for name in names:
        p = OUT / name
        print(f"{p.relative_to(ROOT)}  {p.stat().st_size:,} bytes")
    return 0


if __name__ == "__main__":
    sys.exit(main())
