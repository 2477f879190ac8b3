"""The risk service's public face: all that other services, the gateway and department systems may use of it.

- `codes`: code tables with their Chinese labels (register categories and statuses, risk levels);
- `rpc`: the models of its RPC requests;
- `events`: the events it publishes on `risk.events`.

Everything else in `services/risk/` is private to the service.
"""
