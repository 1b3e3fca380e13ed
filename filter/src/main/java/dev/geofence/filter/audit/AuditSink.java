package dev.geofence.filter.audit;

import java.time.Duration;

/**
 * Where audit records go: {@link Slf4jAuditSink} (the logger {@code geofence.audit}) or {@link
 * FileAuditSink} (a self-contained, hash-chained trail). An {@link AuditLog} hands every record it
 * keeps to each of its sinks.
 *
 * <p>Implementations are thread-safe: {@link #write} is called from request threads concurrently.
 */
public interface AuditSink extends AutoCloseable {

  /** What became of one record handed to a sink. */
  enum Delivery {
    /** Written (and forced to disk when the sink's durability says so) before the call returned. */
    WRITTEN,
    /** Accepted into the sink's queue; it will be written, or counted as lost, later. */
    QUEUED,
    /**
     * The caller waited the whole timeout; the record is still queued and will be written or
     * counted lost.
     */
    TIMED_OUT,
    /**
     * Not accepted: counted as lost, logged at ERROR and reported in a {@code records_lost} record.
     */
    LOST,
    /** Not kept because the log's scope leaves it out (allowed requests under NOTABLE). */
    SKIPPED;

    /**
     * Whether the record is not on the trail when the call returns although it was to be: {@link
     * #TIMED_OUT} or {@link #LOST}. A request held for such a record is not answered as decided.
     */
    public boolean failed() {
      return this == TIMED_OUT || this == LOST;
    }

    /** The worse of two deliveries, for a record that went to several sinks. */
    Delivery worse(Delivery other) {
      return other.ordinal() > ordinal() ? other : this;
    }
  }

  /**
   * Hands one record to the sink.
   *
   * @param record the record; not null
   * @param privacy how to write addresses; not null
   * @param wait {@link Duration#ZERO} to never block (the record is queued or counted as lost at
   *     once), or how long the caller may be held until the record is written
   * @return what became of the record; never null
   */
  Delivery write(AuditRecord record, IpPrivacy privacy, Duration wait);

  /** Counters of this sink; cheap enough to poll from a metrics gauge. */
  AuditStats stats();

  /** Writes what is queued, as far as the sink can, and releases its resources. Idempotent. */
  @Override
  void close();
}
