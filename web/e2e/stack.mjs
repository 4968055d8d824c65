// The real QwenOps processes an end-to-end run needs, on free loopback ports: the inference server on a tiny
// random-weight checkpoint, the gpu-exporter on the fake libnvidia-ml.so (compiled here from the exporter's test C
// source) and the console gateway in static mode serving web/dist. Every child runs in its own process group and is
// killed on stop(), on any exit of this process and on SIGINT/SIGTERM, so a failed run leaves nothing behind.
import { spawn, execFileSync } from 'node:child_process';
import { createServer } from 'node:net';
import { existsSync, mkdirSync, mkdtempSync, openSync, readdirSync, rmSync, writeFileSync, copyFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';

export const repo = fileURLToPath(new URL('../..', import.meta.url));
const java = process.env.JAVA_HOME ? join(process.env.JAVA_HOME, 'bin', 'java') : 'java';
const live = new Set();
const workDirs = new Set();

function killGroup(child, signal) {
  try {
    process.kill(-child.pid, signal);
  } catch {
    // already gone
  }
}
process.on('exit', () => {
  live.forEach((c) => killGroup(c, 'SIGKILL'));
  workDirs.forEach((d) => rmSync(d, { recursive: true, force: true }));
});
for (const sig of ['SIGINT', 'SIGTERM']) process.on(sig, () => process.exit(130));

export async function freePort() {
  return new Promise((resolve, reject) => {
    const srv = createServer();
    srv.unref();
    srv.on('error', reject);
    srv.listen(0, '127.0.0.1', () => {
      const { port } = srv.address();
      srv.close(() => resolve(port));
    });
  });
}

function requireFile(path, hint) {
  if (!existsSync(path)) throw new Error(`${path} is missing: ${hint}`);
  return path;
}

function jar(dir, prefix) {
  const name = existsSync(dir) && readdirSync(dir).find((f) => f.startsWith(prefix) && f.endsWith('.jar'));
  if (!name) throw new Error(`no ${prefix}*.jar in ${dir}: build first (./mvnw -B -ntp package -DskipTests)`);
  return join(dir, name);
}

/** One child process whose output goes to `<logs>/<name>.log`. */
class Proc {
  constructor(name, args, logs) {
    this.name = name;
    this.args = args;
    this.log = join(logs, `${name}.log`);
  }

  start() {
    const out = openSync(this.log, 'a');
    this.child = spawn(java, this.args, { detached: true, stdio: ['ignore', out, out] });
    live.add(this.child);
    this.exited = new Promise((resolve) => this.child.on('exit', (code, signal) => {
      live.delete(this.child);
      resolve(code ?? signal);
    }));
    return this;
  }

  /** SIGKILL, as a crashed exporter would die; resolves when the process is gone. */
  async kill() {
    if (!this.child || !live.has(this.child)) return;
    killGroup(this.child, 'SIGKILL');
    await this.exited;
  }

  async stop() {
    if (!this.child || !live.has(this.child)) return;
    killGroup(this.child, 'SIGTERM');
    const gone = await Promise.race([this.exited.then(() => true), new Promise((r) => setTimeout(() => r(false), 5000))]);
    if (!gone) await this.kill();
  }

  /** Polls `url` until it answers 200; fails with the process's log path if it exits or the time runs out. */
  async waitHealthy(url, timeoutMs) {
    const deadline = Date.now() + timeoutMs;
    let exited = null;
    this.exited.then((c) => (exited = c));
    while (Date.now() < deadline) {
      if (exited !== null) throw new Error(`${this.name} exited (${exited}) before ${url} answered; see ${this.log}`);
      try {
        const r = await fetch(url, { signal: AbortSignal.timeout(2000) });
        if (r.ok) return;
      } catch {
        // not listening yet
      }
      await new Promise((r) => setTimeout(r, 250));
    }
    throw new Error(`${this.name}: ${url} did not answer 200 within ${timeoutMs / 1000} s; see ${this.log}`);
  }
}

/** Copies of the fake NVML, one folder per exporter, each with its own fake-nvml.conf beside the library. */
function fakeNvml(work, name, conf) {
  const built = join(work, 'libnvidia-ml.so.1');
  if (!existsSync(built)) {
    const src = requireFile(join(repo, 'gpu-exporter/src/test/c/fake_nvml.c'), 'the fake NVML source');
    execFileSync('gcc', ['-std=c11', '-O2', '-shared', '-fPIC', '-o', built, src, '-lm'], { stdio: 'inherit' });
  }
  const dir = join(work, name);
  mkdirSync(dir, { recursive: true });
  copyFileSync(built, join(dir, 'libnvidia-ml.so.1'));
  writeFileSync(join(dir, 'fake-nvml.conf'), Object.entries(conf).map(([k, v]) => `${k}=${v}\n`).join(''));
  return join(dir, 'libnvidia-ml.so.1');
}

export class Stack {
  constructor(logs) {
    this.logs = logs;
    mkdirSync(logs, { recursive: true });
    this.work = mkdtempSync(join(tmpdir(), 'qwenops-e2e-'));
    workDirs.add(this.work);
    this.procs = [];
    this.podJar = jar(join(repo, 'inference-pod/target'), 'inference-pod-');
    this.exporterJar = requireFile(join(repo, 'gpu-exporter/target/gpu-exporter.jar'), 'build the gpu-exporter first');
    this.operatorJar = requireFile(join(repo, 'operator/target/operator.jar'), 'build the operator first');
    this.webDist = requireFile(join(repo, 'web/dist/index.html'), 'run `npm run build` in web/ first');
  }

  /** Writes the tiny random checkpoint (real Qwen tokenizer and template) and starts the inference server. */
  async startInference() {
    const tokenizer = execFileSync(join(repo, 'scripts/fetch-tokenizer.sh'), { encoding: 'utf8' }).trim();
    const model = join(this.work, 'model');
    execFileSync(java, [`-Dqwenops.tokenizer.dir=${tokenizer}`, '-cp', this.podJar,
      'io.qwenops.inference.model.CheckpointWriter', '--preset', 'tiny', '--dtype', 'bf16', '--out', model],
    { stdio: ['ignore', 'ignore', 'inherit'] });
    this.inferencePort = await freePort();
    const p = this.add('inference', ['-XX:+UseSerialGC', '-Xmx1g', '--add-modules', 'jdk.incubator.vector',
      '-jar', this.podJar, '--model', model, '--host', '127.0.0.1', '--port', String(this.inferencePort)]);
    await p.waitHealthy(`http://127.0.0.1:${this.inferencePort}/health`, 120_000);
    return `http://127.0.0.1:${this.inferencePort}`;
  }

  /** A gpu-exporter on the fake NVML with the given settings (e.g. {gpus: 2, pcie_not_supported: 1}). */
  async startExporter(name, conf, port) {
    const lib = fakeNvml(this.work, name, conf);
    const p = this.add(name, ['-XX:+UseSerialGC', '-Xmx128m', '-jar', this.exporterJar, '--host', '127.0.0.1',
      '--port', String(port), '--nvml-library', lib, '--gpu-filter', 'off']);
    await p.waitHealthy(`http://127.0.0.1:${port}/health`, 60_000);
    return p;
  }

  /** The console gateway in static mode, serving web/dist, no access control, on loopback. */
  async startGateway(name, inferenceUrl, exporterUrl) {
    const port = await freePort();
    const p = this.add(name, ['-XX:+UseSerialGC', '-Xmx256m', '-jar', this.operatorJar, 'console', '--static',
      '--access', 'none', '--bind', '127.0.0.1', '--port', String(port), '--inference-url', inferenceUrl,
      '--exporter-url', exporterUrl, '--web-dir', join(repo, 'web/dist')]);
    await p.waitHealthy(`http://127.0.0.1:${port}/api/session`, 60_000);
    return `http://127.0.0.1:${port}`;
  }

  add(name, args) {
    const p = new Proc(name, args, this.logs).start();
    this.procs.push(p);
    return p;
  }

  async stop() {
    await Promise.all(this.procs.map((p) => p.stop()));
    rmSync(this.work, { recursive: true, force: true });
  }
}
