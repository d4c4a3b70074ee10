from server.resources.statements.routes import blp

__all__ = ["blp"]
