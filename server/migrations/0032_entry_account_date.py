"""An account's entries found by date (issue 17, a city's monthly close): the close takes each household's
opening balance as its balance now less what was dated since the month began, so it reads only the entries
of the month closed and after, by this index, where it read every entry each household ever had (a city's
millions, in random order, and more every year). One index page written per entry is what it costs."""


def up(migrator, db):
    migrator.migrate(migrator.add_index('entry', ('account_id', 'effective_date')))


def down(migrator, db):
    migrator.migrate(migrator.drop_index('entry', 'entry_account_id_effective_date'))
