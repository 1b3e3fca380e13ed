package dev.geofence.filter.audit;

import static dev.geofence.filter.audit.AuditFixtures.parse;
import static dev.geofence.filter.audit.AuditFixtures.simple;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.geofence.filter.audit.AuditSink.Delivery;
import dev.geofence.filter.micrometer.AuditMetrics;
import io.micrometer.core.instrument.simple.SimpleMeterRegistry;
import java.nio.file.Path;
import java.time.Clock;
import java.time.Duration;
import java.util.List;
import java.util.Optional;
import java.util.concurrent.CopyOnWriteArrayList;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;
import org.slf4j.event.Level;

class AuditLogTest {

  @TempDir Path dir;

  /** Remembers the wait each record was given, to check the overflow policy per action. */
  static class RecordingSink implements AuditSink {
    final List<String> seen = new CopyOnWriteArrayList<>();

    @Override
    public Delivery write(AuditRecord record, IpPrivacy privacy, Duration wait) {
      seen.add(record.action().label() + (wait.isZero() ? ":drop" : ":wait"));
      return Delivery.WRITTEN;
    }

    @Override
    public AuditStats stats() {
      return new AuditStats(seen.size(), 0, 0, Optional.empty());
    }

    @Override
    public void close() {}
  }

  @Test
  void defaultsHoldBlocksSubstitutionsErrorsAndAlertsButNotAllows() {
    RecordingSink sink = new RecordingSink();
    AuditLog log = AuditLog.builder().sink(sink).build();
    for (AuditAction action : AuditAction.values()) {
      log.record(simple(action.label(), "x"));
    }
    assertThat(sink.seen)
        .containsExactly(
            "allow:drop", "substitute:wait", "block:wait", "error:wait", "usage-alert:wait");
    assertThat(log.overflow(AuditAction.ALLOW)).isEqualTo(OverflowPolicy.DROP);
  }

  @Test
  void overflowIsSetPerAction() {
    RecordingSink sink = new RecordingSink();
    AuditLog log =
        AuditLog.builder()
            .sink(sink)
            .overflow(AuditAction.ALLOW, OverflowPolicy.WAIT)
            .overflow(AuditAction.BLOCK, OverflowPolicy.DROP)
            .build();
    log.record(simple("allow", "x"));
    log.record(simple("block", "x"));
    assertThat(sink.seen).containsExactly("allow:wait", "block:drop");
  }

  @ParameterizedTest
  @CsvSource({
    "ALLOW, false, SKIPPED",
    "ALLOW, true, WRITTEN",
    "SUBSTITUTE, false, WRITTEN",
    "BLOCK, false, WRITTEN",
    "ERROR, false, WRITTEN",
  })
  void notableScopeKeepsBlocksSubstitutionsErrorsAndMonitorRules(
      AuditAction action, boolean monitor, Delivery expected) {
    RecordingSink sink = new RecordingSink();
    AuditLog log = AuditLog.builder().sink(sink).scope(AuditScope.NOTABLE).build();

    assertThat(log.keeps(action, monitor)).isEqualTo(expected != Delivery.SKIPPED);
    assertThat(log.record(simple(action.label(), "x").toBuilder().monitor(monitor).build()))
        .isEqualTo(expected);
    assertThat(sink.seen).hasSize(expected == Delivery.SKIPPED ? 0 : 1);
  }

  @Test
  void everySinkGetsTheRecordWithTheLogsPrivacyAndTheStatsAddUp() {
    CapturingLogger logger = new CapturingLogger("geofence.audit");
    FileAuditSink file = FileAuditSink.builder(dir).build();
    try (AuditLog log =
        AuditLog.builder()
            .sink(Slf4jAuditSink.of(logger, Clock.systemUTC()))
            .sink(file)
            .ipPrivacy(IpPrivacy.truncated())
            .build()) {
      assertThat(log.record(simple("block", "both"))).isEqualTo(Delivery.WRITTEN);
      assertThat(log.stats().written()).isEqualTo(2);
    }
    assertThat(parse(logger.messages(Level.INFO).get(0)).at("/source/ip").asText())
        .isEqualTo("198.51.100.0");
    assertThat(parse(AuditFixtures.lines(file.currentFile()).get(0)).at("/source/ip").asText())
        .isEqualTo("198.51.100.0");
  }

  @Test
  void theWorstDeliveryWins() {
    AuditSink lost =
        new RecordingSink() {
          @Override
          public Delivery write(AuditRecord record, IpPrivacy privacy, Duration wait) {
            return Delivery.LOST;
          }
        };
    AuditLog log = AuditLog.builder().sink(new RecordingSink()).sink(lost).build();
    assertThat(log.record(simple("block", "x"))).isEqualTo(Delivery.LOST);
  }

  @Test
  void aSinkThatThrowsDoesNotFailTheRequest() {
    AuditSink broken =
        new RecordingSink() {
          @Override
          public Delivery write(AuditRecord record, IpPrivacy privacy, Duration wait) {
            throw new IllegalStateException("bug");
          }
        };
    assertThat(AuditLog.builder().sink(broken).build().record(simple("block", "x")))
        .isEqualTo(Delivery.LOST);
  }

  @Test
  void metricsPublishTheCountersAndCloseRemovesEveryMeter() {
    RecordingSink sink = new RecordingSink();
    AuditLog log = AuditLog.builder().sink(sink).build();
    SimpleMeterRegistry registry = new SimpleMeterRegistry();
    AuditMetrics metrics = AuditMetrics.of(log);
    metrics.bindTo(registry);

    log.record(simple("block", "x"));

    assertThat(registry.get("geofence.audit.records.written").functionCounter().count())
        .isEqualTo(1.0);
    assertThat(registry.get("geofence.audit.records.lost").functionCounter().count()).isZero();
    assertThat(registry.get("geofence.audit.queue.depth").gauge().value()).isZero();

    metrics.close();

    assertThat(registry.getMeters()).isEmpty();
  }

  @Test
  void builderRejectsBadSettings() {
    RecordingSink sink = new RecordingSink();
    assertThatThrownBy(() -> AuditLog.builder().build()).hasMessageContaining("at least one sink");
    assertThatThrownBy(() -> AuditLog.builder().sink(sink).sink(sink))
        .hasMessageContaining("already added");
    assertThatThrownBy(() -> AuditLog.builder().overflow(null, OverflowPolicy.WAIT))
        .hasMessageContaining("action");
    assertThatThrownBy(() -> AuditLog.builder().waitTimeout(Duration.ZERO))
        .hasMessageContaining("PT0S");
    assertThatThrownBy(() -> AuditLog.builder().waitTimeout(Duration.ofMinutes(2)))
        .hasMessageContaining("PT2M");
  }
}
