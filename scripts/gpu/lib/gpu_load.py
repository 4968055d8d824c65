"""Keeps the GPU busy for N seconds with bf16 matmuls (PyTorch): python3 gpu_load.py SECONDS"""
import sys
import time

import torch

a = torch.randn(8192, 8192, device="cuda", dtype=torch.bfloat16)
end = time.time() + float(sys.argv[1])
while time.time() < end:
    b = a @ a
    torch.cuda.synchronize()
