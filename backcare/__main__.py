"""python -m backcare -> the same main() as the installed ``backcare`` command."""

import sys

from backcare.cli import main

if __name__ == "__main__":
    sys.exit(main())
