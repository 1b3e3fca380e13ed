package dev.geofence.filter.internal.usage;

import java.time.Duration;
import java.util.List;
import java.util.Locale;
import java.util.Objects;
import java.util.Optional;

/**
 * Counts use per key against token-bucket limits and tracks the countries a principal is seen from.
 * Built by {@link #builder()} from the {@code usage-store} setting: {@code local} (the default)
 * counts in this process, bounded in memory; {@code redis://HOST:PORT[/DB]} (or {@code rediss://})
 * shares the counters between every instance through Redis.
 *
 * <p>Keys reach Redis as they are given. Callers must pass keys that are already hashed (a keyed
 * HMAC of the principal, or of the address), never a raw principal or API key. A key also names the
 * limit it is counted against: the caller prefixes it with the rule, so two rules never share a
 * bucket by accident.
 *
 * <p>Thread safety: every method may be called from any number of threads at once. A store never
 * throws from {@link #consume} or {@link #seen} because its back end failed; what it answers then
 * is the {@link StoreFailure} mode.
 */
public interface UsageStore extends AutoCloseable {

  /** The setting that chooses the store, for error messages. */
  String SETTING = "usage-store";

  /** The default bound on the keys a local store (or a shared store's local fallback) keeps. */
  int DEFAULT_MAX_KEYS = 100_000;

  /** The default time a shared store waits for Redis before it falls back. */
  Duration DEFAULT_COMMAND_TIMEOUT = Duration.ofMillis(100);

  /**
   * Counts one request for {@code key} against a bucket of {@code requests} per {@code window}: the
   * bucket holds {@code requests} tokens and is refilled whole at the end of each window.
   *
   * @throws IllegalArgumentException when {@code requests < 1} or the window is not positive
   */
  Verdict consume(String key, int requests, Duration window);

  /**
   * Records that {@code principalKey} was seen from {@code country} now, and answers the sorted
   * countries it was seen from within {@code window} exactly when this call made their number reach
   * {@code threshold}; otherwise empty. So one crossing raises one alert, not one per request; the
   * next alert needs the count to fall below the threshold (countries older than the window drop
   * out) and reach it again.
   *
   * @throws IllegalArgumentException when {@code threshold < 1} or the window is not positive
   */
  Optional<List<String>> seen(String principalKey, String country, int threshold, Duration window);

  /** A snapshot of the store's health and failure counts. */
  UsageStats stats();

  /** Releases the connection and the reconnecting thread; the store must not be used after. */
  @Override
  void close();

  /** A builder with the defaults: a local store of {@value #DEFAULT_MAX_KEYS} keys. */
  static Builder builder() {
    return new Builder();
  }

  /** Builds a {@link UsageStore}; each option is validated when it is set. Not thread-safe. */
  final class Builder {
    private String store = "local";
    private StoreFailure failure = StoreFailure.LOCAL;
    private Duration commandTimeout = DEFAULT_COMMAND_TIMEOUT;
    private int maxKeys = DEFAULT_MAX_KEYS;

    private Builder() {}

    /**
     * The {@code usage-store} setting: {@code local}, or {@code
     * redis://[[USER]:PASSWORD@]HOST[:PORT][/DB]} ({@code rediss://} for TLS).
     *
     * @throws IllegalArgumentException naming the setting when the value is neither
     */
    public Builder store(String value) {
      Objects.requireNonNull(value, "value");
      String trimmed = value.trim();
      if (!trimmed.equalsIgnoreCase("local")) {
        RedisAddress.parse(trimmed); // fails now, with the setting's name, not at build()
      }
      this.store = trimmed;
      return this;
    }

    /** What a shared store does while Redis is unreachable; default {@link StoreFailure#LOCAL}. */
    public Builder failure(StoreFailure failure) {
      this.failure = Objects.requireNonNull(failure, "failure");
      return this;
    }

    /**
     * How long a request waits for Redis before the failure mode answers; default 100 ms.
     *
     * @throws IllegalArgumentException unless between 1 ms and 10 s
     */
    public Builder commandTimeout(Duration timeout) {
      Objects.requireNonNull(timeout, "timeout");
      if (timeout.compareTo(Duration.ofMillis(1)) < 0
          || timeout.compareTo(Duration.ofSeconds(10)) > 0) {
        throw new IllegalArgumentException(
            "usage-store command timeout must be between 1ms and 10s, got " + timeout);
      }
      this.commandTimeout = timeout;
      return this;
    }

    /**
     * The most keys (and, separately, principals with countries) kept in this process; the least
     * recently used go first. Default {@value UsageStore#DEFAULT_MAX_KEYS}.
     *
     * @throws IllegalArgumentException when less than 1
     */
    public Builder maxKeys(int maxKeys) {
      if (maxKeys < 1) {
        throw new IllegalArgumentException(
            "usage-store max keys must be at least 1, got " + maxKeys);
      }
      this.maxKeys = maxKeys;
      return this;
    }

    /**
     * The store. A Redis store that cannot reach Redis still starts, degraded, and connects in the
     * background; building never waits longer than about the command timeout.
     *
     * @throws IllegalStateException when the store is Redis and its libraries are not present
     */
    public UsageStore build() {
      if (store.toLowerCase(Locale.ROOT).equals("local")) {
        return new LocalUsageStore(maxKeys);
      }
      RedisAddress address = RedisAddress.parse(store);
      requireRedisLibraries();
      // Only RedisUsageStore names Lettuce, and it is loaded here alone, so a local store runs
      // without Lettuce or Netty on the class path.
      return RedisUsageStore.open(address, failure, commandTimeout, maxKeys);
    }

    private static void requireRedisLibraries() {
      for (String[] probe :
          new String[][] {
            {"io.lettuce.core.RedisClient", "io.lettuce:lettuce-core"},
            {
              "io.github.bucket4j.redis.lettuce.Bucket4jLettuce",
              "com.bucket4j:bucket4j_jdk17-lettuce"
            }
          }) {
        try {
          Class.forName(probe[0], false, UsageStore.class.getClassLoader());
        } catch (ClassNotFoundException | LinkageError e) {
          throw new IllegalStateException(
              SETTING
                  + ": a redis:// store needs "
                  + probe[1]
                  + " on the class path; add io.lettuce:lettuce-core and"
                  + " com.bucket4j:bucket4j_jdk17-lettuce to the application's dependencies",
              e);
        }
      }
    }
  }
}
