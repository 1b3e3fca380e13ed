package dev.geofence.filter.audit;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.util.HashSet;
import java.util.Set;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

class AuditRecordTest {

  @Test
  void unsetFieldsAreEmptyNotNull() {
    AuditRecord r = AuditRecord.builder().action(AuditAction.ALLOW).build();
    assertThat(r.reason()).isEmpty();
    assertThat(r.urlPath()).isEmpty();
    assertThat(r.sourceIp()).isEmpty();
    assertThat(r.peerAddress()).isEmpty();
    assertThat(r.databaseBuildTime()).isEmpty();
    assertThat(r.anonymizerFlags()).isEmpty();
    assertThat(r.timestamp()).isNotNull();
  }

  @Test
  void anonymizerFlagsAreCopied() {
    Set<String> flags = new HashSet<>(Set.of("vpn"));
    AuditRecord r = AuditRecord.builder().action(AuditAction.ALLOW).anonymizerFlags(flags).build();
    flags.add("tor");
    assertThat(r.anonymizerFlags()).containsExactly("vpn");
  }

  @Test
  void toBuilderRoundTrips() {
    assertThat(AuditFixtures.full().toBuilder().build()).isEqualTo(AuditFixtures.full());
  }

  @ParameterizedTest
  @ValueSource(strings = {"deny", "ALLOW", ""})
  void actionsAreKnownOnlyByTheirLabels(String label) {
    assertThat(AuditAction.fromLabel(label)).isEmpty();
    assertThat(AuditAction.fromLabel("allow")).contains(AuditAction.ALLOW);
    assertThatThrownBy(() -> AuditRecord.builder().action(null))
        .isInstanceOf(NullPointerException.class)
        .hasMessageContaining("action");
  }

  @Test
  void requiresAnAction() {
    assertThatThrownBy(() -> AuditRecord.builder().build())
        .isInstanceOf(IllegalStateException.class)
        .hasMessageContaining("needs an action");
  }

  @ParameterizedTest
  @ValueSource(ints = {-1, 99, 600})
  void rejectsStatusCodesOutsideHttp(int status) {
    assertThatThrownBy(() -> AuditRecord.builder().statusCode(status))
        .isInstanceOf(IllegalArgumentException.class)
        .hasMessageContaining("status code " + status);
  }

  @Test
  void rejectsNegativeDecisionTime() {
    assertThatThrownBy(() -> AuditRecord.builder().decisionMicros(-5))
        .isInstanceOf(IllegalArgumentException.class)
        .hasMessageContaining("-5");
  }

  @Test
  void notableMeansAnythingButAPlainAllow() {
    assertThat(AuditFixtures.simple("allow", "a").isNotable()).isFalse();
    assertThat(AuditFixtures.simple("allow", "a").toBuilder().monitor(true).build().isNotable())
        .isTrue();
    assertThat(AuditFixtures.simple("block", "a").isNotable()).isTrue();
    assertThat(AuditFixtures.simple("substitute", "a").isNotable()).isTrue();
    assertThat(AuditFixtures.simple("error", "a").isNotable()).isTrue();
  }
}
