"""The one report renderer: Markdown and self-contained HTML."""

import base64
import re

import numpy as np
import pytest

from fpsolver.analysis.checks import Check
from fpsolver.io.report import Report, criterion, format_number, verdict

PNG_BYTES = b"\x89PNG\r\n\x1a\n" + bytes(range(64))


@pytest.fixture
def written(tmp_path):
    (tmp_path / "figures").mkdir()
    figure = tmp_path / "figures" / "profile.png"
    figure.write_bytes(PNG_BYTES)
    report = Report("A <report> & more")
    report.heading("Results (`ito`)", anchor="ito")
    report.paragraph("x < y & **bold** and `code`\n\n- first item\n- second <item>")
    report.table(["metric", "value", "pass"], [["l1 <", 0.0123456789, True], ["drift", 2.5e-12, False]])
    report.table(["study", "verdict"], [["a", "PASS"], ["b", "FAIL (error)"], ["c", None]], verdict_column=1)
    report.figure(figure, "steady <densities>")
    report.figure(figure)
    report.code("if a < b & c:\n    pass")
    markdown, page = report.write(tmp_path)
    return tmp_path, markdown.read_text(), page.read_text()


def test_markdown_has_table_figure_links_and_code(written):
    _, text, _ = written
    assert text.startswith("# A <report> & more\n")
    assert "## Results (`ito`)" in text
    assert "| metric | value | pass |\n|---|---|---|\n| l1 < | 0.0123457 | PASS |\n| drift | 2.5e-12 | FAIL |" in text
    assert "| b | FAIL (error) |" in text and "| c | info |" in text
    assert "![steady <densities>](figures/profile.png)\n\n*steady <densities>*" in text
    assert "![profile](figures/profile.png)\n" in text
    assert "```\nif a < b & c:\n    pass\n```" in text


def test_html_escapes_text_and_renders_inline_markup(written):
    _, _, page = written
    assert "<title>A &lt;report&gt; &amp; more</title>" in page
    assert '<h2 id="ito">Results (<code>ito</code>)</h2>' in page
    assert "<p>x &lt; y &amp; <b>bold</b> and <code>code</code></p>" in page
    assert "<ul><li>first item</li><li>second &lt;item&gt;</li></ul>" in page
    assert "<td>l1 &lt;</td>" in page
    assert "<pre>if a &lt; b &amp; c:\n    pass</pre>" in page
    assert "<b>" not in page.split("<body>")[0]


def test_html_embeds_figures_as_base64_png_and_needs_no_external_assets(written):
    _, _, page = written
    encoded = base64.b64encode(PNG_BYTES).decode("ascii")
    sources = re.findall(r'<img [^>]*src="([^"]*)"', page)
    assert sources == [f"data:image/png;base64,{encoded}"] * 2
    assert "<figcaption>steady &lt;densities&gt;</figcaption>" in page
    assert "http://" not in page and "https://" not in page and "<link" not in page and "<script" not in page


def test_html_rows_are_classed_by_their_verdict(written):
    _, _, page = written
    assert '<tr class="PASS"><td>l1 &lt;</td><td>0.0123457</td><td class=verdict>PASS</td></tr>' in page
    assert '<tr class="FAIL"><td>drift</td>' in page
    assert '<tr class="FAIL"><td>b</td><td class=verdict>FAIL (error)</td></tr>' in page
    assert '<tr class="info"><td>c</td><td class=verdict>info</td></tr>' in page


def test_markdown_table_cells_escape_pipes_and_newlines(tmp_path):
    report = Report("t")
    report.table(["a|b"], [["line\nbreak | pipe"]])
    assert "| a\\|b |\n|---|\n| line break \\| pipe |" in report.markdown(tmp_path)


@pytest.mark.parametrize(
    "value, text",
    [
        (0.0, "0"),
        (0.0123456789, "0.0123457"),
        (123456.0, "1.235e+05"),
        (2.5e-12, "2.5e-12"),
        (np.float64(1.5), "1.5"),
        (7, "7"),
        (np.int64(-3), "-3"),
        ([1.0, 2], "1, 2"),
        (float("nan"), "nan"),
        (True, "PASS"),
        ("text", "text"),
    ],
)
def test_format_number(value, text):
    assert format_number(value) == text


def test_verdict_and_criterion_words():
    assert [verdict(v) for v in (True, False, None, "FAIL (error)")] == ["PASS", "FAIL", "info", "FAIL (error)"]
    assert criterion(Check("s", "m", 1.0, 1e-10)) == "≤ 1e-10"
    assert criterion(Check("s", "m", 1.0, -1e-12, "lower")) == "≥ -1e-12"
    assert criterion(Check("s", "m", 1.0, 0.01, "relative", reference=1.0)) == "|Δ|/|ref| ≤ 0.01"
    assert criterion(Check("s", "m", 1.0, 1e-9, "absolute", reference=1.0)) == "|Δ| ≤ 1e-09"
    assert criterion(Check("s", "m", 2.0, 0.15, "slope", reference=2.0)) == "slope ± 0.15"
    assert criterion(Check("s", "m", 2.0, 0.0, "info", reference=1.0)) == "not gating"


def test_links_thumbnails_row_ids_and_contents(tmp_path):
    from fpsolver.io.report import Link, Thumbnail

    (tmp_path / "figures").mkdir()
    figure = tmp_path / "figures" / "headline.png"
    figure.write_bytes(PNG_BYTES)
    report = Report("t")
    report.contents()
    report.heading("First <part>", anchor="first")
    report.table(["study", "figure"], [[Link("first", "#first"), Thumbnail(figure, "#headline")]], row_ids=["row-1"])
    report.figure(figure)
    text, page = report.markdown(tmp_path), report.html()
    assert "- [First <part>](#first)" in text and '<a id="first"></a>\n\n## First <part>' in text
    assert "| [first](#first) | [headline](figures/headline.png) |" in text
    assert '<nav class="contents"><b>Contents</b><ul><li><a href="#first">First &lt;part&gt;</a></li></ul></nav>' in page
    assert '<tr id="row-1"><td><a href="#first">first</a></td><td><a href="#headline"><img class="thumbnail"' in page
    assert '<figure id="headline"><img' in page
    with pytest.raises(ValueError, match="row_ids"):
        report.table(["a"], [[1], [2]], row_ids=["only one"])
