package dev.geofence.filter.internal.response;

import java.util.Objects;

/**
 * The result of examining part of a request: a value, or the {@link Refusal} to answer with. Bad
 * input is an expected result, not an exception, so checking it costs nothing on the hot path.
 *
 * <pre>{@code
 * Checked<String> path = PathNormalizer.normalize(request.getRequestURI());
 * if (path.isRefused()) { writer.write(response, path.refusal()); return; }
 * String canonical = path.value();
 * }</pre>
 *
 * @param <T> the value type
 */
public sealed interface Checked<T> permits Checked.Ok, Checked.Refused {

  /** A value. */
  static <T> Checked<T> ok(T value) {
    return new Ok<>(value);
  }

  /** A refusal for {@code reason}, with one sentence saying what was wrong. */
  static <T> Checked<T> refused(RefusalReason reason, String detail) {
    return new Refused<>(Refusal.of(reason, detail));
  }

  /** A refusal. */
  static <T> Checked<T> refused(Refusal refusal) {
    return new Refused<>(refusal);
  }

  /** Whether the request is to be refused. */
  boolean isRefused();

  /**
   * The value.
   *
   * @throws IllegalStateException if the request is to be refused
   */
  T value();

  /**
   * The refusal.
   *
   * @throws IllegalStateException if there is a value
   */
  Refusal refusal();

  /**
   * A value.
   *
   * @param value never null
   */
  record Ok<T>(T value) implements Checked<T> {
    public Ok {
      Objects.requireNonNull(value, "value");
    }

    @Override
    public boolean isRefused() {
      return false;
    }

    @Override
    public Refusal refusal() {
      throw new IllegalStateException("No refusal: the check gave a value");
    }
  }

  /**
   * A refusal.
   *
   * @param refusal never null
   */
  record Refused<T>(Refusal refusal) implements Checked<T> {
    public Refused {
      Objects.requireNonNull(refusal, "refusal");
    }

    @Override
    public boolean isRefused() {
      return true;
    }

    @Override
    public T value() {
      throw new IllegalStateException("No value: the request is refused: " + refusal.detail());
    }
  }
}
