"""The safety map page through AppTest: the whole flow, resume mid-flow, privacy, and
the promise that what is stored is exactly what a partner set — never a default, never
a value written by moving between parts."""

from __future__ import annotations

from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st
from streamlit.testing.v1 import AppTest

from studio import safety_flow as flow
from studio import safety_service as svc
from studio.exercises import load_catalog
from studio.safety_map import POINTS, section_scales
from tests.app.conftest import ROOT, switch_to
from tests.app.helpers import everything, open_curtain

MARK_A = "marker-a-x81 hugs"
MARK_B = "marker-b-q27 quiet"
SPEC = load_catalog(ROOT / "exercises").get("safety_map")
SKIP = -1


def section_of(at: AppTest, run_id: int, p: str) -> str:
    keys = [b.key for b in at.button if b.key]
    for k in keys:
        for prefix in (f"sm_next_{run_id}_{p}_", f"sm_back_{run_id}_{p}_"):
            if k.startswith(prefix):
                return k[len(prefix) :]
    raise AssertionError(f"no part of the turn on screen: {keys}")


def go_on(at: AppTest, run_id: int, p: str) -> AppTest:
    return at.button(key=f"sm_next_{run_id}_{p}_{section_of(at, run_id, p)}").click().run()


def radios(at: AppTest) -> list:
    return [r for r in at.radio if r.key and r.key.startswith("sm_") and (":" in r.key)]


def answer(at: AppTest, run_id: int, p: str, text: str, point: int | None) -> AppTest:
    """A whole turn: words, every scale shown at ``point`` (None: touch nothing), seal."""
    open_curtain(at)
    if text:
        at.text_area[0].input(text).run()
    go_on(at, run_id, p)
    while section_of(at, run_id, p).startswith("scales-"):
        if point is not None:
            for r in radios(at):
                r.set_value(point).run()
        go_on(at, run_id, p)
    assert section_of(at, run_id, p) == "needs"
    go_on(at, run_id, p)
    return at.button(key=f"sm_seal_{run_id}_{p}").click().run()


def start(make_app, couple) -> AppTest:
    at = make_app(c=couple.token).run()
    return switch_to(at, "safety_map")


def reveal_both(at: AppTest, run_id: int) -> AppTest:
    at.button(key=f"sm_ready_{run_id}_a").click().run()
    return at.button(key=f"sm_ready_{run_id}_b").click().run()


def test_whole_flow_to_the_reveal(make_app, ready_couple):
    at = start(make_app, ready_couple)
    assert "Pass the laptop to" in at.header[0].value  # the round starts by itself
    answer(at, 1, "a", MARK_A, 0)
    assert not at.exception
    assert MARK_A not in everything(at)  # B's curtain: nothing of A's
    open_curtain(at)
    assert MARK_A not in everything(at)  # B's own turn: still nothing of A's
    at.text_area[0].input(MARK_B).run()
    go_on(at, 1, "b")
    while section_of(at, 1, "b").startswith("scales-"):
        for r in radios(at):
            r.set_value(10).run()
        go_on(at, 1, "b")
    go_on(at, 1, "b")
    at.button(key="sm_seal_1_b").click().run()
    assert at.title[0].value == "You've both sealed your answers"
    assert MARK_A not in everything(at) and MARK_B not in everything(at)
    reveal_both(at, 1)
    assert not at.exception
    assert "What makes you feel safe — together" in [h.value for h in at.header]
    texts = [t.value for t in at.text]
    assert MARK_A in texts and MARK_B in texts
    page = everything(at)
    # No score on the first screen, no chart until asked: the conversation comes first.
    assert "Shared ground" not in page and "/ 100" not in page
    assert len(at.get("plotly_chart")) == 0
    # 0 against 10 everywhere: the first difference, in words, with its starter.
    assert any(" · 1 of " in m.value for m in at.markdown)
    assert "clearly" in page and "To start:" in page
    at.button(key="sm_full_btn_1").click().run()
    assert len(at.get("plotly_chart")) >= 4
    assert not at.exception


def test_untouched_scales_are_not_answered_and_count_nowhere(make_app, ready_couple, store):
    at = start(make_app, ready_couple)
    answer(at, 1, "a", MARK_A, None)  # A moves through every part touching nothing
    stored_a = store.answers_of(1, "a")
    assert set(stored_a) == {flow.TEXT}  # only the words: no scale, no guess, no need
    answer(at, 1, "b", MARK_B, 5)
    reveal_both(at, 1)
    run = svc.current_run(store, ready_couple.id)
    rv = svc.reveal(store, SPEC, run).reveal
    assert rv.compared == 0 and not rv.meets and not rv.differences
    assert rv.alignment is None and rv.a_accuracy is None
    page = everything(at)
    assert "No scale sits really close" in page
    assert "No big differences today" in page


