"""Flask extensions set up once: flask-smorest subclasses, auth gate, error mapping."""
