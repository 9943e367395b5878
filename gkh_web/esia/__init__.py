"""The embedded DEMO ЕСИА (Госуслуги) identity provider: a separate system inside this server.

It plays the part of the real ЕСИА so the kiosk can be shown without one:
users who sign in by phone, e-mail or СНИЛС (``users``), a login throttle that
does not reveal who exists (``throttle``), single-use authorization codes and
short-lived access tokens (``tokens``), the sign-in itself (``provider``) and
the OAuth endpoints ``/esia/token`` and ``/esia/userinfo`` (``api``).

The ГИС ЖКХ side (``gkh_web.services``) never imports this package and never
reads its tables: it talks to it over HTTP exactly as it would to the real
ЕСИА (``gkh_web.services.identity.esia_client``), so setting ``GKH_ESIA_URL`` swaps the
demo for a real provider without code changes. Only the app wiring
(``gkh_web.gkh_web``), the provider's own login page/state and the ``gkh esia``
command import it. Nothing here imports Reflex.
"""
