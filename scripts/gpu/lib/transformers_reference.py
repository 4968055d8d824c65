"""Independent reference for the Qwen2 forward pass: Hugging Face transformers, float64.

Run where transformers is installed (our GPU machine has it; this machine has no PyPI):
    python3 transformers_reference.py CHECKPOINT_DIR OUT.json
For each prompt it runs greedy decoding with full recomputation and records, per step, the top-k
logits, the log-sum-exp of all logits and the chosen token. The Java test TransformersAgreementTest
compares our engine against the JSON this writes (committed as a test resource).
"""
import hashlib
import json
import sys

import torch
from transformers import AutoModelForCausalLM

PROMPTS = [
    [151644, 8948, 198, 2610, 525, 264, 10950, 17847, 13, 151645, 198, 151644, 872, 198, 9707, 151645, 198, 151644, 77091, 198],
    [785, 3974, 13876, 38835, 34208, 916, 279, 15678, 5562],
    [1, 2, 3],
]
STEPS = 12
TOP_K = 10


def main(model_dir, out_path):
    torch.manual_seed(0)
    model = AutoModelForCausalLM.from_pretrained(model_dir, dtype=torch.float64, attn_implementation="eager")
    model.eval()
    results = []
    for prompt in PROMPTS:
        ids = list(prompt)
        steps = []
        with torch.no_grad():
            for _ in range(STEPS):
                logits = model(torch.tensor([ids])).logits[0, -1]
                top = torch.topk(logits, TOP_K)
                chosen = int(torch.argmax(logits))
                steps.append({
                    "chosen": chosen,
                    "logsumexp": float(torch.logsumexp(logits, 0)),
                    "top_ids": [int(i) for i in top.indices],
                    "top_logits": [float(v) for v in top.values],
                })
                ids.append(chosen)
        results.append({"prompt": prompt, "steps": steps})
    digest = {}
    import glob, os
    for f in sorted(glob.glob(os.path.join(model_dir, "*.safetensors"))):
        digest[os.path.basename(f)] = hashlib.sha256(open(f, "rb").read()).hexdigest()
    import transformers
    json.dump({
        "producer": f"transformers {transformers.__version__}, torch {torch.__version__}, float64, eager attention",
        "checkpoint_sha256": digest,
        "results": results,
    }, open(out_path, "w"), indent=1)


if __name__ == "__main__":
    main(sys.argv[1], sys.argv[2])
