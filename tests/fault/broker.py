"""The machine's RabbitMQ, seen and stopped through rabbitmqctl."""
import socket
import subprocess
import time

AMQP_PORT = 5672


def rabbitmqctl(*args: str, timeout: float = 60) -> str:
    done = subprocess.run(["rabbitmqctl", "-q", *args], check=True, capture_output=True, text=True,
                          timeout=timeout)
    return done.stdout


def queue_depth(vhost: str, queue: str) -> int | None:
    """Messages in the queue, ready and unacknowledged together; None if the queue does not exist."""
    out = rabbitmqctl("list_queues", "-p", vhost, "--no-table-headers", "name", "messages")
    for line in out.splitlines():
        fields = line.split()
        if len(fields) == 2 and fields[0] == queue:
            return int(fields[1])
    return None


def port_answers(port: int = AMQP_PORT) -> bool:
    try:
        with socket.create_connection(("127.0.0.1", port), timeout=1):
            return True
    except OSError:
        return False


def stop_app() -> None:
    rabbitmqctl("stop_app")


def start_app(timeout: float = 120) -> None:
    """Start the broker application (a no-op when it runs) and return once it accepts AMQP connections."""
    rabbitmqctl("start_app", timeout=timeout)
    deadline = time.monotonic() + timeout
    while not port_answers():
        if time.monotonic() >= deadline:
            raise RuntimeError(f"RabbitMQ did not open port {AMQP_PORT} within {timeout:.0f} s")
        time.sleep(0.2)
    rabbitmqctl("await_startup", "--timeout", str(int(timeout)), timeout=timeout + 10)
