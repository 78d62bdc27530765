"""`python -m hamhung_cli`."""

import sys

try:  # Ctrl-C while the program is still loading ends as quietly as Ctrl-C later on
    from .fast import main

    main()
except KeyboardInterrupt:
    sys.exit(130)
