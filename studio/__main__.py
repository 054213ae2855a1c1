"""Command line.

``python -m studio check [PATH ...]``  validates exercise files.
``python -m studio new KIND ID [--to FOLDER]``  writes a valid starting file for a new
exercise (default folder: exercises/).
``python -m studio preview FILE``  shows a file as couples would meet it, in plain text,
before it is installed.
``python -m studio workshop [--port N]``  starts a workshop server that phones on the
same network can reach, and prints the addresses to use (``make workshop``).
``python -m studio diagrams [FILE]``  redraws the dialogue's diagrams in FILE (default
docs/DIALOGUE.md) from its transition table.
"""

from __future__ import annotations

import os
import sys

USAGE = (
    "usage: python -m studio check [PATH ...]   (files or folders; default: exercises/)\n"
    "       python -m studio new KIND ID [--to FOLDER]   (KIND: safety_map, cards, room_script)\n"
    "       python -m studio preview FILE\n"
    "       python -m studio workshop [--port N]\n"
    "       python -m studio diagrams [FILE]      (default: docs/DIALOGUE.md)"
)


def diagrams(args: list[str]) -> int:
    """Redraw the dialogue's state diagrams in a Markdown file from the code's table."""
    from pathlib import Path

    from studio.dialogue import with_diagrams

    path = (
        Path(args[0]) if args else Path(__file__).resolve().parent.parent / "docs" / "DIALOGUE.md"
    )
    before = path.read_text(encoding="utf-8")
    after = with_diagrams(before)
    if after != before:
        path.write_text(after, encoding="utf-8")
    print(f"{path}: {'redrawn' if after != before else 'already up to date'}")
    return 0


def new(args: list[str]) -> int:
    """Write a valid starting file for an exercise of KIND with id ID."""
    from pathlib import Path

    from studio import authoring
    from studio.exercises import EXERCISES_DIR

    folder = EXERCISES_DIR
    if "--to" in args:
        i = args.index("--to")
        if i + 1 >= len(args):
            print("--to needs a folder", file=sys.stderr)
            return 2
        folder, args = Path(args[i + 1]), args[:i] + args[i + 2 :]
    if len(args) != 2:
        print(USAGE, file=sys.stderr)
        return 2
    try:
        path = authoring.write_new(args[0], args[1], Path(folder))
    except ValueError as exc:
        print(f"✗ {exc}", file=sys.stderr)
        return 1
    print(f"✓ wrote {path}: a valid '{args[0]}' file to start from.")
    print(f"  See it as couples will:  python -m studio preview {path}")
    print("  Every field is explained in docs/AUTHORING.md.")
    return 0


def preview(args: list[str]) -> int:
    from pathlib import Path

    from studio import authoring

    if len(args) != 1:
        print(USAGE, file=sys.stderr)
        return 2
    code, lines = authoring.preview(Path(args[0]))
    for line in lines:
        print(line)
    return code


def workshop(args: list[str]) -> int:
    """Listen on every interface and say where phones and the facilitator go."""
    from studio import lan
    from studio.ui import launch

    port = 8501
    if args[:1] == ["--port"] and len(args) > 1 and args[1].isdigit():
        port, args = int(args[1]), args[2:]
    url = lan.public_url(os.environ.get("STUDIO_PUBLIC_URL"), lan.lan_addresses(), port)
    print("Side by Side: a workshop server")
    if url is None:
        print(
            "  We couldn't find this computer's address on a local network, so the room\n"
            "  screen will show only the code and the QR. Connect to the room's Wi-Fi,\n"
            "  or set STUDIO_PUBLIC_URL to the address phones use, and start again."
        )
    else:
        if lan.only_here(url):
            print(f"  STUDIO_PUBLIC_URL is {url}: that only works on this computer.")
        os.environ["STUDIO_PUBLIC_URL"] = url
        print(f"  Couples join at:        {url}/join")
    print(f"  You run the room from:  http://localhost:{port}/workshop")
    print(
        "  Phones must be on the same network as this computer. Anyone on that network\n"
        "  can open the studio while it runs: stop it (Ctrl+C) when the workshop ends."
    )
    sys.stdout.flush()
    launch.main(
        [
            "--server.port",
            str(port),
            "--server.address",
            "0.0.0.0",  # noqa: S104
            "--server.headless",
            "true",
            "--browser.gatherUsageStats",
            "false",
            *args,
        ]
    )
    return 0


def main(argv: list[str] | None = None) -> int:
    args = list(sys.argv[1:] if argv is None else argv)
    if args[:1] == ["workshop"]:
        return workshop(args[1:])
    if args[:1] == ["diagrams"]:
        return diagrams(args[1:])
    if args[:1] == ["new"]:
        return new(args[1:])
    if args[:1] == ["preview"]:
        return preview(args[1:])
    if not args or args[0] != "check":
        print(USAGE, file=sys.stderr)
        return 2
    from studio.exercises import check_paths

    code, lines = check_paths(args[1:])
    for line in lines:
        print(line)
    return code


if __name__ == "__main__":
    raise SystemExit(main())
