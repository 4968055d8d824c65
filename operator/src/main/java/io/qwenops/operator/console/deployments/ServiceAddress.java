package io.qwenops.operator.console.deployments;

import java.net.URI;

/** Where a Service answers: the cluster DNS name in a cluster; tests point it at a local server. */
@FunctionalInterface
public interface ServiceAddress {

  ServiceAddress CLUSTER_DNS =
      (namespace, service, port) ->
          URI.create("http://" + service + "." + namespace + ".svc:" + port);

  URI of(String namespace, String service, int port);
}
