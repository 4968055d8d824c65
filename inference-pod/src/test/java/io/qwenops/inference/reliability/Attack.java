package io.qwenops.inference.reliability;

/**
 * One hostile request.
 *
 * @param route the route it targets, as the routing code names it ("POST /v1/completions")
 * @param path the request target actually sent (a route's path, or a hostile variant of it)
 * @param kind what is hostile about it (the suite counts outcomes per kind)
 * @param body the raw bytes sent, or null for none
 * @param framing how the body is delimited on the wire
 * @param expectedStatus the one status a correct server gives, or 0 when any 2xx or 4xx will do
 * @param pending the issue-12 item a correct answer depends on, or null
 */
record Attack(
    String route,
    String method,
    String path,
    String kind,
    String what,
    byte[] body,
    RawHttp.Framing framing,
    int expectedStatus,
    String pending) {

  Attack expecting(int status) {
    return new Attack(route, method, path, kind, what, body, framing, status, pending);
  }

  Attack pendingOn(String item) {
    return new Attack(route, method, path, kind, what, body, framing, expectedStatus, item);
  }

  @Override
  public String toString() {
    int size = body == null ? 0 : body.length;
    return route + " [" + kind + "] " + what + " (" + size + " bytes)";
  }
}
