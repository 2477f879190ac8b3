"""The village service's public face (村务自治): what the gateway, other services and the contracts may rely on.

- `codes`: the code tables with their Chinese labels, and the permissions;
- `rpc`: the bodies its RPC methods take (the gateway documents its routes with them);
- `events`: the events it publishes (`village.<aggregate>.<verb>`), ids and codes only.

Nothing else of the service is to be imported from outside it. Importing this package registers the events.
"""
from . import codes, events, rpc  # noqa: F401
