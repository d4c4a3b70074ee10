"""Command line: `lovebank migrate | seed-demo | makemigration | verify-ledger | rotate-key | import-statement | settings`."""

import click
from flask import current_app
from flask.cli import FlaskGroup

from server.db import database


def register_commands(app) -> None:
    @app.cli.command("migrate")
    def migrate_command():
        """Apply pending migrations and seed the service menu and teams."""
        from server import migrations
        from server.services.board import catalog

        applied = migrations.migrate(database.obj)
        catalog.seed()
        click.echo(f"migrations applied: {', '.join(applied) or 'none (up to date)'}")

    @app.cli.command("seed-demo")
    def seed_demo_command():
        """Load the demo communities and members (once)."""
        from server.services.people import demo

        click.echo("demo data loaded" if demo.load() else "demo data already present")

    @app.cli.command("makemigration")
    @click.argument("name")
    def makemigration_command(name):
        """Write the next migration from the difference between the database and the models."""
        from playhouse.migrations import template
        from playhouse.schema_diff import diff_models

        from server import migrations
        from server.models import MODELS

        diff = diff_models(database.obj, MODELS)
        if not diff:
            click.echo("schema matches the models: nothing to write")
            return
        click.echo(migrations.runner(database.obj).create(name, body=migrations.tidy(template(diff), name)))

    @app.cli.command("verify-ledger")
    @click.option("--community", "community_code", default=None, help="Only this community (its code)")
    def verify_ledger_command(community_code):
        """Recompute every ledger invariant for every community and every exchange network (or one community
        and its network); exit 1 and list violations if any."""
        from server.models import Community, Network, NetworkMember
        from server.services.ledger import ledger_verify

        community_id = None
        if community_code:
            community_id = Community.select(Community.id).where(Community.code == community_code).scalar()
            if community_id is None:
                raise click.BadParameter(f"no community with the code {community_code!r}", param_hint="--community")
        violations = ledger_verify.verify(community_id)
        for violation in violations:
            click.echo(f"{violation.rule}: {violation.detail} {violation.as_dict()}")
        if community_id is None:
            scope = f"{Community.select().count()} communities, {Network.select().count()} networks"
        else:
            scope = f"community {community_code}" + (", its network" if NetworkMember.select().where(
                NetworkMember.community == community_id).exists() else "")
        click.echo(f"ledger verified ({scope}): {'OK' if not violations else f'{len(violations)} violation(s)'}")
        raise SystemExit(1 if violations else 0)

    @app.cli.command("rotate-key")
    @click.option("--community", "community", required=True, help="The community (its id or its code)")
    def rotate_key_command(community):
        """Retire a community's statement-signing key and make a new one (the old stays published)."""
        from server.models import Community
        from server.services.ledger import signing

        found = Community.get_or_none((Community.code == community)
                                      | (Community.id == (int(community) if community.isdigit() else -1)))
        if found is None:
            raise click.ClickException(f"no community {community!r}")
        key = signing.rotate(found.id)
        click.echo(f"new signing key {key.key_id} (valid from {key.valid_from:%Y-%m-%d %H:%M:%S}); "
                   "earlier keys stay published for verification")

    @app.cli.command("import-statement")
    @click.argument("file", type=click.File("r", encoding="utf-8"))
    @click.option("--household", "household_id", type=int, required=True, help="The household to credit (its id)")
    def import_statement_command(file, household_id):
        """Verify a statement signed by another Love Bank (trusted keys) and credit its closing balance once."""
        from server.errors import LoveBankError
        from server.services.ledger import statement_import

        try:
            transfer, fresh = statement_import.import_statement(statement_import.read_document(file.read()),
                                                                household_id)
        except LoveBankError as exc:
            reasons = exc.details.get("reasons") or []
            lines = [exc.message, *(f"{r['code']}: {r['message']}" for r in reasons[1:])]
            raise click.ClickException("; ".join(lines)) from None
        done = "imported" if fresh else "already imported, nothing posted"
        click.echo(f"{done}: transfer {transfer.id}, {transfer.minutes} minutes ({transfer.reason})")

    @app.cli.command("settings")
    def settings_command():
        """Print the effective settings (secrets hidden)."""
        for key, value in sorted(current_app.config.items()):
            if key.isupper() and not key.startswith(("API_", "OPENAPI_")):
                if "SECRET" in key and value:
                    value = "***"
                click.echo(f"{key}={value}")


def _create_app():
    from server.app import create_app

    return create_app()


cli = FlaskGroup(create_app=_create_app, add_default_commands=True)

if __name__ == "__main__":
    cli()
