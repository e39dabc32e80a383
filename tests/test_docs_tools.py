"""The documentation's own tools: the internal link checker and the generated CLI reference."""

import importlib.util
import sys

from cli_helpers import ROOT


def _load(name, path):
    spec = importlib.util.spec_from_file_location(name, path)
    module = importlib.util.module_from_spec(spec)
    sys.modules[name] = module
    spec.loader.exec_module(module)
    return module


check_links = _load("docs_check_links", ROOT / "docs" / "check_links.py")
generate = _load("docs_generate", ROOT / "docs" / "_ext" / "generate.py")


def _site(tmp_path, pages):
    for name, html in pages.items():
        path = tmp_path / name
        path.parent.mkdir(parents=True, exist_ok=True)
        path.write_text(f"<html><body>{html}</body></html>")
    return tmp_path


def test_link_checker_accepts_good_links_and_names_each_broken_one(tmp_path):
    site = _site(
        tmp_path,
        {
            "index.html": '<a href="a/page.html#here">ok</a> <a href="https://example.org/x">external</a> <a href="#top" id="top">self</a> <img src="img.png">',
            "a/page.html": '<h1 id="here">x</h1> <a href="../index.html">up</a> <a href="missing.html">bad</a> <a href="../index.html#nowhere">bad anchor</a>',
            "img.png": "",
        },
    )
    problems = check_links.broken_links(site)
    assert problems == ["a/page.html: missing.html (no such file)", "a/page.html: ../index.html#nowhere (no anchor #nowhere)"]


def test_link_checker_flags_links_out_of_the_site_and_forbidden_text(tmp_path):
    site = _site(tmp_path / "html", {"index.html": '<a href="../outside.html">out</a> see PHYSICS.md'})
    (tmp_path / "outside.html").write_text("")
    problems = check_links.broken_links(site, ("PHYSICS.md",))
    assert problems == ["index.html: mentions 'PHYSICS.md'", "index.html: ../outside.html leaves the site"]
    assert check_links.main([str(site)]) == 1
    assert check_links.main([str(tmp_path / "nothing")]) == 2


def test_cli_reference_lists_every_command_and_option():
    import typer

    from fpsolver.cli import app

    text = generate.cli_markdown()
    group = typer.main.get_command(app)
    for name, command in group.commands.items():
        assert f"## `fpsolver {name}`" in text
        for parameter in command.params:
            if parameter.opts[0].startswith("-"):
                assert f"`{parameter.opts[0]}`" in text, (name, parameter.opts)
    assert "| `--bins` | `20` |" in text


def test_glossary_page_follows_the_glossary_module(monkeypatch):
    import types

    import fpsolver

    monkeypatch.setitem(sys.modules, "fpsolver.glossary", None)  # the package without a glossary
    monkeypatch.delattr(fpsolver, "glossary", raising=False)
    assert generate.glossary_markdown() is None
    fake = types.ModuleType("fpsolver.glossary")
    fake.markdown = lambda: "| name | kind | meaning |\n|---|---|---|\n| `exact` | face velocity | exact steady state |\n"
    monkeypatch.setitem(sys.modules, "fpsolver.glossary", fake)
    page = generate.glossary_markdown()
    assert page.startswith("# Glossary\n") and "| `exact` | face velocity |" in page


def test_python_blocks_of_the_markdown_pages_run(tmp_path):
    import re
    import subprocess

    from cli_helpers import ENV

    blocks = [block for page in sorted((ROOT / "docs").rglob("*.md")) if "_build" not in page.parts for block in re.findall(r"```python\n(.*?)```", page.read_text(), flags=re.S)]
    assert blocks, "the install page has a Python quick start"
    for block in blocks:
        result = subprocess.run([sys.executable, "-c", block], cwd=tmp_path, env=ENV, capture_output=True, text=True, timeout=300)
        assert result.returncode == 0, result.stderr
        distance = re.search(r"L1 distance to the exact steady state = (\S+)", result.stdout)
        assert distance is None or float(distance.group(1)) < 1e-9, result.stdout  # exact at the nodes


def test_api_reference_lists_every_public_class_and_function():
    import fpsolver

    table = generate.public_names_rst()
    for name, (_, attribute) in fpsolver._PUBLIC.items():
        value = getattr(fpsolver, name)
        if attribute is not None and callable(value):
            assert f"   {value.__module__}.{attribute}\n" in table, name
