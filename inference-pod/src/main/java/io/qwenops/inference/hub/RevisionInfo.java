package io.qwenops.inference.hub;

import com.fasterxml.jackson.databind.JsonNode;
import java.util.ArrayList;
import java.util.List;

/**
 * What {@code GET /api/models/{repo}/revision/{revision}?blobs=true} says: the commit the revision
 * points at now, and the files of that commit with their sizes and hashes.
 */
public record RevisionInfo(String commit, List<RepoFile> files) {

  static RevisionInfo parse(HubRef ref, JsonNode json) throws HubException {
    String commit = json.path("sha").asText("");
    if (!commit.matches("[0-9a-f]{40}")) {
      throw new HubException(
          "The Hub's answer for " + ref + " names no commit (no 'sha'); is HF_ENDPOINT a Hub?");
    }
    List<RepoFile> files = new ArrayList<>();
    for (JsonNode sibling : json.path("siblings")) {
      String name = sibling.path("rfilename").asText("");
      if (name.isEmpty()) {
        continue;
      }
      JsonNode lfs = sibling.path("lfs");
      long size = lfs.has("size") ? lfs.path("size").asLong(-1) : sibling.path("size").asLong(-1);
      String sha256 = lfs.hasNonNull("sha256") ? lfs.path("sha256").asText() : null;
      String blobId = sibling.hasNonNull("blobId") ? sibling.path("blobId").asText() : null;
      if (sha256 == null && blobId == null) {
        // An old mirror without blob ids: name the blob after commit and path, still unique.
        blobId = "qwenops-" + commit + "-" + name.replace('/', '_');
      }
      files.add(new RepoFile(name, size, sha256, blobId));
    }
    return new RevisionInfo(commit, List.copyOf(files));
  }
}
