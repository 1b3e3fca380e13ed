package dev.geofence.policy;

import static org.assertj.core.api.Assertions.assertThat;

import java.time.Instant;
import java.util.Optional;
import org.junit.jupiter.api.Test;

/**
 * {@link Policy#overUsage} and {@link Policy#overUsageBlock}: what a request over its rule's usage
 * limit gets.
 */
class PolicyOverUsageTest {

  private static final Instant NOW = Instant.parse("2027-01-01T00:00:00Z");

  private static final String POLICY =
      """
      policy: limits
      version: "1"
      tiers:
        frontier: [opus*]
        advanced: [sonnet*]
        standard: [haiku*]
      substitutes:
        frontier: sonnet-4
        advanced: haiku-4
      rules:
        - name: blocking
          where: [CN]
          action: allow
          basis: "Order 7"
          monitor:
            usage-limit: 5/1m
        - name: substituting
          where: [BR]
          allow: advanced
          over-limit: substitute
          monitor:
            usage-limit: 5/1m
            over-usage: substitute
        - name: flagging
          where: [IN]
          action: allow
          monitor:
            usage-limit: 5/1m
            over-usage: flag
        - name: audited
          where: [DE]
          action: allow
          monitor: true
        - name: rest
          where: "*"
          action: block
      """;

  private final Policy policy = TestPolicies.parse(POLICY);

  private Decision evaluate(String country, String model) {
    return policy.evaluate(Origin.country(country), model, NOW);
  }

  @Test
  void block_givesABlockDecision_forTheSameRuleAndRequest() {
    Decision d = evaluate("CN", "opus-4");

    Decision over = policy.overUsage(d);

    assertThat(over.action()).isEqualTo(Action.BLOCK);
    assertThat(over.reason()).isEqualTo(Decision.Reason.OVER_USAGE);
    assertThat(over.ruleName()).isEqualTo("blocking");
    assertThat(over.basis()).contains("Order 7");
    assertThat(over.monitoring()).isEqualTo(d.monitoring());
    assertThat(over.requestedModel()).contains("opus-4");
    assertThat(over.requestedTier()).contains("frontier");
    assertThat(over.effectiveModel()).isEmpty();
    assertThat(over.effectiveTier()).isEmpty();
    assertThat(over.matched()).contains("CN");
    assertThat(over.matchedSource()).contains(CountrySource.LOCATION);
  }

  @Test
  void overUsageBlock_refusesEvenWhereTheRuleWouldSubstitute_andLeavesABlockAsItIs() {
    Decision allowed = evaluate("BR", "sonnet-4");
    assertThat(policy.overUsage(allowed).action()).isEqualTo(Action.SUBSTITUTE);

    Decision over = policy.overUsageBlock(allowed);

    assertThat(over.action()).isEqualTo(Action.BLOCK);
    assertThat(over.reason()).isEqualTo(Decision.Reason.OVER_USAGE);
    assertThat(over.ruleName()).isEqualTo("substituting");
    assertThat(over.monitoring()).isEqualTo(allowed.monitoring());
    assertThat(over.requestedModel()).contains("sonnet-4");
    assertThat(over.effectiveModel()).isEmpty();
    assertThat(over.effectiveTier()).isEmpty();
    Decision blocked = evaluate("FR", "opus-4");
    assertThat(policy.overUsageBlock(blocked)).isSameAs(blocked);
  }

  @Test
  void substitute_stepsDownOneTier_fromTheTierServed() {
    Decision allowed = evaluate("BR", "sonnet-4");

    Decision over = policy.overUsage(allowed);

    assertThat(over.action()).isEqualTo(Action.SUBSTITUTE);
    assertThat(over.reason()).isEqualTo(Decision.Reason.OVER_USAGE);
    assertThat(over.ruleName()).isEqualTo("substituting");
    assertThat(over.requestedModel()).contains("sonnet-4");
    assertThat(over.effectiveModel()).contains("haiku-4");
    assertThat(over.effectiveTier()).contains("standard");
    assertThat(over.outcome()).isEqualTo("substitute(haiku-4)");
  }

  @Test
  void substitute_ofAnAlreadySubstitutedRequest_stepsDownFromTheSubstitute() {
    Decision substituted = evaluate("BR", "opus-4");
    assertThat(substituted.effectiveModel()).contains("sonnet-4");

    Decision over = policy.overUsage(substituted);

    assertThat(over.effectiveModel()).contains("haiku-4");
    assertThat(over.requestedModel()).contains("opus-4");
    assertThat(over.requestedTier()).contains("frontier");
  }

  @Test
  void substitute_blocks_whenTheServedTierHasNoSubstitute_orNoModelIsNamed() {
    Decision lowest = policy.overUsage(evaluate("BR", "haiku-4"));
    Decision noModel = policy.overUsage(evaluate("BR", null));

    assertThat(lowest.action()).isEqualTo(Action.BLOCK);
    assertThat(lowest.reason()).isEqualTo(Decision.Reason.OVER_USAGE);
    assertThat(noModel.action()).isEqualTo(Action.BLOCK);
    assertThat(noModel.reason()).isEqualTo(Decision.Reason.OVER_USAGE);
  }

  @Test
  void flag_servesTheDecisionItself() {
    Decision d = evaluate("IN", "opus-4");

    assertThat(policy.overUsage(d)).isSameAs(d);
  }

  @Test
  void decisionsWithoutALimit_orAlreadyBlocked_areReturnedAsTheyAre() {
    Decision audited = evaluate("DE", "opus-4");
    Decision blocked = evaluate("US", "opus-4");

    assertThat(policy.overUsage(audited)).isSameAs(audited);
    assertThat(policy.overUsage(blocked)).isSameAs(blocked);
    assertThat(audited.monitor()).isTrue();
    assertThat(blocked.monitoring()).isEqualTo(Monitoring.OFF);
  }

  @Test
  void overUsageDecision_keepsTheLimit_soAnAuditRecordCanNameIt() {
    Decision over = policy.overUsage(evaluate("CN", "haiku-4"));

    assertThat(over.monitoring().usageLimit()).map(UsageLimit::toString).contains("5/1m");
    assertThat(over.monitor()).isTrue();
    assertThat(over.monitoring().overUsage()).isEqualTo(OverUsage.BLOCK);
    assertThat(Optional.of(over.reason())).contains(Decision.Reason.OVER_USAGE);
  }
}
