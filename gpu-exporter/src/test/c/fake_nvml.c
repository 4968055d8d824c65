/*
 * A fake libnvidia-ml.so for the exporter's tests and benchmark. It exports the NVML symbols the exporter uses,
 * with the real signatures and struct layouts, and serves GPUs whose values move with time.
 *
 * Configuration is read at nvmlInit (so one process can re-init with new settings) from the file named by
 * FAKE_NVML_CONFIG, else from "fake-nvml.conf" beside this library (so each test copies the library into its own
 * folder and gets its own instance and settings). Lines are key=value:
 *   gpus=N                     number of GPUs (default 2, at most 16)
 *   init_error=CODE            nvmlInit_v2 fails with CODE (e.g. 9 = DRIVER_NOT_LOADED)
 *   pcie_not_supported=1       PCIe throughput answers NOT_SUPPORTED
 *   fan_not_supported=1        fan speed answers NOT_SUPPORTED
 *   ecc_not_supported=1        ECC counters answer NOT_SUPPORTED
 *   memory_v2_not_supported=1  nvmlDeviceGetMemoryInfo_v2 answers NOT_SUPPORTED (v1 still works)
 *   xid_not_supported_gpu=I    GPU I cannot register for XID events
 *   lost_gpu=I                 GPU I answers GPU_IS_LOST ...
 *   lost_after_calls=N         ... once N calls were made on it (default 0: from the first call)
 *   processes=N                compute processes per GPU (default 2)
 *   processes_grow_once=N      the process list grows by N (for good) between the first size query and read
 *   pcie_delay_ms=N            how long a PCIe throughput call blocks (default 20, like the driver)
 *   xid_gpu=I, xid_code=C, xid_after_ms=T   an XID event C on GPU I, T ms after init (once)
 *   uuid_prefix=S              UUIDs are S followed by the index in hex (default GPU-00000000-fake-4000-8000-0000000000)
 *   fail=FUNCTION              the NVML function of that name (e.g. nvmlDeviceGetTemperature) fails ...
 *   fail_code=CODE             ... with CODE (default 999 = UNKNOWN) ...
 *   fail_after_calls=N         ... once N calls to it succeeded (default 0), on any GPU ...
 *   fail_times=N               ... N times in a row (default 1; -1 = for good)
 *
 * Compiled with -DFAKE_NVML_OLD it plays an older driver: the versioned entry points (_v2, _v3, ClocksEventReasons)
 * are not exported, only the names that preceded them.
 */
#define _GNU_SOURCE
#include <dlfcn.h>
#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

typedef int nvmlReturn_t;
typedef struct fake_gpu *nvmlDevice_t;
typedef struct fake_event_set *nvmlEventSet_t;

enum {
  NVML_SUCCESS = 0,
  NVML_ERROR_UNINITIALIZED = 1,
  NVML_ERROR_INVALID_ARGUMENT = 2,
  NVML_ERROR_NOT_SUPPORTED = 3,
  NVML_ERROR_INSUFFICIENT_SIZE = 7,
  NVML_ERROR_DRIVER_NOT_LOADED = 9,
  NVML_ERROR_TIMEOUT = 10,
  NVML_ERROR_GPU_IS_LOST = 15,
  NVML_ERROR_ARGUMENT_VERSION_MISMATCH = 25,
};

typedef struct {
  char busIdLegacy[16];
  unsigned int domain;
  unsigned int bus;
  unsigned int device;
  unsigned int pciDeviceId;
  unsigned int pciSubSystemId;
  char busId[32];
} nvmlPciInfo_t;

typedef struct {
  unsigned long long total;
  unsigned long long free;
  unsigned long long used;
} nvmlMemory_t;

typedef struct {
  unsigned int version;
  unsigned long long total;
  unsigned long long reserved;
  unsigned long long free;
  unsigned long long used;
} nvmlMemory_v2_t;

typedef struct {
  unsigned int gpu;
  unsigned int memory;
} nvmlUtilization_t;

typedef struct {
  unsigned int pid;
  unsigned long long usedGpuMemory;
  unsigned int gpuInstanceId;
  unsigned int computeInstanceId;
} nvmlProcessInfo_t;

typedef struct {
  nvmlDevice_t device;
  unsigned long long eventType;
  unsigned long long eventData;
  unsigned int gpuInstanceId;
  unsigned int computeInstanceId;
} nvmlEventData_t;

