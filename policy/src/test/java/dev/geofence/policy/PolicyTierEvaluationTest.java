package dev.geofence.policy;

import static dev.geofence.policy.TestPolicies.origin;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.time.Instant;
import java.util.Optional;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

/**
 * {@link Policy#evaluateTier}: a request whose model cannot be read or replaced, decided by tier.
 */
class PolicyTierEvaluationTest {

  private static final Instant BEFORE_GULF = Instant.parse("2026-12-01T00:00:00Z");
  private final Policy eval = TestPolicies.eval();

  @ParameterizedTest(name = "{0} asking for tier {1} at {2} -> {3} by {4}")
  @CsvSource(
      delimiter = '|',
      nullValues = "-",
      textBlock =
          """
          # origin          | tier     | at                   | outcome | rule       | reason
          # blocked countries are blocked at every tier
          IR                | frontier | -                    | block   | sanctioned | RULE
          IR                | basic    | -                    | block   | sanctioned | RULE
          # allow-all and a frontier cap allow every tier
          CH                | frontier | -                    | allow   | open       | RULE
          UA                | frontier | -                    | allow   | ukraine    | RULE
          # a cap without substitution: over it blocked, within it allowed
          IN                | frontier | -                    | block   | cap-block  | RULE
          IN                | advanced | -                    | block   | cap-block  | RULE
          IN                | standard | -                    | allow   | cap-block  | RULE
          IN                | basic    | -                    | allow   | cap-block  | RULE
          # a cap with substitution: nothing to substitute, so over it blocked
          BR                | frontier | -                    | block   | cap-sub    | RULE
          BR                | advanced | -                    | block   | cap-sub    | RULE
          BR                | standard | -                    | allow   | cap-sub    | RULE
          FR                | frontier | -                    | block   | rest       | RULE
          FR                | advanced | -                    | allow   | rest       | RULE
          # dated rule: in force only between its UTC dates
          AE                | advanced | 2027-01-14T23:59:59Z | allow   | rest       | RULE
          AE                | advanced | 2027-01-15T00:00:00Z | block   | gulf       | RULE
          AE                | advanced | 2027-12-31T23:59:59Z | block   | gulf       | RULE
          AE                | advanced | 2028-01-01T00:00:00Z | allow   | rest       | RULE
          AE                | standard | 2027-06-01T00:00:00Z | allow   | gulf       | RULE
          # no country, anonymous
          unknown           | frontier | -                    | block   | unknown    | UNKNOWN
          unknown           | standard | -                    | allow   | unknown    | UNKNOWN
          loc=CH anon       | basic    | -                    | block   | anonymous  | ANONYMOUS
          """)
  void decidesByTierAndNeverSubstitutes(
      String spec, String tier, String at, String outcome, String rule, String reason) {
    Instant when = at == null ? BEFORE_GULF : Instant.parse(at);

    Decision d = eval.evaluateTier(origin(spec), tier, when);

    assertThat(d.outcome()).isEqualTo(outcome);
    assertThat(d.ruleName()).isEqualTo(rule);
    assertThat(d.reason()).isEqualTo(Decision.Reason.valueOf(reason));
    assertThat(d.requestedModel()).isEmpty();
    assertThat(d.requestedTier()).contains(tier);
    assertThat(d.effectiveModel()).isEmpty();
    assertThat(d.effectiveTier()).isEqualTo(d.isAllowed() ? Optional.of(tier) : Optional.empty());
  }

  @Test
  void agreesWithAModelOfTheTierWhereNoSubstitutionIsInvolved() {
    for (String spec : new String[] {"IR", "CH", "IN", "MX", "FR", "unknown"}) {
      Decision byModel = eval.evaluate(origin(spec), "haiku-4", BEFORE_GULF);
      Decision byTier = eval.evaluateTier(origin(spec), "standard", BEFORE_GULF);
      assertThat(byTier.action()).as(spec).isEqualTo(byModel.action());
      assertThat(byTier.ruleName()).as(spec).isEqualTo(byModel.ruleName());
      assertThat(byTier.matched()).as(spec).isEqualTo(byModel.matched());
    }
  }

  @Test
  void aBlockInsteadOfASubstituteKeepsTheRuleBasisAndMatch() {
    Decision d = eval.evaluateTier(Origin.country("FR"), "frontier", BEFORE_GULF);

    assertThat(d.isBlocked()).isTrue();
    assertThat(d.monitor()).isTrue();
    assertThat(d.matched()).contains("FR");
    assertThat(d.matchedSource()).contains(CountrySource.LOCATION);
  }

  @Test
  void theHighestTierIsTheFirstAndNotTheUnlistedOne() {
    assertThat(eval.highestTier()).isEqualTo("frontier");
    assertThat(eval.unlistedTier()).isEqualTo("advanced");
    // A model no pattern matches is only 'advanced' here, which FR may use: not a stand-in for the
    // highest tier.
    assertThat(eval.evaluate(Origin.country("FR"), "no-such-model", BEFORE_GULF).isAllowed())
        .isTrue();
    assertThat(eval.evaluateTier(Origin.country("FR"), eval.highestTier(), BEFORE_GULF).isBlocked())
        .isTrue();
  }

  @Test
  void anUnknownTierIsRefused() {
    assertThatThrownBy(() -> eval.evaluateTier(Origin.country("FR"), "ultra", BEFORE_GULF))
        .isInstanceOf(IllegalArgumentException.class)
        .hasMessageContaining(
            "Unknown tier 'ultra'; expected one of frontier, advanced, standard, basic");
    assertThatThrownBy(() -> eval.evaluateTier(Origin.country("FR"), "Frontier", BEFORE_GULF))
        .isInstanceOf(IllegalArgumentException.class);
  }
}
