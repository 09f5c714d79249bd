"""The page areas: each a file with its `ROUTES`, listed once here."""

from ossature.web._abilities import NavItem, Needs
from ossature.web.pages import account, admin, billing, browse, gallery, operator, session, support

AREAS = [session, gallery, browse, admin, billing, operator, account, support]

# The header's links, in the order shown, each with what its page needs: a product module
# (drawn unavailable when the tenant has not got it) or an action (shown to whom may).
NAV = [
    NavItem("/folders", "base.nav-projects"),
    NavItem("/audit", "base.nav-audit"),
    NavItem("/analytics/logins", "base.nav-logins", Needs(module="analytics")),
    NavItem("/billing", "base.nav-billing", Needs(action="billing.read")),
    NavItem("/operator/tenants", "base.nav-tenants", Needs(action="platform.tenants.read")),
    NavItem(
        "/operator/investigations", "base.nav-investigations", Needs(action="platform.support")
    ),
    NavItem("/operator/announcements", "base.nav-announcements", Needs(action="platform.announce")),
    NavItem("/changelog", "base.nav-changelog"),
    NavItem("/reports", "base.nav-reports"),
    NavItem("/account", "base.nav-account"),
]

__all__ = ["AREAS", "NAV"]
