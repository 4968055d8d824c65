"""Small helpers shared by the device-check steps: HTTP on loopback, JSON out, a list of named checks."""
import json
import os
import time
import urllib.error
import urllib.request


def get(url, timeout=10):
    with urllib.request.urlopen(url, timeout=timeout) as r:
        return r.read().decode()


def get_json(url, timeout=10):
    return json.loads(get(url, timeout))


def post_json(url, body, timeout=120):
    req = urllib.request.Request(url, json.dumps(body).encode(), {"Content-Type": "application/json"})
    try:
        with urllib.request.urlopen(req, timeout=timeout) as r:
            return json.loads(r.read().decode())
    except urllib.error.HTTPError as e:
        raise RuntimeError(f"HTTP {e.code} from {url}: {e.read().decode()[:500]}") from None


def wait_for(url, seconds, alive=lambda: True):
    """Polls url until it answers 200; False after `seconds` or once alive() says the server died."""
    end = time.monotonic() + seconds
    while time.monotonic() < end and alive():
        try:
            get(url, timeout=2)
            return True
        except (OSError, urllib.error.URLError):
            time.sleep(0.5)
    return False


class Checks:
    """Named pass/fail results with the numbers behind them, written as one JSON file."""

    def __init__(self, step):
        self.step = step
        self.items = []
        self.data = {}

    def check(self, name, ok, **detail):
        self.items.append({"name": name, "ok": bool(ok), **detail})
        print(("PASS " if ok else "FAIL ") + name + (" " + json.dumps(detail) if detail else ""), flush=True)
        return ok

    def skip(self, name, why):
        self.items.append({"name": name, "ok": None, "skipped": why})
        print(f"SKIP {name}: {why}", flush=True)

    def write(self, path):
        failed = [c["name"] for c in self.items if c["ok"] is False]
        out = {"step": self.step, "ok": not failed, "failed": failed, "checks": self.items, **self.data}
        os.makedirs(os.path.dirname(os.path.abspath(path)), exist_ok=True)
        with open(path, "w") as f:
            json.dump(out, f, indent=1)
        return not failed
