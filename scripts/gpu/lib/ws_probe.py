"""A WebSocket client in the standard library (RFC 6455, text frames, client masking), enough to read the
exporter's /ws/gpu stream: python3 ws_probe.py ws://HOST:PORT/PATH SECONDS OUT.json"""
import base64
import json
import os
import socket
import struct
import sys
import time
import urllib.parse


class WebSocket:
    def __init__(self, url, timeout=10):
        u = urllib.parse.urlparse(url)
        self.sock = socket.create_connection((u.hostname, u.port or 80), timeout=timeout)
        key = base64.b64encode(os.urandom(16)).decode()
        path = (u.path or "/") + (("?" + u.query) if u.query else "")
        self.sock.sendall((f"GET {path} HTTP/1.1\r\nHost: {u.hostname}:{u.port}\r\nUpgrade: websocket\r\n"
                           f"Connection: Upgrade\r\nSec-WebSocket-Key: {key}\r\nSec-WebSocket-Version: 13\r\n\r\n")
                          .encode())
        head = b""
        while b"\r\n\r\n" not in head:
            chunk = self.sock.recv(1)
            if not chunk:
                raise ConnectionError("closed during the handshake")
            head += chunk
        if b" 101 " not in head.split(b"\r\n")[0]:
            raise ConnectionError("handshake refused: " + head.split(b"\r\n")[0].decode())

    def _exact(self, n):
        buf = b""
        while len(buf) < n:
            chunk = self.sock.recv(n - len(buf))
            if not chunk:
                raise ConnectionError("connection closed")
            buf += chunk
        return buf

    def _send(self, opcode, payload=b""):
        mask = os.urandom(4)
        header = bytes([0x80 | opcode])
        n = len(payload)
        header += bytes([0x80 | n]) if n < 126 else bytes([0x80 | 126]) + struct.pack(">H", n)
        self.sock.sendall(header + mask + bytes(b ^ mask[i % 4] for i, b in enumerate(payload)))

    def receive(self):
        """The next whole text message (fragments joined; pings answered), or None once the server closes."""
        parts = []
        while True:
            b0, b1 = self._exact(2)
            opcode, n = b0 & 0x0F, b1 & 0x7F
            if n == 126:
                n = struct.unpack(">H", self._exact(2))[0]
            elif n == 127:
                n = struct.unpack(">Q", self._exact(8))[0]
            payload = self._exact(n)
            if opcode == 0x8:
                return None
            if opcode == 0x9:
                self._send(0xA, payload)
                continue
            if opcode in (0x1, 0x0):
                parts.append(payload)
                if b0 & 0x80:
                    return b"".join(parts).decode()

    def close(self):
        try:
            self._send(0x8, struct.pack(">H", 1000))
        finally:
            self.sock.close()


def probe(url, seconds):
    """Frames received for `seconds`: their types, and the gaps between the live sample frames."""
    ws = WebSocket(url, timeout=seconds + 5)
    frames = []
    end = time.monotonic() + seconds
    while time.monotonic() < end:
        msg = ws.receive()
        if msg is None:
            break
        frames.append((time.monotonic(), json.loads(msg)))
    ws.close()
    samples = [(t, f) for t, f in frames if f.get("type") == "sample"]
    gaps = [round((b[0] - a[0]) * 1000, 1) for a, b in zip(samples, samples[1:])]
    mono = [f.get("monoMs") for _, f in samples]
    return {
        "types_head": [f.get("type") for _, f in frames[:5]],
        "n_frames": len(frames),
        "n_samples": len(samples),
        "recv_gaps_ms": gaps,
        "mono_gaps_ms": [b - a for a, b in zip(mono, mono[1:])],
        "hello": next((f for _, f in frames if f.get("type") == "hello"), None),
        "last_sample": samples[-1][1] if samples else None,
    }


if __name__ == "__main__":
    result = probe(sys.argv[1], float(sys.argv[2]))
    json.dump(result, open(sys.argv[3], "w"), indent=1)
    print(f"{result['n_samples']} sample frames; gaps {result['recv_gaps_ms'][:10]}")
