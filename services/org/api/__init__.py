"""The org service's public face: all that other services, the gateway and department systems may use of it.

- `codes`: code tables with their Chinese labels and a member's transition table (transfers);
- `rpc`: the models of its RPC requests;
- `events`: the events it publishes on `org.events`.

Everything else in `services/org/` is private to the service.
"""
