"""Our story so far through AppTest: the kind empty state, what's been looked at together
and nothing else — checked element by element, charts included, against the same couple
without the unrevealed parts — hostile names shown as text, and the report's buttons."""

from __future__ import annotations

import json

from sqlalchemy import insert
from streamlit.testing.v1 import AppTest

from studio import safety_service
from studio.checkin import CheckinState
from studio.dialogue import DialogueState
from studio.exercises import load_catalog
from studio.safety_flow import FlowState
from studio.store import checkin_answers, checkins, dialogue_ratings, dialogues
from tests.app.conftest import ROOT, switch_to

CAT = load_catalog(ROOT / "exercises")
SPEC = CAT.get("safety_map")
ITEMS = [i.key for i in CAT.of_kind("checkin")[0].items]
SHOWN = "shown-words-4t2"
SEALED = "sealed-words-9q7"
HOSTILE = "<img src=x onerror=alert(1)> **bold** http://evil.example"
DAY = 86400.0


def sent(at: AppTest) -> str:
    parts = []
    for kind in ("title", "header", "subheader", "markdown", "caption", "info", "text",
                 "expander", "button"):
        for el in getattr(at, kind):
            parts.append(str(getattr(el, "value", "")) + str(getattr(el, "label", "")))
    return "\n".join(parts)


def unescaped(at: AppTest) -> str:
    """``sent`` with markdown's backslash escapes taken out, to look for words."""
    return sent(at).replace("\\", "")


def everything(at: AppTest) -> list[str]:
    """Every element the page sent, as its full protobuf text (charts' specs included),
    in order — so a difference anywhere shows."""
    out: list[str] = []

    def walk(node) -> None:
        kids = getattr(node, "children", None)
        if kids:
            for k in sorted(kids):
                walk(kids[k])
        elif getattr(node, "proto", None) is not None:
            out.append(str(node.proto))

    walk(at.main)
    return out


def a_round(store, couple, words, value, reveal=True):
    run = safety_service.start_run(store, couple.id)
    safety_service.save_text(store, SPEC, run, "a", words)
    safety_service.save_position(store, run, "a", f"scale:{SPEC.scales[0].key}", value)
    run = safety_service.seal(store, run, "a")
    safety_service.save_position(store, run, "b", f"scale:{SPEC.scales[0].key}", 10 - value)
    run = safety_service.seal(store, run, "b")
    if reveal:
        run = safety_service.confirm_ready(store, run, "a")
        safety_service.confirm_ready(store, run, "b")


def a_checkin(store, couple, when, ratings: dict, *, revealed=True, thanks=None):
    """Straight into the tables, in the shape the check-in service writes."""
    flow = FlowState(sealed={"a": True, "b": revealed}, ready={"a": revealed, "b": revealed},
                     revealed_at=when if revealed else None)
    state = CheckinState(step="done" if revealed else "ratings", flow=flow,
                         finished_at=when if revealed else None)
    with store.write() as conn:
        cid = conn.execute(insert(checkins).values(
            couple_id=couple.id, exercise_id="weekly_checkin",
            state=json.dumps(state.to_dict()), started_at=when - 60, updated_at=when)
        ).inserted_primary_key[0]
        rows = [{"checkin_id": cid, "partner": p, "item": f"rate:{k}",
                 "value": None if v is None else json.dumps(v), "skipped": v is None,
                 "updated_at": when} for p, side in ratings.items() for k, v in side.items()]
        if thanks:
            rows.append({"checkin_id": cid, "partner": "a", "item": "appreciation",
                         "value": json.dumps(thanks), "skipped": False, "updated_at": when})
        if rows:
            conn.execute(insert(checkin_answers), rows)


def a_dialogue(store, couple, when, topic, heard: dict, *, revealed=True, word=None):
    state = DialogueState(variant="standard", phase="done", topic=topic, step_started_at=when)
    extra = {"after": {"sealed": ["a", "b"], "revealed": revealed}}
    with store.write() as conn:
        did = conn.execute(insert(dialogues).values(
            couple_id=couple.id, state=json.dumps(state.to_dict()), extra=json.dumps(extra),
            created_at=when, updated_at=when)).inserted_primary_key[0]
        conn.execute(insert(dialogue_ratings), [
            {"dialogue_id": did, "partner": p, "heard": v, "safe": v, "word": word,
             "sealed": True, "updated_at": when} for p, v in heard.items()])


def seed_seen(store, couple, now):
    a_round(store, couple, SHOWN, 2)
    a_round(store, couple, "second round", 4)
    a_checkin(store, couple, now - 9 * DAY, {"a": {ITEMS[0]: 1, ITEMS[1]: None},
                                             "b": {ITEMS[0]: 3}}, thanks="thanks-seen-3k")
    a_checkin(store, couple, now - 2 * DAY, {"a": {ITEMS[0]: 2}, "b": {ITEMS[0]: 2}})
    a_dialogue(store, couple, now - 5 * DAY, "Sunday plans", {"a": 7, "b": 6}, word="warm")


def seed_sealed(store, couple, now):
    """What one or both haven't looked at together yet: none of it may show."""
    a_round(store, couple, SEALED, 9, reveal=False)
    a_checkin(store, couple, now - DAY, {"a": {i: 0 for i in ITEMS}}, revealed=False)
    a_dialogue(store, couple, now - DAY / 2, "Money talk", {"a": 1, "b": 9}, revealed=False,
               word="sealed-word-x8")


