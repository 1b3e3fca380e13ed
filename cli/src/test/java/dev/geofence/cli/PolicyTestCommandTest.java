package dev.geofence.cli;

import static org.assertj.core.api.Assertions.assertThat;

import java.nio.file.Files;
import java.nio.file.Path;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

class PolicyTestCommandTest {

  @TempDir Path dir;

  private static final String POLICY =
      """
      policy: p
      version: 1
      tiers:
        top: [opus*]
        low: [haiku*]
      substitutes:
        top: haiku-4
      rules:
        - name: blocked
          where: [IR]
          action: block
        - name: rest
          where: "*"
          allow: low
          over-limit: substitute
      """;

  @Test
  void passingCases_printTheSummary_exit0() throws Exception {
    Path policy = Files.writeString(dir.resolve("p.yaml"), POLICY);
    Path tests =
        Files.writeString(
            dir.resolve("t.yaml"),
            "cases:\n  - {country: IR, expect: block}\n  - {country: FR, model: haiku-1, expect: allow}\n");

    PolicyCli.Run run = PolicyCli.run("policy", "test", policy.toString(), tests.toString());

    assertThat(run.exitCode()).isZero();
    assertThat(run.out()).isEqualTo("2 passed, 0 failed\n");
    assertThat(PolicyCli.run("policy", "test", "-v", policy.toString(), tests.toString()).out())
        .contains("pass " + tests + ":2:5: case 1: block by rule 'blocked' (matched IR)");
  }

  @Test
  void failingCases_showWhatHappenedInstead_exit1() throws Exception {
    Path policy = Files.writeString(dir.resolve("p.yaml"), POLICY);
    Path tests =
        Files.writeString(
            dir.resolve("t.yaml"),
            """
        cases:
          - name: Iran blocked
            country: IR
            expect: block
          - name: France gets opus
            country: FR
            model: opus-4
            expect: allow
          - name: wrong substitute
            country: FR
            model: opus-4
            expect: substitute
            expect-model: haiku-3
        """);

    PolicyCli.Run run = PolicyCli.run("policy", "test", policy.toString(), tests.toString());

    assertThat(run.exitCode()).isEqualTo(1);
    assertThat(run.out().lines())
        .containsExactly(
            "FAIL "
                + tests
                + ":5:5: France gets opus: expected allow, got substitute(haiku-4) by rule 'rest' (matched FR)",
            "FAIL "
                + tests
                + ":9:5: wrong substitute: expected substitute(haiku-3), got substitute(haiku-4) by rule 'rest' (matched FR)",
            "1 passed, 2 failed");
  }

  @Test
  void invalidPolicy_runsNoTest_exit1() throws Exception {
    Path policy =
        Files.writeString(dir.resolve("p.yaml"), POLICY.replace("allow: low", "allow: lo"));
    Path tests =
        Files.writeString(dir.resolve("t.yaml"), "cases:\n  - {country: IR, expect: block}\n");

    PolicyCli.Run run =
        PolicyCli.run("policy", "test", policy.toString(), tests.toString()).assertNoStackTrace();

    assertThat(run.exitCode()).isEqualTo(1);
    assertThat(run.out())
        .contains(policy + ":14:12: error: unknown tier 'lo' in rule 'rest'")
        .endsWith(policy + ": invalid, 1 error; no test was run\n");
  }

  @Test
  void invalidTestFile_isReportedWithLineAndColumn_exit1() throws Exception {
    Path policy = Files.writeString(dir.resolve("p.yaml"), POLICY);
    Path tests =
        Files.writeString(dir.resolve("t.yaml"), "cases:\n  - {country: IR, expect: blok}\n");

    PolicyCli.Run run =
        PolicyCli.run("policy", "test", policy.toString(), tests.toString()).assertNoStackTrace();

    assertThat(run.exitCode()).isEqualTo(1);
    assertThat(run.out())
        .isEqualTo(
            tests
                + ":2:27: error: unknown expect 'blok' in case 'case 1' (did you mean 'block'?); expected allow, substitute or block\n"
                + tests
                + ": invalid, 1 error; no test was run\n");
  }

