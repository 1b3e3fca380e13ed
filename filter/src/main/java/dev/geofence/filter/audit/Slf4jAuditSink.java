package dev.geofence.filter.audit;

import java.nio.charset.StandardCharsets;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.Objects;
import java.util.Optional;
import java.util.concurrent.atomic.AtomicLong;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Logs each record, as one JSON line, as the INFO message of the logger {@code geofence.audit}, so
 * the logging configuration a team already runs (Logback, Log4j 2) routes the trail to files,
 * syslog, Kafka or OpenTelemetry. Use a pattern of {@code %msg%n} to keep the lines pure JSON.
 *
 * <p>Writes on the calling thread; an asynchronous appender, if wanted, belongs in the logging
 * configuration. A backend that throws is counted as a loss, and a {@code records_lost} line is
 * logged (at ERROR, same logger) once logging works again. Thread-safe.
 */
public final class Slf4jAuditSink implements AuditSink {

  /** The logger the records go to. */
  public static final String LOGGER_NAME = "geofence.audit";

  private static final Logger LOG = LoggerFactory.getLogger(Slf4jAuditSink.class);

  private final Logger audit;
  private final Clock clock;
  private final String instance;
  private final AtomicLong written = new AtomicLong();
  private final LossCounter losses = new LossCounter();
  private volatile AuditStats.Failure lastFailure;

  private Slf4jAuditSink(Logger audit, Clock clock, String instance) {
    this.audit = audit;
    this.clock = clock;
    this.instance = instance;
    if (!audit.isInfoEnabled()) {
      LOG.warn(
          "The logger {} is not enabled for INFO, so the logging configuration discards every audit record sent to it.",
          audit.getName());
    }
  }

  /** A sink logging to {@code geofence.audit}, naming the host in every line. */
  public static Slf4jAuditSink create() {
    return create(LOGGER_NAME);
  }

  /**
   * A sink logging to the named logger, naming the host in every line as ECS {@code
   * service.node.name}.
   */
  public static Slf4jAuditSink create(String loggerName) {
    return named(loggerName, Instances.defaultName());
  }

  private static Slf4jAuditSink named(String loggerName, String instance) {
    Objects.requireNonNull(loggerName, "loggerName");
    if (loggerName.isBlank()) {
      throw new IllegalArgumentException(
          "the audit logger name is blank; expected a logger name such as geofence.audit");
    }
    return new Slf4jAuditSink(LoggerFactory.getLogger(loggerName), Clock.systemUTC(), instance);
  }

  /**
   * A sink logging to the named logger, naming this instance in every line as ECS {@code
   * service.node.name}.
   *
   * @throws IllegalArgumentException when the instance name is blank, longer than 255 characters or
   *     has control characters
   */
  public static Slf4jAuditSink create(String loggerName, String instance) {
    return named(loggerName, Instances.check(instance));
  }

  /** A sink logging to the given logger; lets tests capture what is logged. */
  static Slf4jAuditSink of(Logger logger, Clock clock) {
    return new Slf4jAuditSink(logger, clock, "");
  }

  /** Logs the record now; the wait does not apply, logging never queues here. */
  @Override
  public Delivery write(AuditRecord record, IpPrivacy privacy, Duration wait) {
    Objects.requireNonNull(record, "record");
    Objects.requireNonNull(privacy, "privacy");
    try {
      Optional<LossCounter.Pending> pending = losses.pending();
      if (pending.isPresent()) {
        LossCounter.Pending lost = pending.get();
        audit.error(
            new String(
                AuditEncoder.forThisThread()
                    .withNode(instance)
                    .encodeRecordsLost(
                        clock.instant(),
                        lost.count(),
                        lost.byAction(),
                        lost.since(),
                        lost.reason(),
                        Optional.empty()),
                StandardCharsets.UTF_8));
        losses.reported(lost);
        LOG.error(
            "Audit logging works again; {} records were lost since {} and a records_lost record was logged.",
            lost.count(),
            lost.since());
      }
      // Encoded with this thread's reused encoder: one String per record, nothing else.
      audit.info(AuditEncoder.encodeToString(record, privacy, instance));
      written.incrementAndGet();
      return Delivery.WRITTEN;
    } catch (RuntimeException e) {
      Instant now = clock.instant();
      lastFailure = new AuditStats.Failure(String.valueOf(e.getMessage()), now);
      if (losses.add(record.action(), now, "logging failed: " + lastFailure.message())) {
        LOG.error(
            "An audit record could not be logged to {}; further losses are counted until logging works again.",
            audit.getName(),
            e);
      }
      return Delivery.LOST;
    }
  }

  @Override
  public AuditStats stats() {
    return AuditStats.of(written.get(), losses.total(), 0, lastFailure);
  }

  /** Nothing to release: the logging backend owns its appenders. */
  @Override
  public void close() {}

  @Override
  public String toString() {
    return "Slf4jAuditSink[" + audit.getName() + "]";
  }
}