def test_moving_between_parts_never_writes(make_app, ready_couple, store):
    at = start(make_app, ready_couple)
    open_curtain(at)
    go_on(at, 1, "a")  # words -> scales-1, nothing written
    assert store.answers_of(1, "a") == {}
    first = radios(at)[:3]
    for r, value in zip(first, (2, 8, SKIP), strict=True):
        r.set_value(value).run()
    expected = dict(store.answers_of(1, "a"))
    assert len(expected) == 3
    for _ in range(3):
        go_on(at, 1, "a")  # on to needs, then review
    for section in ("review", "needs", "scales-2"):
        at.button(key=f"sm_back_1_a_{section}").click().run()
        assert store.answers_of(1, "a") == expected
    assert [r.value for r in radios(at)[:3]] == [2, 8, SKIP]
    assert all(r.value is None for r in radios(at)[3:])  # untouched stay empty


def test_resume_mid_turn_in_a_new_session(make_app, ready_couple):
    at = start(make_app, ready_couple)
    open_curtain(at)
    at.text_area[0].input(MARK_A).run()
    go_on(at, 1, "a")
    radios(at)[0].set_value(8).run()  # saved as it is given
    # A new session (a reload) with the same link: the curtain first, then the same part.
    again = start(make_app, ready_couple)
    assert "Pass the laptop to" in again.header[0].value
    open_curtain(again)
    assert again.header[0].value == "Where you stand"
    assert radios(again)[0].value == 8
    assert radios(again)[1].value is None
    again.button(key="sm_back_1_a_scales-1").click().run()
    assert again.text_area[0].value == MARK_A


def test_sealed_answers_stay_sealed_after_reload(make_app, ready_couple):
    at = start(make_app, ready_couple)
    answer(at, 1, "a", MARK_A, 2)
    again = start(make_app, ready_couple)
    assert MARK_A not in everything(again)
    open_curtain(again)
    assert section_of(again, 1, "b") == "words"  # B's turn, from the start
    assert MARK_A not in everything(again)


def test_unseal_keeps_every_answer_exactly(make_app, ready_couple, store):
    at = start(make_app, ready_couple)
    answer(at, 1, "a", MARK_A, 8)
    before = store.answers_of(1, "a")
    at.button(key="sm_ask_unseal_1").click().run()
    assert any("would like to open" in m.value for m in at.markdown)
    at.button(key="sm_unseal_yes_1").click().run()
    open_curtain(at)
    assert at.header[0].value == "Look over and seal"
    assert store.answers_of(1, "a") == before
    for section in ("review", "needs"):
        at.button(key=f"sm_back_1_a_{section}").click().run()
    assert all(r.value == 8 for r in radios(at))
    assert store.answers_of(1, "a") == before


def test_an_old_tab_cannot_undo_a_seal(make_app, ready_couple, store):
    tab1 = start(make_app, ready_couple)
    open_curtain(tab1)
    tab1.text_area[0].input("old words").run()
    tab2 = start(make_app, ready_couple)
    answer(tab2, 1, "a", MARK_A, 5)  # finishes and seals in the second tab
    sealed = store.answers_of(1, "a")
    tab1.button(key="sm_next_1_a_words").click().run()  # the old tab presses Go on
    assert not tab1.exception
    assert any("a step behind" in w.value for w in tab1.warning)
    run = svc.current_run(store, ready_couple.id)
    assert run.state.sealed["a"] and run.phase == "answer_b"
    assert store.answers_of(1, "a") == sealed
    assert MARK_A not in everything(tab1)
    assert "Pass the laptop to" in tab1.header[0].value  # B's turn, behind the curtain


def test_too_long_text_keeps_what_was_written(make_app, ready_couple):
    at = start(make_app, ready_couple)
    open_curtain(at)
    long = "word " * 500  # 2,500 characters
    at.text_area[0].input(long).run()
    go_on(at, 1, "a")
    assert not at.exception
    assert any("2,000" in e.value for e in at.warning)
    assert at.text_area[0].value == long
    assert section_of(at, 1, "a") == "words"


def test_optional_scales_are_offered_not_required(make_app, ready_couple, store):
    at = start(make_app, ready_couple)
    open_curtain(at)
    go_on(at, 1, "a")
    go_on(at, 1, "a")
    assert section_of(at, 1, "a") == "scales-2"
    at.button(key="sm_more_1_a").click().run()
    assert section_of(at, 1, "a") == "more"
    optional = [s.key for s in SPEC.scales if s.optional]
    assert {r.key.split(":")[-1] for r in radios(at)} == set(optional)
    radios(at)[0].set_value(2).run()
    go_on(at, 1, "a")
    assert section_of(at, 1, "a") == "needs"
    go_on(at, 1, "a")
    page = everything(at)
    assert "the extra ones" in page  # the review shows the optional answer, changeable


def test_broken_content_file_gets_a_kind_message(make_app, ready_couple, tmp_path, monkeypatch):
    import shutil

    from studio import exercises

    broken = tmp_path / "content"
    shutil.copytree(ROOT / "exercises", broken)
    (broken / "safety_map.toml").write_text('kind = "safety_map"\nid = "safety_map"\n')
    monkeypatch.setattr(exercises, "EXERCISES_DIR", broken)
    at = make_app(c=ready_couple.token).run()
    switch_to(at, "safety_map")
    assert not at.exception
    assert any("content file has a problem" in w.value for w in at.warning)
    assert any("safety_map.toml" in t.value for t in at.text)