/* Entry points newer drivers add: hidden (but still callable from the old names) in the older-driver build. */
#ifdef FAKE_NVML_OLD
#define NEW_ONLY static __attribute__((unused))
#else
#define NEW_ONLY
#endif

#define MAX_GPUS 16
#define MIB (1024ULL * 1024ULL)

struct fake_gpu {
  unsigned int index;
  unsigned long long calls;
};

struct fake_event_set {
  int registered[MAX_GPUS];
};

static struct {
  int gpus;
  int init_error;
  int pcie_not_supported;
  int fan_not_supported;
  int ecc_not_supported;
  int memory_v2_not_supported;
  int xid_not_supported_gpu;
  int lost_gpu;
  long long lost_after_calls;
  int processes;
  int processes_grow_once;
  int pcie_delay_ms;
  int xid_gpu;
  int xid_code;
  long long xid_after_ms;
  char uuid_prefix[64];
  char fail[64];
  int fail_code;
  long long fail_after_calls;
  long long fail_times;
} cfg;

static struct fake_gpu gpus[MAX_GPUS];
static struct fake_event_set event_set;
static int initialized;
static int xid_delivered;
static int grow_pending;
static long long fail_calls; /* calls made to cfg.fail since init */
static struct timespec started;

static double seconds_since_init(void) {
  struct timespec now;
  clock_gettime(CLOCK_MONOTONIC, &now);
  return (double)(now.tv_sec - started.tv_sec) + (double)(now.tv_nsec - started.tv_nsec) / 1e9;
}

static void sleep_ms(long ms) {
  struct timespec t = {ms / 1000, (ms % 1000) * 1000000L};
  nanosleep(&t, NULL);
}

static void config_defaults(void) {
  memset(&cfg, 0, sizeof cfg);
  cfg.gpus = 2;
  cfg.lost_gpu = -1;
  cfg.processes = 2;
  cfg.pcie_delay_ms = 20;
  cfg.xid_gpu = -1;
  cfg.xid_not_supported_gpu = -1;
  snprintf(cfg.uuid_prefix, sizeof cfg.uuid_prefix, "GPU-00000000-fake-4000-8000-0000000000");
  cfg.fail_code = 999;
  cfg.fail_times = 1;
}

static void config_line(const char *key, const char *value) {
  long long v = atoll(value);
  if (!strcmp(key, "gpus")) cfg.gpus = v < 0 ? 0 : (v > MAX_GPUS ? MAX_GPUS : (int)v);
  else if (!strcmp(key, "init_error")) cfg.init_error = (int)v;
  else if (!strcmp(key, "pcie_not_supported")) cfg.pcie_not_supported = (int)v;
  else if (!strcmp(key, "fan_not_supported")) cfg.fan_not_supported = (int)v;
  else if (!strcmp(key, "ecc_not_supported")) cfg.ecc_not_supported = (int)v;
  else if (!strcmp(key, "memory_v2_not_supported")) cfg.memory_v2_not_supported = (int)v;
  else if (!strcmp(key, "xid_not_supported_gpu")) cfg.xid_not_supported_gpu = (int)v;
  else if (!strcmp(key, "lost_gpu")) cfg.lost_gpu = (int)v;
  else if (!strcmp(key, "lost_after_calls")) cfg.lost_after_calls = v;
  else if (!strcmp(key, "processes")) cfg.processes = (int)v;
  else if (!strcmp(key, "processes_grow_once")) cfg.processes_grow_once = (int)v;
  else if (!strcmp(key, "pcie_delay_ms")) cfg.pcie_delay_ms = (int)v;
  else if (!strcmp(key, "xid_gpu")) cfg.xid_gpu = (int)v;
  else if (!strcmp(key, "xid_code")) cfg.xid_code = (int)v;
  else if (!strcmp(key, "xid_after_ms")) cfg.xid_after_ms = v;
  else if (!strcmp(key, "uuid_prefix")) snprintf(cfg.uuid_prefix, sizeof cfg.uuid_prefix, "%s", value);
  else if (!strcmp(key, "fail")) snprintf(cfg.fail, sizeof cfg.fail, "%s", value);
  else if (!strcmp(key, "fail_code")) cfg.fail_code = (int)v;
  else if (!strcmp(key, "fail_after_calls")) cfg.fail_after_calls = v;
  else if (!strcmp(key, "fail_times")) cfg.fail_times = v;
}

