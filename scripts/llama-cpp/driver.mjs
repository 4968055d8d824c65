// llama.cpp (node-llama-cpp) side of the engine benchmark (docs/benchmarks.md "Against llama.cpp").
// Reads a JSON job on stdin:
//   {"model": "x.gguf", "threads": 2, "capSeconds": 60,
//    "runs": [{"prompts": [[token ids], ...], "outputTokens": 128, "kvCacheType": "F32",
//              "capSeconds": 600}, ...]}
// loads the model once and, for each run, opens one context of c = prompts.length sequences and
// evaluates all c prompts concurrently, greedy, each taking exactly outputTokens tokens (EOS
// ignored). kvCacheType (optional) overrides llama.cpp's default F16 KV cache, a run's
// capSeconds the job's. Prints one JSON object: {"runs": [{"concurrency", "wallMs", "capped", "done",
// "requests": [{"tokenMs": [ms after the run's start, one per token], "tokens": [ids]}]}]}.
import {getLlama, LlamaLogLevel} from "node-llama-cpp";

// node-llama-cpp 3.21.1 samples sequences on the libuv pool concurrently, and llama.cpp's lazy
// output reordering can then hand one sequence another's logits (measured on the build machines).
if (process.env.UV_THREADPOOL_SIZE !== "1") {
  console.error("driver.mjs must run with UV_THREADPOOL_SIZE=1 (see its header)");
  process.exit(2);
}

const job = JSON.parse(await new Promise((resolve, reject) => {
  let text = "";
  process.stdin.setEncoding("utf8");
  process.stdin.on("data", (chunk) => (text += chunk));
  process.stdin.on("end", () => resolve(text));
  process.stdin.on("error", reject);
}));

const threads = job.threads ?? 2;
const llama = await getLlama({gpu: false, build: "never", maxThreads: threads, logLevel: LlamaLogLevel.error});
const model = await llama.loadModel({modelPath: job.model, gpuLayers: 0});

async function run({prompts, outputTokens, kvCacheType, capSeconds}) {
  const c = prompts.length;
  const longest = Math.max(...prompts.map((p) => p.length));
  const context = await model.createContext({
    sequences: c,
    contextSize: c * (longest + outputTokens),
    batchSize: 512,
    // its default flash attention computes in F16 (|Δlogprob| ~1e-2 on F32 weights)
    flashAttention: false,
    threads: {ideal: threads, min: threads},
    ...(kvCacheType ? {experimentalKvCacheKeyType: kvCacheType, experimentalKvCacheValueType: kvCacheType} : {}),
  });
  try {
    const sequences = prompts.map(() => context.getSequence());
    let capped = false;
    const start = performance.now();
    const timer = setTimeout(() => (capped = true), (capSeconds ?? job.capSeconds ?? 60) * 1000);
    const requests = await Promise.all(prompts.map(async (prompt, i) => {
      const tokenMs = [];
      const tokens = [];
      // yieldEogToken: without it evaluate() ends at EOS; the benchmark ignores EOS, as ours does
      for await (const token of sequences[i].evaluate(prompt, {temperature: 0, yieldEogToken: true})) {
        tokenMs.push(performance.now() - start);
        tokens.push(token);
        if (tokens.length >= outputTokens || capped) break;
      }
      return {tokenMs, tokens};
    }));
    clearTimeout(timer);
    const wallMs = performance.now() - start;
    const done = requests.filter((r) => r.tokens.length >= outputTokens).length;
    return {concurrency: c, wallMs, capped, done, requests};
  } finally {
    await context.dispose();
  }
}

const runs = [];
for (const r of job.runs) runs.push(await run(r));
await model.dispose();
await llama.dispose();
process.stdout.write(JSON.stringify({runs}) + "\n");
