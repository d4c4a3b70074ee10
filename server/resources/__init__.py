"""The API's resources, registered in this order (the OpenAPI lists them so)."""

from server.resources import (
    agreements,
    audits,
    auth,
    catalog,
    code_cards,
    communities,
    console_sessions,
    corrections,
    desk,
    events,
    health,
    households,
    imports,
    ledger,
    me,
    members,
    moves,
    networks,
    notices,
    notifications,
    passbook,
    providers,
    records,
    redemption,
    reports,
    requests,
    sms,
    stars,
    statements,
    subscriptions,
    tasks,
    teams,
    volunteers,
)

MODULES = (
    health, auth, me, catalog, communities, households, members, sms, volunteers, teams, records, code_cards, corrections,
    passbook, ledger, networks, moves, requests, tasks, providers, agreements, events, desk, notifications, subscriptions,
    reports, redemption, audits, notices, stars, statements, console_sessions, imports,
)


def register_blueprints(api) -> None:
    for module in MODULES:
        api.register_blueprint(module.blp)
