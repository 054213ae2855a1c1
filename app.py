"""Side by Side — the router: page config, navigation, the sidebar (break, projector)."""

from __future__ import annotations

from pathlib import Path

import streamlit as st

from studio import registry, services
from studio.ui import context, curtain, layout, room_banner, theme
from studio.ui.partner import label

st.set_page_config(
    page_title="Side by Side",
    page_icon=str(Path(__file__).parent / "studio" / "assets" / "icon.png"),
    layout="wide" if context.projector() else "centered",
    initial_sidebar_state="auto",  # collapsed on phones (couples joining a workshop)
    menu_items={
        "Get help": None,
        "Report a bug": None,
        "About": "Side by Side: a calm studio for two. Everything stays on this computer.",
    },
)


def _exercise_pages() -> list:
    """One page per kind of exercise, from the registry (each file of a kind opens on its
    kind's page, named by ``?exercise=``)."""
    return [
        st.Page(
            context.PAGES[k.page],
            title=k.title,
            icon=k.icon,
            url_path=k.url_path,
        )
        for k in registry.with_pages()
    ]


def _pages() -> tuple[list, list, list, list]:
    """The page objects, built once per browser tab (building them is a few ms per run;
    one tab runs one script at a time, so its own objects are never shared)."""
    P = context.PAGES
    exercises_here = _exercise_pages()
    return (
        [
            st.Page(P["welcome"], title="Welcome", icon=":material/home:", default=True),
            st.Page(P["setup"], title="Set up", icon=":material/group:", url_path="setup"),
            st.Page(P["home"], title="Our space", icon=":material/favorite:", url_path="our-space"),
            *exercises_here,
            st.Page(
                P["history"],
                title="Our story so far",
                icon=":material/timeline:",
                url_path="our-story",
            ),
            st.Page(P["join"], title="Join a workshop", icon=":material/login:", url_path="join"),
            st.Page(P["data"], title="Your data", icon=":material/lock:", url_path="your-data"),
            st.Page(
                P["resources"],
                title="Help and resources",
                icon=":material/support:",
                url_path="resources",
            ),
        ],
        [
            st.Page(
                P["workshop"],
                title="Run a workshop",
                icon=":material/co_present:",
                url_path="workshop",
            ),
        ],
        # Opened by its own link from the presenter view; never in the sidebar.
        [
            st.Page(
                P["room_screen"], title="Room screen", icon=":material/tv:", url_path="room-screen"
            )
        ],
        exercises_here,
    )


if "_sbs_pages_v2" not in st.session_state:
    st.session_state["_sbs_pages_v2"] = _pages()
couple_pages, facilitator_pages, screen_pages, exercise_pages = st.session_state["_sbs_pages_v2"]
page = st.navigation(
    {"For the two of you": couple_pages, "For facilitators": facilitator_pages + screen_pages},
    position="hidden",
)

projector = context.projector()
theme.apply(projector=projector)
store_problem = context.store_problem()  # None, or why the data file can't be opened
couple = context.current_couple() if context.token() and store_problem is None else None


def _pause(token: str) -> None:
    """ "We need a break": the break begins, and every hand-over screen closes."""
    curtain.close_all()
    store = context.store()
    found = store.couple_by_token(token)
    if found is not None:
        services.pause(store, found)


def _projector_switched() -> None:
    room_banner.set_projector(bool(st.session_state[room_banner.NAV_PROJECTOR]))


def sidebar() -> None:
    """Links that keep the couple's token, a break, projector mode. Not drawn at all in
    projector mode: it is hidden there, and its links carry the page's parameters."""
    with st.sidebar:
        st.markdown("### Side by Side")
        if couple is not None:
            st.caption("Together here: " + label(couple, "a") + " and " + label(couple, "b"))
        st.caption("For the two of you")
        params = context.keep_params()
        # Which page is which kind's, by the page object itself (its url_path property
        # fails when app.py runs outside a server, e.g. as a spawned process's __main__).
        by_page = {id(pg): k for pg, k in zip(exercise_pages, registry.with_pages(), strict=True)}
        listed = registry.exercises(context.catalog()) if couple is not None else []
        for p in couple_pages:
            kind = by_page.get(id(p))
            if kind is None or couple is None:  # (no couple: the catalog isn't read here)
                st.page_link(p, query_params=params)
                continue
            # An exercise page: one link per exercise file of its kind (its own title).
            for item in (i for i in listed if i.kind is kind):
                st.page_link(
                    p,
                    label=item.title,
                    query_params=context.keep_params(**item.params()),
                )
        st.caption("For facilitators")
        for p in facilitator_pages:
            st.page_link(p, query_params=params)
        st.divider()
        if (
            couple is not None
            and couple.paused_at is None
            and page.url_path not in ("resources", "your-data")
        ):
            st.button(
                "We need a break",
                icon=":material/pause_circle:",
                key="nav_pause",
                help="Stop here for a while. Everything is kept.",
                width="stretch",
                on_click=_pause,
                args=(couple.token,),
            )
        st.toggle(
            "Projector mode",
            value=projector,
            key=room_banner.NAV_PROJECTOR,
            help="Large type and high contrast for a big screen.",
            on_change=_projector_switched,
        )
        st.caption("Not therapy. Everything stays on this computer.")


room_screen = page.url_path == "room-screen"  # the projector's own page: no sidebar
curtain.page_changed(page.url_path)  # a private turn on another page starts at its hand-over
if not projector and not room_screen:
    sidebar()

if store_problem is not None and page.url_path != "resources":
    context.store()  # says which file can't be opened, then stops (help stays reachable)

on_break = (
    couple is not None
    and couple.paused_at is not None
    and page.url_path not in ("resources", "your-data")
    and page.title not in ("Run a workshop",)
)
if room_screen:
    page.run()  # no couple, no banner, no way out to draw: the screen only follows
elif on_break and couple is not None:
    layout.break_screen(couple)
elif projector and room_banner.private_page(page.url_path):
    room_banner.kept_off_projector()  # a couple's answers never go to a big screen
else:
    if projector:
        room_banner.projector_way_out(page.url_path)  # the sidebar is hidden there
    else:
        room_banner.show(couple, page.url_path)  # the workshop the couple joined, if any
    page.run()
