"""An independent Qwen2 forward pass in PyTorch float64, read straight from the checkpoint's safetensors (no
transformers needed). Used in-process by inference_check.py on the device the engine runs on:

    ref = Qwen2Reference(checkpoint_dir, device="cuda")
    logits = ref.logits(token_ids)        # [len(token_ids), vocab] float64, position i predicts token i+1
"""
import json
import os
import struct

import torch

DTYPES = {"BF16": torch.bfloat16, "F16": torch.float16, "F32": torch.float32}


def load_safetensors(path, device):
    with open(path, "rb") as f:
        n = struct.unpack("<Q", f.read(8))[0]
        header = json.loads(f.read(n))
        data = f.read()
    out = {}
    for name, t in header.items():
        if name == "__metadata__":
            continue
        start, end = t["data_offsets"]
        raw = torch.frombuffer(bytearray(data[start:end]), dtype=DTYPES[t["dtype"]])
        out[name] = raw.reshape(t["shape"]).to(device=device, dtype=torch.float64)
    return out


class Qwen2Reference:
    def __init__(self, model_dir, device="cpu"):
        self.c = json.load(open(os.path.join(model_dir, "config.json")))
        self.w = {}
        for f in sorted(os.listdir(model_dir)):
            if f.endswith(".safetensors"):
                self.w.update(load_safetensors(os.path.join(model_dir, f), device))
        self.device = device
        c = self.c
        self.heads, self.kv_heads = c["num_attention_heads"], c["num_key_value_heads"]
        self.head_dim = c["hidden_size"] // self.heads
        self.eps = c["rms_norm_eps"]
        self.lm_head = self.w.get("lm_head.weight", self.w["model.embed_tokens.weight"])

    def _norm(self, x, weight):
        return x * torch.rsqrt(x.pow(2).mean(-1, keepdim=True) + self.eps) * weight

    def _rope(self, x, pos):
        half = self.head_dim // 2
        inv = 1.0 / (self.c.get("rope_theta", 10000.0) ** (torch.arange(half, dtype=torch.float64,
                                                                          device=self.device) * 2 / self.head_dim))
        ang = pos[:, None].double() * inv[None, :]
        cos, sin = torch.cat([ang.cos()] * 2, -1), torch.cat([ang.sin()] * 2, -1)
        rotated = torch.cat([-x[..., half:], x[..., :half]], -1)
        return x * cos + rotated * sin

    @torch.no_grad()
    def logits(self, ids):
        w, n = self.w, len(ids)
        x = w["model.embed_tokens.weight"][torch.tensor(ids, device=self.device)]
        pos = torch.arange(n, device=self.device)
        mask = torch.full((n, n), float("-inf"), dtype=torch.float64, device=self.device).triu(1)
        for i in range(self.c["num_hidden_layers"]):
            p = f"model.layers.{i}."
            h = self._norm(x, w[p + "input_layernorm.weight"])
            q = (h @ w[p + "self_attn.q_proj.weight"].T + w[p + "self_attn.q_proj.bias"])
            k = (h @ w[p + "self_attn.k_proj.weight"].T + w[p + "self_attn.k_proj.bias"])
            v = (h @ w[p + "self_attn.v_proj.weight"].T + w[p + "self_attn.v_proj.bias"])
            q = self._rope(q.view(n, self.heads, self.head_dim).transpose(0, 1), pos)
            k = self._rope(k.view(n, self.kv_heads, self.head_dim).transpose(0, 1), pos)
            v = v.view(n, self.kv_heads, self.head_dim).transpose(0, 1)
            group = self.heads // self.kv_heads
            k, v = k.repeat_interleave(group, 0), v.repeat_interleave(group, 0)
            att = torch.softmax(q @ k.transpose(1, 2) / self.head_dim ** 0.5 + mask, -1)
            o = (att @ v).transpose(0, 1).reshape(n, -1)
            x = x + o @ w[p + "self_attn.o_proj.weight"].T
            h = self._norm(x, w[p + "post_attention_layernorm.weight"])
            gate = h @ w[p + "mlp.gate_proj.weight"].T
            up = h @ w[p + "mlp.up_proj.weight"].T
            x = x + (torch.nn.functional.silu(gate) * up) @ w[p + "mlp.down_proj.weight"].T
        return self._norm(x, w["model.norm.weight"]) @ self.lm_head.T
