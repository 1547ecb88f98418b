"""Real OpenSearch nodes on loopback: one, or a cluster of three, for the tests and
for ``make opensearch-node``.

The nodes are OpenSearch's own server, started by the small Java launcher in
``tests/opensearch_node/`` (Maven builds it from Maven Central: OpenSearch
2.19.6's server, its HTTP module, its stock analysis components and Painless).  All the
nodes of a cluster run in one JVM; each has its own HTTP and transport port and
data folder, and they find each other over loopback like any cluster.  Stopping
one (``Nodes.stop``) closes that node for real: its shards' replicas elsewhere
take over, as they would when a machine of a real cluster goes down.

    python tests/opensearch_nodes.py [--nodes 3] [--port 9200] [--data DIR]

runs nodes in the foreground until Ctrl-C (what ``make opensearch-node`` does).
"""

from __future__ import annotations

import argparse
import json
import os
import shutil
import signal
import socket
import subprocess
import sys
import tempfile
import threading
import time
import urllib.request
from pathlib import Path

LAUNCHER = Path(__file__).resolve().parent / "opensearch_node"
CLASSES = LAUNCHER / "target" / "classes"
LIBS = LAUNCHER / "target" / "lib"
MAIN_CLASS = "kavosh.node.KavoshNodes"
HEAP_PER_NODE_MB = 512
START_TIMEOUT = 240.0  # seconds: a loaded 2-core machine starts three nodes in about a minute
BUILD_HINT = "build it with `make opensearch-launcher` (needs Java 17 and Maven)"


class LauncherMissing(RuntimeError):
    """The Java launcher has not been built."""


def launcher_built() -> bool:
    return (CLASSES / "kavosh" / "node" / "KavoshNodes.class").exists() and any(LIBS.glob("opensearch-*.jar"))


def java() -> str:
    home = os.environ.get("JAVA_HOME")
    if home and (Path(home) / "bin" / "java").exists():
        return str(Path(home) / "bin" / "java")
    found = shutil.which("java")
    if not found:
        raise LauncherMissing("no `java` on PATH: the OpenSearch nodes need Java 17")
    return found


def free_ports(count: int) -> list[int]:
    """Ports nothing listens on now (bound to port 0 and released together, so distinct)."""
    sockets = []
    try:
        for _ in range(count):
            s = socket.socket(socket.AF_INET, socket.SOCK_STREAM)
            s.bind(("127.0.0.1", 0))
            sockets.append(s)
        return [s.getsockname()[1] for s in sockets]
    finally:
        for s in sockets:
            s.close()


def get_json(url: str, timeout: float = 10.0) -> dict:
    with urllib.request.urlopen(url, timeout=timeout) as response:
        return json.load(response)


