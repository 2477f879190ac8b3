"""Start one service of the suite as its own process: `python -m shared.runner grid`.

Eventlet is patched here and in the test bootstrap only, so a later move off eventlet touches shared/ alone.
"""
import eventlet

eventlet.monkey_patch()

import importlib  # noqa: E402
import sys  # noqa: E402

from nameko.cli.run import run  # noqa: E402

from shared import config, logs  # noqa: E402


def service_class(name: str) -> type:
    module = importlib.import_module(f"services.{name}.service")
    for value in vars(module).values():
        if isinstance(value, type) and getattr(value, "name", None) == name and value.__module__ == module.__name__:
            return value
    raise SystemExit(f"services/{name}/service.py has no service named {name}")


def main(argv: list[str]) -> None:
    if len(argv) != 1 or argv[0] not in config.SERVICES:
        raise SystemExit(f"usage: python -m shared.runner <{'|'.join(config.SERVICES)}>")
    name = argv[0]
    logs.configure(name)
    run([service_class(name)], config.nameko_config(name))


if __name__ == "__main__":
    main(sys.argv[1:])
