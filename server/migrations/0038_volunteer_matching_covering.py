"""Matching's building and area indexes (0031) end with the volunteer's id (issue 17 goal 5, round 2): each
volunteer's fit is probed by it, so without it PostgreSQL read the table row of every volunteer in the task's
building (1,593 rows, 1,322 heap pages in the benchmark's community) before it could skip the busy and those
who do not fit; with it the read is index-only (the specialties are read for the volunteers kept only).
SQLite's indexes already carry the rowid: the same columns there keep the schema the models'."""

BUILDING = '"community_id", "building", "status", "availability_mask", "member_id"'
AREA = '"community_id", "area", "status", "availability_mask", "building", "member_id"'


def _replace(db, building, area):
    db.execute_sql('DROP INDEX "volunteer_matching_building"')
    db.execute_sql(f'CREATE INDEX "volunteer_matching_building" ON "volunteer" ({building})')
    db.execute_sql('DROP INDEX "volunteer_matching_area"')
    db.execute_sql(f'CREATE INDEX "volunteer_matching_area" ON "volunteer" ({area})')


def up(migrator, db):
    _replace(db, BUILDING + ', "id"', AREA + ', "id"')


def down(migrator, db):
    _replace(db, BUILDING, AREA)