static void config_load(void) {
  char path[4096];
  const char *env = getenv("FAKE_NVML_CONFIG");
  config_defaults();
  if (env && *env) {
    snprintf(path, sizeof path, "%s", env);
  } else {
    Dl_info info;
    if (!dladdr((void *)&config_load, &info) || !info.dli_fname) return;
    snprintf(path, sizeof path, "%s", info.dli_fname);
    char *slash = strrchr(path, '/');
    if (slash) {
      snprintf(slash + 1, sizeof path - (size_t)(slash + 1 - path), "fake-nvml.conf");
    } else {
      snprintf(path, sizeof path, "fake-nvml.conf");
    }
  }
  FILE *f = fopen(path, "r");
  if (!f) return;
  char line[256];
  while (fgets(line, sizeof line, f)) {
    line[strcspn(line, "\r\n")] = 0;
    char *eq = strchr(line, '=');
    if (line[0] == '#' || !eq) continue;
    *eq = 0;
    config_line(line, eq + 1);
  }
  fclose(f);
}

/* The injected fault: the function named by fail= answers fail_code for its calls after fail_after_calls. */
static nvmlReturn_t injected(const char *function) {
  if (!cfg.fail[0] || strcmp(function, cfg.fail)) return NVML_SUCCESS;
  long long call = ++fail_calls;
  if (call <= cfg.fail_after_calls) return NVML_SUCCESS;
  if (cfg.fail_times >= 0 && call > cfg.fail_after_calls + cfg.fail_times) return NVML_SUCCESS;
  return cfg.fail_code;
}

/* Every device call goes through here: it counts the call and decides whether the GPU has fallen off the bus. */
static nvmlReturn_t touch_named(nvmlDevice_t d, const char *function) {
  if (!initialized) return NVML_ERROR_UNINITIALIZED;
  if (d == NULL || d < gpus || d >= gpus + cfg.gpus) return NVML_ERROR_INVALID_ARGUMENT;
  d->calls++;
  if ((int)d->index == cfg.lost_gpu && (long long)d->calls > cfg.lost_after_calls) return NVML_ERROR_GPU_IS_LOST;
  return injected(function);
}
#define touch(d) touch_named((d), __func__)

/* A smooth value in [lo, hi] that moves with time, out of phase per GPU. */
static double wave(nvmlDevice_t d, double lo, double hi, double period_s) {
  double phase = seconds_since_init() * 2.0 * M_PI / period_s + d->index * 0.7;
  return lo + (hi - lo) * (0.5 + 0.5 * sin(phase));
}

static unsigned long long total_memory(void) { return 80ULL * 1024ULL * MIB; }
static unsigned long long reserved_memory(void) { return 512ULL * MIB; }
static unsigned long long used_memory(nvmlDevice_t d) {
  return (unsigned long long)wave(d, 1024.0, 60000.0, 7.0) * MIB;
}

NEW_ONLY nvmlReturn_t nvmlInit_v2(void) {
  config_load();
  if (cfg.init_error) return cfg.init_error;
  for (int i = 0; i < MAX_GPUS; i++) {
    gpus[i].index = (unsigned int)i;
    gpus[i].calls = 0;
  }
  memset(&event_set, 0, sizeof event_set);
  xid_delivered = 0;
  grow_pending = cfg.processes_grow_once;
  fail_calls = 0;
  clock_gettime(CLOCK_MONOTONIC, &started);
  initialized = 1;
  return NVML_SUCCESS;
}

nvmlReturn_t nvmlInit(void) { return nvmlInit_v2(); }

nvmlReturn_t nvmlShutdown(void) {
  if (!initialized) return NVML_ERROR_UNINITIALIZED;
  initialized = 0;
  return NVML_SUCCESS;
}

const char *nvmlErrorString(nvmlReturn_t r) {
  switch (r) {
    case NVML_SUCCESS: return "Success";
    case NVML_ERROR_UNINITIALIZED: return "Uninitialized";
    case NVML_ERROR_INVALID_ARGUMENT: return "Invalid Argument";
    case NVML_ERROR_NOT_SUPPORTED: return "Not Supported";
    case NVML_ERROR_INSUFFICIENT_SIZE: return "Insufficient Size";
    case NVML_ERROR_DRIVER_NOT_LOADED: return "Driver Not Loaded";
    case NVML_ERROR_TIMEOUT: return "Timeout";
    case NVML_ERROR_GPU_IS_LOST: return "GPU is lost";
    default: return "Unknown Error";
  }
}

