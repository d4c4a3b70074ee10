"""Waits that double after each failure up to a ceiling, and start again after a success."""


class Backoff:
    def __init__(self, first: float = 1.0, most: float = 10.0):
        self.first, self.most = first, most
        self.failures = 0

    def next(self) -> float:
        """The wait before the next try, counting this failure."""
        wait = min(self.first * 2**self.failures, self.most)
        self.failures += 1
        return wait

    def reset(self) -> None:
        self.failures = 0
