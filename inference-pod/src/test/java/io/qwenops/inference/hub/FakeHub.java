package io.qwenops.inference.hub;

import com.sun.net.httpserver.HttpExchange;
import com.sun.net.httpserver.HttpServer;
import java.io.IOException;
import java.io.OutputStream;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.util.ArrayList;
import java.util.HexFormat;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.Executors;
import java.util.concurrent.atomic.AtomicInteger;

/**
 * A local stand-in for the Hugging Face Hub's two download endpoints, with the failures real
 * downloads meet: {@code GET /api/models/{repo}/revision/{rev}?blobs=true} (commit, files with
 * sizes, git blob ids and LFS sha256s) and {@code GET /{repo}/resolve/{commit}/{file}} (with Range
 * support). The JDK's HttpServer, so a test can cut a response off halfway.
 */
public final class FakeHub implements AutoCloseable {

  /** One file request as the Hub saw it. */
  public record Served(String repo, String commit, String file, String range, long bytes) {}

  private final HttpServer server;

  /** repo → commit → file → bytes. */
  final Map<String, Map<String, Map<String, byte[]>>> commits = new ConcurrentHashMap<>();

  /** repo → branch → commit. */
  final Map<String, Map<String, String>> refs = new ConcurrentHashMap<>();

  public final List<Served> served = new CopyOnWriteArrayList<>();
  final AtomicInteger revisionCalls = new AtomicInteger();

  /** Files whose first GET is cut off after this many bytes. */
  final Map<String, Long> cutOnce = new ConcurrentHashMap<>();

  /** Files whose first GET stops sending after this many bytes and holds the connection open. */
  final Map<String, Long> stallOnce = new ConcurrentHashMap<>();

  /** Files listed with a sha256 that their bytes do not have. */
  final Set<String> wrongSha = ConcurrentHashMap.newKeySet();

  /** Sizes listed instead of the real ones. */
  final Map<String, Long> listedSize = new ConcurrentHashMap<>();

  /** Answers 503 this many times before serving any file. */
  final AtomicInteger unavailable = new AtomicInteger();

  /** Run once after the first revision lookup (e.g. to move a branch). */
  volatile Runnable afterRevision = () -> {};

  /** Sleep this long per 64 KiB served (to watch progress). */
  public volatile long millisPerChunk;

  public volatile String requiredToken;

  private volatile boolean closed;

  public FakeHub() throws IOException {
    server = HttpServer.create(new InetSocketAddress(InetAddress.getLoopbackAddress(), 0), 0);
    server.setExecutor(Executors.newCachedThreadPool());
    server.createContext("/", this::handle);
    server.start();
  }

  public String endpoint() {
    return "http://127.0.0.1:" + server.getAddress().getPort();
  }

  /** Publishes a commit of a repo and points the branch at it. */
  public void publish(String repo, String branch, String commit, Map<String, byte[]> files) {
    commits.computeIfAbsent(repo, r -> new ConcurrentHashMap<>()).put(commit, Map.copyOf(files));
    refs.computeIfAbsent(repo, r -> new ConcurrentHashMap<>()).put(branch, commit);
  }

  List<Served> servedFiles(String file) {
    return served.stream().filter(s -> s.file().equals(file)).toList();
  }

  @Override
  public void close() {
    closed = true;
    server.stop(0);
  }

  private void handle(HttpExchange ex) throws IOException {
    try (ex) {
      String auth = ex.getRequestHeaders().getFirst("Authorization");
      if (requiredToken != null && auth == null) {
        send(ex, 401, "GatedRepo", "Access to this model is restricted");
        return;
      }
      if (requiredToken != null && !auth.equals("Bearer " + requiredToken)) {
        send(ex, 403, "GatedRepo", "not on the list");
        return;
      }
      String path = ex.getRequestURI().getPath();
      if (path.startsWith("/api/models/")) {
        revision(ex, path.substring("/api/models/".length()));
      } else {
        file(ex, path.substring(1));
      }
    }
  }

