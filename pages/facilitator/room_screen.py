"""The room screen, for the projector: ``/room-screen?screen=<token>``.

Script step, timer, counts, join code and QR, released results. No controls, no
sidebar, no secret: the screen token only lets it follow the room.
"""

from studio.ui import workshop_view

workshop_view.room_screen()
