"""The pace of a class run: gradings per minute and the time left, from the durations so far.

``Pace`` is told when each grading starts and finishes, by a clock of the caller's (seconds), and
estimates the time left as the work left shared among the ``jobs`` that run at once. Each grading
running is expected to go on as long as, on average, the finished ones that ran longer than it has
went on beyond that point (nothing if none did); each one waiting, to take the mean duration of
those finished and those running (as expected), so that the long ones still running count too.
The count done over the time elapsed would not do: after the first result, the other jobs'
half-done gradings count for nothing, and the estimate is ``jobs`` times too long.
Durations vary (a failing submission takes longer: its failures are shrunk), so the estimate is as
good as the first few results are typical of the rest.
"""

from dataclasses import dataclass, field


@dataclass
class Pace:
    """The pace of ``total`` gradings, at most ``jobs`` at once."""

    total: int
    jobs: int
    durations: list = field(default_factory=list)  # seconds of each finished grading
    running: dict = field(default_factory=dict)  # key -> the time it started

    def started(self, key, now):
        self.running[key] = now

    def finished(self, key, now):
        """Count one grading as finished at ``now``; its duration in seconds."""
        seconds = now - self.running.pop(key, now)
        self.durations.append(seconds)
        return seconds

    @property
    def mean(self):
        return sum(self.durations) / len(self.durations) if self.durations else None

    def left(self, now):
        """Seconds until the last grading finishes, estimated; None before the first result."""
        if not self.durations:
            return None
        waiting = max(0, self.total - len(self.durations) - len(self.running))
        ran = [now - start for start in self.running.values()]
        ahead = [self._still_to_run(seconds) for seconds in ran]
        expected = self.durations + [seconds + more for seconds, more in zip(ran, ahead)]
        mean = sum(expected) / len(expected)
        work = waiting * mean + sum(ahead)
        return max(work / max(1, min(self.jobs, waiting + len(ahead))), max(ahead, default=0.0))

    def _still_to_run(self, elapsed):
        """The mean time the finished gradings that ran longer than ``elapsed`` took beyond it."""
        beyond = [seconds - elapsed for seconds in self.durations if seconds > elapsed]
        return sum(beyond) / len(beyond) if beyond else 0.0

    def describe(self, now):
        """``12.0/min, about 3 min left``: gradings per minute with every job busy, and the time left."""
        mean = self.mean
        if mean is None:
            return ""
        rate = f"{60 * self.jobs / mean:.1f}/min" if mean > 0 else ""
        if len(self.durations) >= self.total:
            return f"{rate}, done".lstrip(", ")
        return f"{rate}, about {duration(self.left(now))} left".lstrip(", ")


def duration(seconds):
    """``45 s``, ``12 min``, ``1 h 05 min``."""
    if seconds < 60:
        return f"{seconds:.0f} s"
    if seconds < 3600:
        return f"{seconds / 60:.0f} min"
    return f"{int(seconds // 3600)} h {int(seconds % 3600 // 60):02d} min"
