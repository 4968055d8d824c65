"""Step 1: the gpu-exporter against the NVML it was started with (the driver's, or the fake in a dry run).
python3 exporter_check.py --url http://127.0.0.1:9400 --out exporter.json [--load-seconds 8] [--smi]

Checks every field of the sample frame is filled or marked unsupported (its capability false), the 500 ms
WebSocket cadence, the DCGM-named metrics, and, with --smi, power and energy against nvidia-smi idle and under a
matmul load (gpu_load.py)."""
import argparse
import os
import re
import statistics
import subprocess
import sys
import time

sys.path.insert(0, os.path.dirname(__file__))
from common import Checks, get, get_json, wait_for  # noqa: E402
import ws_probe  # noqa: E402

# sample field -> the capability that governs it (docs/telemetry-protocol.md)
FIELDS = {
    "memoryTotalBytes": "memory", "memoryUsedBytes": "memory", "memoryFreeBytes": "memory",
    "memoryReservedBytes": "memoryReserved", "gpuUtilPercent": "utilization", "memoryUtilPercent": "utilization",
    "powerWatts": "power", "powerLimitWatts": "powerLimit", "energyJoules": "energy",
    "temperatureCelsius": "temperature", "pcieTxBytesPerSecond": "pcie", "pcieRxBytesPerSecond": "pcie",
    "smClockMhz": "smClock", "memoryClockMhz": "memoryClock", "fanSpeedPercent": "fan",
    "clockEventReasons": "clockEventReasons", "eccCorrectedVolatile": "ecc", "eccUncorrectedVolatile": "ecc",
    "processes": "processes",
}
DCGM = ["DCGM_FI_DEV_GPU_UTIL", "DCGM_FI_DEV_MEM_COPY_UTIL", "DCGM_FI_DEV_FB_USED", "DCGM_FI_DEV_FB_FREE",
        "DCGM_FI_DEV_POWER_USAGE", "DCGM_FI_DEV_POWER_MGMT_LIMIT", "DCGM_FI_DEV_TOTAL_ENERGY_CONSUMPTION",
        "DCGM_FI_DEV_GPU_TEMP", "DCGM_FI_DEV_SM_CLOCK", "DCGM_FI_DEV_MEM_CLOCK", "DCGM_FI_DEV_XID_ERRORS"]


def smi():
    """nvidia-smi's power draw (W), utilization (%) and energy (J since driver load) per GPU index."""
    q = "index,power.draw,utilization.gpu,total_energy_consumption"
    rows = subprocess.run(["nvidia-smi", f"--query-gpu={q}", "--format=csv,noheader,nounits"],
                          capture_output=True, text=True, timeout=20).stdout.strip().splitlines()
    out = {}
    for row in rows:
        cells = [c.strip() for c in row.split(",")]
        num = [float(c) if re.fullmatch(r"[0-9.]+", c) else None for c in cells]
        out[int(cells[0])] = {"power": num[1], "util": num[2], "energy_mj": num[3]}
    return out


def field_coverage(c, info, sample, phase):
    caps = {g["index"]: g.get("capabilities", {}) for g in info.get("gpus", [])}
    for gpu in sample["gpus"]:
        cap = caps.get(gpu["index"], {})
        missing = [f for f, k in FIELDS.items() if gpu.get(f) is None and cap.get(k) is not False
                   and not (f == "powerWatts" and cap.get("energy") is False and cap.get("power") is False)]
        unsupported = sorted({k for k, v in cap.items() if v is False})
        c.check(f"{phase}: gpu {gpu['index']} every sample field filled or marked unsupported",
                not missing and gpu.get("state") == "ok", missing=missing, unsupported=unsupported,
                state=gpu.get("state"), error=gpu.get("error"))


def metrics_check(c, base, sample):
    text = get(base + "/metrics")
    present = {name: bool(re.search(rf"^{name}\{{", text, re.M)) for name in DCGM}
    c.check("DCGM-named metrics present", all(present.values()), absent=[n for n, p in present.items() if not p])
    gpu = sample["gpus"][0]
    m = re.search(r'^DCGM_FI_DEV_TOTAL_ENERGY_CONSUMPTION\{[^}]*gpu="0"[^}]*\}\s+([0-9.eE+]+)', text, re.M)
    if m and gpu.get("energyJoules") is not None:
        # one tick apart at most: the counter moves by power × 0.5 s between the two reads
        diff = abs(float(m.group(1)) / 1000 - gpu["energyJoules"])
        c.check("metrics energy (mJ) = REST energyJoules × 1000, within a tick",
                diff <= max(5.0, 2 * (gpu.get("powerWatts") or 0)), diff_joules=round(diff, 3))
    return text


