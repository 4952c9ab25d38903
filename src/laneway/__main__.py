"""``python -m laneway``: the same CLI as the ``laneway`` command."""

from __future__ import annotations

from laneway.cli import main

main()
