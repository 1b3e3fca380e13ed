package dev.geofence.policy;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.nio.file.Path;
import java.time.Instant;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.Arguments;
import org.junit.jupiter.params.provider.MethodSource;

class PolicyTestSuiteTest {

  private static final Instant NOW = Instant.parse("2026-12-01T00:00:00Z");

  @Test
  void theExampleTests_allPassAgainstTheExamplePolicy() throws PolicyException {
    PolicyTestSuite suite = PolicyTestSuite.load(Path.of("../examples/policy-tests.yaml"));

    PolicyTestSuite.Report report =
        suite.run(TestPolicies.example(), Instant.parse("2030-01-01T00:00:00Z"));

    assertThat(report.failures()).isEmpty();
    assertThat(report.passed()).isEqualTo(suite.cases().size()).isGreaterThan(30);
  }

  @Test
  void reportsWhatHappenedInstead() throws PolicyException {
    String yaml =
        """
        cases:
          - name: wrong action
            country: IR
            model: haiku-4
            expect: allow
          - name: wrong substitute
            country: FR
            model: opus-4
            expect: substitute
            expect-model: haiku-4
          - name: wrong rule
            country: FR
            model: sonnet-4
            expect: allow
            expect-rule: open
          - country: CH
            expect: allow
        """;
    PolicyTestSuite.Report report =
        PolicyTestSuite.parse(yaml, "t.yaml").run(TestPolicies.eval(), NOW);

    assertThat(report.passed()).isEqualTo(1);
    assertThat(report.failed()).isEqualTo(3);
    assertThat(report.failures())
        .extracting(
            r ->
                r.testCase().location()
                    + " "
                    + r.testCase().name()
                    + ": expected "
                    + r.testCase().expected()
                    + ", got "
                    + r.actual())
        .containsExactly(
            "t.yaml:2:5 wrong action: expected allow, got block by rule 'sanctioned' (matched IR)",
            "t.yaml:6:5 wrong substitute: expected substitute(haiku-4), got substitute(sonnet-4) by rule 'rest' (matched FR)",
            "t.yaml:11:5 wrong rule: expected allow by rule 'open', got allow by rule 'rest' (matched FR)");
    assertThat(report.results().get(3).testCase().name()).isEqualTo("case 4");
  }

  @Test
  void datesComeFromTheCase_thenTheFile_thenTheRun() throws PolicyException {
    String yaml =
        """
        at: 2027-02-01
        cases:
          - {country: AE, model: opus-4, expect: substitute, expect-model: haiku-4}
          - {country: AE, model: opus-4, at: 2026-01-01T10:00:00Z, expect: substitute, expect-model: sonnet-4}
        """;
    assertThat(PolicyTestSuite.parse(yaml, "t.yaml").run(TestPolicies.eval(), NOW).failed())
        .isZero();
    String noDefault = yaml.replace("at: 2027-02-01\n", "");
    assertThat(PolicyTestSuite.parse(noDefault, "t.yaml").run(TestPolicies.eval(), NOW).failed())
        .isEqualTo(1);
  }

  @Test
  void placesAreBuiltFromTheKeys() throws PolicyException {
    String yaml =
        """
        cases:
          - {subdivision: UA-43, registered-country: IR, represented-country: DE, anonymous: true, expect: block}
          - {unknown: true, expect: allow}
          - {anonymous: true, expect: block}
        """;
    PolicyTestSuite suite = PolicyTestSuite.parse(yaml, "t.yaml");
    assertThat(suite.cases().get(0).origin())
        .isEqualTo(new Origin("UA", "IR", "DE", java.util.List.of("UA-43"), true));
    assertThat(suite.cases().get(1).origin()).isEqualTo(Origin.unknown());
    assertThat(suite.cases().get(2).origin().anonymous()).isTrue();
    assertThat(suite.cases().get(0).model()).isEmpty();
  }

  static Stream<Arguments> errors() {
    return Stream.of(
        Arguments.of(
            "cases:\n  - country: XX\n    expect: block\n",
            2,
            14,
            "unknown country code 'XX' for 'country' in case 'case 1'"),
        Arguments.of(
            "cases:\n  - subdivision: UA-4444\n    expect: block\n",
            2,
            18,
            "invalid subdivision code 'UA-4444'"),
        Arguments.of(
            "cases:\n  - country: RU\n    subdivision: UA-43\n    expect: block\n",
            3,
            18,
            "subdivision 'UA-43' is not in country 'RU'"),
        Arguments.of(
            "cases:\n  - country: US\n    expect: alow\n",
            3,
            13,
            "unknown expect 'alow' in case 'case 1' (did you mean 'allow'?); expected allow, substitute or block"),
        Arguments.of("cases:\n  - country: US\n", 2, 5, "case 'case 1' has no 'expect'"),
        Arguments.of(
            "cases:\n  - country: US\n    expect: substitute\n",
            3,
            5,
            "case 'case 1' expects substitute but has no 'expect-model'"),
        Arguments.of(
            "cases:\n  - country: US\n    expect: block\n    expect-model: x\n",
            4,
            5,
            "case 'case 1' expects block, so 'expect-model' cannot apply"),
        Arguments.of(
            "cases:\n  - country: US\n    unknown: true\n    expect: block\n",
            3,
            5,
            "'unknown: true' in case 'case 1' contradicts the country or subdivision given"),
        Arguments.of(
            "cases:\n  - name: nowhere\n    model: x\n    expect: block\n",
            2,
            5,
            "case 'nowhere' says nothing about where the request comes from"),
        Arguments.of(
            "cases:\n  - country: US\n    expect: block\n    modle: x\n",
            4,
            5,
            "unknown key 'modle' in case 'case 1' (did you mean 'model'?)"),
        Arguments.of(
            "cases:\n  - country: US\n    expect: block\n    at: tomorrow\n",
            4,
            9,
            "invalid 'at' value 'tomorrow'; expected a UTC date YYYY-MM-DD or an instant"),
        Arguments.of(
            "tests:\n  - country: US\n", 1, 1, "unknown key 'tests' in a policy test file"),
        Arguments.of("at: 2027-01-01\n", 1, 1, "missing key 'cases'"),
        Arguments.of("cases: {a: b}\n", 1, 8, "'cases' must be a list of test cases"),
        Arguments.of("cases:\n  - US\n", 2, 5, "test case 1 must be a mapping"),
        Arguments.of("", 1, 1, "the file is empty"),
        Arguments.of("cases: [\n", 2, 1, "YAML syntax error"));
  }

  @ParameterizedTest(name = "{3}")
  @MethodSource("errors")
  void reportsErrorsAtLineAndColumn(String yaml, int line, int column, String message) {
    assertThatThrownBy(() -> PolicyTestSuite.parse(yaml, "t.yaml"))
        .isInstanceOf(PolicyException.class)
        .hasMessageContaining("t.yaml:" + line + ":" + column + ": error: " + message);
  }
}
