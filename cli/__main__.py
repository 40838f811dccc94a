"""``python -m redline.cli``: the same as the ``redline`` command."""

from redline.cli import main

main()
