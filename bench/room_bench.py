"""4. Room results over 10 … 10,000 couples, from a real store file.

The couples and their shares are written through the Store (``Store.save_room_share``
for the small rooms, one ``Store.write()`` transaction with the same JSON for the big
ones), then timed as the facilitator's "Show results" does it:

- load:    ``room_service._shares`` (the store's ``room_share_values`` → ``CoupleShare``),
- compute: ``room.room_results`` over those CoupleShare objects,
- render:  what the workshop page draws: ``results_figure`` (serialised as
           ``st.plotly_chart`` does), ``results_rows`` as a DataFrame, ``top_needs``.

The headline figure is compute + render; load, and the total with it, are reported too.
"""

from __future__ import annotations

import itertools
import json
import random
import time
from pathlib import Path

from bench import common

SIZES = (10, 100, 1_000, 10_000)


def _populate(store, catalog, sizes, log) -> dict[int, int]:
    from sqlalchemy import insert

    from studio import room_service as rs
    from studio.store import couples, room_members, room_shares

    rng = random.Random(20_240_611)
    keys = list(rs.scale_labels(catalog))
    needs = list(rs.need_labels(catalog))
    script = rs.room_scripts(catalog)[0]
    now = time.time()
    biggest = max(sizes)
    t0 = time.perf_counter()
    with store.write() as conn:  # the couples, in one transaction
        conn.execute(
            insert(couples),
            [
                {
                    "token": f"bench-{i:06d}-{rng.getrandbits(64):016x}",
                    "name_a": f"A{i}",
                    "name_b": f"B{i}",
                    "color_a": "blue",
                    "color_b": "orange",
                    "symbol_a": "circle",
                    "symbol_b": "triangle",
                    "stage": "ready",
                    "created_at": now,
                    "updated_at": now,
                }
                for i in range(biggest)
            ],
        )
    ids = list(range(1, biggest + 1))

    def share() -> dict:
        def pos() -> dict:
            return {k: (None if rng.random() < 0.05 else rng.randint(0, 10)) for k in keys}

        return {
            "positions_a": pos(),
            "positions_b": pos(),
            "needs_a": rng.sample(needs, 3),
            "needs_b": rng.sample(needs, 3),
        }

    rooms: dict[int, int] = {}
    for n in sizes:
        room = rs.create_room(store, script, now=now).room
        rooms[n] = room.id
        if n <= 100:
            for cid in ids[:n]:
                store.add_room_member(room.id, cid, now)
                store.save_room_share(room.id, cid, share(), now)
        else:
            with store.write() as conn:
                conn.execute(
                    insert(room_members),
                    [
                        {
                            "room_id": room.id,
                            "couple_id": cid,
                            "joined_at": now,
                            "done_phases": "[]",
                        }
                        for cid in ids[:n]
                    ],
                )
                conn.execute(
                    insert(room_shares),
                    [
                        {
                            "room_id": room.id,
                            "couple_id": cid,
                            "shared_at": now,
                            "share": json.dumps(share(), ensure_ascii=False, separators=(",", ":")),
                        }
                        for cid in ids[:n]
                    ],
                )
    log(f"  room data: {biggest:,} couples written in {time.perf_counter() - t0:.1f} s")
    return rooms


def run(data_dir: Path, reps: int, log=print) -> dict:
    import pandas as pd
    import plotly.io as pio

    from studio import room as core
    from studio import room_service as rs
    from studio.exercises import load_catalog
    from studio.store import Store

    catalog = load_catalog()
    store = Store(f"sqlite:///{data_dir / 'rooms.db'}")
    try:
        rooms = _populate(store, catalog, SIZES, log)
        labels, needs = rs.scale_labels(catalog), rs.need_labels(catalog)
        keys = list(labels)
        out: dict = {"sizes": {}, "reps": reps}
        for n, room_id in rooms.items():
            loads, computes, renders, totals, headline = [], [], [], [], []
            for _ in range(reps + 1):  # the first round warms caches and is dropped
                t0 = time.perf_counter()
                shares = rs._shares(store, room_id)
                t1 = time.perf_counter()
                results = core.room_results(shares, keys, 5)
                t2 = time.perf_counter()
                assert results is not None and results.couples == n
                fig = rs.results_figure(results, labels, font_size=15)
                pio.to_json(fig, validate=False)
                pd.DataFrame(rs.results_rows(results, labels)).set_index("Scale")
                rs.top_needs(results, needs)
                t3 = time.perf_counter()
                loads.append(t1 - t0)
                computes.append(t2 - t1)
                renders.append(t3 - t2)
                totals.append(t3 - t0)
                headline.append(t3 - t1)
            loads, computes, renders, totals, headline = (
                x[1:] for x in (loads, computes, renders, totals, headline)
            )
            out["sizes"][str(n)] = {
                "load_ms": round(common.ms(common.median(loads)), 2),
                "compute_ms": round(common.ms(common.median(computes)), 2),
                "render_ms": round(common.ms(common.median(renders)), 2),
                "compute_render_ms": round(common.ms(common.median(headline)), 2),
                "total_ms": round(common.ms(common.median(totals)), 2),
                "total_p95_ms": round(common.ms(common.p95(totals)), 2),
            }
        sizes = [str(n) for n in SIZES]
        out["growth_per_10x"] = {
            what: {
                f"{a}->{b}": round(common.ratio(out["sizes"][b][what], out["sizes"][a][what]), 2)
                for a, b in itertools.pairwise(sizes)
            }
            for what in ("compute_render_ms", "total_ms")
        }
        return out
    finally:
        store.dispose()
