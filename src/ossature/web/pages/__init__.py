"""The page areas: each a file with its `ROUTES`, listed once here."""

from ossature.web.pages import account, admin, browse, gallery, session, support

AREAS = [session, gallery, browse, admin, account, support]

# The header's links: (path, catalog key), in the order shown.
NAV = [
    ("/folders", "base.nav-projects"),
    ("/audit", "base.nav-audit"),
    ("/analytics/logins", "base.nav-logins"),
    ("/changelog", "base.nav-changelog"),
    ("/reports", "base.nav-reports"),
    ("/account", "base.nav-account"),
]

__all__ = ["AREAS", "NAV"]
