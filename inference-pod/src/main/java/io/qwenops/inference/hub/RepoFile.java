package io.qwenops.inference.hub;

/**
 * One file of a repo at a commit, as the Hub lists it.
 *
 * @param size bytes, or -1 when the Hub did not say
 * @param sha256 the LFS object's SHA-256 (large files), or null for files kept in git
 * @param blobId the git blob id, or null
 */
public record RepoFile(String name, long size, String sha256, String blobId) {

  /**
   * The file's name under {@code blobs/} in the Hugging Face cache: the ETag the Hub serves it
   * with, which is the LFS SHA-256 for large files and the git blob id for the others.
   */
  public String blobName() {
    if (sha256 != null) {
      return sha256;
    }
    if (blobId != null) {
      return blobId;
    }
    throw new IllegalStateException("the Hub listed " + name + " with neither blob id nor sha256");
  }
}
