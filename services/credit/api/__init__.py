"""The credit service's public face: all that other services, the gateway and department systems may use of it.

- `codes`: code tables with their Chinese labels and a manual award's transition table;
- `rpc`: the models of its RPC requests;
- `events`: the events it publishes on `credit.events`.

Everything else in `services/credit/` is private to the service.
"""
