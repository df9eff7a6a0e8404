"""SMS gateways: how one-time codes reach a mobile phone.

`LogSmsGateway` (``SHENHE_SMS_GATEWAY=log``) is the development gateway: it writes each message
to the ``shenhe.sms`` logger at INFO, with the number masked, and keeps the last
`OUTBOX_SIZE` messages in `outbox` so that a developer's script or a test can read the code
back. It sends nothing anywhere; a deployment plugs in a gateway for its SMS provider (any
object with ``send(mobile, text)``, `shenhe.services.account_mobile.SmsGateway`).
"""

from __future__ import annotations

import logging
import threading
from collections import deque
from dataclasses import dataclass

from shenhe.domain.identity import MobileNumber

logger = logging.getLogger("shenhe.sms")
OUTBOX_SIZE = 100


@dataclass(frozen=True, slots=True)
class SentMessage:
    """A message the development gateway "sent"."""

    mobile: MobileNumber
    text: str


class LogSmsGateway:
    """Writes messages to the log instead of sending them; see the module."""

    def __init__(self) -> None:
        self._lock = threading.Lock()
        self.outbox: deque[SentMessage] = deque(maxlen=OUTBOX_SIZE)

    def send(self, mobile: MobileNumber, text: str) -> None:
        with self._lock:
            self.outbox.append(SentMessage(mobile, text))
        logger.info("SMS to %s: %s", mobile.masked, text)

    def last_to(self, mobile: str) -> str | None:
        """The text of the last message to `mobile` (eleven digits), if any."""
        with self._lock:
            for message in reversed(self.outbox):
                if message.mobile.value == mobile:
                    return message.text
        return None
