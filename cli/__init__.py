"""redline's command line: click commands that call the engine and print."""

from __future__ import annotations


def main() -> None:
    """Entry point of the ``redline`` console script."""
    from redline.cli.main import run

    run()
