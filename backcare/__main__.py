"""python -m backcare -> cli.main()."""

import sys

from backcare.cli import main

if __name__ == "__main__":
    sys.exit(main())
