package dev.geofence.filter.audit;

import static dev.geofence.filter.audit.AuditFixtures.full;
import static dev.geofence.filter.audit.AuditFixtures.parse;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.geofence.filter.audit.AuditSink.Delivery;
import java.time.Clock;
import java.time.Duration;
import org.junit.jupiter.api.Test;
import org.slf4j.event.Level;

class Slf4jAuditSinkTest {

  private final CapturingLogger logger = new CapturingLogger(Slf4jAuditSink.LOGGER_NAME);
  private final Slf4jAuditSink sink = Slf4jAuditSink.of(logger, Clock.systemUTC());

  @Test
  void logsEachRecordAsTheInfoMessage() {
    assertThat(sink.write(full(), IpPrivacy.truncated(), Duration.ZERO))
        .isEqualTo(Delivery.WRITTEN);

    assertThat(logger.messages(Level.INFO)).containsExactly(full().toJson(IpPrivacy.truncated()));
    assertThat(sink.stats()).isEqualTo(new AuditStats(1, 0, 0, java.util.Optional.empty()));
  }

  @Test
  void aFailingBackendIsCountedAndReportedOnceItWorksAgain() {
    java.time.Instant before = java.time.Instant.now();
    logger.failing = true;
    assertThat(sink.write(full(), IpPrivacy.full(), Duration.ZERO)).isEqualTo(Delivery.LOST);
    assertThat(
            sink.write(
                full().toBuilder().action(AuditAction.ALLOW).build(),
                IpPrivacy.full(),
                Duration.ZERO))
        .isEqualTo(Delivery.LOST);
    assertThat(sink.stats().lost()).isEqualTo(2);
    assertThat(sink.stats().lastError()).contains("appender failed");
    java.time.Instant failedBy = java.time.Instant.now();
    assertThat(sink.stats().lastErrorAt())
        .hasValueSatisfying(at -> assertThat(at).isBetween(before, failedBy));

    logger.failing = false;
    assertThat(sink.write(full(), IpPrivacy.full(), Duration.ZERO)).isEqualTo(Delivery.WRITTEN);

    assertThat(logger.messages(Level.ERROR))
        .singleElement()
        .satisfies(
            line -> {
              assertThat(parse(line).at("/event/action").asText()).isEqualTo("records_lost");
              assertThat(parse(line).at("/geofence/lost/count").asLong()).isEqualTo(2);
              assertThat(parse(line).at("/geofence/lost/block").asLong()).isEqualTo(1);
              assertThat(parse(line).at("/geofence/lost/allow").asLong()).isEqualTo(1);
              assertThat(AuditFixtures.schemaViolations(line)).isEmpty();
            });
    assertThat(logger.messages(Level.INFO)).hasSize(1);
  }

  @Test
  void usesTheGeofenceAuditLoggerByDefault() {
    assertThat(Slf4jAuditSink.create()).hasToString("Slf4jAuditSink[geofence.audit]");
    assertThatThrownBy(() -> Slf4jAuditSink.create(" ")).hasMessageContaining("blank");
  }
}