class Nodes:
    """Running OpenSearch nodes; ``urls[i]`` is node i's HTTP address."""

    def __init__(self, count: int = 1, *, data_dir: Path | None = None, http_ports: list[int] | None = None,
                 timeout: float = START_TIMEOUT):
        if not launcher_built():
            raise LauncherMissing(f"the OpenSearch launcher in {LAUNCHER} is not built: {BUILD_HINT}")
        self.count = count
        self._own_data = data_dir is None
        self.data_dir = Path(data_dir) if data_dir else Path(tempfile.mkdtemp(prefix="kavosh-opensearch-"))
        ports = free_ports(2 * count)
        http = http_ports or ports[:count]
        transport = ports[count:]
        self.urls = [f"http://127.0.0.1:{port}" for port in http]
        self.stopped: set[int] = set()
        self.log = self.data_dir / "nodes.log"
        command = [java(), f"-Xmx{HEAP_PER_NODE_MB * count}m", "-XX:+UseSerialGC",
                   "-cp", f"{CLASSES}{os.pathsep}{LIBS}/*", MAIN_CLASS, str(self.data_dir),
                   ",".join(map(str, http)), ",".join(map(str, transport))]
        self._log_file = open(self.log, "ab")
        self._process = subprocess.Popen(command, stdin=subprocess.PIPE, stdout=subprocess.PIPE,
                                         stderr=self._log_file, text=True, encoding="utf-8")
        self._lines: list[str] = []
        self._changed = threading.Condition()
        threading.Thread(target=self._read, daemon=True).start()
        try:
            self._wait_for(lambda line: line.startswith("ready"), timeout, "start")
            self.wait_for_health("green", timeout)
        except BaseException:
            self.close()
            raise

    @property
    def url(self) -> str:
        """The first running node's address."""
        return next(u for i, u in enumerate(self.urls) if i not in self.stopped)

    def _read(self) -> None:
        for line in self._process.stdout:
            with self._changed:
                self._lines.append(line.strip())
                self._changed.notify_all()
        with self._changed:
            self._changed.notify_all()

    def _wait_for(self, wanted, timeout: float, what: str) -> str:
        deadline = time.monotonic() + timeout
        seen = 0
        with self._changed:
            while True:
                for line in self._lines[seen:]:
                    if wanted(line):
                        return line
                seen = len(self._lines)
                if self._process.poll() is not None:
                    raise RuntimeError(f"the OpenSearch nodes exited during {what} "
                                       f"(exit {self._process.returncode}); see {self.log}:\n{self._tail()}")
                left = deadline - time.monotonic()
                if left <= 0:
                    raise TimeoutError(f"the OpenSearch nodes did not {what} in {timeout:.0f} s; see {self.log}")
                self._changed.wait(min(left, 1.0))

    def _tail(self, lines: int = 15) -> str:
        try:
            return "\n".join(self.log.read_text(encoding="utf-8", errors="replace").splitlines()[-lines:])
        except OSError:
            return ""

    def wait_for_health(self, status: str = "green", timeout: float = 60.0) -> dict:
        """The cluster's health once it is ``status`` with all running nodes in it."""
        nodes = self.count - len(self.stopped)
        query = f"wait_for_status={status}&wait_for_nodes={nodes}&timeout={int(timeout)}s"
        deadline = time.monotonic() + timeout
        while True:
            try:
                health = get_json(f"{self.url}/_cluster/health?{query}", timeout=timeout + 5)
                if not health.get("timed_out"):
                    return health
            except OSError:
                pass
            if time.monotonic() > deadline:
                raise TimeoutError(f"the cluster at {self.url} did not become {status} with {nodes} "
                                   f"nodes in {timeout:.0f} s; see {self.log}")
            time.sleep(0.5)

    def stop(self, node: int) -> None:
        """Stop node ``node`` (0-based) for good, as a machine going down."""
        self._process.stdin.write(f"stop {node}\n")
        self._process.stdin.flush()
        self._wait_for(lambda line: line == f"stopped {node}", 120, f"stop node {node}")
        self.stopped.add(node)

    def close(self) -> None:
        """Stop every node and remove the data (when this object made the folder)."""
        if self._process.poll() is None:
            try:
                self._process.stdin.close()  # end of input: the launcher closes its nodes and exits
                self._process.wait(60)
            except (OSError, subprocess.TimeoutExpired):
                self._process.kill()
                self._process.wait()
        self._log_file.close()
        if self._own_data:
            shutil.rmtree(self.data_dir, ignore_errors=True)

    def __enter__(self):
        return self

    def __exit__(self, *exc):
        self.close()


def main(argv=None) -> int:
    parser = argparse.ArgumentParser(description="Run OpenSearch nodes on loopback until Ctrl-C.")
    parser.add_argument("--nodes", type=int, default=1)
    parser.add_argument("--port", type=int, default=9200, help="node 0's HTTP port (the others follow)")
    parser.add_argument("--data", type=Path, default=None, help="keep the nodes' data here (default: a temporary folder)")
    args = parser.parse_args(argv)
    if args.data:
        args.data.mkdir(parents=True, exist_ok=True)
    try:
        nodes = Nodes(args.nodes, data_dir=args.data, http_ports=[args.port + i for i in range(args.nodes)])
    except (LauncherMissing, RuntimeError, TimeoutError) as exc:
        print(f"opensearch-node: {exc}", file=sys.stderr)
        return 1
    except KeyboardInterrupt:
        print("opensearch-node: interrupted while starting", file=sys.stderr)
        return 130
    print(f"OpenSearch {'cluster of ' + str(args.nodes) if args.nodes > 1 else 'node'} at "
          f"{' '.join(nodes.urls)} (Ctrl-C stops it)", flush=True)
    stop = threading.Event()
    signal.signal(signal.SIGTERM, lambda *_: stop.set())
    try:
        stop.wait()
    except KeyboardInterrupt:
        pass
    finally:
        nodes.close()
    return 0


if __name__ == "__main__":
    sys.exit(main())
