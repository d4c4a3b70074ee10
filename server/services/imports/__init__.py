"""Imports from paper and Excel (导入): the service station's 台账 and paper passbooks brought into Love Bank.

`sheets` reads an uploaded XLSX or CSV into rows; `columns` names each kind's columns (the templates and
the preview read them); `checks` previews a sheet with bulk lookups (every row's problems, what a commit
would create); `posting` creates it all in one transaction; `core` keeps the import (one per community,
kind and file digest) and commits it once; `templates` writes the downloadable XLSX templates.
"""
