"""Which kind of device a couple holds, from the browser's User-Agent, for wording only.

"Pass the laptop to Sam" is wrong in a phone's hand. The studio never changes what it
does by device, only the noun it uses; anything it does not recognise is a laptop, the
product's first setting. Pure Python: the page passes the header in.
"""

from __future__ import annotations

import re

PHONE, TABLET, LAPTOP = "phone", "tablet", "laptop"

# Phones say "Mobi" (Android phones, iOS Safari/Chrome/Firefox: "Mobile"); iPads and
# Android tablets say iPad / Android without "Mobile".
_PHONE_RE = re.compile(r"iPhone|iPod|Android.*Mobile|Mobi|Windows Phone", re.IGNORECASE)
_TABLET_RE = re.compile(r"iPad|Android|Tablet|Silk|Kindle", re.IGNORECASE)


def device_kind(user_agent: str | None) -> str:
    """'phone', 'tablet' or 'laptop' (the default, also for desktops and unknowns)."""
    ua = user_agent or ""
    if _PHONE_RE.search(ua):
        return PHONE
    if _TABLET_RE.search(ua):
        return TABLET
    return LAPTOP
