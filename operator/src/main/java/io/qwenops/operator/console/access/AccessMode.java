package io.qwenops.operator.console.access;

import java.util.Locale;

/** How the gateway decides who may use it (docs/console.md, "Access"). */
public enum AccessMode {
  /** One shared bearer token, read from a file (a mounted Secret). */
  TOKEN,
  /** The user's own Kubernetes token; the cluster's RBAC decides per QwenDeployment. */
  KUBERNETES,
  /** Anyone who can reach the port: loopback only unless forced. */
  NONE;

  public String wireName() {
    return name().toLowerCase(Locale.ROOT);
  }

  public static AccessMode parse(String value) {
    for (AccessMode mode : values()) {
      if (mode.wireName().equals(value)) {
        return mode;
      }
    }
    throw new IllegalArgumentException(
        "--access must be token, kubernetes or none, got '" + value + "'");
  }
}
