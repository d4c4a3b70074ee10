"""Hours: accounts, transfers and holds, the hash chain and its verification, the passbook and
statements, and the idempotency keys that keep a repeated write from moving hours twice
(docs/ledger.md).

Modules keep the names they had before the services were grouped (each is unique across
server/services, so `ledger_ops.transfer(...)` reads the same wherever it is called); a package's
main module, where it has one, is `core`, imported under the package's name
(`from server.services.ledger import core as ledger`). This file holds no code: importing one
module of a package loads only that module and what it imports.
"""
