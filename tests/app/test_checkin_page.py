"""The weekly check-in page through AppTest: the whole ritual, privacy of the sealed
ratings on every screen, untouched answers that never count, an old tab, hostile words."""

from __future__ import annotations

from streamlit.testing.v1 import AppTest

from studio import checkin_service as svc
from studio import dialogue_service
from studio.exercises import load_catalog
from studio.text import content_md
from tests.app.conftest import ROOT, switch_to
from tests.app.helpers import everything, open_curtain

SPEC = svc.find_spec(load_catalog(ROOT / "exercises"))
HOSTILE = "<img src=x onerror=alert(1)> **bold** http://evil.example"


def start(make_app, couple) -> AppTest:
    at = switch_to(make_app(c=couple.token).run(), "checkin")
    assert not at.exception
    return at.button(key="ck_start").click().run()


def item_radios(at: AppTest) -> list:
    return [r for r in at.radio if r.key and r.key.startswith("ck_") and r.key.count("_") >= 3]


def rate(at: AppTest, cid: int, p: str, values: dict[str, int] | None) -> AppTest:
    open_curtain(at)
    for key, value in (values or {}).items():  # found afresh in each new screen
        at.radio(key=f"ck_{cid}_{p}_{key}").set_value(value).run()
    return at.button(key=f"ck_seal_{cid}_{p}").click().run()


def test_the_whole_check_in(make_app, ready_couple, store):
    at = start(make_app, ready_couple)
    cid = svc.current(store, ready_couple.id).id
    at.text_area(key=f"ck_appr_{cid}_a").input("You made soup " + HOSTILE).run()
    at.button(key=f"ck_go_rate_{cid}").click().run()
    assert not at.exception
    at = rate(at, cid, "a", {"said_it": 4, "close": 3})
    assert "Completely" not in everything(at)  # b's hand-over: nothing of a's on screen
    at = rate(at, cid, "b", {"said_it": 1})
    at.button(key=f"ck_ready_{cid}_a").click().run()
    at.button(key=f"ck_ready_{cid}_b").click().run()
    shown = everything(at)
    assert "Completely" in shown and "A little" in shown
    assert content_md(SPEC.item("said_it").gap_word) in shown  # 4 vs 1: a gentle word
    assert content_md(SPEC.item("close").gap_word) not in shown  # one left it out
    at.button(key=f"ck_go_talk_{cid}").click().run()
    at.text_input(key=f"ck_topic_{cid}").input("Sunday evenings").run()
    at.button(key=f"ck_talk_later_{cid}").click().run()
    assert [t.text for t in dialogue_service.topic_choices(store, ready_couple)] == [
        "Sunday evenings"
    ]
    at.button(key=f"ck_repair_yes_{cid}").click().run()
    at.text_area(key=f"ck_keep_{cid}_a").input("Ask first").run()
    at.button(key=f"ck_switch_{cid}_a").click().run()
    at.button(key=f"ck_repair_done_{cid}").click().run()
    at.button(key=f"ck_next_{cid}").click().run()
    assert not at.exception
    shown = everything(at)
    assert "Thank you both" in shown and "Your next check-in" in shown
    assert at.get("download_button")  # the calendar file
    export = store.export_couple(ready_couple.id)["checkins"][0]
    assert export["appreciations"]["a"] == "You made soup " + HOSTILE
    assert export["ratings"]["b"] == {"said_it": 1}
    assert export["repair"]["a"] == "Ask first" and export["next_day"] is not None


def test_untouched_questions_are_never_answers(make_app, ready_couple, store):
    at = start(make_app, ready_couple)
    cid = svc.current(store, ready_couple.id).id
    at.button(key=f"ck_go_rate_{cid}").click().run()
    rate(at, cid, "a", None)
    item = svc.current(store, ready_couple.id)
    assert svc.own_ratings(store, item, "a") == {}
    assert all(r.value is None for r in item_radios(open_curtain(at)))  # b: nothing chosen


def test_sealed_ratings_stay_sealed_after_reload_and_in_a_new_tab(make_app, ready_couple, store):
    at = start(make_app, ready_couple)
    cid = svc.current(store, ready_couple.id).id
    at.button(key=f"ck_go_rate_{cid}").click().run()
    rate(
        at,
        cid,
        "a",
        {"said_it": 4, "kind_in_conflict": 4, "hard_topics": 4, "close": 4, "heard": 4},
    )
    fresh = switch_to(make_app(c=ready_couple.token).run(), "checkin")
    assert "Completely" not in everything(fresh)
    assert not item_radios(fresh)  # the curtain is up for b
    open_curtain(fresh)
    assert all(r.value is None for r in item_radios(fresh))


def test_an_old_tab_cannot_write_after_the_seal(make_app, ready_couple, store):
    at = start(make_app, ready_couple)
    cid = svc.current(store, ready_couple.id).id
    at.button(key=f"ck_go_rate_{cid}").click().run()
    old = open_curtain(at)
    radio = item_radios(old)[0]
    svc.seal(store, svc.current(store, ready_couple.id), "a")  # sealed from another tab
    radio.set_value(2).run()
    assert not old.exception
    assert svc.own_ratings(store, svc.current(store, ready_couple.id), "a") == {}
    assert "a step behind" in everything(old)


def test_hostile_words_are_shown_as_text(make_app, ready_couple, store):
    store.update_couple(ready_couple.id, name_a=HOSTILE)
    at = start(make_app, ready_couple)
    assert not at.exception
    for md in at.markdown:
        assert "<img" not in md.value or "&lt;img" in md.value or "\\<img" in md.value


def test_a_broken_content_file_is_a_kind_message(make_app, ready_couple, tmp_path, monkeypatch):
    import shutil

    from studio import exercises

    folder = tmp_path / "ex"
    shutil.copytree(ROOT / "exercises", folder)
    (folder / "weekly_checkin.toml").write_text('kind = "checkin"\nid = "weekly_checkin"\n')
    monkeypatch.setattr(exercises, "EXERCISES_DIR", folder)
    at = switch_to(make_app(c=ready_couple.token).run(), "checkin")
    assert not at.exception
    assert "content file has a problem" in everything(at)
    assert "weekly_checkin.toml" in everything(at)
