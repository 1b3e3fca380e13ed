package dev.geofence.policy;

import static org.assertj.core.api.Assertions.assertThat;

import java.time.Instant;
import org.junit.jupiter.api.Test;

class PolicyCoverageTest {

  private static final String POLICY =
      """
      policy: p
      version: 1
      tiers:
        top: [opus*]
        low: [haiku*]
      substitutes:
        top: haiku-4
      regions:
        sanctioned: [IR, KP, UA-43]
        gulf: [AE, SA]
      rules:
        - name: blocked
          where: sanctioned
          action: block
        - name: gulf-cap
          where: gulf
          allow: low
          effective-from: 2030-01-01
        - name: rest
          where: "*"
          allow: low
          over-limit: substitute
      anonymous:
        action: block
      """;

  private static final Instant NOW = Instant.parse("2026-12-01T00:00:00Z");

  private static PolicyCoverage coverage(String cases) throws PolicyException {
    Policy policy = Policy.parse(POLICY, "p.yaml");
    PolicyTestSuite suite = PolicyTestSuite.parse(cases, "t.yaml");
    return PolicyCoverage.of(policy, suite.run(policy, NOW));
  }

  @Test
  void aRuleNoCaseReaches_isListedAsNeverMatched() throws Exception {
    PolicyCoverage c =
        coverage(
            """
            cases:
              - {country: IR, model: opus-4, expect: block}
              - {country: FR, model: haiku-4, expect: allow}
            """);

    assertThat(c.rulesNeverMatched()).containsExactly("gulf-cap", "unknown", "anonymous");
    assertThat(c.rules())
        .extracting(PolicyCoverage.Count::cases)
        .containsExactly(1L, 0L, 1L, 0L, 0L);
  }

  @Test
  void aPlaceMetOnlyThroughTheCatchAll_isNotTestedForTheRuleThatNamesIt() throws Exception {
    // AE is named by gulf-cap, which is not in force yet: the case is decided by 'rest'.
    PolicyCoverage c = coverage("cases:\n  - {country: AE, model: haiku-4, expect: allow}\n");

    assertThat(c.places())
        .filteredOn(p -> p.code().equals("AE"))
        .singleElement()
        .satisfies(
            p -> {
              assertThat(p.rule()).isEqualTo("gulf-cap");
              assertThat(p.via()).isEqualTo("gulf");
              assertThat(p.tested()).isFalse();
            });
  }

  @Test
  void regionMembersNeverTested_areListedByName() throws Exception {
    PolicyCoverage c =
        coverage(
            """
            cases:
              - {country: IR, expect: block}
              - {subdivision: UA-43, expect: block}
            """);

    assertThat(c.regions())
        .filteredOn(r -> r.name().equals("sanctioned"))
        .singleElement()
        .satisfies(r -> assertThat(r.untested()).containsExactly("KP"));
    assertThat(c.regions())
        .filteredOn(r -> r.name().equals("gulf"))
        .singleElement()
        .satisfies(r -> assertThat(r.untested()).containsExactly("AE", "SA"));
  }

  @Test
  void tiers_areCoveredByTheModelsCasesAskFor() throws Exception {
    PolicyCoverage c = coverage("cases:\n  - {country: FR, model: haiku-4, expect: allow}\n");

    assertThat(c.tiersNeverRequested()).containsExactly("top");
  }

  @Test
  void percent_countsRulesTiersAndPlacesAlike() throws Exception {
    // 5 rules and sections, 2 tiers, 5 places = 12 items; reached: blocked, rest, anonymous,
    // top, low, IR, KP, UA-43 = 8.
    PolicyCoverage c =
        coverage(
            """
            cases:
              - {country: IR, model: opus-4, expect: block}
              - {country: KP, expect: block}
              - {subdivision: UA-43, expect: block}
              - {country: FR, model: haiku-4, expect: allow}
              - {country: FR, anonymous: true, expect: block}
            """);

    assertThat(c.percent()).isEqualTo(100.0 * 8 / 12);
  }
}
