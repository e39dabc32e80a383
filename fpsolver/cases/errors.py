"""The one error type of the case application (light: the command line imports it first)."""

from __future__ import annotations


class CaseError(ValueError):
    """A case that cannot be run; the message names the key (or file position) at fault."""
