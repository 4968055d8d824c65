"""Step 0: what the machine is: GPU, driver, CUDA, Python, PyTorch, vLLM, CPU. python3 env_report.py --out env.json"""
import argparse
import json
import os
import platform
import subprocess


def run(cmd):
    try:
        return subprocess.run(cmd, capture_output=True, text=True, timeout=20).stdout.strip()
    except (OSError, subprocess.TimeoutExpired) as e:
        return f"unavailable: {e}"


def main():
    ap = argparse.ArgumentParser()
    ap.add_argument("--out", required=True)
    a = ap.parse_args()
    env = {"python": platform.python_version(), "kernel": platform.release(), "cpus": os.cpu_count(),
           "cpu": next((line.split(":", 1)[1].strip() for line in open("/proc/cpuinfo") if line.startswith("model name")), None),
           "nvidia_smi": run(["nvidia-smi", "--query-gpu=index,name,uuid,driver_version,memory.total,power.limit,"
                                            "compute_cap", "--format=csv"]),
           "nvidia_smi_cuda": next((line.strip() for line in run(["nvidia-smi"]).splitlines() if "CUDA Version" in line), None)}
    try:
        import torch
        env["torch"] = {"version": torch.__version__, "cuda": torch.version.cuda, "cudnn": torch.backends.cudnn.version(),
                        "cuda_available": torch.cuda.is_available(),
                        "devices": [torch.cuda.get_device_name(i) for i in range(torch.cuda.device_count())]}
        if torch.cuda.is_available():
            free, total = torch.cuda.mem_get_info()
            env["torch"]["mem_free_total_bytes"] = [free, total]
    except Exception as e:  # noqa: BLE001
        env["torch"] = f"not importable: {e}"
    for mod in ("transformers", "vllm"):
        try:
            env[mod] = __import__(mod).__version__
        except Exception as e:  # noqa: BLE001
            env[mod] = f"not importable: {type(e).__name__}"
    json.dump(env, open(a.out, "w"), indent=1)
    print(json.dumps(env, indent=1))


if __name__ == "__main__":
    main()
