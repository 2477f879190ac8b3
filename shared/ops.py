"""Ops commands against a running suite, over RPC as a trusted internal caller:

    python -m shared.ops dead-letters grid            list parked events
    python -m shared.ops replay grid [LETTER_ID ...]  replay parked events (all when no id is given)
    python -m shared.ops resend-unrouted grid [KEY ...]  send again what found no queue (of those routing keys)
    python -m shared.ops health grid
"""
import eventlet

eventlet.monkey_patch()

import json  # noqa: E402
import sys  # noqa: E402

from nameko.standalone.rpc import ClusterRpcProxy  # noqa: E402

from shared import config  # noqa: E402

COMMANDS = {
    "dead-letters": lambda svc, args: svc.list_dead_letters(),
    "replay": lambda svc, args: {"replayed": svc.replay_dead_letters(args or None)},
    "resend-unrouted": lambda svc, args: {"marked_pending": svc.resend_unrouted_events(args or None)},
    "health": lambda svc, args: svc.health(),
}


def main(argv: list[str]) -> int:
    if len(argv) < 2 or argv[0] not in COMMANDS or argv[1] not in config.SERVICES:
        print(__doc__)
        return 2
    with ClusterRpcProxy({"AMQP_URI": config.amqp_uri()}, timeout=60) as proxy:
        result = COMMANDS[argv[0]](getattr(proxy, argv[1]), argv[2:])
    print(json.dumps(result, ensure_ascii=False, indent=2, default=str))
    return 0


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))
