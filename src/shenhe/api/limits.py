"""A cap on request bodies, enforced before and while they are read.

`BodyLimitMiddleware` answers 413 at once when ``Content-Length`` announces more than the limit,
and counts the bytes of bodies that arrive without one (chunked): the read that passes the limit
raises `BodyTooLargeError`, which the error handlers turn into the same 413. No body is ever read
past the limit, whatever the client claims.
"""

from __future__ import annotations

from starlette.datastructures import Headers
from starlette.types import ASGIApp, Message, Receive, Scope, Send

from shenhe.api.errors import BodyTooLargeError, error_response


class BodyLimitMiddleware:
    """Refuse HTTP request bodies larger than `max_bytes` with 413."""

    def __init__(self, app: ASGIApp, max_bytes: int) -> None:
        self.app = app
        self.max_bytes = max_bytes

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        if scope["type"] != "http":
            await self.app(scope, receive, send)
            return
        declared = _content_length(scope)
        if declared is not None and declared > self.max_bytes:
            await error_response(BodyTooLargeError(self.max_bytes))(scope, receive, send)
            return

        received = 0
        started = False

        async def counting_receive() -> Message:
            nonlocal received
            message = await receive()
            if message["type"] == "http.request":
                received += len(message.get("body", b""))
                if received > self.max_bytes:
                    raise BodyTooLargeError(self.max_bytes)
            return message

        async def tracking_send(message: Message) -> None:
            nonlocal started
            if message["type"] == "http.response.start":
                started = True
            await send(message)

        try:
            await self.app(scope, counting_receive, tracking_send)
        except BodyTooLargeError as exc:  # read outside a route, so not handled there
            if started:
                raise
            await error_response(exc)(scope, receive, send)


def _content_length(scope: Scope) -> int | None:
    value = Headers(scope=scope).get("content-length")
    try:
        return int(value) if value is not None else None
    except ValueError:
        return None
