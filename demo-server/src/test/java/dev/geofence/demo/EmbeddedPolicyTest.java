package dev.geofence.demo;

import static org.assertj.core.api.Assertions.assertThat;

import dev.geofence.policy.Policy;
import java.nio.file.Files;
import java.nio.file.Path;
import org.junit.jupiter.api.Test;

class EmbeddedPolicyTest {

  @Test
  void embeddedPolicy_isExactlyTheExamplePolicyOfTheRepository() throws Exception {
    Path example = Path.of("").toAbsolutePath().getParent().resolve("examples/policy.yaml");

    assertThat(DemoGeofence.embeddedPolicyText()).isEqualTo(Files.readString(example));
  }

  @Test
  void embeddedPolicy_loadsWithoutErrors() throws Exception {
    Policy policy = DemoGeofence.embeddedPolicy();

    assertThat(policy.id()).isEqualTo("ai-export-controls");
    assertThat(policy.ruleNames()).contains("sanctioned", "embargoed", "allies", "rest-of-world");
  }
}
