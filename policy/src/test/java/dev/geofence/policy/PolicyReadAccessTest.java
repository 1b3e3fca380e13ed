package dev.geofence.policy;

import static dev.geofence.policy.TestPolicies.origin;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.time.Instant;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

/**
 * The read-only views for tools that show a whole policy: {@link Policy#evaluateModelOfTier},
 * {@link Policy#namedCodes}.
 */
class PolicyReadAccessTest {

  private static final Instant BEFORE_GULF = Instant.parse("2026-12-01T00:00:00Z");
  private final Policy eval = TestPolicies.eval();

  @ParameterizedTest(name = "{0} asking for a model of tier {1} at {2} -> {3}")
  @CsvSource(
      delimiter = '|',
      nullValues = "-",
      textBlock =
          """
          # origin  | tier     | at                   | outcome              | model
          BR        | frontier | -                    | substitute(haiku-4)  | opus-4
          BR        | advanced | -                    | substitute(haiku-4)  | sonnet-4
          BR        | standard | -                    | allow                | haiku-4
          FR        | frontier | -                    | substitute(sonnet-4) | opus-4
          IN        | frontier | -                    | block                | opus-4
          IR        | basic    | -                    | block                | mini-1
          AE        | advanced | 2027-01-15T00:00:00Z | substitute(haiku-4)  | sonnet-4
          unknown   | frontier | -                    | block                | opus-4
          loc=CH anon | basic  | -                    | block                | mini-1
          """)
  void decidesAsEveryModelOfTheTier_substitutesIncluded(
      String spec, String tier, String at, String outcome, String model) {
    Instant when = at == null ? BEFORE_GULF : Instant.parse(at);

    Decision byTier = eval.evaluateModelOfTier(origin(spec), tier, when);
    Decision byModel = eval.evaluate(origin(spec), model, when);

    assertThat(byTier.outcome()).isEqualTo(outcome).isEqualTo(byModel.outcome());
    assertThat(byTier.ruleName()).isEqualTo(byModel.ruleName());
    if (byModel.action() == Action.SUBSTITUTE) {
      assertThat(byTier.effectiveModel()).isEqualTo(byModel.effectiveModel());
    } else {
      // Allowed: the effective model is the requested one, and the tier decision names none.
      assertThat(byTier.effectiveModel()).isEmpty();
    }
    assertThat(byTier.requestedModel()).isEmpty();
    assertThat(byTier.requestedTier()).contains(tier);
  }

  @Test
  void evaluateModelOfTier_unknownTier_isRefusedWithTheTiers() {
    assertThatThrownBy(() -> eval.evaluateModelOfTier(Origin.country("FR"), "ultra", BEFORE_GULF))
        .isInstanceOf(IllegalArgumentException.class)
        .hasMessage("Unknown tier 'ultra'; expected one of frontier, advanced, standard, basic.");
  }

  @Test
  void namedCodes_areTheRulesCountriesAndSubdivisions_regionsExpanded_sorted() {
    assertThat(eval.namedCodes())
        .containsExactly("AE", "BR", "CH", "IN", "IR", "MX", "UA", "UA-43");
  }

  @Test
  void namedCodes_ofTheExample_includeTheEuThroughTheAlliesRegion() {
    assertThat(TestPolicies.example().namedCodes())
        .contains("FR", "MT", "US", "UA-43", "AE")
        .doesNotContain("BR", "*")
        .isSorted();
  }
}
