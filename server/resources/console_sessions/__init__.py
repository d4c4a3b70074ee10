from server.resources.console_sessions.routes import blp

__all__ = ["blp"]
