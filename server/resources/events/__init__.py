from server.resources.events.routes import blp

__all__ = ["blp"]