static nvmlReturn_t copy_string(char *dst, unsigned int len, const char *src) {
  if (dst == NULL) return NVML_ERROR_INVALID_ARGUMENT;
  if (strlen(src) + 1 > len) return NVML_ERROR_INSUFFICIENT_SIZE;
  memcpy(dst, src, strlen(src) + 1);
  return NVML_SUCCESS;
}

nvmlReturn_t nvmlSystemGetDriverVersion(char *version, unsigned int length) {
  if (!initialized) return NVML_ERROR_UNINITIALIZED;
  return copy_string(version, length, "550.54.15-fake");
}

nvmlReturn_t nvmlSystemGetNVMLVersion(char *version, unsigned int length) {
  if (!initialized) return NVML_ERROR_UNINITIALIZED;
  return copy_string(version, length, "12.550.54.15-fake");
}

NEW_ONLY nvmlReturn_t nvmlDeviceGetCount_v2(unsigned int *count) {
  if (!initialized) return NVML_ERROR_UNINITIALIZED;
  if (!count) return NVML_ERROR_INVALID_ARGUMENT;
  *count = (unsigned int)cfg.gpus;
  return NVML_SUCCESS;
}

NEW_ONLY nvmlReturn_t nvmlDeviceGetHandleByIndex_v2(unsigned int index, nvmlDevice_t *device) {
  if (!initialized) return NVML_ERROR_UNINITIALIZED;
  if (!device || index >= (unsigned int)cfg.gpus) return NVML_ERROR_INVALID_ARGUMENT;
  *device = &gpus[index];
  return NVML_SUCCESS;
}

nvmlReturn_t nvmlDeviceGetUUID(nvmlDevice_t d, char *uuid, unsigned int length) {
  nvmlReturn_t r = touch(d);
  if (r) return r;
  char buf[96];
  snprintf(buf, sizeof buf, "%s%02x", cfg.uuid_prefix, d->index);
  return copy_string(uuid, length, buf);
}

nvmlReturn_t nvmlDeviceGetName(nvmlDevice_t d, char *name, unsigned int length) {
  nvmlReturn_t r = touch(d);
  if (r) return r;
  return copy_string(name, length, "NVIDIA H100 80GB HBM3 (fake)");
}

NEW_ONLY nvmlReturn_t nvmlDeviceGetPciInfo_v3(nvmlDevice_t d, nvmlPciInfo_t *pci) {
  nvmlReturn_t r = touch(d);
  if (r) return r;
  if (!pci) return NVML_ERROR_INVALID_ARGUMENT;
  memset(pci, 0, sizeof *pci);
  pci->domain = 0;
  pci->bus = 0x17 + d->index;
  pci->device = 0;
  pci->pciDeviceId = 0x233010de;
  snprintf(pci->busIdLegacy, sizeof pci->busIdLegacy, "0000:%02X:00.0", pci->bus);
  snprintf(pci->busId, sizeof pci->busId, "00000000:%02X:00.0", pci->bus);
  return NVML_SUCCESS;
}

NEW_ONLY nvmlReturn_t nvmlDeviceGetMemoryInfo_v2(nvmlDevice_t d, nvmlMemory_v2_t *mem) {
  nvmlReturn_t r = touch(d);
  if (r) return r;
  if (!mem) return NVML_ERROR_INVALID_ARGUMENT;
  if (cfg.memory_v2_not_supported) return NVML_ERROR_NOT_SUPPORTED;
  if (mem->version != ((unsigned int)sizeof(nvmlMemory_v2_t) | (2u << 24))) return NVML_ERROR_ARGUMENT_VERSION_MISMATCH;
  mem->total = total_memory();
  mem->reserved = reserved_memory();
  mem->used = used_memory(d);
  mem->free = mem->total - mem->reserved - mem->used;
  return NVML_SUCCESS;
}

nvmlReturn_t nvmlDeviceGetMemoryInfo(nvmlDevice_t d, nvmlMemory_t *mem) {
  nvmlReturn_t r = touch(d);
  if (r) return r;
  if (!mem) return NVML_ERROR_INVALID_ARGUMENT;
  mem->total = total_memory();
  mem->used = used_memory(d) + reserved_memory();
  mem->free = mem->total - mem->used;
  return NVML_SUCCESS;
}

