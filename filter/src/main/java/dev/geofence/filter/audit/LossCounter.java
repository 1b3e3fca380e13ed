package dev.geofence.filter.audit;

import java.time.Instant;
import java.util.EnumMap;
import java.util.Map;
import java.util.Optional;

/**
 * Counts lost records until a sink can report them in a {@code records_lost} line. Losses are the
 * exceptional path, so plain synchronisation is fine here. Thread-safe.
 */
final class LossCounter {

  /** Losses not yet reported: how many, per action, since when, and why the first one happened. */
  record Pending(long count, Map<AuditAction, Long> byAction, Instant since, String reason) {}

  private final long[] byAction = new long[AuditAction.values().length];
  private long pending;
  private long total;
  private Instant since;
  private String reason;

  /**
   * Counts one lost record.
   *
   * @return true when this loss starts a new episode (nothing was pending), so it should be logged
   */
  synchronized boolean add(AuditAction action, Instant now, String why) {
    byAction[action.ordinal()]++;
    total++;
    if (pending++ == 0) {
      since = now;
      reason = why;
      return true;
    }
    return false;
  }

  /**
   * Counts records lost whose actions are no longer known (they were in a deleted file).
   *
   * @return true when this loss starts a new episode
   */
  synchronized boolean addAll(long count, Instant now, String why) {
    total += count;
    boolean first = pending == 0;
    pending += count;
    if (first) {
      since = now;
      reason = why;
    }
    return first;
  }

  synchronized Optional<Pending> pending() {
    if (pending == 0) {
      return Optional.empty();
    }
    Map<AuditAction, Long> counts = new EnumMap<>(AuditAction.class);
    for (int i = 0; i < byAction.length; i++) {
      if (byAction[i] > 0) {
        counts.put(AuditAction.values()[i], byAction[i]);
      }
    }
    return Optional.of(new Pending(pending, counts, since, reason));
  }

  /** Marks the given losses as reported; losses counted since the snapshot stay pending. */
  synchronized void reported(Pending reported) {
    pending -= reported.count();
    for (int i = 0; i < byAction.length; i++) {
      byAction[i] -= reported.byAction().getOrDefault(AuditAction.values()[i], 0L);
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
