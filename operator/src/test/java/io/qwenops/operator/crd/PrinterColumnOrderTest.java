package io.qwenops.operator.crd;

import static org.assertj.core.api.Assertions.assertThat;

import org.junit.jupiter.api.Test;

class PrinterColumnOrderTest {

  @Test
  void putsColumnsInKubectlOrderAndKeepsTheRest() {
    String generated =
        """
        spec:
          versions:
          - additionalPrinterColumns:
            - jsonPath: ".metadata.creationTimestamp"
              name: "Age"
              type: "date"
            - jsonPath: ".spec.model.source"
              name: "Model"
              type: "string"
            - jsonPath: ".status.endpoint"
              name: "Endpoint"
              type: "string"
            - jsonPath: ".status.ready"
              name: "Ready"
              type: "string"
            name: "v1alpha1"
        """;

    String ordered = PrinterColumnOrder.reorder(generated);

    assertThat(ordered)
        .isEqualTo(
            """
            spec:
              versions:
              - additionalPrinterColumns:
                - jsonPath: ".spec.model.source"
                  name: "Model"
                  type: "string"
                - jsonPath: ".status.ready"
                  name: "Ready"
                  type: "string"
                - jsonPath: ".status.endpoint"
                  name: "Endpoint"
                  type: "string"
                - jsonPath: ".metadata.creationTimestamp"
                  name: "Age"
                  type: "date"
                name: "v1alpha1"
            """);
  }
}
