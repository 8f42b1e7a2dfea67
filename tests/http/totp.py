"""RFC 6238 TOTP for the tests (HMAC-SHA1, 6 digits, 30 s), from the standard library."""

from __future__ import annotations

import base64
import hashlib
import hmac
import struct
import time


def code(secret_base32: str, at: float | None = None, step: int = 30) -> str:
    key = base64.b32decode(secret_base32 + "=" * (-len(secret_base32) % 8))
    counter = int((time.time() if at is None else at) // step)
    digest = hmac.new(key, struct.pack(">Q", counter), hashlib.sha1).digest()
    offset = digest[-1] & 0x0F
    value = struct.unpack(">I", digest[offset:offset + 4])[0] & 0x7FFFFFFF
    return f"{value % 1_000_000:06d}"


def fresh_code(secret_base32: str, used: set[str]) -> str:
    """A code not used before: waits for the next 30-s step when this one's code was used."""
    while True:
        candidate = code(secret_base32)
        if candidate not in used:
            used.add(candidate)
            return candidate
        time.sleep(30 - time.time() % 30 + 0.2)


class Authenticator:
    """An authenticator app: gives codes the server has not accepted yet, using the ±1-step
    window the server allows so that tests rarely wait for the next 30-s step."""

    def __init__(self, secret_base32: str) -> None:
        self.secret = secret_base32
        self.last_step: int | None = None

    def next_code(self) -> str:
        while True:
            now = time.time()
            current = int(now // 30)
            step = current - 1 if self.last_step is None else max(self.last_step + 1, current - 1)
            # Keep a margin from the window's edges: the request takes a moment to arrive.
            if step <= current + 1 and not (step == current - 1 and now % 30 > 27):
                self.last_step = step
                return code(self.secret, at=step * 30 + 1)
            time.sleep(30 - now % 30 + 0.2)
