"""``python -m fpsolver`` is the ``fpsolver`` command."""

from fpsolver.cli import app

app(prog_name="fpsolver")
