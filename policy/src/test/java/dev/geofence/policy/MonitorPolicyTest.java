package dev.geofence.policy;

import static org.assertj.core.api.Assertions.assertThat;

import java.time.Duration;
import java.util.Optional;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.Arguments;
import org.junit.jupiter.params.provider.MethodSource;

/** The {@code monitor:} key: every accepted form, and every error at its line and column. */
class MonitorPolicyTest {

  // Lines 1-11: tiers, a substitute for frontier only, and the rule 'capped' serving advanced and
  // standard; its monitor key goes on line 12 and the mapping's keys from line 13.
  private static final String HEAD =
      """
      policy: test
      version: "1"
      tiers:
        frontier: [opus*]
        advanced: [sonnet*]
        standard: [haiku*]
      substitutes: {frontier: sonnet-4}
      rules:
        - name: capped
          where: [CN]
          allow: advanced
      """;

  private static final String TAIL =
      """
        - name: blocked
          where: [KP]
          action: block
        - name: rest
          where: "*"
          action: allow
      unknown:
        allow: standard
      """;

  private static Monitoring monitoringOf(String monitorLines) {
    Policy policy = TestPolicies.parse(HEAD + monitorLines + TAIL);
    return policy.evaluate(Origin.country("CN"), "sonnet-4", java.time.Instant.EPOCH).monitoring();
  }

  static Stream<Arguments> accepted() {
    Optional<Duration> none = Optional.empty();
    return Stream.of(
        Arguments.of("", Monitoring.OFF),
        Arguments.of("    monitor: false\n", Monitoring.OFF),
        Arguments.of("    monitor: true\n", Monitoring.AUDIT),
        Arguments.of("    monitor: {audit: true}\n", Monitoring.AUDIT),
        Arguments.of(
            "    monitor:\n      usage-limit: 5/1m\n",
            new Monitoring(true, Optional.of(UsageLimit.parse("5/1m")), OverUsage.BLOCK, 0, none)),
        Arguments.of(
            "    monitor:\n      usage-limit: 5/1m\n      over-usage: block\n"
                + "      alert-countries: 2\n",
            new Monitoring(
                true,
                Optional.of(new UsageLimit(5, Duration.ofMinutes(1))),
                OverUsage.BLOCK,
                2,
                Optional.of(Duration.ofMinutes(1)))),
        Arguments.of(
            "    monitor:\n      usage-limit: 1000/1d\n      over-usage: flag\n"
                + "      audit: false\n",
            new Monitoring(
                false,
                Optional.of(new UsageLimit(1000, Duration.ofDays(1))),
                OverUsage.FLAG,
                0,
                none)),
        Arguments.of(
            "    monitor:\n      alert-countries: 3\n      alert-window: 10m\n",
            new Monitoring(
                true, Optional.empty(), OverUsage.BLOCK, 3, Optional.of(Duration.ofMinutes(10)))),
        Arguments.of(
            "    monitor:\n      usage-limit: 10/30s\n      alert-countries: 2\n"
                + "      alert-window: 1h\n",
            new Monitoring(
                true,
                Optional.of(new UsageLimit(10, Duration.ofSeconds(30))),
                OverUsage.BLOCK,
                2,
                Optional.of(Duration.ofHours(1)))));
  }

  @ParameterizedTest(name = "[{index}] {1}")
  @MethodSource("accepted")
  void monitorForms_giveTheirMonitoring(String lines, Monitoring expected) {
    assertThat(monitoringOf(lines)).isEqualTo(expected);
  }

  @Test
  void monitorMapping_inUnknownSection_isCarriedByItsDecisions() {
    String yaml =
        HEAD.replace("allow: advanced\n", "allow: advanced\n    monitor: true\n")
            + TAIL
            + "  monitor:\n    usage-limit: 20/1h\n    over-usage: flag\n";
    Policy policy = TestPolicies.parse(yaml);

    Decision d = policy.evaluate(Origin.unknown(), "haiku-4", java.time.Instant.EPOCH);

    assertThat(d.monitoring().summary()).isEqualTo("20/1h flag");
    assertThat(d.monitor()).isTrue();
  }

