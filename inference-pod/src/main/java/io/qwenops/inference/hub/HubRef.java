package io.qwenops.inference.hub;

/**
 * A model on the Hugging Face Hub: {@code hf://owner/name@revision}, the revision a branch, tag or
 * commit ({@code main} when absent).
 */
public record HubRef(String repo, String revision) {

  public static final String SCHEME = "hf://";

  public HubRef {
    if (repo == null || !repo.matches("[A-Za-z0-9._-]+(/[A-Za-z0-9._-]+)?")) {
      throw new IllegalArgumentException(
          "Bad Hugging Face repo '" + repo + "': use hf://owner/name@revision");
    }
    // A revision names a file under refs/ in the cache: keep it from leaving that folder.
    if (revision == null
        || !revision.matches("[A-Za-z0-9._/-]+")
        || revision.contains("..")
        || revision.startsWith("/")) {
      throw new IllegalArgumentException(
          "Bad revision '" + revision + "' for " + repo + ": use a branch, tag or commit");
    }
  }

  public static boolean isHub(String location) {
    return location.startsWith(SCHEME);
  }

  /**
   * @throws IllegalArgumentException when the location is not a well-formed hf:// reference
   */
  public static HubRef parse(String location) {
    if (!isHub(location)) {
      throw new IllegalArgumentException(location + " is not an hf:// location");
    }
    String rest = location.substring(SCHEME.length());
    int at = rest.lastIndexOf('@');
    String repo = at < 0 ? rest : rest.substring(0, at);
    String revision = at < 0 || at == rest.length() - 1 ? "main" : rest.substring(at + 1);
    return new HubRef(repo, revision);
  }

  /** Whether the revision is already a full commit hash (then nothing needs resolving). */
  public boolean isCommit() {
    return revision.matches("[0-9a-f]{40}");
  }

  @Override
  public String toString() {
    return repo + "@" + revision;
  }
}
