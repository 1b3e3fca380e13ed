package dev.geofence.policy;

import static org.assertj.core.api.Assertions.assertThat;

import java.nio.file.Path;
import java.util.List;
import org.junit.jupiter.api.Test;

/** Every warning: the policy still loads, and the warning names line and column. */
class PolicyWarningsTest {

  private static final String HEAD =
      """
      policy: test
      version: "1"
      tiers:
        frontier: [opus*]
        advanced: [sonnet*]
        standard: [haiku*]
      substitutes:
        frontier: sonnet-4
      """; // 8 lines

  private static List<String> warnings(String yaml) {
    ValidationReport report = Policy.validate(yaml, "p.yaml");
    assertThat(report.errors()).isEmpty();
    assertThat(report.policy()).isPresent();
    assertThat(report.policy().get().warnings()).isEqualTo(report.warnings());
    return report.warnings().stream().map(Diagnostic::toString).toList();
  }

  @Test
  void theExamplePolicy_hasNoWarning() {
    assertThat(Policy.validate(Path.of("../examples/policy.yaml")).diagnostics()).isEmpty();
  }

  @Test
  void noCatchAll() {
    assertThat(warnings(HEAD + "rules:\n  - name: us\n    where: US\n    action: allow\n"))
        .containsExactly(
            "p.yaml:9:1: warning: no rule has where: \"*\"; a country that no rule matches is blocked"
                + " (add a catch-all rule last to decide it explicitly)");
  }

  @Test
  void ruleCoveredByEarlierRules_canNeverMatch() {
    String yaml =
        HEAD
            + """
            regions:
              north: [US, CA]
            rules:
              - name: us
                where: US
                action: block
              - name: ca
                where: [CA, UA-43]
                action: block
              - name: north
                where: [north, UA-43]
                allow: advanced
              - name: rest
                where: "*"
                action: allow
              - name: after-rest
                where: [FR]
                action: block
            """;

    assertThat(warnings(yaml))
        .containsExactly(
            "p.yaml:18:5: warning: rule 'north' can never match: earlier rules 'ca', 'us' cover every place it names"
                + " whenever it is in force",
            "p.yaml:24:5: warning: rule 'after-rest' can never match: earlier rule 'rest' covers every place it names"
                + " whenever it is in force");
  }

  @Test
  void aCountryRuleCoversItsSubdivisions_butNotTheOtherWayRound() {
    String yaml =
        HEAD
            + """
            rules:
              - name: ukraine
                where: UA
                allow: advanced
              - name: crimea
                where: UA-43
                action: block
              - name: rest
                where: "*"
                action: allow
            """;

    assertThat(warnings(yaml))
        .containsExactly(
            "p.yaml:13:5: warning: rule 'crimea' can never match: earlier rule 'ukraine' covers every place it names"
                + " whenever it is in force");
  }

  @Test
  void aDatedEarlierRule_doesNotShadowAnUndatedLaterOne() {
    String yaml =
        HEAD
            + """
            rules:
              - name: us-2027
                where: US
                action: block
                effective-from: 2027-01-01
              - name: us
                where: US
                allow: standard
                effective-from: 2027-01-01
                effective-until: 2027-06-30
              - name: us-always
                where: US
                allow: advanced
              - name: rest
                where: "*"
                action: allow
            """;

    assertThat(warnings(yaml))
        .containsExactly(
            "p.yaml:14:5: warning: rule 'us' can never match: earlier rule 'us-2027' covers every place it names"
                + " whenever it is in force",
            "p.yaml:20:12: warning: US (through 'US' in rule 'us-always', allow up to advanced, then block) is also in 'US'"
                + " of the earlier rule 'us-2027' (block), which decides for it");
  }

  @Test
  void ruleWithOnlyEmptyRegions_neverMatches() {
    String yaml =
        HEAD
            + "regions:\n  none: []\nrules:\n  - name: r\n    where: none\n    action: block\n"
            + "  - name: rest\n    where: \"*\"\n    action: allow\n";
    assertThat(warnings(yaml))
        .containsExactly(
            "p.yaml:12:5: warning: rule 'r' never matches: its where names only empty regions");
  }

