package io.qwenops.operator.console.access;

/** Who is asking, and which QwenDeployments they may see (and so chat with and subscribe to). */
public interface Viewer {

  /** Seen by everyone who passed the gate: modes token and none. */
  Viewer EVERYONE =
      new Viewer() {
        @Override
        public String user() {
          return null;
        }

        @Override
        public boolean mayGet(String namespace, String name) {
          return true;
        }
      };

  /** The user name to show, or null when the mode has no user identities. */
  String user();

  /** Whether this viewer may {@code get} the QwenDeployment {@code namespace/name}. */
  boolean mayGet(String namespace, String name);
}
