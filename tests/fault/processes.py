"""Service processes for the fault tests: started with the test's own environment, awaited until they answer
RPC, and always ended by their own pid."""
import os
import signal
import socket
import subprocess
import sys
import time
from pathlib import Path

import eventlet
from nameko.standalone.rpc import ClusterRpcProxy

ROOT = Path(__file__).resolve().parents[2]
FAULT_VARIABLES = ("XZ_FAULT_KILL_AFTER_COMMIT",)


def free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


def environment(test_env: dict, **overrides) -> dict:
    """The test's environment for a service process; fault switches only when passed in `overrides`."""
    env = {k: v for k, v in os.environ.items() if k not in FAULT_VARIABLES}
    env.update(test_env)
    env.update({"XZ_ENV": "test", "METRICS_PORT": str(free_port()), "OUTBOX_RESEND_SECONDS": "1",
                "PYTHONUNBUFFERED": "1"})
    env.update({k: str(v) for k, v in overrides.items()})
    return env


class ServiceProcess:
    def __init__(self, name: str, argv: list[str], env: dict, log_path: Path):
        self.name = name
        self.env = env
        self.log_path = log_path
        self._log = open(log_path, "ab")
        self.popen = subprocess.Popen(argv, cwd=ROOT, env=env, stdout=self._log, stderr=subprocess.STDOUT)

    @property
    def pid(self) -> int:
        return self.popen.pid

    def alive(self) -> bool:
        return self.popen.poll() is None

    def log_tail(self, lines: int = 40) -> str:
        self._log.flush()
        text = self.log_path.read_text(errors="replace").splitlines()
        return "\n".join(text[-lines:])

    def health(self, timeout: float = 3) -> dict:
        with ClusterRpcProxy({"AMQP_URI": self.env["AMQP_URI"]}, timeout=timeout) as proxy:
            return getattr(proxy, self.name).health()

    def wait_healthy(self, timeout: float = 60) -> dict:
        """Return the service's health report once it answers over RPC; fail early if the process exits."""
        deadline = time.monotonic() + timeout
        while True:
            if not self.alive():
                raise RuntimeError(f"{self.name} exited with {self.popen.returncode}:\n{self.log_tail()}")
            try:
                return self.health()
            except Exception as exc:  # noqa: BLE001 - not up yet: no queue, no consumer, or no reply in time
                if time.monotonic() >= deadline:
                    raise RuntimeError(f"{self.name} did not answer health within {timeout:.0f} s ({exc!r}):\n"
                                       f"{self.log_tail()}") from exc
            time.sleep(0.3)

    def wait_exit(self, timeout: float = 30) -> int:
        return self.popen.wait(timeout)

    def stop(self, timeout: float = 15) -> int:
        """SIGTERM (nameko stops gracefully), then SIGKILL if it has not exited in time."""
        if self.alive():
            self.popen.send_signal(signal.SIGTERM)
            try:
                self.popen.wait(timeout)
            except subprocess.TimeoutExpired:
                self.popen.kill()
                self.popen.wait(10)
        self._log.close()
        return self.popen.returncode


class Supervised:
    """One service kept running the way the deployment keeps it (compose `restart: unless-stopped`, k8s
    Deployments): whenever its process exits, a new one is started. `restarts` holds the exit codes seen."""

    def __init__(self, start):
        self._start = start
        self.current: ServiceProcess = start()
        self.restarts: list[int] = []
        self._watching = True
        self._watcher = eventlet.spawn(self._watch)

    def _watch(self) -> None:
        while self._watching:
            if not self.current.alive():
                self.restarts.append(self.current.popen.returncode)
                self.current = self._start()
            eventlet.sleep(0.5)

    def stop_watching(self) -> None:
        self._watching = False
        self._watcher.wait()


class Processes:
    """Starts service processes for one test and ends every one of them, whatever the test's outcome."""

    def __init__(self, test_env: dict, log_dir: Path):
        self.test_env = test_env
        self.log_dir = log_dir
        self.started: list[ServiceProcess] = []
        self.supervised: list[Supervised] = []

    def _start(self, name: str, argv: list[str], overrides: dict) -> ServiceProcess:
        log_path = self.log_dir / f"{name}-{len(self.started)}.log"
        process = ServiceProcess(name, argv, environment(self.test_env, **overrides), log_path)
        self.started.append(process)
        return process

    def service(self, name: str, **overrides) -> ServiceProcess:
        """A service of the suite, started the way it runs in production: `python -m shared.runner <name>`."""
        return self._start(name, [sys.executable, "-m", "shared.runner", name], overrides)

    def service_class(self, cls: type, **overrides) -> ServiceProcess:
        """A service class from anywhere (the probe), through tests.fault.serve."""
        spec = f"{cls.__module__}:{cls.__qualname__}"
        return self._start(cls.name, [sys.executable, "-m", "tests.fault.serve", spec], overrides)

    def supervise(self, start) -> Supervised:
        """Keep the process that start() returns running: `processes.supervise(lambda: processes.service("grid"))`."""
        supervised = Supervised(start)
        self.supervised.append(supervised)
        return supervised

    def stop_all(self) -> None:
        for supervised in self.supervised:
            supervised.stop_watching()
        for process in reversed(self.started):
            process.stop()
