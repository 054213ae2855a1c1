"""For the people who write exercises: a valid starting file for a kind, and a preview
of a file in plain text before it is installed (pure: no Streamlit).

``python -m studio new KIND ID`` writes :func:`template`; ``python -m studio preview
FILE`` prints :func:`preview`. docs/AUTHORING.md explains every field.
"""

from __future__ import annotations

import re
from pathlib import Path

from studio import registry
from studio.exercises import ExerciseBase, ExerciseError, _where, load_catalog, parse_file

ID_PATTERN = re.compile(r"^[a-z][a-z0-9_]{1,40}$")

_SCALE = """
[[scales]]
key = "{p}_{n}"                # stays the same when you change the words
topic = "A few words for this scale {n}"
left = "I feel safest when ... (the 0 end)."
right = "I feel safest when ... (the 10 end)."
starter = "A question the two of you could talk about."
left_pole = "Short words, 0 end"
right_pole = "Short words, 10 end"
"""

_NEED = """
[[needs]]
key = "{p}_need_{n}"
label = "A need, in a few words {n}"
description = "One sentence saying what it means."
"""

_SCALES = """# {title}: each of you answers privately, then you look at it together.
# Every field is explained in docs/AUTHORING.md. Try it with:
#   python -m studio preview exercises/{id}.toml

kind = "safety_map"
id = "{id}"
title = "{title}"
summary = "One or two sentences for Our space: what the two of you will do."
version = 1
max_needs = 2

[opening]
prompt = "The open question each of you answers in your own words."
help = "A short, kind hint under the question."
max_chars = 2000

[thresholds]
close_max_gap = 2
explore_max_gap = 5
pattern_min_gap = 4

[texts]
reveal_intro = "A picture of today, not a score."
band_close = "Close"
band_explore = "Worth exploring"
band_far = "Far apart"
skipped = "Skipped"
meets_title = "Where you meet"
differences_title = "Where you differ"
surprises_title = "What surprised you"
guess_prompt = "Where do you think your partner would put themselves?"
pattern_title = "Reaching and stepping back"
pattern_text = "Shown only when a scale has axis = \\"closeness\\" and you are far apart on it."
{scales}{needs}"""

_CARDS = """# {title}: a deck of conversation cards, dealt one at a time.
# Every field is explained in docs/AUTHORING.md. Try it with:
#   python -m studio preview exercises/{id}.toml

kind = "cards"
id = "{id}"
title = "{title}"
summary = "One or two sentences for Our space: what this deck is for."
version = 1

[[categories]]
key = "first"
title = "A first theme"
about = "One line about the cards in it."

[[categories]]
key = "second"
title = "A second theme"
about = "One line about the cards in it."
{cards}"""

_CARD = """
[[cards]]
key = "{p}_{n}"                # stays the same when you change the words
category = "{cat}"
text = "A warm, open question, number {n}?"
follow_up = ""                 # optional: a second question, for after the answer
"""

_ROOM = """# {title}: the phases a facilitator steps through with a room of couples.
# Every field is explained in docs/AUTHORING.md.

kind = "room_script"
id = "{id}"
title = "{title}"
summary = "What the evening is, in a sentence or two."
version = 1
min_group = 5                  # room results only from this many couples (never fewer than 3)
retention_hours = 24

[[phases]]
key = "welcome"
title = "Welcome"
projector_text = "What the big screen says."
couple_text = "What each couple's own screen says."
couple_view = "welcome"
suggested_minutes = 5

[[phases]]
key = "cards"
title = "A card for the whole room"
projector_text = "The facilitator deals a card; every couple talks about it."
couple_text = "Talk about the card on the big screen, one of you first, then the other."
couple_view = "cards"
exercise = "conversation_cards"
suggested_minutes = 10

[[phases]]
key = "close"
title = "Closing"
projector_text = "Thank you for tonight."
couple_text = "Tell each other one thing you appreciated."
couple_view = "close"
suggested_minutes = 3
"""

NEW_KINDS = ("safety_map", "cards", "room_script")


def _title_of(exercise_id: str) -> str:
    words = exercise_id.replace("_", " ").strip()
    return words[:1].upper() + words[1:]


