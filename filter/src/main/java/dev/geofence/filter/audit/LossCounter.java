package dev.geofence.filter.audit;

import java.time.Instant;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.Optional;

/**
 * Counts lost records until a sink can report them in a {@code records_lost} line. Losses are the
 * exceptional path, so plain synchronisation is fine here. Thread-safe.
 */
final class LossCounter {

  /** Losses not yet reported: how many, per action, since when, and why the first one happened. */
  record Pending(long count, Map<String, Long> byAction, Instant since, String reason) {}

  private final long[] byAction = new long[AuditRecord.ACTIONS.size()];
  private long pending;
  private long total;
  private Instant since;
  private String reason;

  /**
   * Counts one lost record.
   *
   * @return true when this loss starts a new episode (nothing was pending), so it should be logged
   */
  synchronized boolean add(String action, Instant now, String why) {
    byAction[AuditRecord.ACTIONS.indexOf(action)]++;
    total++;
    if (pending++ == 0) {
      since = now;
      reason = why;
      return true;
    }
    return false;
  }

  synchronized Optional<Pending> pending() {
    if (pending == 0) {
      return Optional.empty();
    }
    Map<String, Long> counts = new LinkedHashMap<>();
    for (int i = 0; i < byAction.length; i++) {
      if (byAction[i] > 0) {
        counts.put(AuditRecord.ACTIONS.get(i), byAction[i]);
      }
    }
    return Optional.of(new Pending(pending, counts, since, reason));
  }

  /** Marks the given losses as reported; losses counted since the snapshot stay pending. */
  synchronized void reported(Pending reported) {
    pending -= reported.count();
    for (int i = 0; i < byAction.length; i++) {
      byAction[i] -= reported.byAction().getOrDefault(AuditRecord.ACTIONS.get(i), 0L);
    }
    if (pending == 0) {
      since = null;
      reason = null;
    }
  }

  synchronized long total() {
    return total;
  }
}
