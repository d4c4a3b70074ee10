from server.resources.reports.routes import blp

__all__ = ["blp"]
