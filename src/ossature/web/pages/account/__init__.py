"""The account area: signing in (with the second step), the language, the pages of mailed
links, and the account page (decision 59).

Every page works without JavaScript: each action is a form posted to its own path, answered
with a page or a redirect (303), and a refusal is shown on the page it came from as the
message of its `messageKey` in the user's language.
"""

from ossature.web.pages.account import links, settings, sign_in, terms

__all__ = ["ROUTES"]

ROUTES = [*sign_in.ROUTES, *links.ROUTES, *settings.ROUTES, *terms.ROUTES]
