package dev.geofence.policy;

import static org.assertj.core.api.Assertions.assertThat;

import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Instant;
import org.junit.jupiter.api.Test;

class PolicyDiffTest {

  private static final Instant AT = Instant.parse("2026-12-15T00:00:00Z");

  private static String example() throws Exception {
    return Files.readString(Path.of("../examples/policy.yaml"));
  }

  private static String changes(PolicyDiff diff) {
    StringBuilder s = new StringBuilder();
    diff.changes()
        .forEach(
            c ->
                s.append(c.code())
                    .append(' ')
                    .append(c.tier())
                    .append(' ')
                    .append(c.before())
                    .append(" -> ")
                    .append(c.after())
                    .append('\n'));
    return s.toString();
  }

  @Test
  void samePolicy_hasNoChanges() {
    assertThat(PolicyDiff.between(TestPolicies.example(), TestPolicies.example(), AT).isEmpty())
        .isTrue();
  }

  @Test
  void listsOnlyChangedOutcomes_groupedByCode_tiersHighestFirst() throws Exception {
    Policy after =
        TestPolicies.parse(
            example()
                .replace(
                    "arms-embargoed: [CN, MO, RU, BY, VE]",
                    "arms-embargoed: [CN, MO, RU, BY, VE, BR]")
                .replace("TW, NO, EU]", "NO, EU]"));

    PolicyDiff diff = PolicyDiff.between(TestPolicies.example(), after, AT);

    assertThat(changes(diff))
        .isEqualTo(
            """
        BR frontier substitute(claude-sonnet-4) -> block
        BR advanced allow -> block
        BR standard allow -> block
        BR (no model) allow -> block
        TW frontier allow -> substitute(claude-sonnet-4)
        """);
    assertThat(diff.changes().get(0).ruleBefore()).isEqualTo("rest-of-world");
    assertThat(diff.changes().get(0).ruleAfter()).isEqualTo("embargoed");
    assertThat(diff.at()).isEqualTo(AT);
  }

  @Test
  void datedRule_showsOnlyWhenInForceAtTheDate() throws Exception {
    Policy after =
        TestPolicies.parse(
            example().replace("effective-from: 2027-01-15", "effective-from: 2026-12-01"));

    assertThat(changes(PolicyDiff.between(TestPolicies.example(), after, AT)))
        .isEqualTo(
            """
        AE frontier substitute(claude-sonnet-4) -> substitute(claude-haiku-4)
        AE advanced allow -> substitute(claude-haiku-4)
        SA frontier substitute(claude-sonnet-4) -> substitute(claude-haiku-4)
        SA advanced allow -> substitute(claude-haiku-4)
        """);
    assertThat(
            PolicyDiff.between(TestPolicies.example(), after, Instant.parse("2027-02-01T00:00:00Z"))
                .isEmpty())
        .isTrue();
  }

  @Test
  void otherCountriesUnknownAnonymousAndSubdivisions_areRows() throws Exception {
    Policy after =
        TestPolicies.parse(
            example()
                .replace("[CU, IR, KP, SY, UA-43, UA-14, UA-09]", "[CU, IR, KP, SY, UA-43, UA-14]")
                .replace(
                    "    where: \"*\"\n    allow: advanced",
                    "    where: \"*\"\n    allow: standard")
                .replace(
                    "unknown:                           # no country: private or reserved address, no record, database unavailable\n  allow: standard",
                    "unknown:\n  allow: advanced")
                .replace(
                    "anonymous:                         # caller flagged as anonymizer/VPN/Tor/hosting by a database that knows\n  action: block",
                    ""));

    String changes = changes(PolicyDiff.between(TestPolicies.example(), after, AT));

    assertThat(changes)
        .contains(
            "UA-09 advanced block -> substitute(claude-haiku-4)\n",
            "UA-09 standard block -> allow\n");
    assertThat(changes).contains("* advanced allow -> substitute(claude-haiku-4)\n");
    assertThat(changes).contains("unknown advanced block -> allow\n");
    assertThat(changes).contains("anonymous (no model) block -> allow\n");
    assertThat(changes).doesNotContain("US ");
  }

