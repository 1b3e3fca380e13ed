package dev.geofence.policy;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.util.List;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.Arguments;
import org.junit.jupiter.params.provider.MethodSource;

/** Every validation error, each at its exact line and column. */
class PolicyValidationTest {

  // Lines 1-6; cases append rules or regions after them.
  private static final String HEAD =
      """
      policy: test
      version: "1"
      tiers:
        frontier: [opus*]
        advanced: [sonnet*]
        standard: [haiku*]
      """;

  private static final String CATCH_ALL =
      """
      rules:
        - name: rest
          where: "*"
          allow: advanced
      """;

  static Stream<Arguments> errors() {
    return Stream.of(
        Arguments.of(
            "YAML syntax",
            "policy: [a, b\nversion: 1\n",
            2,
            8,
            "YAML syntax error: expected ',' or ']'"),
        Arguments.of(
            "duplicate key",
            HEAD + "version: \"2\"\n" + CATCH_ALL,
            7,
            1,
            "duplicate key 'version'; it is already given at line 2, column 1"),
        Arguments.of(
            "unknown top-level key",
            HEAD + "tier: x\n" + CATCH_ALL,
            7,
            1,
            "unknown key 'tier' (did you mean 'tiers'?)"),
        Arguments.of(
            "unknown key without suggestion",
            HEAD + "colour: red\n" + CATCH_ALL,
            7,
            1,
            "unknown key 'colour'; expected one of policy, version, country-source"),
        Arguments.of(
            "unknown rule key",
            HEAD + CATCH_ALL + "    alow: standard\n",
            11,
            5,
            "unknown key 'alow' in rule 'rest' (did you mean 'allow'?)"),
        Arguments.of(
            "unknown section key",
            HEAD + CATCH_ALL + "unknown:\n  action: block\n  basis: x\n  monitr: true\n",
            14,
            3,
            "unknown key 'monitr' in 'unknown' (did you mean 'monitor'?)"),
        Arguments.of(
            "unknown country code",
            HEAD + "regions:\n  r: [US, XX]\n" + CATCH_ALL,
            8,
            11,
            "unknown country code 'XX' in region 'r'; expected an ISO 3166-1 alpha-2 code or a region name"),
        Arguments.of(
            "UK is not ISO",
            HEAD + "regions:\n  r: [UK]\n" + CATCH_ALL,
            8,
            7,
            "unknown country code 'UK' in region 'r' (the United Kingdom is 'GB')"),
        Arguments.of(
            "malformed subdivision",
            HEAD + "regions:\n  r: [UA-4444]\n" + CATCH_ALL,
            8,
            7,
            "malformed subdivision code 'UA-4444' in region 'r'; expected an ISO 3166-2 code"),
        Arguments.of(
            "subdivision of unknown country",
            HEAD + "regions:\n  r: [QQ-01]\n" + CATCH_ALL,
            8,
            7,
            "unknown country code 'QQ' in subdivision code 'QQ-01' in region 'r'"),
        Arguments.of(
            "lower-case code",
            HEAD + CATCH_ALL + "  - name: late\n    where: [us]\n    action: block\n",
            12,
            13,
            "undefined region 'us' in rule 'late' (did you mean the code 'US'? codes are upper-case)"),
        Arguments.of(
            "undefined region",
            HEAD + "regions:\n  allies: [US]\n" + CATCH_ALL.replace("\"*\"", "[alies]"),
            11,
            13,
            "undefined region 'alies' in rule 'rest' (did you mean 'allies'?); defined regions are allies"),
        Arguments.of(
            "undefined region with none defined",
            HEAD + CATCH_ALL.replace("\"*\"", "nowhere"),
            9,
            12,
            "undefined region 'nowhere' in rule 'rest'; no region is defined"),
        Arguments.of(
            "region cycle",
            HEAD + "regions:\n  a: [US, b]\n  b: [FR, a]\n" + CATCH_ALL,
            9,
            11,
            "region cycle: a -> b -> a; a region may not include itself"),
        Arguments.of(
            "region including itself",
            HEAD + "regions:\n  a: [US, a]\n" + CATCH_ALL,
            8,
            11,
            "region cycle: a -> a"),
        Arguments.of(
            "region named like a country",
            HEAD + "regions:\n  FR: [DE]\n" + CATCH_ALL,
            8,
            3,
            "region name 'FR' is an ISO 3166-1 country code; choose a name that is not one"),
        Arguments.of(
            "region named like a subdivision",
            HEAD + "regions:\n  FR-75: [DE]\n" + CATCH_ALL,
            8,
            3,
            "region name 'FR-75' has the form of an ISO 3166-2 subdivision code"),
        Arguments.of(
            "invalid region name",
            HEAD + "regions:\n  \"my region\": [DE]\n" + CATCH_ALL,
            8,
            3,
            "invalid region name 'my region'; use letters, digits, '-', '_' and '.'"),
        Arguments.of(
            "star in a region",
            HEAD + "regions:\n  r: [\"*\"]\n" + CATCH_ALL,
            8,
            7,
            "'*' is not allowed in region 'r'; use where: \"*\" in a rule instead"),
        Arguments.of(
            "duplicate rule names",
            HEAD + CATCH_ALL + "  - name: rest\n    where: [US]\n    action: block\n",
            11,
            11,
            "duplicate rule name 'rest'; the rule at line 8 already uses it"),
        Arguments.of(
            "reserved rule name",
            HEAD + CATCH_ALL.replace("name: rest", "name: unknown"),
            8,
            11,
            "rule name 'unknown' is reserved"),
        Arguments.of(
            "reserved rule name: unresolvable",
            HEAD + CATCH_ALL.replace("name: rest", "name: unresolvable"),
            8,
            11,
            "rule name 'unresolvable' is reserved"),
        Arguments.of(
            "model-id-pattern that is not a regular expression",
            HEAD + "model-id-pattern: '[a-z'\n" + CATCH_ALL,
            7,
            19,
            "'model-id-pattern' is not a regular expression: Unclosed character class"),
        Arguments.of(
            "empty model-id-pattern",
            HEAD + "model-id-pattern: ''\n" + CATCH_ALL,
            7,
            19,
            "'model-id-pattern' is empty"),
        Arguments.of(
            "over-long model-id-pattern",
            HEAD + "model-id-pattern: '" + "a".repeat(501) + "'\n" + CATCH_ALL,
            7,
            19,
            "'model-id-pattern' is 501 characters long; expected at most 500"),
        Arguments.of(
            "substitute outside the model id grammar",
            HEAD + "substitutes:\n  frontier: 'sonnet 4'\n" + CATCH_ALL,
            8,
            13,
            "substitute 'sonnet 4' for tier 'frontier' is not a model id the filter accepts:"
                + " The model id 'sonnet 4' contains a space at position 7"),
        Arguments.of(
            "substitute outside the policy's model-id-pattern",
            HEAD
                + "model-id-pattern: '[a-z]+-[0-9]'\nsubstitutes:\n  frontier: sonnet-45\n"
                + CATCH_ALL,
            9,
            13,
            "does not match the policy's model-id-pattern '[a-z]+-[0-9]'"),
        Arguments.of(
            "rule without name",
            HEAD + "rules:\n  - where: \"*\"\n    action: allow\n",
            8,
            5,
            "rule 1 has no 'name'"),
        Arguments.of(
            "rule without where",
            HEAD + "rules:\n  - name: r\n    action: allow\n",
            8,
            5,
            "rule 'r' has no 'where'"),
        Arguments.of(
            "empty where",
            HEAD + "rules:\n  - name: r\n    where: []\n    action: allow\n",
            9,
            12,
            "'where' of rule 'r' is empty"),
        Arguments.of(
            "rule that is not a mapping",
            HEAD + "rules:\n  - just text\n",
            8,
            5,
            "each rule must be a mapping with name, where and action or allow; found the value 'just text'"),
        Arguments.of(
            "rules not a list", HEAD + "rules:\n  r: x\n", 8, 3, "'rules' must be a list of rules"),
        Arguments.of(
            "undefined tier in allow",
            HEAD + CATCH_ALL.replace("allow: advanced", "allow: advancd"),
            10,
            12,
            "unknown tier 'advancd' in rule 'rest' (did you mean 'advanced'?); expected one of frontier, advanced, standard"),
        Arguments.of(
            "undefined tier for unlisted-models",
            HEAD + "unlisted-models: ultra\n" + CATCH_ALL,
            7,
            18,
            "unknown tier 'ultra' in unlisted-models; expected one of frontier, advanced, standard"),
        Arguments.of(
            "substitute for an undefined tier",
            HEAD + "substitutes:\n  ultra: haiku-4\n" + CATCH_ALL,
            8,
            3,
            "unknown tier 'ultra' in substitutes"),
        Arguments.of(
            "substitute of the same tier",
            HEAD + "substitutes:\n  advanced: sonnet-4-5\n" + CATCH_ALL,
            8,
            13,
            "substitute 'sonnet-4-5' for tier 'advanced' is of tier 'advanced'; a substitute must be of a lower tier than the one it replaces"),
        Arguments.of(
            "substitute of a higher tier",
            HEAD + "substitutes:\n  standard: opus-4\n" + CATCH_ALL,
            8,
            13,
            "substitute 'opus-4' for tier 'standard' is of tier 'frontier'"),
        Arguments.of(
            "unlisted substitute counts as the unlisted tier",
            HEAD + "substitutes:\n  frontier: mystery\n" + CATCH_ALL,
            8,
            13,
            "substitute 'mystery' for tier 'frontier' is of tier 'frontier'"),
        Arguments.of(
            "substitute that is a pattern",
            HEAD + "substitutes:\n  frontier: haiku*\n" + CATCH_ALL,
            8,
            13,
            "substitute 'haiku*' is a pattern; a substitute is one model id"),
        Arguments.of(
            "action and allow together",
            HEAD + CATCH_ALL + "    action: block\n",
            11,
            5,
            "rule 'rest' has both 'action' and 'allow'"),
        Arguments.of(
            "neither action nor allow",
            HEAD + "rules:\n  - name: r\n    where: \"*\"\n",
            8,
            5,
            "rule 'r' needs 'action: block', 'action: allow' or 'allow: TIER'"),
        Arguments.of(
            "unknown action",
            HEAD + "rules:\n  - name: r\n    where: \"*\"\n    action: substitute\n",
            10,
            13,
            "unknown action 'substitute' in rule 'r'; expected allow or block"),
        Arguments.of(
            "misspelt action",
            HEAD + "rules:\n  - name: r\n    where: \"*\"\n    action: blok\n",
            10,
            13,
            "unknown action 'blok' in rule 'r' (did you mean 'block'?)"),
        Arguments.of(
            "over-limit with action",
            HEAD
                + "rules:\n  - name: r\n    where: \"*\"\n    action: block\n    over-limit: block\n",
            11,
            5,
            "'over-limit' in rule 'r' applies only with an 'allow' tier limit"),
        Arguments.of(
            "unknown over-limit",
            HEAD + CATCH_ALL + "    over-limit: downgrade\n",
            11,
            17,
            "unknown over-limit 'downgrade' in rule 'rest'; expected substitute or block"),
        Arguments.of(
            "invalid date",
            HEAD + CATCH_ALL + "    effective-from: 2027-13-01\n",
            11,
            21,
            "invalid date '2027-13-01' for 'effective-from'; expected a UTC date as YYYY-MM-DD"),
        Arguments.of(
            "date in another format",
            HEAD + CATCH_ALL + "    effective-until: 15/01/2027\n",
            11,
            22,
            "invalid date '15/01/2027' for 'effective-until'"),
        Arguments.of(
            "until before from",
            HEAD + CATCH_ALL + "    effective-from: 2027-02-01\n    effective-until: 2027-01-31\n",
            12,
            22,
            "effective-until 2027-01-31 is before effective-from 2027-02-01 in rule 'rest'"),
        Arguments.of(
            "monitor not a boolean",
            HEAD + CATCH_ALL + "    monitor: always\n",
            11,
            14,
            "'monitor' of rule 'rest' must be true, false or a mapping of usage-limit, over-usage,"
                + " alert-countries, alert-window, audit; found the value 'always'"),
        Arguments.of(
            "unknown country-source",
            HEAD + "country-source: [location, registred]\n" + CATCH_ALL,
            7,
            28,
            "unknown country-source 'registred' (did you mean 'registered'?); expected location, registered or represented"),
        Arguments.of(
            "empty country-source",
            HEAD + "country-source: []\n" + CATCH_ALL,
            7,
            17,
            "'country-source' is empty"),
        Arguments.of(
            "missing policy",
            HEAD.replace("policy: test\n", "") + CATCH_ALL,
            1,
            1,
            "missing key 'policy'"),
        Arguments.of(
            "missing version",
            HEAD.replace("version: \"1\"\n", "") + CATCH_ALL,
            1,
            1,
            "missing key 'version'"),
        Arguments.of(
            "missing tiers", "policy: t\nversion: 1\n" + CATCH_ALL, 1, 1, "missing key 'tiers'"),
        Arguments.of("missing rules", HEAD, 1, 1, "missing key 'rules'"),
        Arguments.of(
            "empty version",
            HEAD.replace("version: \"1\"", "version:") + CATCH_ALL,
            2,
            9,
            "'version' is empty"),
        Arguments.of(
            "tiers not a mapping",
            "policy: t\nversion: 1\ntiers: [opus, sonnet]\n" + CATCH_ALL,
            3,
            8,
            "'tiers' must be a mapping of tier name to model patterns"),
        Arguments.of(
            "no tiers",
            "policy: t\nversion: 1\ntiers: {}\n" + CATCH_ALL,
            3,
            8,
            "'tiers' defines no tier"),
        Arguments.of(
            "invalid tier name",
            "policy: t\nversion: 1\ntiers:\n  \"top tier\": [opus*]\n"
                + CATCH_ALL.replace("advanced", "\"top tier\""),
            4,
            3,
            "invalid tier name 'top tier'"),
        Arguments.of(
            "tier pattern that is a mapping",
            HEAD.replace("[haiku*]", "{a: b}") + CATCH_ALL,
            6,
            13,
            "the patterns of tier 'standard' must be a value or a list of values; found a mapping"),
        Arguments.of(
            "top level is a list",
            "- policy: t\n",
            1,
            1,
            "a policy file must be a YAML mapping with the keys policy, version, tiers and rules; found a list"),
        Arguments.of(
            "alias",
            HEAD + "regions:\n  a: &x [US]\n  b: *x\n" + CATCH_ALL,
            9,
            6,
            "YAML aliases are not supported ('*x'); write the value out in full"),
        Arguments.of(
            "second document",
            HEAD + CATCH_ALL + "---\npolicy: other\n",
            12,
            1,
            "a second YAML document starts here; the file must hold exactly one"),
        Arguments.of("empty file", "", 1, 1, "the file is empty; expected a YAML mapping"),
        Arguments.of("comments only", "# nothing here\n", 1, 1, "the file is empty"),
        Arguments.of(
            "control character",
            HEAD + "# bell \u0007\n",
            7,
            8,
            "control character U+0007 is not allowed"),
        Arguments.of(
            "unquoted star",
            HEAD + CATCH_ALL.replace("\"*\"", "*"),
            9,
            13,
            "a bare * starts a YAML alias: write \"*\" in quotes for any country"),
        Arguments.of("tab indentation", "policy: t\n\tversion: 1\n", 2, 1, "YAML syntax error: "));
  }

