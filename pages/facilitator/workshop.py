"""Run a workshop: the presenter view (every control, a preview of the room screen).

Only the link with the room's secret (``?room=…``) can run a room; the room screen has
its own link (pages/facilitator/room_screen.py). Drawing is in studio.ui.workshop_view,
rules in studio.room_service.
"""

from studio.ui import workshop_view

workshop_view.facilitator_page()
