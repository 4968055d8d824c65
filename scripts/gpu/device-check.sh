#!/usr/bin/env bash
# One device trip: (1) gpu-exporter against the real NVML of an H200, (2) transformers float64 reference.
set -x
cd "$(dirname "$0")"  # run from .gpu/, next to the staged files
R=/tmp/res; mkdir -p $R
nvidia-smi > $R/nvidia-smi.txt 2>&1
nvidia-smi --query-gpu=index,uuid,name,pci.bus_id,memory.total,memory.used,utilization.gpu,power.draw,power.limit,temperature.gpu,clocks.sm,clocks.mem,fan.speed --format=csv > $R/smi-before.csv 2>&1
ldconfig -p | grep -i nvidia-ml > $R/env.txt; find /usr /lib /usr/local -maxdepth 6 -name 'libnvidia-ml.so*' 2>/dev/null | head >> $R/env.txt
tar xJf jrt.tar.xz -C /tmp
/tmp/jrt/bin/java -jar exporter/gpu-exporter.jar --gpu-filter off --port 9400 > $R/exporter.log 2>&1 &
EXP=$!
sleep 6
get() { python3 -c "import urllib.request,sys;print(urllib.request.urlopen(sys.argv[1]).read().decode())" "$1"; }
get http://127.0.0.1:9400/health > $R/health.json 2>&1
get http://127.0.0.1:9400/api/gpu/info > $R/info.json 2>&1
get http://127.0.0.1:9400/api/gpu > $R/api-idle.json 2>&1
python3 - <<'PY' &
import torch, time
a = torch.randn(8192, 8192, device="cuda", dtype=torch.bfloat16)
t = time.time()
while time.time() - t < 8:
    b = a @ a
    torch.cuda.synchronize()
PY
LOAD=$!
python3 ws_probe.py ws://127.0.0.1:9400/ws/gpu 6 $R/ws.json > $R/ws.log 2>&1
get http://127.0.0.1:9400/api/gpu > $R/api-load.json 2>&1
nvidia-smi --query-gpu=utilization.gpu,power.draw,clocks.sm,memory.used --format=csv >> $R/smi-before.csv 2>&1
get http://127.0.0.1:9400/metrics > $R/metrics.txt 2>&1
wait $LOAD
get "http://127.0.0.1:9400/api/gpu/history?seconds=20" > $R/history.json 2>&1
kill $EXP
python3 transformers_reference.py ref-checkpoint $R/transformers-reference.json > $R/ref.log 2>&1
ls -la $R; tar czf $OUT/results.tgz -C $R .
