package dev.geofence.filter.audit;

import static dev.geofence.filter.audit.AuditFixtures.T0;
import static dev.geofence.filter.audit.AuditFixtures.ip;
import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import java.util.List;
import org.junit.jupiter.api.Test;

/**
 * Usage monitoring in the record: an alert line ({@code event.kind: alert}, {@code event.action:
 * usage-alert}) and a request refused for its limit carry {@code geofence.usage}, and both lines
 * validate against the shipped schema.
 */
class UsageRecordTest {

  private static AuditRecord.Builder alert() {
    return AuditRecord.builder()
        .timestamp(T0)
        .action(AuditAction.ALERT)
        .reason("principal seen from 2 countries (BR, IN) within 1m under rule gulf-watch")
        .ruleName("gulf-watch")
        .sourceIp(ip("203.0.113.9"))
        .country("IN")
        .httpMethod("POST")
        .urlPath("/v1/messages")
        .requestId("req-2")
        .userId("key-alice")
        .usage(new AuditRecord.Usage(null, List.of("BR", "IN"), "1m"));
  }

  @Test
  void anAlertLine_isKindAlert_actionUsageAlert_withTheCountriesAndWindow_andValidates() {
    String line = alert().build().toJson(IpPrivacy.full());

    JsonNode json = AuditFixtures.parse(line);
    assertThat(json.at("/event/kind").asText()).isEqualTo("alert");
    assertThat(json.at("/event/action").asText()).isEqualTo("usage-alert");
    assertThat(json.at("/event/type").toString()).isEqualTo("[\"info\"]");
    assertThat(json.at("/user/id").asText()).isEqualTo("key-alice");
    assertThat(json.at("/geofence/usage/countries").toString()).isEqualTo("[\"BR\",\"IN\"]");
    assertThat(json.at("/geofence/usage/window").asText()).isEqualTo("1m");
    assertThat(json.at("/geofence/usage").has("limit")).isFalse();
    assertThat(AuditFixtures.schemaViolations(line)).isEmpty();
  }

  @Test
  void aRequestRefusedForItsLimit_carriesTheLimit_andValidates() {
    String line =
        AuditFixtures.full().toBuilder()
            .statusCode(429)
            .usage(new AuditRecord.Usage("5/1m", null, null))
            .build()
            .toJson(IpPrivacy.full());

    JsonNode json = AuditFixtures.parse(line);
    assertThat(json.at("/event/kind").asText()).isEqualTo("event");
    assertThat(json.at("/geofence/usage/limit").asText()).isEqualTo("5/1m");
    assertThat(json.at("/geofence/usage").has("countries")).isFalse();
    assertThat(AuditFixtures.schemaViolations(line)).isEmpty();
  }

  @Test
  void alertsAreNotable_keptUnderScopeNotable_andAreNotRequests() {
    assertThat(AuditAction.ALERT.isNotable()).isTrue();
    assertThat(AuditAction.ALERT.isRequest()).isFalse();
    assertThat(AuditAction.fromLabel("usage-alert")).contains(AuditAction.ALERT);
    assertThat(
            AuditLog.builder()
                .sink(new AuditLogTest.RecordingSink())
                .scope(AuditScope.NOTABLE)
                .build()
                .keeps(AuditAction.ALERT, false))
        .isTrue();
  }
}
