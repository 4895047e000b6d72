"""python -m backcare -> cli.main()."""

import sys


def _command(argv: list[str]) -> list[str]:
    """The command words (positionals), skipping the global --db option."""
    words: list[str] = []
    args = iter(argv)
    for arg in args:
        if arg == "--db":
            next(args, None)
        elif not arg.startswith("-"):
            words.append(arg)
    return words


if _command(sys.argv[1:])[:2] in (["import", "apple-health"], ["import", "strong"], ["import", "hevy"]):
    # Importing a file needs neither pandas nor numpy, but sqlite-utils loads them when present
    # (about 100 MB of memory). Keep the import command lean so huge exports stay well under 100 MB.
    sys.modules.setdefault("pandas", None)  # type: ignore[arg-type]
    sys.modules.setdefault("numpy", None)  # type: ignore[arg-type]

from backcare.cli import main  # noqa: E402

if __name__ == "__main__":
    sys.exit(main())
