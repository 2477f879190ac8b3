"""Bounded waits: poll a condition until it holds or a deadline passes, so no test asserts after a bare sleep."""
import time


def wait_until(condition, timeout: float = 30.0, interval: float = 0.2, what="the condition"):
    """Return the first truthy value of condition(); fail once `timeout` seconds have passed without one.
    `what` names the condition in the failure, or is called to describe the state at that moment."""
    deadline = time.monotonic() + timeout
    while True:
        value = condition()
        if value:
            return value
        if time.monotonic() >= deadline:
            described = what() if callable(what) else what
            raise AssertionError(f"{described} did not hold within {timeout:.0f} s (last value: {value!r})")
        time.sleep(interval)
