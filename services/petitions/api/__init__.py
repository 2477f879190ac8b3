"""The petitions service's public face: all that other services, the gateway and department systems may use of it.

- `codes`: code tables with their Chinese labels, the permissions and a petition's transition table;
- `rpc`: the models of its RPC requests;
- `events`: the events it publishes on `petitions.events`.

Everything else in `services/petitions/` is private to the service.
"""