def test_sharing_with_the_room_needs_both_and_sends_numbers_only(make_app, ready_couple, store):
    from studio import room_service
    from studio.exercises import EXERCISES_DIR, parse_file

    script = parse_file(EXERCISES_DIR / "workshop_room.toml")
    room = room_service.create_room(store, script)
    room_service.join_room(store, ready_couple, room.room.code)
    at = start(make_app, ready_couple)
    answer(at, 1, "a", MARK_A, 2)
    answer(at, 1, "b", MARK_B, 8)
    reveal_both(at, 1)
    assert any("Share with the workshop room" in h.value for h in at.header)
    go = at.button(key="sm_share_go_1")
    assert go.disabled  # nobody agreed yet
    at.checkbox(key="sm_share_1_a").check().run()
    assert at.button(key="sm_share_go_1").disabled  # one is not enough
    at.checkbox(key="sm_share_1_b").check().run()
    at.button(key="sm_share_go_1").click().run()
    assert not at.exception
    assert room_service.has_shared(store, ready_couple)
    raw = str(store.room_share_values(room.room.id))
    assert "positions_a" in raw
    assert MARK_A not in raw and "Robin" not in raw
    assert any("shared your numbers" in s.value for s in at.success)


def test_a_new_round_keeps_the_earlier_one(make_app, ready_couple, store):
    at = start(make_app, ready_couple)
    answer(at, 1, "a", MARK_A, 2)
    answer(at, 1, "b", MARK_B, 8)
    reveal_both(at, 1)
    assert not [e for e in at.expander if e.label.startswith("Earlier rounds")]
    at.button(key="sm_new_round").click().run()
    assert not at.exception
    assert "Pass the laptop to" in at.header[0].value  # a fresh private turn
    assert MARK_A not in everything(at) and MARK_B not in everything(at)
    assert len(svc.runs(store, ready_couple.id)) == 2
    answer(at, 2, "a", "second round a", 5)
    answer(at, 2, "b", "second round b", 5)
    reveal_both(at, 2)
    assert "What makes you feel safe — together" in [h.value for h in at.header]
    earlier = [e for e in at.expander if e.label.startswith("Earlier rounds")]
    assert [e.label for e in earlier] == ["Earlier rounds (1)"]
    assert any("differed most" in m.value for m in earlier[0].markdown)


# -- random sequences of what a partner can do -------------------------------------------------

ACTIONS = st.one_of(
    st.tuples(st.just("set"), st.integers(0, 9), st.sampled_from([*POINTS, SKIP])),
    st.tuples(st.just("forward"), st.just(0), st.just(0)),
    st.tuples(st.just("back"), st.just(0), st.just(0)),
    st.tuples(st.just("reload"), st.just(0), st.just(0)),
    st.tuples(st.just("unseal"), st.just(0), st.just(0)),
)


@settings(
    max_examples=12,
    deadline=None,
    suppress_health_check=[HealthCheck.function_scoped_fixture, HealthCheck.too_slow],
)
@given(moves=st.lists(ACTIONS, min_size=1, max_size=9))
def test_stored_is_exactly_the_last_value_set(make_app, data_dir, moves):
    """Answer, skip, Back, Go on, reload, seal-and-unseal in any order: the store holds,
    per item, exactly the last value the partner chose — and nothing untouched."""
    from studio.store import Store, default_database_url

    store = Store(default_database_url())
    couple = store.create_couple(
        name_a="Robin",
        name_b="Sam",
        color_a="blue",
        color_b="orange",
        symbol_a="circle",
        symbol_b="triangle",
    )
    store.update_couple(couple.id, stage="ready")
    run_id = svc.ensure_run(store, couple.id).id
    at = start(make_app, couple)
    open_curtain(at)
    expected: dict[str, tuple[object, bool]] = {}
    for kind, i, value in moves:
        section = section_of(at, run_id, "a")
        if kind == "set" and section_scales(SPEC, section):
            r = radios(at)[i % len(radios(at))]
            r.set_value(value).run()
            item = r.key.split(f"sm_{run_id}_a_", 1)[1]
            expected[item] = (None, True) if value == SKIP else (value, False)
        elif kind == "forward" and section != "review":
            go_on(at, run_id, "a")
        elif kind == "back" and section != "words":
            at.button(key=f"sm_back_{run_id}_a_{section}").click().run()
        elif kind == "reload":
            at = start(make_app, couple)
            open_curtain(at)
        elif kind == "unseal" and section == "review":
            at.button(key=f"sm_seal_{run_id}_a").click().run()
            at.button(key=f"sm_ask_unseal_{run_id}").click().run()
            at.button(key=f"sm_unseal_yes_{run_id}").click().run()
            open_curtain(at)
        assert not at.exception
        stored = {k: v for k, v in store.answers_of(run_id, "a").items() if k != flow.TEXT}
        assert stored == expected, (kind, section)
    store.dispose()
