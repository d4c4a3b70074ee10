"""The API's resources, registered in this order (the OpenAPI lists them so)."""

from server.resources import (
    agreements,
    audits,
    auth,
    catalog,
    communities,
    desk,
    events,
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
    requests,
    stars,
    statements,
    subscriptions,
    tasks,
    teams,
    volunteers,
)

MODULES = (
    health, auth, me, catalog, communities, households, members, volunteers, teams, records, passbook, ledger,
    requests, tasks, agreements, events, desk, notifications, subscriptions, reports, audits, notices, stars,
    statements,
)


def register_blueprints(api) -> None:
    for module in MODULES:
        api.register_blueprint(module.blp)
