"""An SMTP sink for .ci/cluster: a real SMTP server (aiosmtpd) on 127.0.0.1:PORT that accepts every message
and appends one JSON line per delivery (Message-ID, recipients, subject) to FILE, flushed before it answers
250, so a message the worker saw accepted is on disk. Runs until SIGTERM; stopping it is the SMTP outage.

    python .ci/smtp_sink.py PORT FILE
"""

from __future__ import annotations

import email
import email.policy
import json
import os
import signal
import sys
import threading
import time

from aiosmtpd.controller import Controller


class Recorder:
    def __init__(self, path: str) -> None:
        self.path = path
        self.lock = threading.Lock()

    async def handle_DATA(self, server, session, envelope) -> str:
        message = email.message_from_bytes(envelope.original_content, policy=email.policy.default)
        line = json.dumps(
            {
                "message_id": str(message.get("Message-ID", "")),
                "to": list(envelope.rcpt_tos),
                "subject": str(message.get("Subject", "")),
                "received_at": time.time(),
            }
        )
        with self.lock, open(self.path, "a", encoding="utf-8") as handle:
            handle.write(line + "\n")
            handle.flush()
            os.fsync(handle.fileno())
        return "250 Message accepted for delivery"


def main() -> None:
    port, path = int(sys.argv[1]), sys.argv[2]
    controller = Controller(Recorder(path), hostname="127.0.0.1", port=port)
    controller.start()
    stop = threading.Event()
    for number in (signal.SIGTERM, signal.SIGINT):
        signal.signal(number, lambda *_: stop.set())
    print(f"SMTP sink listening on 127.0.0.1:{port}, recording to {path}", flush=True)
    stop.wait()
    controller.stop()


if __name__ == "__main__":
    main()
