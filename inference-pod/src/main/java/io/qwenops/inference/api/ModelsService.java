package io.qwenops.inference.api;

import io.helidon.webserver.http.HttpRules;
import io.helidon.webserver.http.HttpService;
import io.helidon.webserver.http.ServerRequest;
import io.helidon.webserver.http.ServerResponse;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/** {@code GET /v1/models} and {@code GET /v1/models/{id}}: the one served model. */
public final class ModelsService implements HttpService {

  private final ModelSlot slot;

  public ModelsService(ModelSlot slot) {
    this.slot = slot;
  }

  @Override
  public void routing(HttpRules rules) {
    rules.get("/v1/models", this::list).get("/v1/models/{id}", this::one);
  }

  private void list(ServerRequest req, ServerResponse res) {
    ServingModel model = slot.require();
    Map<String, Object> body = new LinkedHashMap<>();
    body.put("object", "list");
    body.put("data", List.of(card(model)));
    send(res, body);
  }

  private void one(ServerRequest req, ServerResponse res) {
    ServingModel model = slot.require();
    String id = req.path().pathParameters().get("id");
    model.checkRequested(id);
    send(res, card(model));
  }

  private static Map<String, Object> card(ServingModel model) {
    Map<String, Object> card = new LinkedHashMap<>();
    card.put("id", model.name());
    card.put("object", "model");
    card.put("created", model.createdEpochSeconds());
    card.put("owned_by", "qwenops");
    card.put("root", model.root());
    card.put("parent", null);
    card.put("max_model_len", model.maxModelLen());
    return card;
  }

  static void send(ServerResponse res, Object body) {
    res.header("Content-Type", "application/json");
    res.send(Json.bytes(body));
  }
}