def test_an_empty_story_is_kind(make_app, ready_couple):
    at = switch_to(make_app(c=ready_couple.token).run(), "history")
    assert not at.exception
    shown = sent(at)
    assert "Our story so far" in shown and "Nothing here yet" in shown
    assert {b.label for b in at.button} >= {"Our weekly check-in",
                                            "What makes you feel safe?"}
    assert not at.get("plotly_chart") and not at.get("download_button")


def test_the_whole_story_since_last_time_trends_in_words_and_timeline(
        make_app, ready_couple, store):
    import time

    seed_seen(store, ready_couple, time.time())
    at = switch_to(make_app(c=ready_couple.token).run(), "history")
    assert not at.exception
    shown = unescaped(at)
    assert "Since last time" in shown and "Since your last check-in" in shown
    charts = at.get("plotly_chart")
    assert len(charts) == 3  # scales, felt heard/safe, the weeks
    assert [e.label for e in at.expander].count("The chart in words") == 3
    week = json.loads(charts[2].proto.spec)
    first = [t for t in week["data"] if t.get("legendgroup") == "a"][1]  # ITEMS[1] for a
    assert first["y"] == [None, None] and first["connectgaps"] is False  # gaps, not zeros
    words = at.expander[2].markdown[0].value
    assert "no answer" in words
    # The timeline, newest first: the check-in of two days ago comes before the dialogue.
    assert shown.index("thanks-seen-3k") > shown.index("Sunday plans")


def test_nothing_unrevealed_appears_anywhere(make_app, ready_couple, store):
    import time

    now = time.time()
    twin = store.create_couple(name_a="Robin", name_b="Sam", color_a="blue",
                               color_b="orange", symbol_a="circle", symbol_b="triangle")
    store.update_couple(twin.id, stage="ready")
    twin = store.couple_by_token(twin.token)
    for c in (ready_couple, twin):
        seed_seen(store, c, now)
    seed_sealed(store, twin, now)
    plain = switch_to(make_app(c=ready_couple.token).run(), "history")
    more = switch_to(make_app(c=twin.token).run(), "history")
    assert not plain.exception and not more.exception
    got = everything(more)
    for needle in (SEALED, "sealed-word-x8", "sealed\\-word", "1 of 10", "9 of 10"):
        assert all(needle not in el for el in got), needle
    # Element by element the page is the same as without the unrevealed parts, but for
    # what was said together: the dialogue's topic (its ratings are sealed) and the
    # check-in under way, with a line that says its answers aren't here yet.
    extra = [el for el in got if el not in everything(plain)
             and "deferred_file_id" not in el]  # the report files: checked by their tests
    said_together = ("Talk and listen", "Topic\\\\: Money talk", "Still in progress",
                     "Our weekly check", "looked at it together", "2 dialogues")
    assert extra and all(any(w in el for w in said_together) for el in extra), extra
    assert [c.proto.spec for c in more.get("plotly_chart")] == [
        c.proto.spec for c in plain.get("plotly_chart")]


def test_a_hostile_name_is_shown_as_text(make_app, ready_couple, store):
    import time

    store.update_couple(ready_couple.id, name_a=HOSTILE)
    seed_seen(store, ready_couple, time.time())
    at = switch_to(make_app(c=ready_couple.token).run(), "history")
    assert not at.exception
    shown = sent(at)
    assert SHOWN.replace("-", "\\-") in shown or SHOWN in shown
    raw = [m.value for m in at.markdown]
    assert not any("<img" in m and "&lt;img" not in m and "\\<img" not in m for m in raw)
    assert not any("**bold**" in m for m in raw)  # emphasis escaped, so shown as typed
    assert not any("http://evil.example" in m for m in raw)  # no autolink
    for chart in at.get("plotly_chart"):
        spec = chart.proto.spec
        assert "<img" not in spec and "&lt;img src=x onerror=alert(1)&gt;" in spec
    labels = [b.proto.label for b in at.get("download_button")]
    assert len(labels) == 2 and labels[1] == "Download our report (PDF)"  # one "Take it home"
    assert [h.value for h in [*at.subheader, *at.header]].count("Take it home") == 1


def test_a_long_history_stays_light_words_recent_and_older_moments_on_request(
        make_app, ready_couple, store):
    import time

    now = time.time()
    for k in range(70):
        a_checkin(store, ready_couple, now - (70 - k) * DAY, {"a": {ITEMS[0]: k % 5},
                                                               "b": {ITEMS[0]: 4 - k % 5}})
    at = switch_to(make_app(c=ready_couple.token).run(), "history")
    assert not at.exception
    week = json.loads(at.get("plotly_chart")[0].proto.spec)
    assert len(week["data"][0]["x"]) == 70  # the chart keeps every check-in
    words = at.expander[0].markdown[0].value.replace("\\", "")
    assert "Before that, 60 more, from" in words and "take-home report" in words
    more = [b for b in at.button if b.label.startswith("Show earlier moments")]
    assert [b.label for b in more] == ["Show earlier moments (58 more)"]
    more[0].click().run()
    assert not at.exception
    assert [b.label for b in at.button if b.label.startswith("Show earlier")] == [
        "Show earlier moments (18 more)"]
    assert sum(m.value.count("Our weekly check") for m in at.markdown) == 12 + 40
