"""The README's library example and its main-job command work as written."""

import re
import subprocess
import sys

from cli_helpers import ENV, ROOT, copy_case, fpsolver


def test_readme_library_example_runs(tmp_path):
    blocks = re.findall(r"```python\n(.*?)```", (ROOT / "README.md").read_text(), flags=re.S)
    assert blocks, "README has a python example"
    for block in blocks:
        result = subprocess.run([sys.executable, "-c", block], cwd=tmp_path, env=ENV, capture_output=True, text=True, timeout=300)
        assert result.returncode == 0, result.stderr
    assert (tmp_path / "relaxation.nc").exists()


def test_readme_main_job_command_runs_and_says_where_the_report_is(tmp_path):
    command = re.search(r"pip install -e \. && (fpsolver run \S+)", (ROOT / "README.md").read_text()).group(1)
    case_name = command.split("/")[-1]
    case = copy_case(case_name, tmp_path / "cases")
    result = fpsolver(*command.split()[1:], cwd=tmp_path)
    assert result.returncode == 0, result.stderr
    assert "report:" in result.stdout and "report.html" in result.stdout
    assert (case / "results" / "report.html").exists()


def test_case_file_reference_is_generated_from_the_schema():
    from fpsolver.cases.scaffold import reference_markdown

    assert (ROOT / "cases" / "README.md").read_text().strip() == reference_markdown().strip(), "run: python -m fpsolver.cases.scaffold > cases/README.md"
