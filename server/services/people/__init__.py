"""Who is who: communities, households and members, volunteers, privacy and data rights, logging in
and signed tokens, what a member sees of themselves, the dates a person could mean, and the demo
data (communities and their people).

Modules keep the names they had before the services were grouped (each is unique across
server/services, so `ledger_ops.transfer(...)` reads the same wherever it is called); a package's
main module, where it has one, is `core`, imported under the package's name
(`from server.services.ledger import core as ledger`). This file holds no code: importing one
module of a package loads only that module and what it imports.
"""
