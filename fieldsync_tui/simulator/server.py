"""Run the simulator over a real loopback socket: ``serve()`` and ``fieldsync sim``."""

from __future__ import annotations

import argparse
import logging
import signal
import socket
import sys
import threading
import time
from collections.abc import Iterator
from contextlib import contextmanager
from types import FrameType

import uvicorn

from fieldsync_tui.simulator.config import SimConfig
from fieldsync_tui.simulator.errors import SimulatedDrop
from fieldsync_tui.simulator.simulator import Simulator

START_TIMEOUT = 10.0


class _HideDrops(logging.Filter):
    """Injected connection drops are not server errors worth a traceback."""

    def filter(self, record: logging.LogRecord) -> bool:
        exc = record.exc_info[1] if record.exc_info else None
        return not isinstance(exc, SimulatedDrop)


@contextmanager
def serve(
    sim: Simulator,
    host: str = "127.0.0.1",
    port: int = 0,
    *,
    log_level: str = "warning",
    access_log: bool = False,
) -> Iterator[str]:
    """Serve ``sim`` on loopback in a background thread; yields ``http://127.0.0.1:<port>``."""
    sock = socket.socket(socket.AF_INET, socket.SOCK_STREAM)
    sock.setsockopt(socket.SOL_SOCKET, socket.SO_REUSEADDR, 1)
    # inherited by the accepted connections: without it a response's second write waits on
    # the client's delayed ACK, ~40 ms added to every call (0.5 ms with it)
    sock.setsockopt(socket.IPPROTO_TCP, socket.TCP_NODELAY, 1)
    sock.bind((host, port))
    config = uvicorn.Config(
        sim.asgi,
        log_level=log_level,
        access_log=access_log,
        log_config=None,
        lifespan="off",
        timeout_graceful_shutdown=2,
    )
    server = uvicorn.Server(config)
    hide = _HideDrops()
    logging.getLogger("uvicorn.error").addFilter(hide)
    thread = threading.Thread(target=server.run, kwargs={"sockets": [sock]}, daemon=True)
    thread.start()
    try:
        _wait_started(server, thread)
        yield f"http://{host}:{sock.getsockname()[1]}"
    finally:
        server.should_exit = True
        thread.join(timeout=10)
        sock.close()
        logging.getLogger("uvicorn.error").removeFilter(hide)


def _wait_started(server: uvicorn.Server, thread: threading.Thread) -> None:
    deadline = time.monotonic() + START_TIMEOUT
    while not server.started:
        if not thread.is_alive() or time.monotonic() > deadline:
            raise RuntimeError("the simulator server did not start")
        time.sleep(0.01)


def _parser() -> argparse.ArgumentParser:
    parser = argparse.ArgumentParser(
        prog="fieldsync sim",
        description="Serve simulated Zoho orgs (CRM, attachments, WorkDrive) on loopback.",
    )
    parser.add_argument("--port", type=int, default=8765, help="port (0 = any free port)")
    parser.add_argument("--records", type=int, default=2000, help="Org A demo records")
    parser.add_argument("--latency-ms", type=float, default=0.0, help="latency per request")
    parser.add_argument("--seed", type=int, default=7, help="seed of the demo data")
    return parser


def main_sim(argv: list[str]) -> int:
    """``fieldsync sim``: print a complete .env and ``# ready`` once listening; serve until
    SIGINT/SIGTERM; exit 0."""
    args = _parser().parse_args(argv)
    if args.port < 0 or args.records < 0 or args.latency_ms < 0:
        _parser().error("--port, --records and --latency-ms must not be negative")
    from fieldsync_tui.simulator.dataset import populate_demo
    from fieldsync_tui.simulator.files_dataset import populate_files_demo

    logging.basicConfig(stream=sys.stderr, level=logging.INFO, format="%(asctime)s %(message)s")
    sim = Simulator(SimConfig(latency_ms=args.latency_ms, seed=args.seed))
    populate_demo(sim, records=args.records, seed=args.seed)
    populate_files_demo(sim.org("A"), sim.org("B").workdrive, sim.team_folder_id, args.seed)
    stop = threading.Event()

    def on_signal(signum: int, frame: FrameType | None) -> None:
        stop.set()

    previous = {s: signal.signal(s, on_signal) for s in (signal.SIGINT, signal.SIGTERM)}
    try:
        with serve(sim, port=args.port, log_level="info", access_log=True) as base_url:
            _print_env(sim, base_url)
            stop.wait()
    finally:
        for signum, handler in previous.items():
            signal.signal(signum, handler)
    return 0


def _print_env(sim: Simulator, base_url: str) -> None:
    lines = ["# fieldsync simulator: these credentials are FAKE and only work with this simulator"]
    lines += [f"{key}={value}" for key, value in sim.env(base_url).items()]
    lines.append("# ready")
    sys.stdout.write("\n".join(lines) + "\n")
    sys.stdout.flush()