nvmlReturn_t nvmlDeviceGetUtilizationRates(nvmlDevice_t d, nvmlUtilization_t *u) {
  nvmlReturn_t r = touch(d);
  if (r) return r;
  if (!u) return NVML_ERROR_INVALID_ARGUMENT;
  u->gpu = (unsigned int)wave(d, 5, 100, 5.0);
  u->memory = (unsigned int)wave(d, 1, 60, 3.0);
  return NVML_SUCCESS;
}

/* Power moves between 100 and 500 W; energy is its exact integral, so both paths agree. */
static double power_watts(nvmlDevice_t d, double t) {
  return 300.0 + 200.0 * sin(t * 2.0 * M_PI / 6.0 + d->index * 0.7);
}

static double energy_joules(nvmlDevice_t d, double t) {
  double w = 2.0 * M_PI / 6.0, p = d->index * 0.7;
  return 1000.0 * (d->index + 1) + 300.0 * t - 200.0 / w * (cos(w * t + p) - cos(p));
}

nvmlReturn_t nvmlDeviceGetPowerUsage(nvmlDevice_t d, unsigned int *mw) {
  nvmlReturn_t r = touch(d);
  if (r) return r;
  if (!mw) return NVML_ERROR_INVALID_ARGUMENT;
  *mw = (unsigned int)(power_watts(d, seconds_since_init()) * 1000.0);
  return NVML_SUCCESS;
}

nvmlReturn_t nvmlDeviceGetEnforcedPowerLimit(nvmlDevice_t d, unsigned int *mw) {
  nvmlReturn_t r = touch(d);
  if (r) return r;
  if (!mw) return NVML_ERROR_INVALID_ARGUMENT;
  *mw = 700000;
  return NVML_SUCCESS;
}

nvmlReturn_t nvmlDeviceGetTotalEnergyConsumption(nvmlDevice_t d, unsigned long long *mj) {
  nvmlReturn_t r = touch(d);
  if (r) return r;
  if (!mj) return NVML_ERROR_INVALID_ARGUMENT;
  *mj = (unsigned long long)(energy_joules(d, seconds_since_init()) * 1000.0);
  return NVML_SUCCESS;
}

nvmlReturn_t nvmlDeviceGetTemperature(nvmlDevice_t d, int sensor, unsigned int *temp) {
  nvmlReturn_t r = touch(d);
  if (r) return r;
  if (!temp || sensor != 0) return NVML_ERROR_INVALID_ARGUMENT;
  *temp = (unsigned int)wave(d, 35, 80, 11.0);
  return NVML_SUCCESS;
}

nvmlReturn_t nvmlDeviceGetPcieThroughput(nvmlDevice_t d, int counter, unsigned int *kbps) {
  nvmlReturn_t r = touch(d);
  if (r) return r;
  if (!kbps || counter < 0 || counter > 1) return NVML_ERROR_INVALID_ARGUMENT;
  if (cfg.pcie_not_supported) return NVML_ERROR_NOT_SUPPORTED;
  sleep_ms(cfg.pcie_delay_ms); /* the driver samples the counter over ~20 ms */
  *kbps = counter == 0 ? (unsigned int)wave(d, 1000, 2000000, 4.0) : (unsigned int)wave(d, 500, 1000000, 9.0);
  return NVML_SUCCESS;
}

nvmlReturn_t nvmlDeviceGetClockInfo(nvmlDevice_t d, int type, unsigned int *mhz) {
  nvmlReturn_t r = touch(d);
  if (r) return r;
  if (!mhz) return NVML_ERROR_INVALID_ARGUMENT;
  switch (type) {
    case 0: /* graphics */
    case 1: /* SM */ *mhz = (unsigned int)wave(d, 345, 1980, 8.0); return NVML_SUCCESS;
    case 2: /* memory */ *mhz = 2619; return NVML_SUCCESS;
    default: return NVML_ERROR_INVALID_ARGUMENT;
  }
}

