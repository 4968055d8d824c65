"""Step 3: serving numbers from any OpenAI-compatible server (ours, or vLLM beside it) on loopback.
python3 bench.py --url http://127.0.0.1:8000 --out bench.json [--concurrency 1,16,64,256] [--seconds 20]

Per concurrency level: streamed /v1/completions with token-id prompts (128 tokens) and ignore_eos, so every request
decodes --max-tokens tokens. Reports decode tok/s of one stream (1 / TPOT), aggregate output tok/s, TTFT and TPOT
percentiles, and, where nvidia-smi exists, the GPU's busy share during the level: the step time split into GPU
time (busy share x TPOT) and the rest (host, JNI and idle gaps between kernels). NVML's utilization is the share of
sample periods with a kernel running, so the split is an estimate, not a kernel trace."""
import argparse
import http.client
import json
import os
import statistics
import subprocess
import sys
import threading
import time
import urllib.parse

sys.path.insert(0, os.path.dirname(__file__))
from common import get_json  # noqa: E402


def stream_one(url, model, prompt, max_tokens):
    u = urllib.parse.urlparse(url)
    conn = http.client.HTTPConnection(u.hostname, u.port, timeout=300)
    body = {"model": model, "prompt": prompt, "max_tokens": max_tokens, "temperature": 0, "ignore_eos": True,
            "stream": True, "stream_options": {"include_usage": True}}
    t0 = time.perf_counter()
    conn.request("POST", "/v1/completions", json.dumps(body), {"Content-Type": "application/json"})
    resp = conn.getresponse()
    if resp.status != 200:
        raise RuntimeError(f"HTTP {resp.status}: {resp.read()[:300]!r}")
    first = last = None
    tokens = 0
    for raw in resp:
        line = raw.decode().strip()
        if not line.startswith("data:") or line == "data: [DONE]":
            continue
        chunk = json.loads(line[5:])
        now = time.perf_counter()
        if chunk.get("choices"):
            first = first or now
            last = now
        if chunk.get("usage"):
            tokens = chunk["usage"]["completion_tokens"]
    conn.close()
    return {"ttft": first - t0, "tpot": (last - first) / max(tokens - 1, 1), "tokens": tokens,
            "seconds": last - t0}


class UtilSampler(threading.Thread):
    """nvidia-smi's utilization.gpu of GPU 0 every 0.5 s while a level runs."""

    def __init__(self):
        super().__init__(daemon=True)
        self.values, self.stop = [], threading.Event()

    def run(self):
        while not self.stop.is_set():
            try:
                out = subprocess.run(["nvidia-smi", "-i", "0", "--query-gpu=utilization.gpu",
                                      "--format=csv,noheader,nounits"], capture_output=True, text=True, timeout=5)
                self.values.append(float(out.stdout.strip()))
            except (OSError, ValueError, subprocess.TimeoutExpired):
                return
            self.stop.wait(0.5)


def pct(values, p):
    s = sorted(values)
    return s[min(len(s) - 1, int(p / 100 * len(s)))] if s else None


def level(url, model, concurrency, max_tokens, seconds, prompt_len):
    results, errors = [], []
    deadline = time.monotonic() + seconds

    def worker(i):
        n = 0
        while n == 0 or time.monotonic() < deadline:  # at least one request per worker, then until the deadline
            prompt = [(1000 + 7919 * (i * 131 + n * 17 + j)) % 150000 for j in range(prompt_len)]
            try:
                results.append(stream_one(url, model, prompt, max_tokens))
            except Exception as e:  # noqa: BLE001 - the error is the result
                errors.append(str(e)[:300])
                return
            n += 1

    util = UtilSampler()
    util.start()
    t0 = time.monotonic()
    threads = [threading.Thread(target=worker, args=(i,)) for i in range(concurrency)]
    for t in threads:
        t.start()
    for t in threads:
        t.join()
    wall = time.monotonic() - t0
    util.stop.set()
    tpot = [r["tpot"] for r in results]
    out = {"concurrency": concurrency, "requests": len(results), "errors": errors[:5], "wall_seconds": round(wall, 2),
           "output_tokens": sum(r["tokens"] for r in results),
           "aggregate_tok_s": round(sum(r["tokens"] for r in results) / wall, 1),
           "ttft_ms": {p: round(1000 * pct([r["ttft"] for r in results], p), 1) for p in (50, 90, 99)} if results else None,
           "tpot_ms": {p: round(1000 * pct(tpot, p), 2) for p in (50, 90, 99)} if results else None}
    if tpot:
        out["decode_tok_s_per_stream"] = round(1 / statistics.median(tpot), 1)
    if util.values:
        busy = statistics.fmean(util.values) / 100
        step = statistics.median(tpot)
        out["gpu_busy_share"] = round(busy, 3)
        out["step_ms_gpu_estimate"] = round(1000 * step * busy, 2)
        out["step_ms_host_estimate"] = round(1000 * step * (1 - busy), 2)
    print(json.dumps(out), flush=True)
    return out


def main():
    ap = argparse.ArgumentParser()
    ap.add_argument("--url", required=True)
    ap.add_argument("--out", required=True)
    ap.add_argument("--concurrency", default="1,16,64,256")
    ap.add_argument("--max-tokens", type=int, default=64)
    ap.add_argument("--prompt-len", type=int, default=128)
    ap.add_argument("--seconds", type=float, default=15, help="per level, after each worker's first request")
    ap.add_argument("--label", default="qwenops")
    a = ap.parse_args()
    url = a.url.rstrip("/")
    model = get_json(url + "/v1/models")["data"][0]["id"]
    stream_one(url, model, [1, 2, 3], 4)  # warm-up: first CUDA kernels, JIT
    levels = []
    for c in a.concurrency.split(","):
        levels.append(level(url, model, int(c), a.max_tokens, a.seconds, a.prompt_len))
        # after every level, so a step that runs out of time still leaves what it measured
        json.dump({"server": a.label, "model": model, "max_tokens": a.max_tokens, "prompt_len": a.prompt_len,
                   "levels": levels}, open(a.out, "w"), indent=1)
    return all(not lv["errors"] for lv in levels)


if __name__ == "__main__":
    sys.exit(0 if main() else 1)