  @Test
  void countryInTwoRegionsUsedByRulesWithDifferentOutcomes() {
    String yaml =
        HEAD
            + """
            regions:
              embargoed: [CN, RU]
              partners: [RU, CN, IN]
            rules:
              - name: embargoed
                where: embargoed
                action: block
              - name: partners
                where: [partners]
                allow: frontier
              - name: rest
                where: "*"
                action: allow
            """;

    assertThat(warnings(yaml))
        .containsExactly(
            "p.yaml:17:13: warning: CN, RU (through 'partners' in rule 'partners', allow up to frontier, then block)"
                + " are also in 'embargoed' of the earlier rule 'embargoed' (block), which decides for them");
  }

  @Test
  void subdivisionCarveOutAfterItsCountry_isReported() {
    String yaml =
        HEAD
            + """
            rules:
              - name: ukraine
                where: [UA, PL]
                allow: frontier
              - name: crimea
                where: [UA-43, RU]
                action: block
              - name: rest
                where: "*"
                action: allow
            """;

    assertThat(warnings(yaml))
        .containsExactly(
            "p.yaml:14:13: warning: UA-43 (through 'UA-43' in rule 'crimea', block) is also in 'UA' of the earlier rule"
                + " 'ukraine' (allow up to frontier, then block), which decides for it");
  }

  @Test
  void sameOutcomeOverlap_isNotReported() {
    String yaml =
        HEAD
            + "rules:\n  - name: a\n    where: [CN]\n    action: block\n  - name: b\n    where: [CN, RU]\n    action: block\n"
            + "  - name: rest\n    where: \"*\"\n    action: allow\n";
    assertThat(warnings(yaml)).isEmpty();
  }

  @Test
  void unusedRegion() {
    String yaml =
        HEAD
            + "regions:\n  spare: [FR]\nrules:\n  - name: rest\n    where: \"*\"\n    action: allow\n";
    assertThat(warnings(yaml))
        .containsExactly("p.yaml:10:3: warning: region 'spare' is not used by any rule");
  }

  @Test
  void regionUsedOnlyThroughAnotherRegion_isUsed() {
    String yaml =
        HEAD
            + "regions:\n  inner: [FR]\n  outer: [inner]\nrules:\n  - name: r\n    where: outer\n    action: block\n"
            + "  - name: rest\n    where: \"*\"\n    action: allow\n";
    assertThat(warnings(yaml)).isEmpty();
  }

  @Test
  void tierPatternAlreadyMatchedByAnEarlierTier() {
    String yaml =
        """
        policy: test
        version: "1"
        tiers:
          frontier: [claude-*]
          standard: [claude-haiku-*, CLAUDE-*, gpt-*]
        rules:
          - name: rest
            where: "*"
            action: allow
        """;
    assertThat(warnings(yaml))
        .containsExactly(
            "p.yaml:5:14: warning: pattern 'claude-haiku-*' of tier 'standard' never applies: pattern 'claude-*' of an"
                + " earlier tier already matches every model it matches",
            "p.yaml:5:30: warning: pattern 'claude-*' of tier 'standard' never applies: pattern 'claude-*' of an"
                + " earlier tier already matches every model it matches");
  }

  @Test
  void substituteMissingOnTheWayDown() {
    String yaml =
        HEAD
            + """
            rules:
              - name: capped
                where: "*"
                allow: standard
                over-limit: substitute
            unknown:
              allow: advanced
              over-limit: substitute
            """;
    // frontier -> sonnet-4 (advanced) has no further substitute, advanced has none at all.
    assertThat(warnings(yaml))
        .containsExactly(
            "p.yaml:10:5: warning: 'capped' substitutes over-limit requests, but no substitute within tier 'standard' is"
                + " defined for tiers frontier, advanced; those requests are blocked");
  }
}
