package io.qwenops.inference.server;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.io.IOException;
import java.io.InputStream;
import java.lang.System.Logger;
import java.net.URI;
import java.net.URLEncoder;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;

/**
 * Where the checkpoint is: a local directory, or {@code hf://owner/name@revision} (what the
 * operator passes for a Hugging Face source), downloaded once into the model cache ({@code
 * QWENOPS_MODEL_CACHE_DIR}) with {@code HF_TOKEN} when set. {@code HF_ENDPOINT} points at a mirror,
 * as in huggingface_hub. Only the files a Qwen2 checkpoint needs are fetched (*.json,
 * *.safetensors, *.jinja); a finished download is marked so restarts reuse it.
 */
public final class ModelLocation {

  private static final Logger LOG = System.getLogger(ModelLocation.class.getName());
  static final String SCHEME = "hf://";
  private static final String COMPLETE = ".qwenops-complete";

  private ModelLocation() {}

  /** A Hugging Face reference: repo id and revision. */
  public record HfRef(String repo, String revision) {
    static HfRef parse(String location) {
      String rest = location.substring(SCHEME.length());
      int at = rest.lastIndexOf('@');
      String repo = at < 0 ? rest : rest.substring(0, at);
      String revision = at < 0 || at == rest.length() - 1 ? "main" : rest.substring(at + 1);
      if (!repo.matches("[A-Za-z0-9._-]+(/[A-Za-z0-9._-]+)?")) {
        throw new UsageException(
            "Bad Hugging Face model '" + location + "': use hf://owner/name@revision");
      }
      return new HfRef(repo, revision);
    }
  }

  public static boolean isHuggingFace(String location) {
    return location.startsWith(SCHEME);
  }

  /** The name a model is served under when none is configured. */
  public static String defaultServedName(String location) {
    if (isHuggingFace(location)) {
      return HfRef.parse(location).repo();
    }
    Path name = Path.of(location).toAbsolutePath().normalize().getFileName();
    return name == null ? "model" : name.toString();
  }

  /** The local directory holding the checkpoint, downloading it first if needed. */
  public static Path resolve(String location, Map<String, String> env) throws IOException {
    if (!isHuggingFace(location)) {
      return Path.of(location).toAbsolutePath().normalize();
    }
    HfRef ref = HfRef.parse(location);
    String cacheRoot =
        env.getOrDefault(
            "QWENOPS_MODEL_CACHE_DIR",
            Path.of(System.getProperty("user.home"), ".cache", "qwenops", "models").toString());
    Path dir = Path.of(cacheRoot, ref.repo().replace('/', '-') + "@" + ref.revision());
    if (Files.exists(dir.resolve(COMPLETE))) {
      return dir;
    }
    download(ref, dir, env);
    return dir;
  }

  private static void download(HfRef ref, Path dir, Map<String, String> env) throws IOException {
    String endpoint =
        env.getOrDefault("HF_ENDPOINT", "https://huggingface.co").replaceAll("/+$", "");
    String token = env.get("HF_TOKEN");
    HttpClient http =
        HttpClient.newBuilder()
            .followRedirects(HttpClient.Redirect.NORMAL)
            .connectTimeout(Duration.ofSeconds(30))
            .build();
    String revision = URLEncoder.encode(ref.revision(), StandardCharsets.UTF_8);
    JsonNode info;
    try (InputStream in =
        get(http, endpoint + "/api/models/" + ref.repo() + "/revision/" + revision, token)) {
      info = new ObjectMapper().readTree(in);
    }
    List<String> files = new ArrayList<>();
    for (JsonNode sibling : info.path("siblings")) {
      String name = sibling.path("rfilename").asText("");
      if (!name.contains("/")
          && (name.endsWith(".json") || name.endsWith(".safetensors") || name.endsWith(".jinja"))) {
        files.add(name);
      }
    }
    if (!files.contains("config.json")) {
      throw new IOException(ref.repo() + "@" + ref.revision() + " has no config.json");
    }
    Files.createDirectories(dir);
    for (String file : files) {
      Path target = dir.resolve(file);
      if (Files.exists(target)) {
        continue;
      }
      LOG.log(Logger.Level.INFO, "Downloading {0}/{1}@{2}", ref.repo(), file, ref.revision());
      Path part = dir.resolve(file + ".part");
      try (InputStream in =
          get(http, endpoint + "/" + ref.repo() + "/resolve/" + revision + "/" + file, token)) {
        Files.copy(in, part, StandardCopyOption.REPLACE_EXISTING);
      }
      Files.move(part, target, StandardCopyOption.ATOMIC_MOVE);
    }
    Files.writeString(dir.resolve(COMPLETE), String.join("\n", files) + "\n");
  }

  private static InputStream get(HttpClient http, String url, String token) throws IOException {
    HttpRequest.Builder request = HttpRequest.newBuilder(URI.create(url)).GET();
    if (token != null && !token.isBlank()) {
      request.header("Authorization", "Bearer " + token.trim());
    }
    try {
      HttpResponse<InputStream> res =
          http.send(request.build(), HttpResponse.BodyHandlers.ofInputStream());
      if (res.statusCode() != 200) {
        res.body().close();
        String hint =
            res.statusCode() == 401 || res.statusCode() == 403
                ? " (a gated or private model needs HF_TOKEN)"
                : "";
        throw new IOException("GET " + url + " answered " + res.statusCode() + hint);
      }
      return res.body();
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      throw new IOException("interrupted while downloading " + url, e);
    }
  }
}
