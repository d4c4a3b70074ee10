"""A volunteer's building and area (issue 17 goal 5: matching among 100,000 volunteers): copied from their
household, kept in step by the services that change either (people.place_volunteers), indexed with the
community so matching reads a task's building, then its area, then the rest, and stops once its top K
is proven. Existing volunteers get their household's address here."""
from peewee import *


def up(migrator, db):
    # Not the migrator: on SQLite it would rebuild the table for a NOT NULL column, dropping 0015's triggers.
    db.execute_sql('ALTER TABLE "volunteer" ADD COLUMN "building" VARCHAR(16) NOT NULL DEFAULT \'\'')
    db.execute_sql('ALTER TABLE "volunteer" ADD COLUMN "area" VARCHAR(32) NOT NULL DEFAULT \'\'')
    for column in ("building", "area"):
        db.execute_sql(
            f'UPDATE "volunteer" SET "{column}" = (SELECT "household"."{column}" FROM "member" '
            'JOIN "household" ON "household"."id" = "member"."household_id" '
            'WHERE "member"."id" = "volunteer"."member_id") '
            'WHERE EXISTS (SELECT 1 FROM "member" WHERE "member"."id" = "volunteer"."member_id" '
            'AND "member"."household_id" IS NOT NULL)')
    # status, availability and member too: matching skips the busy and the inactive inside the index
    db.execute_sql('CREATE INDEX "volunteer_matching_building" ON "volunteer" '
                   '("community_id", "building", "status", "availability_mask", "member_id")')
    db.execute_sql('CREATE INDEX "volunteer_matching_area" ON "volunteer" '
                   '("community_id", "area", "status", "availability_mask", "building", "member_id")')


def down(migrator, db):
    db.execute_sql('DROP INDEX "volunteer_matching_area"')
    db.execute_sql('DROP INDEX "volunteer_matching_building"')
    # Not the migrator either way: SQLite (3.35+) drops a plain column in place, keeping the triggers.
    db.execute_sql('ALTER TABLE "volunteer" DROP COLUMN "area"')
    db.execute_sql('ALTER TABLE "volunteer" DROP COLUMN "building"')
