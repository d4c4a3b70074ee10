"""Watching the bank: audits and their flags, the monthly and quarterly closes, the study report
and its files, the periods they cover, the documents (XLSX, PDF, charts) they are drawn in, and
the health check's question to the database.

Modules keep the names they had before the services were grouped (each is unique across
server/services, so `ledger_ops.transfer(...)` reads the same wherever it is called); a package's
main module, where it has one, is `core`, imported under the package's name
(`from server.services.ledger import core as ledger`). This file holds no code: importing one
module of a package loads only that module and what it imports.
"""