  static Stream<Arguments> errors() {
    return Stream.of(
        Arguments.of(
            "unknown key with suggestion",
            "    monitor:\n      usage-limt: 5/1m\n",
            13,
            7,
            "unknown key 'usage-limt' in 'monitor' of rule 'capped' (did you mean 'usage-limit'?)"),
        Arguments.of(
            "unknown key without suggestion",
            "    monitor:\n      colour: red\n",
            13,
            7,
            "unknown key 'colour' in 'monitor' of rule 'capped'; expected one of usage-limit,"
                + " over-usage, alert-countries, alert-window, audit"),
        Arguments.of(
            "zero window",
            "    monitor:\n      usage-limit: 5/0m\n",
            13,
            20,
            "usage-limit '5/0m' in rule 'capped' has a window outside 1s to 7d; expected a"
                + " window such as 1m"),
        Arguments.of(
            "window over a week",
            "    monitor:\n      usage-limit: 5/8d\n",
            13,
            20,
            "usage-limit '5/8d' in rule 'capped' has a window outside 1s to 7d; expected a"
                + " window such as 1m"),
        Arguments.of(
            "zero requests",
            "    monitor:\n      usage-limit: 0/1m\n",
            13,
            20,
            "usage-limit '0/1m' in rule 'capped' allows no request at all; expected at least 1 (to"
                + " refuse every request, use action: block)"),
        Arguments.of(
            "too many requests",
            "    monitor:\n      usage-limit: 1000000001/1d\n",
            13,
            20,
            "usage-limit '1000000001/1d' in rule 'capped' allows more than 1000000000 requests"
                + " per window"),
        Arguments.of(
            "words",
            "    monitor:\n      usage-limit: 5 per minute\n",
            13,
            20,
            "invalid usage-limit '5 per minute' in rule 'capped'; expected REQUESTS/WINDOW such as"
                + " 5/1m, 100/1h or 1000/1d (window units s, m, h, d)"),
        Arguments.of(
            "unit unknown",
            "    monitor:\n      usage-limit: 5/1w\n",
            13,
            20,
            "invalid usage-limit '5/1w' in rule 'capped'; expected REQUESTS/WINDOW such as 5/1m"),
        Arguments.of(
            "usage-limit a list",
            "    monitor:\n      usage-limit: [5/1m]\n",
            13,
            20,
            "'usage-limit' in 'monitor' of rule 'capped' must be a single value; found a list"),
        Arguments.of(
            "unknown over-usage",
            "    monitor:\n      usage-limit: 5/1m\n      over-usage: substitue\n",
            14,
            19,
            "unknown over-usage 'substitue' in rule 'capped' (did you mean 'substitute'?);"
                + " expected block, substitute or flag"),
        Arguments.of(
            "over-usage without usage-limit",
            "    monitor:\n      over-usage: flag\n",
            13,
            7,
            "'over-usage' in 'monitor' of rule 'capped' applies only with a 'usage-limit' to be"
                + " over; add usage-limit: N/WINDOW such as 5/1m"),
        Arguments.of(
            "substitute with no substitute below",
            "    monitor:\n      usage-limit: 5/1m\n      over-usage: substitute\n",
            14,
            19,
            "over-usage 'substitute' in rule 'capped' has nothing to substitute: no tier it serves"
                + " (advanced, standard) has a model in 'substitutes'; add one or use block or flag"),
        Arguments.of(
            "alert-countries 1",
            "    monitor:\n      alert-countries: 1\n      alert-window: 1m\n",
            13,
            24,
            "alert-countries 1 in rule 'capped' would alert on every caller: one country is where"
                + " any caller is; expected at least 2"),
        Arguments.of(
            "alert-countries over every country",
            "    monitor:\n      alert-countries: 250\n      alert-window: 1m\n",
            13,
            24,
            "alert-countries 250 in rule 'capped' is more than there are countries; expected at"
                + " most 249"),
        Arguments.of(
            "alert-countries not a number",
            "    monitor:\n      alert-countries: two\n      alert-window: 1m\n",
            13,
            24,
            "'alert-countries' in 'monitor' of rule 'capped' must be a whole number of countries"
                + " from 2 to 249; found the value 'two'"),
        Arguments.of(
            "alert-countries without a window",
            "    monitor:\n      alert-countries: 2\n",
            13,
            7,
            "'alert-countries' in 'monitor' of rule 'capped' needs a window: add alert-window"
                + " (such as 10m), or a usage-limit whose window it takes"),
        Arguments.of(
            "alert-window without alert-countries",
            "    monitor:\n      usage-limit: 5/1m\n      alert-window: 1m\n",
            14,
            7,
            "'alert-window' in 'monitor' of rule 'capped' applies only with 'alert-countries'; add"
                + " alert-countries: N (at least 2)"),
        Arguments.of(
            "bad alert-window",
            "    monitor:\n      alert-countries: 2\n      alert-window: 1 minute\n",
            14,
            21,
            "invalid alert-window '1 minute' in rule 'capped'; expected a duration from 1s to 7d"
                + " such as 30s, 10m, 1h or 1d"),
        Arguments.of(
            "audit not a boolean",
            "    monitor:\n      audit: full\n",
            13,
            14,
            "'audit' in 'monitor' of rule 'capped' must be true or false; found the value 'full'"),
        Arguments.of(
            "empty mapping",
            "    monitor: {}\n",
            12,
            14,
            "'monitor' of rule 'capped' is an empty mapping; give usage-limit, alert-countries or"
                + " audit, or use monitor: true or false"),
        Arguments.of(
            "a list",
            "    monitor: [5/1m]\n",
            12,
            14,
            "'monitor' of rule 'capped' must be true, false or a mapping of usage-limit,"
                + " over-usage, alert-countries, alert-window, audit; found a list"));
  }