  @ParameterizedTest
  @ValueSource(strings = {"empty", "binary", "big", "deep", "bomb"})
  void malformedTestFileOrPolicy_givesAClearError_exit1(String kind) throws Exception {
    Path policy = Files.writeString(dir.resolve("p.yaml"), POLICY);
    Path bad = PolicyCli.malformed(dir, kind);

    PolicyCli.Run asTests =
        PolicyCli.run("policy", "test", policy.toString(), bad.toString()).assertNoStackTrace();
    PolicyCli.Run asPolicy =
        PolicyCli.run("policy", "test", bad.toString(), policy.toString()).assertNoStackTrace();

    assertThat(asTests.exitCode()).isEqualTo(1);
    assertThat(asTests.out()).contains(bad + PolicyCli.messageFor(kind));
    assertThat(asPolicy.exitCode()).isEqualTo(1);
    assertThat(asPolicy.out()).contains("no test was run");
  }

  @Test
  void badDateOrMissingArgument_isAUsageError() throws Exception {
    Path policy = Files.writeString(dir.resolve("p.yaml"), POLICY);
    PolicyCli.Run run =
        PolicyCli.run("policy", "test", "--at", "someday", policy.toString(), policy.toString());
    assertThat(run.exitCode()).isEqualTo(2);
    assertThat(run.err()).contains("'someday' is not a date; expected YYYY-MM-DD (UTC)");
    assertThat(PolicyCli.run("policy", "test", policy.toString()).exitCode()).isEqualTo(2);
    assertThat(PolicyCli.run("policy", "test", "--help").exitCode()).isZero();
  }

  @Test
  void coverage_namesTheRuleNoCaseReaches_andMinCoverageFailsOnIt() throws Exception {
    Path policy = Files.writeString(dir.resolve("p.yaml"), POLICY);
    Path tests =
        Files.writeString(
            dir.resolve("t.yaml"), "cases:\n  - {country: FR, model: haiku-1, expect: allow}\n");

    PolicyCli.Run covered =
        PolicyCli.run("policy", "test", "--coverage", policy.toString(), tests.toString());
    PolicyCli.Run gated =
        PolicyCli.run(
            "policy", "test", "--min-coverage", "80", policy.toString(), tests.toString());

    // 3 rules and sections (blocked, rest, unknown), 2 tiers, 1 place (IR): 2 of 6 reached.
    assertThat(covered.exitCode()).isZero();
    assertThat(covered.out().lines())
        .containsExactly(
            "1 passed, 0 failed",
            "coverage 33.3%: 1 of 3 rules, 1 of 2 tiers, 0 of 1 places",
            "  rule never matched: blocked",
            "  rule never matched: unknown",
            "  tier never requested: top",
            "  rule blocked: places never tested: IR");
    assertThat(gated.exitCode()).isEqualTo(1);
    assertThat(gated.out()).endsWith("coverage 33.3% is below the minimum of 80.0%\n");
  }

  @Test
  void minCoverage_isMetByTestsThatReachEverything() throws Exception {
    Path policy = Files.writeString(dir.resolve("p.yaml"), POLICY);
    Path tests =
        Files.writeString(
            dir.resolve("t.yaml"),
            """
            cases:
              - {country: IR, model: opus-4, expect: block}
              - {country: FR, model: haiku-1, expect: allow}
              - {unknown: true, expect: block}
            """);

    PolicyCli.Run run =
        PolicyCli.run(
            "policy", "test", "--min-coverage", "100", policy.toString(), tests.toString());

    assertThat(run.exitCode()).isZero();
    assertThat(run.out()).contains("coverage 100.0%: 3 of 3 rules, 2 of 2 tiers, 1 of 1 places");
  }

  @Test
  void minCoverage_outsideZeroToHundred_isRefusedNamingTheOption() throws Exception {
    Path policy = Files.writeString(dir.resolve("p.yaml"), POLICY);
    Path tests =
        Files.writeString(dir.resolve("t.yaml"), "cases:\n  - {country: IR, expect: block}\n");

    PolicyCli.Run run =
        PolicyCli.run(
                "policy", "test", "--min-coverage", "120", policy.toString(), tests.toString())
            .assertNoStackTrace();

    assertThat(run.exitCode()).isNotZero();
    assertThat(run.err()).contains("--min-coverage: 120.0 is not a percentage; expected 0 to 100");
  }
}