def template(kind: str, exercise_id: str) -> str:
    """A valid file of ``kind`` with id ``exercise_id``: every field there, with words
    that say what goes in it (``ValueError`` for a kind or an id we can't start)."""
    if kind not in NEW_KINDS:
        if kind in registry.BY_KIND:
            raise ValueError(
                f"the studio uses one '{kind}' file: change the one in exercises/ instead "
                "(docs/AUTHORING.md says how)"
            )
        raise ValueError(f"'{kind}' is not a kind we know (one of: {', '.join(NEW_KINDS)})")
    if not ID_PATTERN.match(exercise_id):
        raise ValueError(
            f"'{exercise_id}' can't be an id: use 2 to 41 lower-case letters, digits and _, "
            "starting with a letter"
        )
    if exercise_id in registry.BY_KIND:
        raise ValueError(f"'{exercise_id}' is the name of a kind: give the file an id of its own")
    title = _title_of(exercise_id)
    prefix = exercise_id[:12].rstrip("_")
    if kind == "safety_map":
        scales = "".join(_SCALE.format(p=prefix, n=n) for n in range(1, 5))
        needs = "".join(_NEED.format(p=prefix, n=n) for n in range(1, 4))
        return _SCALES.format(id=exercise_id, title=title, scales=scales, needs=needs)
    if kind == "cards":
        cards = "".join(
            _CARD.format(p=prefix, n=n, cat="first" if n <= 2 else "second") for n in range(1, 5)
        )
        return _CARDS.format(id=exercise_id, title=title, cards=cards)
    return _ROOM.format(id=exercise_id, title=title)


def write_new(kind: str, exercise_id: str, folder: Path) -> Path:
    """Write ``template`` as ``folder/ID.toml``; never over an existing file."""
    text = template(kind, exercise_id)
    path = folder / f"{exercise_id}.toml"
    if path.exists():
        raise ValueError(f"{path} already exists: pick another id, or edit that file")
    path.write_text(text, encoding="utf-8")
    parse_file(path)  # a template that doesn't validate is our bug: say so loudly
    return path


def _lines_for(item: ExerciseBase) -> list[str]:
    from studio.cards import DeckSpec
    from studio.room import RoomScript
    from studio.safety_map import SafetyMapSpec

    out: list[str] = []
    if isinstance(item, SafetyMapSpec):
        out += ["", f"In your own words: {item.opening.prompt}", f"  ({item.opening.help})", ""]
        for s in item.scales:
            extra = "  (only if you ask for more)" if s.optional else ""
            out.append(f"• {s.topic}{extra}")
            out.append(f"    0 · {s.left}")
            out.append(f"   10 · {s.right}")
            out.append(f"    To talk about: {s.starter}")
        out += ["", f"Need cards (pick up to {item.max_needs}):"]
        out += [f"  ◦ {n.label}: {n.description}" for n in item.needs]
        has_loop = any(s.axis == "closeness" for s in item.scales)
        out.append("")
        out.append(
            "The reveal shows the reach / step-back picture when you're far apart."
            if has_loop
            else 'No scale has axis = "closeness", so the reveal has no reach / step-back part.'
        )
    elif isinstance(item, DeckSpec):
        for cat in item.categories:
            cards = [c for c in item.cards if c.category == cat.key]
            out += ["", f"{cat.title} ({len(cards)} cards){': ' + cat.about if cat.about else ''}"]
            for c in cards:
                mark = "" if c.guessable else "  (no guessing)"
                out.append(f"  • {c.text}{mark}")
                if c.follow_up:
                    out.append(f"      And then: {c.follow_up}")
    elif isinstance(item, RoomScript):
        out.append("")
        for i, ph in enumerate(item.phases, 1):
            minutes = f", about {ph.suggested_minutes} min" if ph.suggested_minutes else ""
            out.append(f"{i}. {ph.title} ({ph.couple_view}{minutes})")
            out.append(f"   Big screen: {ph.projector_text}")
            out.append(f"   Couples:    {ph.couple_text}")
    return out


def preview(path: Path, installed: Path | None = None) -> tuple[int, list[str]]:
    """The file as couples would meet it, in plain text, and whether it would fit in
    beside the files already installed (``installed``: default the studio's folder)."""
    try:
        item = parse_file(path)
    except ExerciseError as exc:
        return 1, [f"✗ {path}: {_where(exc)}{exc.problem}"]
    lines = [f"✓ {path}: a '{item.kind}' file, valid.", "", item.title, "=" * len(item.title)]
    if item.summary:
        lines.append(item.summary)
    lines += _lines_for(item)
    catalog = load_catalog(installed)
    same = catalog.items.get(item.id)
    lines.append("")
    if same is not None and Path(path).resolve().parent != Path(installed or "").resolve():
        lines.append(
            f"! An installed file already has the id '{item.id}': rename one of them, or "
            "this file replaces it."
        )
    kind = registry.BY_KIND.get(item.kind)
    if kind is not None and kind.on_our_space:
        lines.append(
            f"Installed in exercises/, it appears on Our space as “{item.title}” and opens on "
            f"the page /{kind.url_path}" + ("" if item.id == kind.kind else f"?exercise={item.id}")
        )
    return 0, lines
