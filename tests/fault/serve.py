"""Run a service class that shared.runner does not know, such as the probe, as a process of its own:
`python -m tests.fault.serve tests.probe_service:ProbeService`."""
import eventlet

eventlet.monkey_patch()

import importlib  # noqa: E402
import sys  # noqa: E402

from nameko.cli.run import run  # noqa: E402

from shared import config, logs  # noqa: E402


def main(argv: list[str]) -> None:
    if len(argv) != 1 or ":" not in argv[0]:
        raise SystemExit("usage: python -m tests.fault.serve <module>:<ServiceClass>")
    module_name, class_name = argv[0].split(":", 1)
    cls = getattr(importlib.import_module(module_name), class_name)
    logs.configure(cls.name)
    run([cls], config.nameko_config(cls.name))


if __name__ == "__main__":
    main(sys.argv[1:])
