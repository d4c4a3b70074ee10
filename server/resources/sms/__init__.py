from server.resources.sms.routes import blp

__all__ = ["blp"]
