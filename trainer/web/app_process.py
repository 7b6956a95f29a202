"""One browser tab's app process: textual-serve's AppService with the limits of trainer.web.guard applied.
It gets only the allowed environment, an address-space limit, input that never piles up behind an app
that stopped reading, and an end that is certain (SIGTERM, then SIGKILL)."""

from __future__ import annotations

import asyncio
import json
import logging
import resource as resource_module

from textual_serve.app_service import AppService

from trainer.web.guard import APP_MEMORY_MB, KILL_AFTER_SECONDS, MAX_PENDING_INPUT, allowed_environment, limit_memory

log = logging.getLogger("trainer.web")


class SiteAppService(AppService):
    """textual-serve's app process, with only the allowed environment (and the browser's address, for the
    sign-in audit), a memory limit, input written without waiting on a stuck app, and an end that is sure."""

    def __init__(self, *args, client_address: str = "", memory_mb: int = APP_MEMORY_MB, sso_ticket: str = "",
                 **kwargs):
        super().__init__(*args, **kwargs)
        self.client_address = client_address
        self.memory_mb = memory_mb
        self.sso_ticket = sso_ticket  # a one-time single sign-on for this tab (trainer.web.sso), or ""

    def _build_environment(self, width: int = 80, height: int = 24) -> dict[str, str]:
        environment = super()._build_environment(width, height)
        environment["TRAINER_CLIENT_ADDRESS"] = self.client_address
        environment = allowed_environment(environment)
        if self.sso_ticket:  # set by the server itself, never taken from its own environment
            environment["TRAINER_SSO_TICKET"] = self.sso_ticket
        return environment

    async def _open_app_process(self, width: int = 80, height: int = 24):
        process = await super()._open_app_process(width, height)
        if hasattr(resource_module, "prlimit"):
            try:
                limit_memory(process.pid, self.memory_mb)
            except OSError:  # never an app without its limit
                process.kill()
                raise
        return process

    async def run(self) -> None:
        """textual-serve's reader of the app's output, then, whenever the app has gone (quit, crashed, hit
        its memory limit or was killed), the tab's websocket closed, so its place is freed."""
        try:
            await super().run()
        finally:
            try:
                await self.remote_close()
            except Exception:  # already closed, or the connection dropped
                pass

    @property
    def pid(self) -> int | None:
        return self._process.pid if self._process is not None else None

    def write_packet(self, kind: bytes, payload: bytes) -> bool:
        """Queue a packet for the app without waiting for it to read; False (nothing written) when the app
        has gone or has MAX_PENDING_INPUT bytes it has not read yet."""
        stdin = self._stdin
        if stdin is None or stdin.is_closing():
            return False
        packet = self.encode_packet(kind, payload)
        if stdin.transport.get_write_buffer_size() + len(packet) > MAX_PENDING_INPUT:
            return False
        stdin.write(packet)
        return True

    def write_meta(self, data: dict) -> bool:
        return self.write_packet(b"M", json.dumps(data).encode("utf-8"))

    async def end(self, kill_after: float = KILL_AFTER_SECONDS) -> None:
        """Stop the app for good: end of input, SIGTERM, and SIGKILL if it is still running `kill_after`
        seconds later (textual-serve's own stop only asks it to quit, which a wedged app ignores)."""
        process = self._process
        if process is None:
            return
        if self._stdin is not None and not self._stdin.is_closing():
            self._stdin.close()
        if process.returncode is None:
            try:
                process.terminate()
                await asyncio.wait_for(process.wait(), kill_after)
            except ProcessLookupError:
                pass
            except asyncio.TimeoutError:
                log.warning("app process %s ignored SIGTERM for %g s: killed", process.pid, kill_after)
                try:
                    process.kill()
                except ProcessLookupError:
                    pass
                try:  # bounded too: a place is never held by a process the event loop never hears end
                    await asyncio.wait_for(process.wait(), kill_after)
                except asyncio.TimeoutError:
                    log.warning("no exit status from killed app process %s after %g s; its place is freed",
                                process.pid, kill_after)
        if self._task is not None:  # its reader ends with the app's output
            try:
                await asyncio.wait_for(self._task, kill_after)
            except asyncio.TimeoutError:
                self._task.cancel()
            self._task = None
        await self._download_manager.cancel_app_downloads(app_service_id=self.app_service_id)