nvmlReturn_t nvmlDeviceGetFanSpeed(nvmlDevice_t d, unsigned int *speed) {
  nvmlReturn_t r = touch(d);
  if (r) return r;
  if (!speed) return NVML_ERROR_INVALID_ARGUMENT;
  if (cfg.fan_not_supported) return NVML_ERROR_NOT_SUPPORTED;
  *speed = (unsigned int)wave(d, 30, 90, 13.0);
  return NVML_SUCCESS;
}

NEW_ONLY nvmlReturn_t nvmlDeviceGetCurrentClocksEventReasons(nvmlDevice_t d, unsigned long long *reasons) {
  nvmlReturn_t r = touch(d);
  if (r) return r;
  if (!reasons) return NVML_ERROR_INVALID_ARGUMENT;
  /* GPU 0 idles; the others are power-capped and, on odd GPUs, thermally slowed. */
  *reasons = d->index == 0 ? 0x1ULL : (0x4ULL | ((d->index % 2) ? 0x20ULL : 0));
  return NVML_SUCCESS;
}

nvmlReturn_t nvmlDeviceGetCurrentClocksThrottleReasons(nvmlDevice_t d, unsigned long long *reasons) {
  return nvmlDeviceGetCurrentClocksEventReasons(d, reasons);
}

nvmlReturn_t nvmlDeviceGetTotalEccErrors(nvmlDevice_t d, int errorType, int counterType, unsigned long long *count) {
  nvmlReturn_t r = touch(d);
  if (r) return r;
  if (!count || errorType < 0 || errorType > 1 || counterType < 0 || counterType > 1) return NVML_ERROR_INVALID_ARGUMENT;
  if (cfg.ecc_not_supported) return NVML_ERROR_NOT_SUPPORTED;
  *count = errorType == 0 ? 3ULL + d->index : 0ULL;
  return NVML_SUCCESS;
}

NEW_ONLY nvmlReturn_t nvmlDeviceGetComputeRunningProcesses_v3(nvmlDevice_t d, unsigned int *count, nvmlProcessInfo_t *infos) {
  nvmlReturn_t r = touch(d);
  if (r) return r;
  if (!count) return NVML_ERROR_INVALID_ARGUMENT;
  unsigned int have = (unsigned int)cfg.processes;
  if (grow_pending && *count > 0) {
    /* A process started between the caller's size query and this read: the caller must retry. */
    cfg.processes += grow_pending;
    grow_pending = 0;
    have = (unsigned int)cfg.processes;
  }
  if (*count < have || infos == NULL) {
    *count = have;
    return have == 0 ? NVML_SUCCESS : NVML_ERROR_INSUFFICIENT_SIZE;
  }
  for (unsigned int i = 0; i < have; i++) {
    infos[i].pid = 1000 + d->index * 100 + i;
    infos[i].usedGpuMemory = (unsigned long long)(i + 1) * 1024ULL * MIB;
    infos[i].gpuInstanceId = 0xFFFFFFFFu;
    infos[i].computeInstanceId = 0xFFFFFFFFu;
  }
  *count = have;
  return NVML_SUCCESS;
}

nvmlReturn_t nvmlEventSetCreate(nvmlEventSet_t *set) {
  if (!initialized) return NVML_ERROR_UNINITIALIZED;
  if (!set) return NVML_ERROR_INVALID_ARGUMENT;
  memset(&event_set, 0, sizeof event_set);
  *set = &event_set;
  return NVML_SUCCESS;
}

nvmlReturn_t nvmlDeviceRegisterEvents(nvmlDevice_t d, unsigned long long types, nvmlEventSet_t set) {
  nvmlReturn_t r = touch(d);
  if (r) return r;
  if (set != &event_set) return NVML_ERROR_INVALID_ARGUMENT;
  if ((int)d->index == cfg.xid_not_supported_gpu) return NVML_ERROR_NOT_SUPPORTED;
  if (types & 0x8ULL) set->registered[d->index] = 1;
  return NVML_SUCCESS;
}