  @ParameterizedTest(name = "{0}")
  @MethodSource("errors")
  void reportsError_atExactLineAndColumn(
      String name, String yaml, int line, int column, String message) {
    ValidationReport report = Policy.validate(yaml, "p.yaml");

    assertThat(report.isValid()).isFalse();
    assertThat(report.errors())
        .as("errors of %s", name)
        .anySatisfy(
            d -> {
              assertThat(d.message()).contains(message);
              assertThat(d.line()).isEqualTo(line);
              assertThat(d.column()).isEqualTo(column);
              assertThat(d.toString()).startsWith("p.yaml:" + line + ":" + column + ": error: ");
            });
  }

  @Test
  void reportsEveryError_notJustTheFirst_inFileOrder() {
    String yaml =
        HEAD
            + """
            regions:
              r: [US, XX, UA-4444]
            rules:
              - name: a
                where: [r, nowhere]
                allow: ultra
              - name: a
                where: "*"
                alow: standard
            """;

    assertThatThrownBy(() -> Policy.parse(yaml, "p.yaml"))
        .isInstanceOf(PolicyException.class)
        .satisfies(
            e -> {
              List<String> where =
                  ((PolicyException) e)
                      .errors().stream().map(d -> d.line() + ":" + d.column()).toList();
              assertThat(where).containsExactly("8:11", "8:15", "11:16", "12:12", "13:11", "15:5");
            })
        .hasMessageStartingWith("6 errors:\np.yaml:8:11: error: unknown country code 'XX'");
  }

