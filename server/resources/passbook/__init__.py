from server.resources.passbook.routes import blp

__all__ = ["blp"]
