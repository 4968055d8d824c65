package io.qwenops.inference.hub;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.io.IOException;
import java.nio.file.FileSystemException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.util.Optional;

/**
 * The Hugging Face cache layout, shared with huggingface_hub and vLLM, so a cache either of them
 * filled is reused and ours serves them:
 *
 * <pre>
 * {root}/models--{owner}--{name}/
 *   blobs/{etag}                      file contents, named by LFS sha256 or git blob id
 *   snapshots/{commit}/{file}         symlink to ../../blobs/{etag}
 *   refs/{revision}                   the commit a branch or tag pointed at when last asked
 * </pre>
 */
public final class HubCache {

  private final Path root;

  public HubCache(Path root) {
    this.root = root;
  }

  public Path root() {
    return root;
  }

  Path repoDir(HubRef ref) {
    return root.resolve("models--" + ref.repo().replace("/", "--"));
  }

  Path blob(HubRef ref, RepoFile file) {
    return repoDir(ref).resolve("blobs").resolve(file.blobName());
  }

  Path snapshot(HubRef ref, String commit) {
    return repoDir(ref).resolve("snapshots").resolve(commit);
  }

  /** The commit this revision pointed at when it was last resolved, if the cache knows it. */
  Optional<String> cachedCommit(HubRef ref) throws IOException {
    if (ref.isCommit()) {
      return Optional.of(ref.revision());
    }
    Path file = repoDir(ref).resolve("refs").resolve(ref.revision());
    if (!Files.isRegularFile(file)) {
      return Optional.empty();
    }
    String commit = Files.readString(file).trim();
    return commit.matches("[0-9a-f]{40}") ? Optional.of(commit) : Optional.empty();
  }

  void writeRef(HubRef ref, String commit) throws IOException {
    if (ref.isCommit()) {
      return;
    }
    Path file = repoDir(ref).resolve("refs").resolve(ref.revision());
    Files.createDirectories(file.getParent());
    Path tmp = file.resolveSibling(file.getFileName() + ".tmp");
    Files.writeString(tmp, commit);
    Files.move(tmp, file, StandardCopyOption.REPLACE_EXISTING, StandardCopyOption.ATOMIC_MOVE);
  }

  /**
   * The cached snapshot of this revision when it holds a whole checkpoint: config, tokenizer and
   * every weight file (all shards of an index). What offline mode serves.
   */
  Optional<Path> completeSnapshot(HubRef ref) throws IOException {
    Optional<String> commit = cachedCommit(ref);
    if (commit.isEmpty()) {
      return Optional.empty();
    }
    Path dir = snapshot(ref, commit.get());
    if (!Files.isRegularFile(dir.resolve("config.json"))
        || !Files.isRegularFile(dir.resolve("tokenizer.json"))) {
      return Optional.empty();
    }
    Path index = dir.resolve("model.safetensors.index.json");
    if (Files.isRegularFile(index)) {
      JsonNode map = new ObjectMapper().readTree(index.toFile()).path("weight_map");
      for (JsonNode shard : map) {
        if (!Files.isRegularFile(dir.resolve(shard.asText()))) {
          return Optional.empty();
        }
      }
      return Optional.of(dir);
    }
    return Files.isRegularFile(dir.resolve("model.safetensors"))
        ? Optional.of(dir)
        : Optional.empty();
  }

  /** Whether the snapshot already holds this file with the size the Hub lists. */
  boolean hasFile(HubRef ref, String commit, RepoFile file) throws IOException {
    Path path = snapshot(ref, commit).resolve(file.name());
    return Files.isRegularFile(path) && (file.size() < 0 || Files.size(path) == file.size());
  }

  /**
   * Puts a finished blob into the snapshot: a relative symlink, as huggingface_hub makes; a copy
   * where the file system has no symlinks.
   */
  void link(HubRef ref, String commit, RepoFile file, Path blob) throws IOException {
    Path target = snapshot(ref, commit).resolve(file.name());
    Files.createDirectories(target.getParent());
    Files.deleteIfExists(target);
    try {
      Files.createSymbolicLink(target, target.getParent().relativize(blob));
    } catch (UnsupportedOperationException | FileSystemException e) {
      Files.copy(blob, target, StandardCopyOption.REPLACE_EXISTING);
    }
  }
}