def main():
    ap = argparse.ArgumentParser()
    ap.add_argument("--url", required=True)
    ap.add_argument("--out", required=True)
    ap.add_argument("--load-seconds", type=float, default=8)
    ap.add_argument("--pid", type=int, help="the exporter's process: it must still run once /health answers")
    ap.add_argument("--smi", action="store_true", help="compare with nvidia-smi and load the GPU with torch")
    a = ap.parse_args()
    c = Checks("exporter")
    base = a.url.rstrip("/")
    alive = (lambda: os.path.exists(f"/proc/{a.pid}")) if a.pid else (lambda: True)
    up = wait_for(base + "/health", 30, alive)
    if not c.check("exporter answers /health (and is the one this step started)", up and alive()):
        return c.write(a.out)
    c.data["health"] = get_json(base + "/health")
    info = get_json(base + "/api/gpu/info")
    c.data["info"] = info
    nvml = info.get("nvml", {})
    c.check("NVML loaded", nvml.get("available") is True, library=nvml.get("library"),
            driver=nvml.get("driverVersion"), reason=nvml.get("reason"))
    if not c.check("at least one GPU shown", len(info.get("gpus", [])) > 0, reason=info.get("reason")):
        return c.write(a.out)
    time.sleep(1.2)  # two ticks: power from energy deltas needs a previous tick
    idle = get_json(base + "/api/gpu")
    idle_smi = smi() if a.smi else None
    c.data["idle"] = {"sample": idle, "nvidia_smi": idle_smi}
    field_coverage(c, info, idle, "idle")

    load = None
    if a.smi:
        load = subprocess.Popen([sys.executable, os.path.join(os.path.dirname(__file__), "gpu_load.py"),
                                 str(a.load_seconds)])
        time.sleep(2)  # the matmul loop starts, clocks and power ramp
    t0 = time.monotonic()
    e0 = get_json(base + "/api/gpu")
    ws = ws_probe.probe(base.replace("http", "ws", 1) + "/ws/gpu", 4)
    e1 = get_json(base + "/api/gpu")
    dt_wall = time.monotonic() - t0
    busy_smi = smi() if a.smi else None
    c.data["ws"] = {k: v for k, v in ws.items() if k not in ("hello",)}
    c.data["busy"] = {"sample": e1, "nvidia_smi": busy_smi}
    c.check("WebSocket: hello first, then history, then samples",
            ws["types_head"][:2] == ["hello", "history"] and ws["n_samples"] >= 5, head=ws["types_head"])
    gaps = ws["mono_gaps_ms"]
    # fixed-rate ticks: each start may be late by the scheduler's jitter, but they do not drift
    c.check("WebSocket: ticks every 500 ms (monoMs: median within 10 ms, mean within 1 %)",
            gaps and abs(statistics.median(gaps) - 500) <= 10 and abs(statistics.fmean(gaps) - 500) <= 5,
            mono_gaps_ms=gaps[:12])
    recv = ws["recv_gaps_ms"]
    c.check("WebSocket: frames arrive every ~500 ms (median 450-550, max < 900)",
            recv and 450 <= statistics.median(recv) <= 550 and max(recv) < 900, recv_gaps_ms=recv[:12])
    field_coverage(c, info, e1, "busy" if a.smi else "second read")

    # energy counter vs the power the exporter reports over the same interval
    g0, g1 = e0["gpus"][0], e1["gpus"][0]
    if g0.get("energyJoules") is not None and g1.get("energyJoules") is not None:
        dt = (e1["monoMs"] - e0["monoMs"]) / 1000
        hist = get_json(base + f"/api/gpu/history?seconds={int(dt_wall) + 3}")["samples"]
        window = [s["gpus"][0]["powerWatts"] for s in hist if e0["monoMs"] < s["monoMs"] <= e1["monoMs"]]
        if dt > 0 and window:
            mean_power = statistics.fmean(window)
            from_energy = (g1["energyJoules"] - g0["energyJoules"]) / dt
            c.check("energy delta / time = mean reported power (within 5 %)",
                    abs(from_energy - mean_power) <= 0.05 * max(mean_power, 1),
                    from_energy_w=round(from_energy, 1), mean_power_w=round(mean_power, 1), seconds=dt)
    if a.smi and idle_smi and busy_smi:
        for name, sample, ref in (("idle", idle, idle_smi), ("under load", e1, busy_smi)):
            ours, theirs = sample["gpus"][0]["powerWatts"], ref.get(0, {}).get("power")
            if ours is not None and theirs is not None:
                # nvidia-smi's power.draw is averaged over ~1 s on recent drivers; ours over the last tick
                c.check(f"{name}: power within 15 % (or 25 W) of nvidia-smi",
                        abs(ours - theirs) <= max(25, 0.15 * theirs), exporter_w=ours, nvidia_smi_w=theirs)
            ours_e, theirs_e = sample["gpus"][0].get("energyJoules"), ref.get(0, {}).get("energy_mj")
            if ours_e is not None and theirs_e is not None:
                c.check(f"{name}: energy counter = nvidia-smi's (within 2 s of full power)",
                        abs(ours_e - theirs_e / 1000) <= 2 * max(sample["gpus"][0]["powerWatts"] or 0, 100),
                        exporter_j=ours_e, nvidia_smi_j=theirs_e / 1000)
        busy_util, idle_util = e1["gpus"][0].get("gpuUtilPercent"), idle["gpus"][0].get("gpuUtilPercent")
        if busy_util is not None and idle_util is not None:
            c.check("utilization rises under the matmul load", busy_util > idle_util + 20,
                    idle=idle_util, busy=busy_util)
            c.check("power rises under the matmul load",
                    e1["gpus"][0]["powerWatts"] > idle["gpus"][0]["powerWatts"] * 1.3,
                    idle_w=idle["gpus"][0]["powerWatts"], busy_w=e1["gpus"][0]["powerWatts"])
    else:
        c.skip("power and energy against nvidia-smi, idle and under load", "no nvidia-smi (dry run)")
    metrics_check(c, base, e1)
    if load:
        load.wait(timeout=a.load_seconds + 30)
    return c.write(a.out)


if __name__ == "__main__":
    sys.exit(0 if main() else 1)
