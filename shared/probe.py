"""Liveness probe for services without HTTP: succeeds when the process answers on its metrics port.
`python -m shared.probe grid`"""
import sys
import urllib.request

from shared import config


def main(service: str) -> int:
    try:
        with urllib.request.urlopen(f"http://127.0.0.1:{config.metrics_port(service)}/metrics", timeout=3) as r:
            return 0 if r.status == 200 else 1
    except OSError:
        return 1


if __name__ == "__main__":
    sys.exit(main(sys.argv[1]))
