from server.resources.subscriptions.routes import blp

__all__ = ["blp"]