  @ParameterizedTest(name = "{0}")
  @MethodSource("errors")
  void monitorErrors_areReportedAtTheirLineAndColumn(
      String name, String lines, int line, int column, String message) {
    ValidationReport report = Policy.validate(HEAD + lines + TAIL, "p.yaml");

    assertThat(report.errors()).as(name).hasSize(1);
    Diagnostic d = report.errors().get(0);
    assertThat(d.message()).startsWith(message);
    assertThat(d.line()).isEqualTo(line);
    assertThat(d.column()).isEqualTo(column);
  }

  @Test
  void monitorMapping_onABlockRule_isAnErrorSayingItHasNothingToCount() {
    String yaml =
        HEAD
            + TAIL.replace(
                "action: block\n", "action: block\n    monitor:\n      usage-limit: 5/1m\n");

    ValidationReport report = Policy.validate(yaml, "p.yaml");

    assertThat(report.errors())
        .singleElement()
        .hasToString(
            "p.yaml:15:5: error: a 'monitor' mapping in rule 'blocked' has nothing to count: the"
                + " rule blocks every request; use monitor: true or false, or limit an allowing"
                + " rule");
  }

  @Test
  void monitorMapping_onABlockSection_isAnErrorToo() {
    String yaml =
        HEAD
            + TAIL
            + "anonymous:\n  action: block\n  monitor:\n    usage-limit: 5/1m\n"
            + "    over-usage: substitute\n";

    ValidationReport report = Policy.validate(yaml, "p.yaml");

    assertThat(report.errors())
        .singleElement()
        .hasToString(
            "p.yaml:22:3: error: a 'monitor' mapping in 'anonymous' has nothing to count: the rule"
                + " blocks every request; use monitor: true or false, or limit an allowing rule");
  }

  @Test
  void monitorTrue_onABlockRule_staysAccepted() {
    String yaml = HEAD + TAIL.replace("action: block\n", "action: block\n    monitor: true\n");

    assertThat(Policy.validate(yaml, "p.yaml").isValid()).isTrue();
  }

  @Test
  void substitute_isAccepted_whenATierTheRuleServesHasASubstitute() {
    String yaml =
        HEAD.replace("allow: advanced\n", "action: allow\n")
            + "    monitor:\n      usage-limit: 5/1m\n      over-usage: substitute\n"
            + TAIL;

    assertThat(Policy.validate(yaml, "p.yaml").errors()).isEmpty();
    assertThat(
            TestPolicies.parse(yaml)
                .evaluate(Origin.country("CN"), "opus-4", java.time.Instant.EPOCH)
                .monitoring())
        .isEqualTo(
            new Monitoring(
                true,
                Optional.of(new UsageLimit(5, Duration.ofMinutes(1))),
                OverUsage.SUBSTITUTE,
                0,
                Optional.empty()));
  }
}
