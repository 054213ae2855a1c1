"""Command line: ``python -m studio check [PATH ...]`` validates exercise files."""

from __future__ import annotations

import sys

from studio.exercises import check_paths

USAGE = "usage: python -m studio check [PATH ...]   (files or folders; default: exercises/)"


def main(argv: list[str] | None = None) -> int:
    args = list(sys.argv[1:] if argv is None else argv)
    if not args or args[0] != "check":
        print(USAGE, file=sys.stderr)
        return 2
    code, lines = check_paths(args[1:])
    for line in lines:
        print(line)
    return code


if __name__ == "__main__":
    raise SystemExit(main())
