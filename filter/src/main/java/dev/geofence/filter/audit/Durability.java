package dev.geofence.filter.audit;

import dev.geofence.filter.internal.Durations;
import java.time.Duration;
import java.util.Objects;

/**
 * When the {@link FileAuditSink} forces written lines to the storage device ({@link
 * java.nio.channels.FileChannel#force(boolean)}).
 *
 * <p>Either way a line is handed to the operating system before a waiting request is released, so
 * killing the process loses nothing that was acknowledged; the setting decides what a power cut or
 * kernel crash can take. Immutable and thread-safe.
 */
public final class Durability {

  private static final Durability EACH_RECORD = new Durability(Duration.ZERO);

  private final Duration interval;

  private Durability(Duration interval) {
    this.interval = interval;
  }

  /**
   * Forces every record before its waiting request is released. Records that arrive together share
   * one force (group commit), so the cost is one device flush per batch, not per record.
   */
  public static Durability eachRecord() {
    return EACH_RECORD;
  }

  /**
   * Forces at most once per interval, when something was written; a power cut can lose up to that
   * much of the trail.
   *
   * @throws IllegalArgumentException when the interval is not positive
   */
  public static Durability every(Duration interval) {
    Objects.requireNonNull(interval, "interval");
    if (interval.isNegative() || interval.isZero()) {
      throw new IllegalArgumentException(
          "the force interval "
              + interval
              + " is not positive; use eachRecord() or a positive duration");
    }
    return new Durability(interval);
  }

  /**
   * Reads a durability as settings write it: {@code each-record}, or an interval between forces
   * such as {@code 1s}, {@code 250ms} or {@code PT1S}.
   *
   * @throws IllegalArgumentException saying what is accepted
   */
  public static Durability parse(String text) {
    Objects.requireNonNull(text, "text");
    if (text.trim().equalsIgnoreCase("each-record")) {
      return eachRecord();
    }
    try {
      return every(Durations.parse(text));
    } catch (IllegalArgumentException e) {
      throw new IllegalArgumentException(
          "'" + text + "' is not a durability; expected each-record or an interval such as 1s.", e);
    }
  }

  /** Whether every record is forced before its waiting request is released. */
  public boolean isEachRecord() {
    return interval.isZero();
  }

  /** The interval between forces; zero for {@link #eachRecord()}. */
  public Duration interval() {
    return interval;
  }

  @Override
  public boolean equals(Object o) {
    return o instanceof Durability && ((Durability) o).interval.equals(interval);
  }

  @Override
  public int hashCode() {
    return interval.hashCode();
  }

  @Override
  public String toString() {
    return isEachRecord() ? "Durability[each record]" : "Durability[every " + interval + "]";
  }
}
