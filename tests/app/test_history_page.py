"""Our story so far through AppTest: the kind empty state, what's been looked at together
and nothing else, hostile names shown as text, and the report's two buttons."""

from __future__ import annotations

from studio import safety_service
from studio.exercises import load_catalog
from tests.app.conftest import ROOT, switch_to
from tests.app.helpers import everything

SPEC = load_catalog(ROOT / "exercises").get("safety_map")
SHOWN = "shown-words-4t2"
SEALED = "sealed-words-9q7"
HOSTILE = "<img src=x onerror=alert(1)> **bold** http://evil.example"


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


def test_an_empty_story_is_kind(make_app, ready_couple):
    at = switch_to(make_app(c=ready_couple.token).run(), "history")
    assert not at.exception
    assert "Nothing here yet" in everything(at)
    assert not at.get("plotly_chart")


def test_only_what_both_have_seen_and_names_as_text(make_app, ready_couple, store):
    store.update_couple(ready_couple.id, name_a=HOSTILE)
    a_round(store, ready_couple, SHOWN, 2)
    a_round(store, ready_couple, SEALED, 9, reveal=False)
    at = switch_to(make_app(c=ready_couple.token).run(), "history")
    assert not at.exception
    shown = everything(at)
    assert SHOWN.replace("-", "\\-") in shown or SHOWN in shown
    assert SEALED not in shown and SEALED.replace("-", "\\-") not in shown
    charts = at.get("plotly_chart")
    assert charts and all(SEALED not in c.proto.spec for c in charts)
    assert "<img" not in "".join(
        m.value for m in at.markdown if "&lt;" not in m.value and "\\<" not in m.value
    )
    labels = [b.proto.label for b in at.get("download_button")]
    assert labels == ["Download our report (web page)", "Download our report (PDF)"]
