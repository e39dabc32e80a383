"""The validation driver: report files, self-contained HTML, failing checks -> exit 1."""

import re
import sys
from pathlib import Path

import pytest

from fpsolver.analysis.checks import Check

ROOT = Path(__file__).resolve().parents[2]
if str(ROOT) not in sys.path:
    sys.path.insert(0, str(ROOT))

from validation.__main__ import main  # noqa: E402
from validation._report import StudyResult  # noqa: E402

FAST_SUBSET = ["gclm1_eq31", "gclm1_curvature"]


class _FailingStudy:
    """A study with one deliberately failing check."""

    NAME = "deliberately_failing"
    TITLE = "A study that fails on purpose"

    @staticmethod
    def run(fast, out_dir):
        result = StudyResult(_FailingStudy.NAME, _FailingStudy.TITLE)
        result.check("one plus one", 3.0, 2.0, 1e-12, "absolute")
        return result


class _RaisingStudy:
    NAME = "raising"
    TITLE = "A study that raises"

    @staticmethod
    def run(fast, out_dir):
        raise RuntimeError("boom from the raising study")


@pytest.fixture(scope="module")
def fast_report(tmp_path_factory):
    out = tmp_path_factory.mktemp("report")
    status = main(["--fast", "--only", *FAST_SUBSET, "--out", str(out)])
    return status, out


def test_fast_subset_passes_and_writes_markdown_with_summary_table(fast_report):
    status, out = fast_report
    assert status == 0
    text = (out / "REPORT.md").read_text()
    assert "fpsolver version" in text
    assert "| study | what it shows | checks passed | time (s) | headline figure | verdict |" in text
    assert "| row | quantity | fpsolver value | reference value | tolerance | pass/fail |" in text
    assert text.index("**Contents**") < text.index("## Summary") < text.index("## Paper disagreements") < text.index("## gCLm-I Eq. 31")
    assert re.search(r"^\| \[gclm1_eq31\]\(#gclm1_eq31\) \| .* \| \d+/\d+ \+ \d+ info \| .* \| \[gclm1_eq31_eq31\]\(figures/gclm1_eq31_eq31\.png\) \| PASS \|$", text, re.MULTILINE)
    assert re.search(r"^\| gclm1_eq31\.1 \|.*\| PASS \|$", text, re.MULTILINE)
    # the disagreement of this study is listed and its row carries the disagreement's id
    assert "| [gclm-eq31-normalisation](#gclm-eq31-normalisation) | gCLm, Eq. 31 |" in text
    assert re.search(r"^\| gclm-eq31-normalisation \| kappa=1, T0'=0\.3: paper's printed A .*\| info \|$", text, re.MULTILINE)
    assert "FAIL" not in text


def test_html_is_navigable_contents_study_anchors_and_row_anchors(fast_report):
    _, out = fast_report
    page = (out / "REPORT.html").read_text()
    targets = set(re.findall(r'href="#([^"]+)"', page))
    anchors = set(re.findall(r' id="([^"]+)"', page))
    assert {"summary", "paper-disagreements", *FAST_SUBSET, "gclm-eq31-normalisation", "gclm1_eq31.1"} <= anchors
    assert targets <= anchors, f"links without a target: {sorted(targets - anchors)}"
    assert '<nav class="contents">' in page and page.index('<nav class="contents">') < page.index('id="summary"')
    assert re.search(r'<a href="#gclm1_eq31_eq31"><img class="thumbnail"', page)


def test_html_is_self_contained_with_embedded_figures(fast_report):
    _, out = fast_report
    page = (out / "REPORT.html").read_text()
    assert "http://" not in page and "https://" not in page
    images = re.findall(r"<img [^>]*src=\"([^\"]*)\"", page)
    assert len(images) >= 2
    assert all(src.startswith("data:image/png;base64,") for src in images)
    assert "<link" not in page and "<script" not in page


def test_failing_check_makes_main_return_1_and_is_named(tmp_path):
    studies = {"gclm1_eq31": "validation.study_gclm1_eq31", _FailingStudy.NAME: _FailingStudy}
    status = main(["--fast", "--out", str(tmp_path)], studies=studies)
    assert status == 1
    text = (tmp_path / "REPORT.md").read_text()
    assert re.search(r"^\| deliberately_failing\.1 \| one plus one \|.*\| FAIL \|$", text, re.MULTILINE)
    assert re.search(r"^\| \[deliberately_failing\]\(#deliberately_failing\) \|.*\| 0/1 \|.*\| FAIL \|$", text, re.MULTILINE)
    assert "Failing studies: **deliberately_failing**" in text
    assert 'class="FAIL"' in (tmp_path / "REPORT.html").read_text()


def test_raising_study_is_reported_as_failed_not_fatal(tmp_path):
    status = main(["--fast", "--out", str(tmp_path)], studies={_RaisingStudy.NAME: _RaisingStudy})
    assert status == 1
    text = (tmp_path / "REPORT.md").read_text()
    assert re.search(r"^\| \[raising\]\(#raising\) \| A study that raises \| 0/0 \(raised\) \|.*\| FAIL \|$", text, re.MULTILINE)
    assert "boom from the raising study" in text


def test_unknown_study_name_is_a_usage_error(tmp_path, capsys):
    assert main(["--only", "no_such_study", "--out", str(tmp_path)]) == 2
    assert "valid names" in capsys.readouterr().err


@pytest.mark.parametrize(
    "comparison, value, reference, tolerance, passed",
    [
        ("absolute", 1.05, 1.0, 0.1, True),
        ("absolute", 1.2, 1.0, 0.1, False),
        ("relative", 101.0, 100.0, 0.02, True),
        ("upper", 1e-12, 0.0, 1e-10, True),
        ("upper", float("nan"), 0.0, 1e-10, False),
        ("lower", -1.0, 0.0, 0.0, False),
        ("slope", 1.9, 2.0, 0.15, True),
        ("info", 5.0, 1.0, 0.0, None),
    ],
)
def test_study_checks_are_the_package_check_with_reference_and_tolerance(comparison, value, reference, tolerance, passed):
    result = StudyResult("s", "title")
    check = result.check("q", value, reference, tolerance, comparison, "a note")
    assert isinstance(check, Check) and result.checks == [check]
    assert (check.subject, check.metric, check.reference, check.limit, check.note) == ("s", "q", reference, tolerance, "a note")
    assert check.passed is passed
    assert result.failed is (passed is False)
