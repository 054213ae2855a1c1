"""The safety map page through AppTest: the whole flow, resume mid-flow, privacy."""

from __future__ import annotations

from streamlit.testing.v1 import AppTest

from tests.app.conftest import ROOT, switch_to

MARK_A = "marker-a-x81 hugs"
MARK_B = "marker-b-q27 quiet"


def everything(at: AppTest) -> str:
    """Every value the page would send to the browser, as one string."""
    parts = []
    for kind in ("title", "header", "subheader", "markdown", "text", "caption", "info",
                 "success", "warning", "error", "text_area", "button", "expander"):
        for el in getattr(at, kind):
            parts.append(str(getattr(el, "value", "")) + str(getattr(el, "label", "")))
    return "\n".join(parts)


def open_curtain(at: AppTest) -> AppTest:
    btn = next(b for b in at.button if b.key and b.key.startswith("curtain_btn"))
    return btn.click().run()


def answer(at: AppTest, run_id: int, p: str, text: str, value: int) -> AppTest:
    open_curtain(at)
    at.text_area[0].input(text).run()
    at.button(key=f"sm_next_{run_id}_{p}_0").click().run()
    for sl in at.slider:
        sl.set_value(value).run()
    at.button(key=f"sm_next_{run_id}_{p}_1").click().run()
    at.button(key=f"sm_next_{run_id}_{p}_2").click().run()
    at.button(key=f"sm_next_{run_id}_{p}_3").click().run()
    return at.button(key=f"sm_seal_{run_id}_{p}").click().run()


def start(make_app, couple) -> AppTest:
    at = make_app(c=couple.token).run()
    switch_to(at, "safety_map")
    at.button(key="sm_start").click().run()
    return at


def test_whole_flow_to_the_reveal(make_app, ready_couple):
    at = start(make_app, ready_couple)
    answer(at, 1, "a", MARK_A, 1)
    assert not at.exception
    assert MARK_A not in everything(at)  # B's curtain: nothing of A's
    open_curtain(at)
    assert MARK_A not in everything(at)  # B's own turn: still nothing of A's
    at.text_area[0].input(MARK_B).run()
    at.button(key="sm_next_1_b_0").click().run()
    for sl in at.slider:
        sl.set_value(9).run()
    for i in (1, 2, 3):
        at.button(key=f"sm_next_1_b_{i}").click().run()
    at.button(key="sm_seal_1_b").click().run()
    assert at.title[0].value == "You've both sealed your answers"
    assert MARK_A not in everything(at) and MARK_B not in everything(at)
    at.button(key="sm_ready_1_a").click().run()
    at.button(key="sm_ready_1_b").click().run()
    assert not at.exception
    assert at.title[0].value == "What makes you feel safe — together"
    texts = [t.value for t in at.text]
    assert MARK_A in texts and MARK_B in texts
    assert len(at.get("plotly_chart")) >= 4
    # Positions 1 vs 9 on every scale: everything is far apart, nothing close.
    assert any("8 points apart" in m.value for m in at.markdown)


def test_resume_mid_turn_in_a_new_session(make_app, ready_couple):
    at = start(make_app, ready_couple)
    open_curtain(at)
    at.text_area[0].input(MARK_A).run()
    at.button(key="sm_next_1_a_0").click().run()
    at.slider[0].set_value(3).run()  # saved as it is given
    # A new session (a reload) with the same link: the curtain first, then the same part.
    again = make_app(c=ready_couple.token).run()
    switch_to(again, "safety_map")
    assert "Pass the laptop to" in again.header[0].value
    open_curtain(again)
    assert again.header[0].value == "Where you stand"
    assert again.slider[0].value == 3
    again.button(key="sm_back_1_a_1").click().run()
    assert again.text_area[0].value == MARK_A


def test_sealed_answers_stay_sealed_after_reload(make_app, ready_couple):
    at = start(make_app, ready_couple)
    answer(at, 1, "a", MARK_A, 2)
    again = make_app(c=ready_couple.token).run()
    switch_to(again, "safety_map")
    assert MARK_A not in everything(again)
    open_curtain(again)
    assert "Sam" in again.title[0].value
    assert MARK_A not in everything(again)


def test_unseal_with_the_others_agreement(make_app, ready_couple):
    at = start(make_app, ready_couple)
    answer(at, 1, "a", MARK_A, 2)
    at.button(key="sm_ask_unseal_1").click().run()
    assert any("would like to open" in m.value for m in at.markdown)
    at.button(key="sm_unseal_yes_1").click().run()
    open_curtain(at)
    assert "Robin" in at.title[0].value
    assert at.header[0].value == "Look over and seal"


def test_too_long_text_keeps_what_was_written(make_app, ready_couple):
    at = start(make_app, ready_couple)
    open_curtain(at)
    long = "word " * 500  # 2,500 characters
    at.text_area[0].input(long).run()
    at.button(key="sm_next_1_a_0").click().run()
    assert not at.exception
    assert any("2,000" in e.value for e in at.error)
    assert at.text_area[0].value == long
    assert at.header[0].value == "What makes you feel safe?"


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
    answer(at, 1, "b", MARK_B, 7)
    at.button(key="sm_ready_1_a").click().run()
    at.button(key="sm_ready_1_b").click().run()
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
    from studio import safety_service as svc

    at = start(make_app, ready_couple)
    answer(at, 1, "a", MARK_A, 2)
    answer(at, 1, "b", MARK_B, 7)
    at.button(key="sm_ready_1_a").click().run()
    at.button(key="sm_ready_1_b").click().run()
    assert not [e for e in at.expander if e.label.startswith("Earlier rounds")]
    at.button(key="sm_new_round").click().run()
    assert not at.exception
    assert "Pass the laptop to" in at.header[0].value  # a fresh private turn
    assert MARK_A not in everything(at) and MARK_B not in everything(at)
    assert len(svc.runs(store, ready_couple.id)) == 2
    answer(at, 2, "a", "second round a", 5)
    answer(at, 2, "b", "second round b", 5)
    at.button(key="sm_ready_2_a").click().run()
    at.button(key="sm_ready_2_b").click().run()
    assert at.title[0].value == "What makes you feel safe — together"
    earlier = [e for e in at.expander if e.label.startswith("Earlier rounds")]
    assert [e.label for e in earlier] == ["Earlier rounds (1)"]
    assert any("Shared ground" in m.value for m in earlier[0].markdown)
