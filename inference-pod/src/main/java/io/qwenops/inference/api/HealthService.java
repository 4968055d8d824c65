package io.qwenops.inference.api;

import io.helidon.webserver.http.HttpRules;
import io.helidon.webserver.http.HttpService;
import io.helidon.webserver.http.ServerRequest;
import io.helidon.webserver.http.ServerResponse;
import java.util.LinkedHashMap;
import java.util.Map;

/**
 * {@code GET /health}: 200 once the model serves, 503 while it loads (readiness and startup
 * probes). {@code GET /health/live}: 200 while the process works, 503 once the model failed to load
 * or the engine's step loop stopped, so Kubernetes restarts the pod (liveness probe). Both are
 * unauthenticated, so they say only the state: why it failed is in the server's log. While loading,
 * the body says what the load is doing: {@code "loading": {"phase": "downloading", "bytesDone",
 * "bytesTotal", "percent"}} (the operator copies it into the QwenDeployment's Downloading
 * condition), then {@code "phase": "loading"}.
 */
public final class HealthService implements HttpService {

  private final ModelSlot slot;

  public HealthService(ModelSlot slot) {
    this.slot = slot;
  }

  @Override
  public void routing(HttpRules rules) {
    rules.get("/health", this::ready).get("/health/live", this::live);
  }

  private void ready(ServerRequest req, ServerResponse res) {
    ModelSlot.State state = slot.state();
    res.status(state == ModelSlot.State.READY ? 200 : 503);
    ModelsService.send(res, body(state));
  }

  private void live(ServerRequest req, ServerResponse res) {
    ModelSlot.State state = slot.state();
    res.status(state == ModelSlot.State.FAILED ? 503 : 200);
    ModelsService.send(res, body(state));
  }

  private Map<String, Object> body(ModelSlot.State state) {
    Map<String, Object> body = new LinkedHashMap<>();
    body.put("status", state.name().toLowerCase(java.util.Locale.ROOT));
    body.put("model", slot.servedName());
    slot.loadingProgress()
        .ifPresent(
            p -> {
              // Counts only, never paths: /health is open to anyone who reaches the pod.
              Map<String, Object> loading = new LinkedHashMap<>();
              loading.put("phase", p.phase());
              if (p.phase().equals(LoadingProgress.DOWNLOADING)) {
                loading.put("bytesDone", p.bytesDone());
                loading.put("bytesTotal", p.bytesTotal());
                loading.put("percent", p.percent());
              }
              body.put("loading", loading);
            });
    return body;
  }
}