  @Test
  void misspeltAllow_isOneError_notAlsoAMissingAction() {
    ValidationReport report =
        Policy.validate(
            HEAD + "rules:\n  - name: r\n    where: \"*\"\n    alow: standard\n", "p.yaml");
    assertThat(report.errors())
        .extracting(Diagnostic::toString)
        .containsExactly(
            "p.yaml:10:5: error: unknown key 'alow' in rule 'r' (did you mean 'allow'?)");
  }

  @Test
  void exceptionMessage_isTheDiagnostic_whenThereIsOneError() {
    assertThatThrownBy(() -> Policy.parse(HEAD + "tier: x\n" + CATCH_ALL, "policy.yaml"))
        .isInstanceOf(PolicyException.class)
        .hasMessage("policy.yaml:7:1: error: unknown key 'tier' (did you mean 'tiers'?)");
  }

  @Test
  void tooManyProblems_areCappedWithACount() {
    StringBuilder yaml = new StringBuilder(HEAD + CATCH_ALL);
    for (int i = 0; i < 150; i++) {
      yaml.append("k").append(i).append(": v\n");
    }
    List<Diagnostic> errors = Policy.validate(yaml.toString(), "p.yaml").errors();
    assertThat(errors).hasSize(Diagnostics.MAX_REPORTED + 1);
    assertThat(errors.get(Diagnostics.MAX_REPORTED).message())
        .isEqualTo("too many problems; 50 more not shown");
  }

  @Test
  void acceptsKosovo_andNorwayWrittenBare() {
    ValidationReport report =
        Policy.validate(
            HEAD
                + "regions:\n  r: [XK, NO]\n"
                + CATCH_ALL
                + "  - name: r\n    where: r\n    action: block\n",
            "p.yaml");
    assertThat(report.errors()).isEmpty();
  }
}
