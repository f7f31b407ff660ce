"""The dashboard's pages by address: each reader page's file, URL path and icon, and the others'.

One list for the navigation (dashboard/app.py) and for the server that answers a page's address
(dashboard/asgi.py); the overview is the default page, at the root.
"""

from __future__ import annotations

# The reader's pages: (file in app_pages/, URL path and i18n key, icon); overview is the default.
READER_PAGES = (
    ("overview", "overview", ":material/dashboard:"),
    ("trains", "trains", ":material/train:"),
    ("freight", "freight", ":material/payments:"),
    ("agri", "agri", ":material/agriculture:"),
    ("reach", "reach", ":material/public:"),
    ("sources", "data", ":material/table:"),
)
DEFAULT_PAGE = "overview"
UPLOAD = "upload"
PRESENT = "present"


def url_paths() -> tuple[str, ...]:
    """Return every page's URL path (the default page's too, though it is served at the root)."""
    return (*(path for _, path, _ in READER_PAGES), UPLOAD, PRESENT)
