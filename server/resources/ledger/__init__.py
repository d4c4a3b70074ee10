from server.resources.ledger.routes import blp

__all__ = ["blp"]
