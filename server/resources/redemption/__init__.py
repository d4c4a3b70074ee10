from server.resources.redemption.routes import blp

__all__ = ["blp"]
