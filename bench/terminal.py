"""Time a program the way a user meets it: spawned in a real pseudo-terminal, from spawn until a known
text is on screen. Standard library only (pty, os, select), so the bench needs nothing extra."""

from __future__ import annotations

import fcntl
import os
import pty
import re
import select
import signal
import struct
import termios
import time

# Escape sequences a terminal consumes without drawing: CSI (colours, cursor moves, modes), OSC
# (titles, colour queries) and the two-byte ones. Removing them leaves the text as drawn.
_ESCAPES = re.compile(rb"\x1b\[[0-?]*[ -/]*[@-~]|\x1b\][^\x07\x1b]*(?:\x07|\x1b\\)|\x1b[^\[\]]|[\x00-\x08\x0e-\x1f]")


class ScreenTimeout(RuntimeError):
    """The text never appeared: the program failed, or drew something else."""


def time_to_text(argv: list[str], text: str, env: dict, cols: int = 100, rows: int = 30,
                 timeout: float = 60.0, quit_keys: bytes = b"\x11") -> float:
    """Seconds from spawning `argv` in a `cols` x `rows` pseudo-terminal until `text` has been drawn.
    Then send `quit_keys` (ctrl+q) and wait for the program to leave; kill it if it does not."""
    wanted = text.encode("utf-8")
    start = time.perf_counter()
    pid, fd = pty.fork()
    if pid == 0:  # the child: size the terminal before the program asks for it, then become the program
        try:
            fcntl.ioctl(0, termios.TIOCSWINSZ, struct.pack("HHHH", rows, cols, 0, 0))
            os.execvpe(argv[0], argv, env)
        finally:
            os._exit(127)
    seen = b""  # the text drawn so far, escapes removed
    pending = b""  # an escape sequence split across two reads waits here
    elapsed = None
    try:
        while elapsed is None:
            left = timeout - (time.perf_counter() - start)
            if left <= 0 or not select.select([fd], [], [], left)[0]:
                raise ScreenTimeout(f"'{text}' not on screen after {timeout:.0f} s: {seen[-400:]!r}")
            try:
                chunk = os.read(fd, 65536)
            except OSError:  # the program left (EIO on Linux)
                chunk = b""
            if not chunk:
                raise ScreenTimeout(f"{argv[0]} left before '{text}' was on screen: {seen[-400:]!r}")
            data = pending + chunk
            cut = data.rfind(b"\x1b")
            if cut != -1 and cut > len(data) - 64:  # maybe an unfinished sequence: keep it for the next read
                data, pending = data[:cut], data[cut:]
            else:
                pending = b""
            seen = (seen + _ESCAPES.sub(b"", data))[-65536:]
            if wanted in seen:
                elapsed = time.perf_counter() - start
        return elapsed
    finally:
        _finish(pid, fd, quit_keys)


def _finish(pid: int, fd: int, quit_keys: bytes, grace: float = 10.0) -> None:
    """Ask the program to quit as a user would, draining its output meanwhile; kill it after `grace`."""
    try:
        os.write(fd, quit_keys)
    except OSError:
        pass
    deadline = time.perf_counter() + grace
    while time.perf_counter() < deadline:
        done, _ = os.waitpid(pid, os.WNOHANG)
        if done:
            break
        if select.select([fd], [], [], 0.05)[0]:
            try:
                os.read(fd, 65536)
            except OSError:
                pass
    else:
        os.kill(pid, signal.SIGKILL)
        os.waitpid(pid, 0)
    os.close(fd)
