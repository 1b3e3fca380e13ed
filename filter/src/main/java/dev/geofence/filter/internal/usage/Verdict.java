package dev.geofence.filter.internal.usage;

import java.util.Objects;
import java.util.concurrent.TimeUnit;

/**
 * The answer to one {@link UsageStore#consume}: allowed or not, how long a refused caller should
 * wait ({@code Retry-After}), and where it was counted. Immutable. The allowed verdicts and the
 * uncounted refusal are shared constants, so an allowed request allocates no verdict.
 *
 * @param allowed whether the request may proceed
 * @param retryAfterSeconds 0 when allowed; at least 1 when refused
 * @param counted where the request was counted
 */
public record Verdict(boolean allowed, long retryAfterSeconds, Counted counted) {

  static final Verdict ALLOWED_LOCAL = new Verdict(true, 0, Counted.LOCAL);
  static final Verdict ALLOWED_SHARED = new Verdict(true, 0, Counted.SHARED);
  static final Verdict ALLOWED_FALLBACK_LOCAL = new Verdict(true, 0, Counted.FALLBACK_LOCAL);
  static final Verdict UNCOUNTED_ALLOWED = new Verdict(true, 0, Counted.UNCOUNTED_ALLOWED);

  /** A refusal while the store is unreachable: retrying in a second is as good a guess as any. */
  static final Verdict UNCOUNTED_BLOCKED = new Verdict(false, 1, Counted.UNCOUNTED_BLOCKED);

  public Verdict {
    Objects.requireNonNull(counted, "counted");
    if (allowed && retryAfterSeconds != 0) {
      throw new IllegalArgumentException(
          "an allowed verdict has no retry-after, got " + retryAfterSeconds);
    }
    if (!allowed && retryAfterSeconds < 1) {
      throw new IllegalArgumentException(
          "a refused verdict waits at least 1 second, got " + retryAfterSeconds);
    }
  }

  /** The allowed verdict for a request counted in {@code counted}. */
  static Verdict allowed(Counted counted) {
    return switch (counted) {
      case LOCAL -> ALLOWED_LOCAL;
      case SHARED -> ALLOWED_SHARED;
      case FALLBACK_LOCAL -> ALLOWED_FALLBACK_LOCAL;
      case UNCOUNTED_ALLOWED -> UNCOUNTED_ALLOWED;
      case UNCOUNTED_BLOCKED -> throw new IllegalArgumentException("an uncounted block is refused");
    };
  }

  /** A refusal; the wait is rounded up to whole seconds, as {@code Retry-After} counts them. */
  static Verdict refused(long nanosToWait, Counted counted) {
    long seconds = Math.max(1, ceilDiv(nanosToWait, TimeUnit.SECONDS.toNanos(1)));
    return new Verdict(false, seconds, counted);
  }

  private static long ceilDiv(long x, long y) {
    return -Math.floorDiv(-x, y);
  }
}
