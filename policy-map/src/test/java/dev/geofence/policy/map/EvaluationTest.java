package dev.geofence.policy.map;

import static org.assertj.core.api.Assertions.assertThat;

import dev.geofence.policy.Policy;
import java.time.Instant;
import org.junit.jupiter.api.Test;

class EvaluationTest {

  private static final Instant BEFORE_GULF = Instant.parse("2026-12-15T00:00:00Z");
  private static final Instant DURING_GULF = Instant.parse("2027-06-01T00:00:00Z");

  private static Policy example() throws Exception {
    return Policy.load(ReportHtml.repoRoot().resolve("examples/policy.yaml"));
  }

  @Test
  void dateBoundaries_areWhereADatedRuleStartsAndTheDayAfterItEnds() throws Exception {
    assertThat(new Evaluation(example(), BEFORE_GULF).dateBoundaries())
        .containsExactly(
            Instant.parse("2027-01-15T00:00:00Z"), Instant.parse("2028-01-01T00:00:00Z"));
  }

  @Test
  void dateBoundaries_ofAnUndatedPolicy_areNone() throws Exception {
    Policy undated =
        Policy.parse(
            """
            policy: p
            version: "1"
            tiers:
              frontier: ["*"]
            rules:
              - name: all
                where: "*"
                action: allow
            """,
            "undated.yaml");

    assertThat(new Evaluation(undated, BEFORE_GULF).dateBoundaries()).isEmpty();
  }

  @Test
  void aNamedCountry_isDecidedByTheFallback_whileItsOwnRuleIsNotInForce() throws Exception {
    Policy policy = example();
    Evaluation before = new Evaluation(policy, BEFORE_GULF);
    Evaluation during = new Evaluation(policy, DURING_GULF);

    assertThat(before.fallbackRule()).contains("rest-of-world");
    assertThat(before.isNamed("AE")).isTrue();
    assertThat(before.isFallback("AE", before.country("AE", "advanced"))).isTrue();
    assertThat(during.isFallback("AE", during.country("AE", "advanced"))).isFalse();
    assertThat(before.isFallback("BR", before.country("BR", "advanced"))).isTrue();
    assertThat(before.isFallback("US", before.country("US", "advanced"))).isFalse();
  }

  @Test
  void theOtherCountry_isOneThePolicyDoesNotName() throws Exception {
    Evaluation evaluation = new Evaluation(example(), BEFORE_GULF);

    assertThat(evaluation.otherCountry())
        .hasValueSatisfying(c -> assertThat(evaluation.isNamed(c)).isFalse());
    assertThat(evaluation.columns())
        .containsExactly("frontier", "advanced", "standard", "(no model)");
    assertThat(evaluation.mapColumns()).containsExactly("frontier", "advanced", "standard");
  }
}
