package io.qwenops.charts;

import com.marcnuri.helm.Helm;
import com.marcnuri.helm.TemplateCommand;
import io.fabric8.kubernetes.api.model.HasMetadata;
import io.fabric8.kubernetes.client.utils.Serialization;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.function.UnaryOperator;

/** The chart in charts/qwenops, rendered by Helm (helm-java) and parsed into fabric8 objects. */
final class Chart {

  static final String RELEASE = "qwenops";
  static final String NAMESPACE = "qwenops-system";

  /** The Kubernetes version templates are rendered for (the chart needs 1.27+). */
  static final String KUBE_VERSION = "1.31.0";

  private Chart() {}

  static Path root() {
    return Path.of(System.getProperty("qwenops.root", "..")).toAbsolutePath().normalize();
  }

  static Path dir() {
    return root().resolve("charts/qwenops");
  }

  static Path ciValues(String name) {
    return dir().resolve("ci").resolve(name);
  }

  /** helm template with the default values plus {@code values} files and --set pairs. */
  static Rendered render(List<Path> valuesFiles, Map<String, Object> sets) {
    return render(
        command -> {
          valuesFiles.forEach(command::withValuesFile);
          sets.forEach(command::set);
          return command;
        });
  }

  static Rendered render(UnaryOperator<TemplateCommand> options) {
    TemplateCommand command =
        new Helm(dir())
            .template()
            .withName(RELEASE)
            .withNamespace(NAMESPACE)
            .withKubeVersion(KUBE_VERSION);
    String yaml = options.apply(command).call();
    List<HasMetadata> objects = new ArrayList<>();
    for (String document : yaml.split("(?m)^---\\s*$")) {
      if (document.lines().anyMatch(l -> l.startsWith("kind:"))) {
        objects.add((HasMetadata) Serialization.unmarshal(document));
      }
    }
    return new Rendered(yaml, objects);
  }

  static Rendered renderDefaults() {
    return render(List.of(), Map.of());
  }
}
