"""The gateway's public face: all that other services and department systems may use of it.

- `events`: the events it publishes on `gateway.events` (the audit chain's anchored head).

Everything else in `services/gateway/` is private to it.
"""
