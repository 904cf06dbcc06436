"""``python -m briefgen``: the same CLI as the ``briefgen`` script."""

from briefgen.cli import main

main()
