package dev.geofence.filter.audit;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.time.Instant;
import java.util.Optional;
import org.junit.jupiter.api.Test;

class AuditStatsTest {

  private static final Instant EARLY = Instant.parse("2026-12-01T10:00:00Z");
  private static final Instant LATE = Instant.parse("2026-12-01T11:00:00Z");

  private static AuditStats failed(long written, String message, Instant at) {
    return AuditStats.of(written, 1, 0, new AuditStats.Failure(message, at));
  }

  @Test
  void twoSinksAddUpTheirCounters_andKeepTheLaterFailure() {
    AuditStats sum = failed(3, "disk full", EARLY).plus(failed(4, "read-only", LATE));

    assertThat(sum.written()).isEqualTo(7);
    assertThat(sum.lost()).isEqualTo(2);
    assertThat(sum.lastError()).contains("read-only");
    assertThat(sum.lastErrorAt()).contains(LATE);
    assertThat(failed(4, "read-only", LATE).plus(failed(3, "disk full", EARLY)).lastError())
        .contains("read-only");
  }

  @Test
  void aSinkThatNeverFailedTakesTheOthersFailure_andOneWithoutATimeKeepsItsMessage() {
    AuditStats never = AuditStats.of(2, 0, 0, null);
    AuditStats untimed = new AuditStats(1, 1, 0, Optional.of("appender failed"));

    assertThat(never.lastError()).isEmpty();
    assertThat(never.lastErrorAt()).isEmpty();
    assertThat(never.plus(failed(1, "disk full", EARLY)).lastErrorAt()).contains(EARLY);
    assertThat(untimed.lastErrorAt()).isEmpty();
    assertThat(untimed.plus(never).lastError()).contains("appender failed");
    assertThat(never.plus(untimed).lastError()).contains("appender failed");
  }

  @Test
  void negativeCountersAreRefused() {
    assertThatThrownBy(() -> new AuditStats(-1, 0, 0, Optional.empty()))
        .isInstanceOf(IllegalArgumentException.class)
        .hasMessageContaining("written -1");
  }
}
