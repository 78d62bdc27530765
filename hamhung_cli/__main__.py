"""`python -m hamhung_cli`."""

from .cli import main

main()
