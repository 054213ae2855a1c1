"""One way to make the couples the tests need, instead of a copy per file.

``couple(store)`` is a couple as set-up leaves it: two names, a colour and a symbol
each (blue circle, orange triangle: the first choices of set-up), and — unless
``ready=False`` — past the safety notes, on "Our space". ``couple(store, n=3)`` gives
"Ana3" and "Ben3", for tests that need many different couples.
"""

from __future__ import annotations

from studio.store import Couple, Store


def couple(
    store: Store,
    name_a: str = "Ana",
    name_b: str = "Ben",
    *,
    n: int | None = None,
    ready: bool = True,
    colors: tuple[str, str] = ("blue", "orange"),
    symbols: tuple[str, str] = ("circle", "triangle"),
) -> Couple:
    suffix = "" if n is None else str(n)
    made = store.create_couple(
        name_a=f"{name_a}{suffix}",
        name_b=f"{name_b}{suffix}",
        color_a=colors[0],
        color_b=colors[1],
        symbol_a=symbols[0],
        symbol_b=symbols[1],
    )
    if ready:
        store.update_couple(made.id, stage="ready")
    found = store.couple_by_token(made.token)
    assert found is not None
    return found
