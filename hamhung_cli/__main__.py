"""`python -m hamhung_cli`."""

from .fast import main

main()
