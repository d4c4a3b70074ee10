"""The API's resources, registered in this order (the OpenAPI lists them so)."""

from server.resources import (
    audits,
    auth,
    catalog,
    communities,
    health,
    households,
    ledger,
    me,
    members,
    notices,
    notifications,
    passbook,
    records,
    reports,
    stars,
    subscriptions,
    teams,
    volunteers,
)

MODULES = (
    health, auth, me, catalog, communities, households, members, volunteers, teams, records, passbook, ledger,
    notifications, subscriptions, reports, audits, notices, stars,
)


def register_blueprints(api) -> None:
    for module in MODULES:
        api.register_blueprint(module.blp)
