package dev.geofence.policy;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.time.Duration;
import java.util.Optional;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;
import org.junit.jupiter.params.provider.ValueSource;

/** {@link UsageLimit} and {@link Monitoring} as values: parsing, equality and their words. */
class MonitoringTest {

  private static final Optional<UsageLimit> FIVE_A_MINUTE =
      Optional.of(new UsageLimit(5, Duration.ofMinutes(1)));

  @ParameterizedTest
  @CsvSource({
    "5/1m, 5, 60, 5/1m",
    "100/1h, 100, 3600, 100/1h",
    "1000/1d, 1000, 86400, 1000/1d",
    "10/30s, 10, 30, 10/30s",
    "10/60s, 10, 60, 10/1m",
    "1/7d, 1, 604800, 1/7d",
    "1000000000/1s, 1000000000, 1, 1000000000/1s",
    "' 5 / 90m ', 5, 5400, 5/90m"
  })
  void usageLimit_parses_andPrintsCanonically(
      String text, int requests, long seconds, String canonical) {
    UsageLimit limit = UsageLimit.parse(text);

    assertThat(limit).isEqualTo(new UsageLimit(requests, Duration.ofSeconds(seconds)));
    assertThat(limit).hasToString(canonical);
  }

  @ParameterizedTest
  @ValueSource(
      strings = {"5/0m", "0/1m", "5 per minute", "5/1w", "5", "/1m", "5/", "5/1m/2", "-1/1m"})
  void usageLimit_refusesWhatIsNotOne_withASentence(String text) {
    assertThatThrownBy(() -> UsageLimit.parse(text))
        .isInstanceOf(IllegalArgumentException.class)
        .hasMessageContaining("usage-limit '" + text.strip() + "'")
        .hasMessageEndingWith(".");
  }

  @Test
  void usageLimit_refusesAWindowOfPartSeconds_orOverAWeek() {
    assertThatThrownBy(() -> new UsageLimit(5, Duration.ofMillis(1500)))
        .isInstanceOf(IllegalArgumentException.class)
        .hasMessage(
            "A usage limit window of PT1.5S is out of range; expected whole seconds from 1s to 7d.");
    assertThatThrownBy(() -> new UsageLimit(5, Duration.ofDays(8)))
        .isInstanceOf(IllegalArgumentException.class);
    assertThatThrownBy(() -> new UsageLimit(0, Duration.ofDays(1)))
        .isInstanceOf(IllegalArgumentException.class)
        .hasMessage("A usage limit of 0 requests is out of range; expected 1 to 1000000000.");
  }

  @Test
  void alertWindow_defaultsToTheLimitsWindow_soBothSpellingsAreEqual() {
    Monitoring implicit = new Monitoring(true, FIVE_A_MINUTE, OverUsage.BLOCK, 2, Optional.empty());
    Monitoring explicit =
        new Monitoring(true, FIVE_A_MINUTE, OverUsage.BLOCK, 2, Optional.of(Duration.ofMinutes(1)));

    assertThat(implicit).isEqualTo(explicit).hasSameHashCodeAs(explicit);
    assertThat(implicit.alertWindow()).contains(Duration.ofMinutes(1));
    assertThat(implicit)
        .isNotEqualTo(
            new Monitoring(
                true, FIVE_A_MINUTE, OverUsage.FLAG, 2, Optional.of(Duration.ofMinutes(1))));
  }

  @Test
  void constants_areMonitorFalseAndTrue() {
    assertThat(Monitoring.OFF.enabled()).isFalse();
    assertThat(Monitoring.AUDIT.enabled()).isTrue();
    assertThat(Monitoring.AUDIT.hasLimit()).isFalse();
    assertThat(Monitoring.AUDIT.hasAlert()).isFalse();
    assertThat(Monitoring.OFF.describe()).isEqualTo("not monitored");
    assertThat(Monitoring.AUDIT.describe()).isEqualTo("audit in full");
    assertThat(Monitoring.OFF.summary()).isEqualTo("off");
    assertThat(Monitoring.AUDIT.summary()).isEqualTo("audit");
  }

  @Test
  void describe_saysEachPartInWords() {
    Monitoring m = new Monitoring(true, FIVE_A_MINUTE, OverUsage.BLOCK, 2, Optional.empty());

    assertThat(m.describe())
        .isEqualTo(
            "audit in full; 5 requests per principal per 1m, then block; alert at 2 countries"
                + " within 1m");
    assertThat(m.summary()).isEqualTo("5/1m block, alert 2 countries/1m");
    assertThat(m.hasLimit()).isTrue();
    assertThat(m.hasAlert()).isTrue();
  }

  @Test
  void describe_withoutAudit_andAnAlertOnly() {
    Monitoring flag =
        new Monitoring(
            false,
            Optional.of(new UsageLimit(1, Duration.ofHours(1))),
            OverUsage.FLAG,
            0,
            Optional.empty());
    Monitoring alert =
        new Monitoring(
            true, Optional.empty(), OverUsage.BLOCK, 3, Optional.of(Duration.ofMinutes(10)));

    assertThat(flag.describe()).isEqualTo("1 request per principal per 1h, then flag");
    assertThat(flag.summary()).isEqualTo("1/1h flag, audit false");
    assertThat(alert.describe()).isEqualTo("audit in full; alert at 3 countries within 10m");
    assertThat(alert.summary()).isEqualTo("alert 3 countries/10m");
  }

  @Test
  void monitoring_refusesInconsistentParts() {
    assertThatThrownBy(
            () -> new Monitoring(true, Optional.empty(), OverUsage.FLAG, 0, Optional.empty()))
        .hasMessage("Over-usage flag needs a usage limit to be over.");
    assertThatThrownBy(
            () -> new Monitoring(true, FIVE_A_MINUTE, OverUsage.BLOCK, 1, Optional.empty()))
        .hasMessage("An alert at 1 countries is out of range; expected 0 (no alert) or 2 to 249.");
    assertThatThrownBy(
            () -> new Monitoring(true, Optional.empty(), OverUsage.BLOCK, 2, Optional.empty()))
        .hasMessage("An alert needs a window, or a usage limit to take it from.");
    assertThatThrownBy(
            () ->
                new Monitoring(
                    true, FIVE_A_MINUTE, OverUsage.BLOCK, 0, Optional.of(Duration.ofMinutes(1))))
        .hasMessage("An alert window needs alert countries.");
    assertThatThrownBy(
            () ->
                new Monitoring(
                    true, FIVE_A_MINUTE, OverUsage.BLOCK, 2, Optional.of(Duration.ofDays(8))))
        .isInstanceOf(IllegalArgumentException.class);
  }

  @Test
  void overUsageLabels_areThePolicyWords() {
    assertThat(OverUsage.BLOCK.label()).isEqualTo("block");
    assertThat(OverUsage.SUBSTITUTE.label()).isEqualTo("substitute");
    assertThat(OverUsage.FLAG.label()).isEqualTo("flag");
  }
}
