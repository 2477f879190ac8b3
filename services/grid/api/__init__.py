"""The grid service's public face: all that other services, the gateway and department systems may use of it.

- `codes`: code tables with their Chinese labels (area kinds, relations, case categories, statuses, the
  transition tables of cases and service orders with the permission each action needs);
- `rpc`: the models of its RPC requests;
- `events`: the events it publishes on `grid.events`.

Everything else in `services/grid/` is private to the service.
"""
