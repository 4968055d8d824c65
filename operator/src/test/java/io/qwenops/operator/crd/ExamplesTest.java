package io.qwenops.operator.crd;

import static org.assertj.core.api.Assertions.assertThat;

import io.fabric8.kubernetes.api.model.SecretBuilder;
import io.fabric8.kubernetes.client.utils.Serialization;
import io.qwenops.operator.desired.DesiredDeployment;
import io.qwenops.operator.reconciler.ClusterLookup;
import io.qwenops.operator.reconciler.SpecValidator;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Optional;
import java.util.stream.Stream;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.MethodSource;

/** The examples the docs point at stay valid: they parse, validate and render a Deployment. */
class ExamplesTest {

  static Stream<Path> examples() throws IOException {
    return Files.list(Path.of("examples")).filter(p -> p.toString().endsWith(".yaml")).sorted();
  }

  @ParameterizedTest
  @MethodSource("examples")
  void exampleIsAValidQwenDeployment(Path file) throws IOException {
    QwenDeployment qd = Serialization.unmarshal(Files.readString(file), QwenDeployment.class);
    qd.getMetadata().setNamespace("default");
    // Every Secret and claim an example names exists, with every key.
    ClusterLookup everythingExists =
        new ClusterLookup() {
          @Override
          public boolean secretExists(String ns, String name) {
            return true;
          }

          @Override
          public Optional<io.fabric8.kubernetes.api.model.Secret> secret(String ns, String name) {
            return Optional.of(
                new SecretBuilder()
                    .addToStringData("token", "x")
                    .addToStringData("api-key", "x")
                    .build());
          }

          @Override
          public boolean claimExists(String ns, String name) {
            return true;
          }
        };
    assertThat(new SpecValidator(everythingExists).validate(qd)).as(file.toString()).isEmpty();
    assertThat(DesiredDeployment.of(qd).getSpec().getTemplate().getSpec().getContainers())
        .isNotEmpty();
  }
}
