"""Growing waits after failures, one rule for every place that retries or slows down: staff
logins, staff announcements and the worker's rounds."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import timedelta


@dataclass(frozen=True)
class Backoff:
    """`free` failures cost nothing; the next makes the key wait `first`, each further one
    `factor` times longer, never more than `longest`."""

    free: int
    first: timedelta
    factor: int
    longest: timedelta

    def delay(self, failures: int) -> timedelta:
        beyond = failures - self.free
        if beyond <= 0:
            return timedelta(0)
        seconds = self.first.total_seconds() * float(self.factor) ** min(beyond - 1, 64)
        return timedelta(seconds=min(seconds, self.longest.total_seconds()))
