package dev.geofence.cli;

import static org.assertj.core.api.Assertions.assertThat;

import org.junit.jupiter.api.Test;

/** The shipped examples: the policy is valid without warnings and passes its tests. */
class PolicyExamplesTest {

  @Test
  void examplePolicy_validatesWithoutWarnings() {
    PolicyCli.Run run =
        PolicyCli.run("policy", "validate", PolicyCli.example("policy.yaml").toString());

    assertThat(run.exitCode()).isZero();
    assertThat(run.out())
        .endsWith(": valid, policy ai-export-controls version 2026-11-28.1, 5 rules, 0 warnings\n");
  }

  @Test
  void exampleTests_allPass() {
    PolicyCli.Run run =
        PolicyCli.run(
            "policy",
            "test",
            PolicyCli.example("policy.yaml").toString(),
            PolicyCli.example("policy-tests.yaml").toString());

    assertThat(run.exitCode()).as(run.out()).isZero();
    assertThat(run.out()).matches("\\d{2} passed, 0 failed\n");
  }
}
