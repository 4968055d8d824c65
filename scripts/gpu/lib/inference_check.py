"""Step 2: the running inference server against a float64 reference on the same device, and batch 1 vs 16.
python3 inference_check.py --url http://127.0.0.1:8000 --model-dir DIR --out OUT.json --tol 1e-3 [--ref-device cuda]

Greedy tokens and logprobs come from /v1/completions (token-id prompts, logprobs=5, return_tokens_as_token_ids).
The reference (reference.py, PyTorch float64) is run teacher-forced on the server's own tokens, so one early
difference does not hide the rest: every step's logprob of the server's token must be within --tol of the
reference's, and the server's token must be the reference's argmax unless the reference's margin there (top-1
minus top-2 logit) is under 2 x tol. Without PyTorch (a dry run) the reference part is skipped."""
import argparse
import concurrent.futures
import json
import os
import sys
import time

sys.path.insert(0, os.path.dirname(__file__))
from common import Checks, get_json, post_json  # noqa: E402

PROMPTS = [
    [151644, 8948, 198, 2610, 525, 264, 10950, 17847, 13, 151645, 198, 151644, 872, 198, 9707, 151645, 198,
     151644, 77091, 198],
    [785, 3974, 13876, 38835, 34208, 916, 279, 15678, 5562],
    [1, 2, 3],
]
# Fillers for the batch of 16: other prompts running beside the three above.
FILLERS = [[100 + 37 * i + j for j in range(5 + i)] for i in range(13)]


def complete(url, model, prompt, steps):
    body = {"model": model, "prompt": prompt, "max_tokens": steps, "temperature": 0, "logprobs": 5,
            "return_tokens_as_token_ids": True, "ignore_eos": True}
    lp = post_json(url + "/v1/completions", body)["choices"][0]["logprobs"]
    return {"tokens": [int(t.split(":")[1]) for t in lp["tokens"]], "logprobs": lp["token_logprobs"],
            "top": [{int(k.split(":")[1]): v for k, v in d.items()} for d in lp["top_logprobs"]]}


def against_reference(c, ref, prompt, got, tol, label):
    import torch
    ids = prompt + got["tokens"][:-1]
    logits = ref.logits(ids)[len(prompt) - 1:]
    logp = torch.log_softmax(logits, -1)
    worst, wrong, close = 0.0, [], []
    for step, (tok, lp) in enumerate(zip(got["tokens"], got["logprobs"])):
        diff = abs(lp - float(logp[step, tok]))
        worst = max(worst, diff)
        top2 = torch.topk(logits[step], 2)
        margin = float(top2.values[0] - top2.values[1])
        if tok != int(top2.indices[0]):
            (close if margin < 2 * tol else wrong).append({"step": step, "ours": tok,
                                                           "reference": int(top2.indices[0]),
                                                           "margin": margin})
    c.check(f"{label}: logprobs within {tol} of float64", worst <= tol, worst=worst)
    c.check(f"{label}: greedy tokens = float64 argmax where its margin is clear", not wrong,
            differ=wrong, differ_within_margin=close)
    return worst


def main():
    ap = argparse.ArgumentParser()
    ap.add_argument("--url", required=True)
    ap.add_argument("--model-dir", required=True)
    ap.add_argument("--out", required=True)
    ap.add_argument("--label", default="")
    ap.add_argument("--tol", type=float, required=True)
    ap.add_argument("--steps", type=int, default=16)
    ap.add_argument("--ref-device", default="cuda")
    ap.add_argument("--server-log", help="the server's log, for its 'Running on' and 'KV cache' lines")
    ap.add_argument("--expect-device", default="any", help="cuda or cpu: where the server must say it runs")
    a = ap.parse_args()
    c = Checks("inference " + a.label)
    url = a.url.rstrip("/")
    model = get_json(url + "/v1/models")["data"][0]["id"]
    if a.server_log:
        lines = open(a.server_log, errors="replace").read().splitlines()
        running = next((line.split("QwenEngines: ", 1)[-1] for line in lines if "Running on " in line), None)
        c.data["server"] = {"running_on": running,
                            "kv_cache": next((line.split("QwenEngines: ", 1)[-1] for line in lines
                                              if "KV cache: " in line), None)}
        if a.expect_device != "any":
            c.check(f"the server runs on {a.expect_device}",
                    running is not None and running.startswith("Running on " + a.expect_device.replace("cpu", "CPU")),
                    running_on=running)
    t0 = time.monotonic()
    solo = [complete(url, model, p, a.steps) for p in PROMPTS]
    c.data["solo_seconds"] = round(time.monotonic() - t0, 3)
    c.data["solo"] = solo
    with concurrent.futures.ThreadPoolExecutor(16) as pool:
        futures = [pool.submit(complete, url, model, p, a.steps) for p in PROMPTS + FILLERS]
        batch = [f.result() for f in futures][:len(PROMPTS)]
    for i, (s, b) in enumerate(zip(solo, batch)):
        diff = max(abs(x - y) for x, y in zip(s["logprobs"], b["logprobs"]))
        c.check(f"prompt {i}: batch 16 = batch 1 (tokens identical, logprobs within {a.tol})",
                s["tokens"] == b["tokens"] and diff <= a.tol, max_logprob_diff=diff,
                solo=s["tokens"], batched=b["tokens"])
    c.write(a.out)  # what is known so far, should the step run out of time in the reference
    try:
        import torch  # noqa: F401
        from reference import Qwen2Reference
    except ImportError:
        c.skip("float64 reference", "PyTorch is not installed here (dry run): tokens and logprobs recorded only")
        return c.write(a.out)
    device = a.ref_device if a.ref_device != "cuda" or torch.cuda.is_available() else "cpu"
    t0 = time.monotonic()
    ref = Qwen2Reference(a.model_dir, device)
    c.data["reference"] = {"device": device, "torch": torch.__version__, "load_seconds":
                           round(time.monotonic() - t0, 2)}
    worst = [against_reference(c, ref, p, s, a.tol, f"prompt {i}") for i, (p, s) in enumerate(zip(PROMPTS, solo))]
    c.data["worst_logprob_diff"] = max(worst)
    return c.write(a.out)


if __name__ == "__main__":
    sys.exit(0 if main() else 1)