  private void revision(HttpExchange ex, String rest) throws IOException {
    int at = rest.indexOf("/revision/");
    String repo = rest.substring(0, at);
    String rev = java.net.URLDecoder.decode(rest.substring(at + 10), StandardCharsets.UTF_8);
    if (!commits.containsKey(repo)) {
      send(ex, 404, "RepoNotFound", "Repository not found");
      return;
    }
    String commit =
        refs.get(repo).getOrDefault(rev, commits.get(repo).containsKey(rev) ? rev : null);
    if (commit == null) {
      send(ex, 404, "RevisionNotFound", "Invalid rev id: " + rev);
      return;
    }
    List<String> siblings = new ArrayList<>();
    for (var f : commits.get(repo).get(commit).entrySet()) {
      byte[] bytes = f.getValue();
      long size = listedSize.getOrDefault(f.getKey(), (long) bytes.length);
      String sibling =
          "{\"rfilename\":\""
              + f.getKey()
              + "\",\"size\":"
              + size
              + ",\"blobId\":\""
              + gitBlobId(bytes)
              + "\"";
      if (f.getKey().endsWith(".safetensors")) {
        String sha = wrongSha.contains(f.getKey()) ? sha256(new byte[] {1}) : sha256(bytes);
        sibling +=
            ",\"lfs\":{\"sha256\":\"" + sha + "\",\"size\":" + size + ",\"pointerSize\":134}";
      }
      siblings.add(sibling + "}");
    }
    byte[] body =
        ("{\"id\":\""
                + repo
                + "\",\"sha\":\""
                + commit
                + "\",\"siblings\":["
                + String.join(",", siblings)
                + "]}")
            .getBytes(StandardCharsets.UTF_8);
    ex.getResponseHeaders().add("Content-Type", "application/json");
    ex.sendResponseHeaders(200, body.length);
    ex.getResponseBody().write(body);
    if (revisionCalls.incrementAndGet() == 1) {
      afterRevision.run();
    }
  }

  private void file(HttpExchange ex, String rest) throws IOException {
    // {owner}/{name}/resolve/{commit}/{file}
    String[] parts = rest.split("/", 5);
    String repo = parts[0] + "/" + parts[1];
    String commit = parts[3];
    String name = parts[4];
    Map<String, byte[]> files = commits.getOrDefault(repo, Map.of()).get(commit);
    if (files == null || !files.containsKey(name)) {
      send(ex, 404, "EntryNotFound", "not found");
      return;
    }
    if (unavailable.getAndUpdate(n -> Math.max(0, n - 1)) > 0) {
      send(ex, 503, null, "try later");
      return;
    }
    byte[] bytes = files.get(name);
    String range = ex.getRequestHeaders().getFirst("Range");
    int from = range == null ? 0 : Integer.parseInt(range.replaceAll("bytes=(\\d+)-", "$1"));
    ex.getResponseHeaders().add("ETag", "\"" + gitBlobId(bytes) + "\"");
    ex.getResponseHeaders().add("X-Repo-Commit", commit);
    if (range != null) {
      ex.getResponseHeaders()
          .add("Content-Range", "bytes " + from + "-" + (bytes.length - 1) + "/" + bytes.length);
    }
    ex.sendResponseHeaders(range == null ? 200 : 206, bytes.length - from);
    Long cut = cutOnce.remove(name);
    Long stall = stallOnce.remove(name);
    if (stall != null) {
      cut = stall;
    }
    int end = cut == null ? bytes.length : (int) Math.min(bytes.length, from + cut);
    OutputStream out = ex.getResponseBody();
    long written = 0;
    for (int i = from; i < end; i += 1 << 16) {
      int n = Math.min(1 << 16, end - i);
      out.write(bytes, i, n);
      out.flush();
      written += n;
      if (millisPerChunk > 0) {
        sleep(millisPerChunk);
      }
    }
    served.add(new Served(repo, commit, name, range, written));
    if (stall != null) {
      // Silent, connection open: as a CDN that stops mid-file. Ends when the client hangs up.
      long until = System.nanoTime() + java.util.concurrent.TimeUnit.SECONDS.toNanos(30);
      while (!closed && System.nanoTime() < until) {
        sleep(50);
      }
      throw new IOException("stalled " + name + " after " + written + " bytes");
    }
    if (cut != null) {
      // Closing short of Content-Length makes the JDK server drop the connection: a reset.
      throw new IOException("cut off " + name + " after " + written + " bytes");
    }
  }

  private static void send(HttpExchange ex, int status, String errorCode, String message)
      throws IOException {
    byte[] body = ("{\"error\":\"" + message + "\"}").getBytes(StandardCharsets.UTF_8);
    if (errorCode != null) {
      ex.getResponseHeaders().add("X-Error-Code", errorCode);
    }
    ex.sendResponseHeaders(status, body.length);
    ex.getResponseBody().write(body);
  }

  static String sha256(byte[] bytes) {
    return digest("SHA-256", bytes);
  }

  static String gitBlobId(byte[] bytes) {
    byte[] header = ("blob " + bytes.length + "\0").getBytes(StandardCharsets.US_ASCII);
    byte[] all = new byte[header.length + bytes.length];
    System.arraycopy(header, 0, all, 0, header.length);
    System.arraycopy(bytes, 0, all, header.length, bytes.length);
    return digest("SHA-1", all);
  }

  private static String digest(String algorithm, byte[] bytes) {
    try {
      return HexFormat.of().formatHex(MessageDigest.getInstance(algorithm).digest(bytes));
    } catch (java.security.NoSuchAlgorithmException e) {
      throw new IllegalStateException(e);
    }
  }

  private static void sleep(long millis) {
    try {
      Thread.sleep(millis);
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
    }
  }
}
