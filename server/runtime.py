"""The active settings for code without Flask (services, workers): set once by whoever starts."""

_settings: dict = {}


def configure(values: dict) -> None:
    _settings.clear()
    _settings.update(values)


def setting(name: str):
    if name not in _settings:
        from config import settings as settings_module

        configure(settings_module.load())
    return _settings[name]
