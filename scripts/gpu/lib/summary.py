"""The end of a device check: every step's outcome and the checks behind it, as summary.json and a table.
python3 summary.py --out OUT_DIR --seconds S"""
import argparse
import glob
import json
import os


def main():
    ap = argparse.ArgumentParser()
    ap.add_argument("--out", required=True)
    ap.add_argument("--seconds", type=int, default=0)
    a = ap.parse_args()
    steps = []
    for line in open(os.path.join(a.out, "steps.tsv")):
        name, how, seconds, note = line.rstrip("\n").split("\t")
        steps.append({"step": name, "outcome": how, "seconds": int(seconds), "note": note})
    results = {}
    for path in sorted(glob.glob(os.path.join(a.out, "*.json"))):
        name = os.path.basename(path)[:-5]
        if name in ("summary",):
            continue
        try:
            results[name] = json.load(open(path))
        except ValueError as e:
            results[name] = {"unreadable": str(e)}
    skipped = {os.path.basename(p)[:-12]: open(p).read().strip()
               for p in glob.glob(os.path.join(a.out, "*-skipped.txt"))}
    summary = {"seconds": a.seconds, "steps": steps, "skipped": skipped,
               "checks": {n: {"ok": r.get("ok"), "failed": r.get("failed")} for n, r in results.items() if "checks" in r},
               "bench": {n: r.get("levels") for n, r in results.items() if n.startswith("bench-")}}
    json.dump(summary, open(os.path.join(a.out, "summary.json"), "w"), indent=1)
    print(f"\n== summary ({a.seconds}s; JSON and logs in {a.out})")
    for s in steps:
        print(f"  {s['step']:<10} {s['outcome']:<8} {s['seconds']:>4}s  {skipped.get(s['step'], '')[:150]}")
    for name, r in results.items():
        for c in r.get("checks", []):
            mark = "skip" if c["ok"] is None else ("ok" if c["ok"] else "FAIL")
            print(f"  [{mark:>4}] {name}: {c['name']}")
    kv = os.path.join(a.out, "bench-kv.txt")
    if os.path.exists(kv):
        for line in open(kv):
            print("  " + line.strip().split("QwenEngines: ", 1)[-1])
    for name, levels in summary["bench"].items():
        for lv in levels or []:
            print(f"  {name} c={lv['concurrency']:<3} {lv['aggregate_tok_s']:>8} tok/s  ttft p50 "
                  f"{(lv.get('ttft_ms') or {}).get('50')} ms  tpot p50 {(lv.get('tpot_ms') or {}).get('50')} ms"
                  f"  gpu busy {lv.get('gpu_busy_share')}")


    return not any(s["outcome"] in ("failed", "timeout") for s in steps)


if __name__ == "__main__":
    raise SystemExit(0 if main() else 1)