NEW_ONLY nvmlReturn_t nvmlEventSetWait_v2(nvmlEventSet_t set, nvmlEventData_t *data, unsigned int timeoutms) {
  if (!initialized) return NVML_ERROR_UNINITIALIZED;
  if (set != &event_set || !data) return NVML_ERROR_INVALID_ARGUMENT;
  nvmlReturn_t fault = injected(__func__);
  if (fault) {
    sleep_ms((long)timeoutms); /* the driver fails after its wait, like a timeout */
    return fault;
  }
  int armed = !xid_delivered && cfg.xid_gpu >= 0 && cfg.xid_gpu < cfg.gpus && set->registered[cfg.xid_gpu];
  if (armed) {
    double due_ms = (double)cfg.xid_after_ms - seconds_since_init() * 1000.0;
    if (due_ms <= (double)timeoutms) {
      if (due_ms > 0) sleep_ms((long)due_ms);
      memset(data, 0, sizeof *data);
      data->device = &gpus[cfg.xid_gpu];
      data->eventType = 0x8ULL;
      data->eventData = (unsigned long long)cfg.xid_code;
      data->gpuInstanceId = 0xFFFFFFFFu;
      data->computeInstanceId = 0xFFFFFFFFu;
      xid_delivered = 1;
      return NVML_SUCCESS;
    }
  }
  sleep_ms((long)timeoutms);
  return NVML_ERROR_TIMEOUT;
}

/* The names older drivers export (newer ones keep them too). */
nvmlReturn_t nvmlDeviceGetCount(unsigned int *count) { return nvmlDeviceGetCount_v2(count); }

nvmlReturn_t nvmlDeviceGetHandleByIndex(unsigned int index, nvmlDevice_t *device) {
  return nvmlDeviceGetHandleByIndex_v2(index, device);
}

nvmlReturn_t nvmlDeviceGetPciInfo_v2(nvmlDevice_t d, nvmlPciInfo_t *pci) { return nvmlDeviceGetPciInfo_v3(d, pci); }

nvmlReturn_t nvmlEventSetWait(nvmlEventSet_t set, nvmlEventData_t *data, unsigned int timeoutms) {
  return nvmlEventSetWait_v2(set, data, timeoutms);
}

nvmlReturn_t nvmlEventSetFree(nvmlEventSet_t set) {
  if (set != &event_set) return NVML_ERROR_INVALID_ARGUMENT;
  memset(&event_set, 0, sizeof event_set);
  return NVML_SUCCESS;
}

/* Layout probes for the structure tests: the C compiler's view of each struct, to compare with JNA's. */
#include <stddef.h>
#define LAYOUT(T, F) if (!strcmp(type, #T) && !strcmp(field, #F)) return (long)offsetof(T, F)
#define SIZE(T) if (!strcmp(type, #T)) return (long)sizeof(T)

long fakeNvmlSizeOf(const char *type) {
  SIZE(nvmlPciInfo_t);
  SIZE(nvmlMemory_t);
  SIZE(nvmlMemory_v2_t);
  SIZE(nvmlUtilization_t);
  SIZE(nvmlProcessInfo_t);
  SIZE(nvmlEventData_t);
  return -1;
}

long fakeNvmlOffsetOf(const char *type, const char *field) {
  LAYOUT(nvmlPciInfo_t, busIdLegacy); LAYOUT(nvmlPciInfo_t, domain); LAYOUT(nvmlPciInfo_t, bus);
  LAYOUT(nvmlPciInfo_t, device); LAYOUT(nvmlPciInfo_t, pciDeviceId); LAYOUT(nvmlPciInfo_t, pciSubSystemId);
  LAYOUT(nvmlPciInfo_t, busId);
  LAYOUT(nvmlMemory_t, total); LAYOUT(nvmlMemory_t, free); LAYOUT(nvmlMemory_t, used);
  LAYOUT(nvmlMemory_v2_t, version); LAYOUT(nvmlMemory_v2_t, total); LAYOUT(nvmlMemory_v2_t, reserved);
  LAYOUT(nvmlMemory_v2_t, free); LAYOUT(nvmlMemory_v2_t, used);
  LAYOUT(nvmlUtilization_t, gpu); LAYOUT(nvmlUtilization_t, memory);
  LAYOUT(nvmlProcessInfo_t, pid); LAYOUT(nvmlProcessInfo_t, usedGpuMemory);
  LAYOUT(nvmlProcessInfo_t, gpuInstanceId); LAYOUT(nvmlProcessInfo_t, computeInstanceId);
  LAYOUT(nvmlEventData_t, device); LAYOUT(nvmlEventData_t, eventType); LAYOUT(nvmlEventData_t, eventData);
  LAYOUT(nvmlEventData_t, gpuInstanceId); LAYOUT(nvmlEventData_t, computeInstanceId);
  return -1;
}