  @Test
  void tiersOnlyOneSideHas_areNotApplicable_andSettingChangesAreListed() throws Exception {
    Policy after =
        TestPolicies.parse(
            example()
                .replace(
                    "  standard: [claude-haiku-*]\n",
                    "  standard: [claude-haiku-*]\n  basic: [tiny-*]\n")
                .replace("country-source: [location]", "country-source: [location, registered]"));

    PolicyDiff diff = PolicyDiff.between(TestPolicies.example(), after, AT);

    assertThat(diff.settingChanges())
        .containsExactly("country-source: [location] -> [location, registered]");
    assertThat(changes(diff)).contains("US basic n/a -> allow\n", "* basic n/a -> allow\n");
  }

  private static String withRestOfWorldMonitor(String monitor) throws Exception {
    String limited = example().replace("    monitor: true ", "    monitor:\n" + monitor + "    #");
    assertThat(limited).isNotEqualTo(example());
    return limited;
  }

  @Test
  void aChangedUsageLimit_isAChangeOfEveryServedRow_withTheMonitoringBeforeAndAfter()
      throws Exception {
    Policy before = TestPolicies.parse(withRestOfWorldMonitor("      usage-limit: 5/1m\n"));
    Policy after =
        TestPolicies.parse(
            withRestOfWorldMonitor("      usage-limit: 10/1m\n      over-usage: substitute\n"));

    PolicyDiff diff = PolicyDiff.between(before, after, AT);

    assertThat(diff.changes())
        .isNotEmpty()
        .allSatisfy(
            c -> {
              assertThat(c.before()).isEqualTo(c.after());
              assertThat(c.ruleAfter()).isEqualTo("rest-of-world");
              assertThat(c.monitoringChanged()).isTrue();
              assertThat(c.monitoringChange()).isEqualTo("monitor: 5/1m block -> 10/1m substitute");
            });
    assertThat(diff.changes())
        .extracting(PolicyDiff.Change::code)
        .contains("*", "AE")
        .doesNotContain("CN", "US");
  }

  @Test
  void auditAlone_orTheSameLimitSpelledOtherwise_isNoChange() throws Exception {
    Policy audit = TestPolicies.example();
    Policy noAudit =
        TestPolicies.parse(example().replace("    monitor: true ", "    monitor: false "));
    Policy minute = TestPolicies.parse(withRestOfWorldMonitor("      usage-limit: 60/1m\n"));
    Policy seconds =
        TestPolicies.parse(
            withRestOfWorldMonitor("      usage-limit: 60/60s\n      audit: false\n"));

    assertThat(PolicyDiff.between(audit, noAudit, AT).isEmpty()).isTrue();
    assertThat(PolicyDiff.between(minute, seconds, AT).isEmpty()).isTrue();
  }

  @Test
  void aLimitedRuleBecomingABlock_isToldByTheOutcomeAlone() throws Exception {
    Policy before = TestPolicies.parse(withRestOfWorldMonitor("      usage-limit: 5/1m\n"));
    Policy after =
        TestPolicies.parse(
            withRestOfWorldMonitor("      usage-limit: 5/1m\n")
                .replace(
                    "arms-embargoed: [CN, MO, RU, BY, VE]",
                    "arms-embargoed: [CN, MO, RU, BY, VE, BR]"));

    assertThat(PolicyDiff.between(before, after, AT).changes())
        .filteredOn(c -> c.code().equals("BR"))
        .hasSize(4)
        .allSatisfy(
            c -> {
              assertThat(c.after()).isEqualTo("block");
              assertThat(c.monitoringChanged()).isFalse();
              assertThat(c.monitoringAfter()).isEqualTo(Monitoring.OFF);
            });
  }
}
