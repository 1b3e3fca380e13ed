package dev.geofence.filter.response;

import java.util.Objects;

/**
 * The result of examining part of a request: a value, or the {@link Rejection} to answer with. Bad
 * input is an expected result, not an exception, so checking it costs nothing on the hot path.
 *
 * <pre>{@code
 * Outcome<String> path = PathNormalizer.normalize(request.getRequestURI());
 * if (path.isRejected()) { writer.write(response, path.rejection().toRefusal()); return; }
 * String canonical = path.value();
 * }</pre>
 *
 * @param <T> the value type
 */
public sealed interface Outcome<T> permits Outcome.Ok, Outcome.Rejected {

  /** A successful outcome. */
  static <T> Outcome<T> ok(T value) {
    return new Ok<>(value);
  }

  /** A rejected outcome. */
  static <T> Outcome<T> rejected(RejectionReason reason, String detail) {
    return new Rejected<>(new Rejection(reason, detail));
  }

  /** A rejected outcome. */
  static <T> Outcome<T> rejected(Rejection rejection) {
    return new Rejected<>(rejection);
  }

  /** Whether this outcome is a rejection. */
  boolean isRejected();

  /**
   * The value.
   *
   * @throws IllegalStateException if this outcome is a rejection
   */
  T value();

  /**
   * The rejection.
   *
   * @throws IllegalStateException if this outcome holds a value
   */
  Rejection rejection();

  /**
   * A successful outcome.
   *
   * @param value never null
   */
  record Ok<T>(T value) implements Outcome<T> {
    public Ok {
      Objects.requireNonNull(value, "value");
    }

    @Override
    public boolean isRejected() {
      return false;
    }

    @Override
    public Rejection rejection() {
      throw new IllegalStateException("No rejection: the outcome holds a value");
    }
  }

  /**
   * A rejected outcome.
   *
   * @param rejection never null
   */
  record Rejected<T>(Rejection rejection) implements Outcome<T> {
    public Rejected {
      Objects.requireNonNull(rejection, "rejection");
    }

    @Override
    public boolean isRejected() {
      return true;
    }

    @Override
    public T value() {
      throw new IllegalStateException("No value: the request was rejected: " + rejection.detail());
    }
  }
}
