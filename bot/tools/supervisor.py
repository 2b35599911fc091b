"""The child processes of ``relais up``: each with its own log, stopped together, restarted when one dies.

``Stack`` starts children and stops them in reverse order; while a stack is
starting, a child that exits is an error (``check_alive`` raises, naming its
log). ``Supervisor`` is what runs once the stack is up: a child that dies is
started again after an exponential backoff — 1 s, 2 s, 4 s … at most 30 s,
back to 1 s once the child had run 60 s — with one line on stdout, and the
rest of the stack keeps serving.
"""

from __future__ import annotations

import signal
import subprocess
import time
from collections.abc import Callable
from dataclasses import dataclass, field
from pathlib import Path

from bot.settings import ROOT


@dataclass
class Child:
    name: str
    cmd: list[str]
    env: dict[str, str]
    proc: subprocess.Popen | None = None
    started_at: float = 0.0
    quick_exits: int = 0  # exits in a row, each after less than the reset period
    restart_at: float | None = None  # set while the child waits out its backoff


@dataclass
class Stack:
    """Child processes started together, each logging to ``log_dir/NAME.log``, stopped in reverse order."""

    env: dict[str, str]
    log_dir: Path = ROOT / "var" / "log"
    children: list[Child] = field(default_factory=list)

    def start(self, name: str, cmd: list[str], env: dict[str, str] | None = None) -> Child:
        child = Child(name, cmd, env or self.env)
        self.children.append(child)
        self._spawn(child)
        return child

    def log_path(self, name: str) -> Path:
        return self.log_dir / f"{name}.log"

    def _spawn(self, child: Child) -> None:
        path = self.log_path(child.name)
        path.parent.mkdir(parents=True, exist_ok=True)
        with open(path, "ab") as out:
            child.proc = subprocess.Popen(child.cmd, cwd=ROOT, env=child.env, stdout=out, stderr=subprocess.STDOUT,
                                          start_new_session=True)
        child.started_at = time.monotonic()

    def pids(self) -> dict[str, int]:
        """The running children's process ids, by name."""
        return {c.name: c.proc.pid for c in self.children if c.proc is not None and c.proc.poll() is None}

    def check_alive(self) -> None:
        for child in self.children:
            if child.proc is not None and child.proc.poll() is not None:
                raise RuntimeError(f"{child.name} exited with code {child.proc.returncode}; "
                                   f"see {self.log_path(child.name)}")

    def stop(self) -> None:
        running = [c for c in reversed(self.children) if c.proc is not None]
        for child in running:
            if child.proc.poll() is None:
                child.proc.send_signal(signal.SIGTERM)
        deadline = time.monotonic() + 15
        for child in running:
            try:
                child.proc.wait(timeout=max(0.1, deadline - time.monotonic()))
            except subprocess.TimeoutExpired:
                child.proc.kill()
                child.proc.wait()
            print(f"  stopped {child.name}", flush=True)


@dataclass
class Supervisor(Stack):
    """A stack that restarts a child when it dies, instead of stopping everything.

    ``on_exit`` is called with the process id of every child that died.
    """

    first_delay_s: float = 1.0
    max_delay_s: float = 30.0
    reset_after_s: float = 60.0
    on_exit: Callable[[int], None] | None = None

    def delay(self, quick_exits: int) -> float:
        """The wait before a restart, after ``quick_exits`` exits in a row: 1, 2, 4 … max_delay_s."""
        return min(self.max_delay_s, self.first_delay_s * 2 ** quick_exits)

    def supervise(self) -> None:
        """Note the children that died and start again those whose backoff is over; call it often."""
        now = time.monotonic()
        for child in self.children:
            if child.restart_at is None and child.proc is not None and child.proc.poll() is not None:
                self._exited(child, f"exited with code {child.proc.returncode}", now)
            if child.restart_at is not None and now >= child.restart_at:
                child.restart_at = None
                try:
                    self._spawn(child)
                except OSError as exc:
                    child.proc = None
                    self._exited(child, f"could not start ({exc.strerror or exc})", now)

    def _exited(self, child: Child, what: str, now: float) -> None:
        if child.proc is not None and self.on_exit is not None:
            self.on_exit(child.proc.pid)
        if now - child.started_at >= self.reset_after_s:
            child.quick_exits = 0
        wait = self.delay(child.quick_exits)
        child.quick_exits += 1
        child.restart_at = now + wait
        print(f"relais: {child.name} {what}; restarting in {wait:g} s", flush=True)

    def run(self, poll_s: float = 0.5) -> None:
        """Supervise until interrupted (KeyboardInterrupt)."""
        while True:
            self.supervise()
            time.sleep(poll_s)

