from server.resources.households.routes import blp

__all__ = ["blp"]
