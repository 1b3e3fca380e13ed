package dev.geofence.filter.audit;

import java.time.Duration;
import java.util.ArrayList;
import java.util.EnumMap;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The filter's entry point to the audit trail: decides which records are kept (the scope), how long
 * a request may be held for its record (the overflow policy per action), how addresses are written
 * (the privacy mode), and hands each kept record to every sink.
 *
 * <pre>{@code
 * AuditLog audit = AuditLog.builder()
 *     .sink(Slf4jAuditSink.create())
 *     .sink(FileAuditSink.builder(Path.of("/var/log/geofence")).durability(Durability.eachRecord()).build())
 *     .ipPrivacy(IpPrivacy.truncated())
 *     .build();
 * audit.record(record);   // from any request thread
 * audit.close();          // on shutdown: flushes and closes the sinks
 * }</pre>
 *
 * <p>Thread-safe: one instance serves every request thread. Closing the log closes its sinks.
 */
public final class AuditLog implements AutoCloseable {

  private static final Logger LOG = LoggerFactory.getLogger(AuditLog.class);

  private final List<AuditSink> sinks;
  private final IpPrivacy privacy;
  private final AuditScope scope;
  private final Map<AuditAction, OverflowPolicy> overflow;
  private final Duration waitTimeout;

  private AuditLog(Builder b) {
    this.sinks = List.copyOf(b.sinks);
    this.privacy = b.privacy;
    this.scope = b.scope;
    this.overflow = new EnumMap<>(b.overflow);
    this.waitTimeout = b.waitTimeout;
  }

  /**
   * Starts a builder: scope ALL, full addresses, WAIT for block/substitute/error, DROP for allow.
   */
  public static Builder builder() {
    return new Builder();
  }

  /**
   * Records one decision: skipped when outside the scope, otherwise handed to each sink, holding
   * the caller at most the wait timeout in total when the action's overflow policy is WAIT.
   *
   * @return the worst delivery over the sinks ({@link AuditSink.Delivery#SKIPPED} when out of
   *     scope)
   */
  public AuditSink.Delivery record(AuditRecord record) {
    Objects.requireNonNull(record, "record");
    if (!scope.includes(record)) {
      return AuditSink.Delivery.SKIPPED;
    }
    boolean wait = overflow.get(record.action()) == OverflowPolicy.WAIT;
    long deadline = wait ? System.nanoTime() + waitTimeout.toNanos() : 0;
    AuditSink.Delivery result = AuditSink.Delivery.WRITTEN;
    for (AuditSink sink : sinks) {
      Duration left =
          wait ? Duration.ofNanos(Math.max(1, deadline - System.nanoTime())) : Duration.ZERO;
      AuditSink.Delivery delivery;
      try {
        delivery = sink.write(record, privacy, left);
      } catch (RuntimeException e) {
        // A sink is not supposed to throw; a bad request must never fail because of the audit log.
        LOG.error(
            "The audit sink {} threw instead of writing or counting a record; the record is lost.",
            sink,
            e);
        delivery = AuditSink.Delivery.LOST;
      }
      result = result.worse(delivery);
    }
    return result;
  }

  /**
   * Whether a record of this action and monitor flag would be kept; lets a caller skip building a
   * record the scope drops anyway. {@link #record} checks the scope again, so asking is optional.
   */
  public boolean keeps(AuditAction action, boolean monitor) {
    return scope.includes(action, monitor);
  }

  /** The counters of all sinks added together. */
  public AuditStats stats() {
    AuditStats total = new AuditStats(0, 0, 0, java.util.Optional.empty());
    for (AuditSink sink : sinks) {
      total = total.plus(sink.stats());
    }
    return total;
  }

  /** The overflow policy in force for an action. */
  public OverflowPolicy overflow(AuditAction action) {
    return overflow.get(Objects.requireNonNull(action, "action"));
  }

  /** Closes every sink, each flushing what it has queued. */
  @Override
  public void close() {
    for (AuditSink sink : sinks) {
      try {
        sink.close();
      } catch (RuntimeException e) {
        LOG.error("Closing the audit sink {} failed.", sink, e);
      }
    }
  }

  /**
   * Builds an {@link AuditLog}. Options are checked when set; not thread-safe. At least one sink is
   * required.
   */
  public static final class Builder {
    private final List<AuditSink> sinks = new ArrayList<>();
    private IpPrivacy privacy = IpPrivacy.full();
    private AuditScope scope = AuditScope.ALL;
    private final Map<AuditAction, OverflowPolicy> overflow =
        new EnumMap<>(
            Map.of(
                AuditAction.ALLOW, OverflowPolicy.DROP,
                AuditAction.SUBSTITUTE, OverflowPolicy.WAIT,
                AuditAction.BLOCK, OverflowPolicy.WAIT,
                AuditAction.ERROR, OverflowPolicy.WAIT,
                AuditAction.ALERT, OverflowPolicy.WAIT));
    private Duration waitTimeout = Duration.ofSeconds(2);

    private Builder() {}

    /** Adds a sink; records go to the sinks in the order they were added. */
    public Builder sink(AuditSink sink) {
      Objects.requireNonNull(sink, "sink");
      if (sinks.contains(sink)) {
        throw new IllegalStateException("the sink " + sink + " was already added");
      }
      sinks.add(sink);
      return this;
    }

    /** How addresses are written. Default {@link IpPrivacy#full()}. */
    public Builder ipPrivacy(IpPrivacy privacy) {
      this.privacy = Objects.requireNonNull(privacy, "privacy");
      return this;
    }

    /** Which decisions are kept. Default {@link AuditScope#ALL}. */
    public Builder scope(AuditScope scope) {
      this.scope = Objects.requireNonNull(scope, "scope");
      return this;
    }

    /**
     * The overflow policy for one action. Defaults: DROP for allow, WAIT for the others (alerts
     * included).
     */
    public Builder overflow(AuditAction action, OverflowPolicy policy) {
      Objects.requireNonNull(action, "action");
      Objects.requireNonNull(policy, "policy");
      overflow.put(action, policy);
      return this;
    }

    /** The same overflow policy for every action. */
    public Builder overflowAll(OverflowPolicy policy) {
      Objects.requireNonNull(policy, "policy");
      for (AuditAction action : AuditAction.values()) {
        overflow.put(action, policy);
      }
      return this;
    }

    /**
     * The longest a WAIT record holds its request, over all sinks; 1 ms to 1 minute. Default 2 s.
     */
    public Builder waitTimeout(Duration timeout) {
      Objects.requireNonNull(timeout, "timeout");
      if (timeout.compareTo(Duration.ofMillis(1)) < 0
          || timeout.compareTo(Duration.ofMinutes(1)) > 0) {
        throw new IllegalArgumentException(
            "wait timeout " + timeout + " is out of range; expected PT0.001S to PT1M");
      }
      this.waitTimeout = timeout;
      return this;
    }

    /**
     * @throws IllegalStateException when no sink was added
     */
    public AuditLog build() {
      if (sinks.isEmpty()) {
        throw new IllegalStateException(
            "an audit log needs at least one sink; add Slf4jAuditSink.create() or a FileAuditSink");
      }
      return new AuditLog(this);
    }
  }
}
