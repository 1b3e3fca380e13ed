package dev.geofence.filter.internal.usage;

import io.github.bucket4j.ConsumptionProbe;
import io.github.bucket4j.distributed.ExpirationAfterWriteStrategy;
import io.github.bucket4j.distributed.proxy.ProxyManager;
import io.github.bucket4j.redis.lettuce.Bucket4jLettuce;
import io.lettuce.core.ClientOptions;
import io.lettuce.core.RedisClient;
import io.lettuce.core.RedisNoScriptException;
import io.lettuce.core.RedisURI;
import io.lettuce.core.ScriptOutputType;
import io.lettuce.core.SocketOptions;
import io.lettuce.core.TimeoutOptions;
import io.lettuce.core.api.StatefulRedisConnection;
import io.lettuce.core.codec.ByteArrayCodec;
import io.lettuce.core.resource.ClientResources;
import io.lettuce.core.resource.Delay;
import java.nio.charset.StandardCharsets;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.ScheduledThreadPoolExecutor;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.LongAdder;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Counts in Redis, shared by every instance pointed at it: Bucket4j's Lettuce proxy manager for the
 * buckets, a sorted set per principal for the countries. The only class that names Lettuce.
 *
 * <p>Failure: a request waits for Redis at most the command timeout. The first failure marks the
 * store degraded (one WARN); from then on requests do not touch Redis at all, so a dead Redis costs
 * them nothing, and one daemon thread probes it with a growing delay until it answers (one INFO).
 * While degraded the {@link StoreFailure} mode answers.
 */
final class RedisUsageStore implements UsageStore {

  private static final Logger LOG = LoggerFactory.getLogger(RedisUsageStore.class);

  static final String USAGE_PREFIX = "geofence:usage:";
  static final String COUNTRIES_PREFIX = "geofence:countries:";
  private static final byte[] WARM_UP_KEY =
      (USAGE_PREFIX + "warm-up").getBytes(StandardCharsets.UTF_8);

  private static final Duration CONNECT_TIMEOUT = Duration.ofSeconds(1);
  private static final long FIRST_PROBE_MILLIS = 100;
  private static final long LAST_PROBE_MILLIS = 5_000;

  /**
   * Drops the principal's countries older than the window, adds this one with Redis's own clock (so
   * instances with skewed clocks agree), renews the set's time to live, and answers the countries
   * exactly when this call made their number reach the threshold: one round trip, atomic.
   */
  static final String SEEN_SCRIPT =
      """
      local t = redis.call('TIME')
      local now = tonumber(t[1]) * 1000 + math.floor(tonumber(t[2]) / 1000)
      local window = tonumber(ARGV[2])
      local threshold = tonumber(ARGV[3])
      redis.call('ZREMRANGEBYSCORE', KEYS[1], '-inf', now - window)
      local before = redis.call('ZCARD', KEYS[1])
      redis.call('ZADD', KEYS[1], now, ARGV[1])
      local after = redis.call('ZCARD', KEYS[1])
      redis.call('PEXPIRE', KEYS[1], window)
      if before < threshold and after >= threshold then
        return redis.call('ZRANGE', KEYS[1], 0, -1)
      end
      return {}
      """;

  private final RedisAddress address;
  private final StoreFailure failure;
  private final Duration commandTimeout;
  private final LocalUsageStore local;
  private final ClientResources resources;
  private final RedisClient client;
  private final RedisURI uri;
  private final ScheduledExecutorService prober;
  private final AtomicBoolean healthy = new AtomicBoolean(false);
  private final LongAdder failures = new LongAdder();
  private final LongAdder fallbackAnswers = new LongAdder();
  private final Clock clock = Clock.systemUTC();
  private final byte[] seenScript = SEEN_SCRIPT.getBytes(StandardCharsets.UTF_8);

  private volatile Connected connected;
  private volatile String lastError;
  private volatile Instant degradedSince;
  private volatile boolean closed;

  /** The connection and what is built on it; replaced whole, never half-made. */
  private record Connected(
      StatefulRedisConnection<byte[], byte[]> connection,
      ProxyManager<byte[]> buckets,
      String sha) {}

  static UsageStore open(
      RedisAddress address, StoreFailure failure, Duration timeout, int maxKeys) {
    return new RedisUsageStore(address, failure, timeout, maxKeys);
  }

  private RedisUsageStore(
      RedisAddress address, StoreFailure failure, Duration timeout, int maxKeys) {
    this.address = address;
    this.failure = failure;
    this.commandTimeout = timeout;
    this.local = new LocalUsageStore(maxKeys);
    this.resources =
        ClientResources.builder()
            .ioThreadPoolSize(2)
            .computationThreadPoolSize(1)
            // Lettuce's default waits up to 30 s between attempts; a limiter wants its counters
            // back sooner.
            .reconnectDelay(
                Delay.exponential(
                    Duration.ofMillis(FIRST_PROBE_MILLIS),
                    Duration.ofMillis(LAST_PROBE_MILLIS),
                    2,
                    TimeUnit.MILLISECONDS))
            .build();
    // The handshake of a new connection gets the connect timeout; each command gets the command
    // timeout (TimeoutOptions below), which is what a request waits at most.
    this.uri = redisUri(address, CONNECT_TIMEOUT);
    this.client = RedisClient.create(resources, uri);
    client.setOptions(
        ClientOptions.builder()
            .autoReconnect(true)
            // While disconnected, fail at once instead of queueing behind the reconnection.
            .disconnectedBehavior(ClientOptions.DisconnectedBehavior.REJECT_COMMANDS)
            .timeoutOptions(TimeoutOptions.enabled(timeout))
            .socketOptions(SocketOptions.builder().connectTimeout(CONNECT_TIMEOUT).build())
            .build());
    ScheduledThreadPoolExecutor executor =
        new ScheduledThreadPoolExecutor(
            1,
            task -> {
              Thread thread = new Thread(task, "geofence-usage-store-reconnect");
              thread.setDaemon(true);
              return thread;
            });
    executor.setRemoveOnCancelPolicy(true);
    this.prober = executor;
    try {
      connected = connect();
      healthy.set(true);
    } catch (RuntimeException e) {
      failures.increment();
      enterDegraded(e, "at start");
    }
  }

  private static RedisURI redisUri(RedisAddress address, Duration timeout) {
    RedisURI.Builder builder =
        RedisURI.builder()
            .withHost(address.host())
            .withPort(address.port())
            .withDatabase(address.database())
            .withSsl(address.tls())
            .withTimeout(timeout);
    address
        .password()
        .ifPresent(
            password ->
                address
                    .user()
                    .ifPresentOrElse(
                        user -> builder.withAuthentication(user, password),
                        () -> builder.withPassword(password)));
    return builder.build();
  }

  private Connected connect() {
    StatefulRedisConnection<byte[], byte[]> connection =
        client.connect(ByteArrayCodec.INSTANCE, uri);
    try {
      ProxyManager<byte[]> buckets =
          Bucket4jLettuce.casBasedBuilder(connection)
              // A bucket that would be full again is worth nothing: let Redis drop it.
              .expirationAfterWrite(
                  ExpirationAfterWriteStrategy.basedOnTimeForRefillingBucketUpToMax(
                      Duration.ofSeconds(1)))
              .requestTimeout(commandTimeout)
              .build();
      String sha = connection.sync().scriptLoad(seenScript);
      // The first bucket operation loads and links Bucket4j's remote classes; doing that here, with
      // no deadline but the connect timeout's, keeps the first real request from timing out on it.
      buckets
          .builder()
          .build(WARM_UP_KEY, () -> Limits.configuration(1, Duration.ofSeconds(1)))
          .getAvailableTokens();
      return new Connected(connection, buckets, sha);
    } catch (RuntimeException e) {
      connection.closeAsync();
      throw e;
    }
  }

  @Override
  public Verdict consume(String key, int requests, Duration window) {
    long windowNanos = Limits.windowNanos(requests, window);
    Connected now = connected;
    if (healthy.get() && now != null) {
      try {
        ConsumptionProbe probe =
            now.buckets
                .builder()
                .build(
                    bucketKey(key, requests, windowNanos),
                    () -> Limits.configuration(requests, window))
                .tryConsumeAndReturnRemaining(1);
        return probe.isConsumed()
            ? Verdict.ALLOWED_SHARED
            : Verdict.refused(probe.getNanosToWaitForRefill(), Counted.SHARED);
      } catch (RuntimeException e) {
        failed(e);
      }
    }
    fallbackAnswers.increment();
    return switch (failure) {
      case LOCAL -> {
        long wait = local.tryConsume(key, requests, window);
        yield wait == LocalUsageStore.ALLOWED
            ? Verdict.ALLOWED_FALLBACK_LOCAL
            : Verdict.refused(wait, Counted.FALLBACK_LOCAL);
      }
      case ALLOW -> Verdict.UNCOUNTED_ALLOWED;
      case BLOCK -> Verdict.UNCOUNTED_BLOCKED;
    };
  }

  /** The bucket's key names its limit, so a rule whose limit changes on reload starts afresh. */
  private static byte[] bucketKey(String key, int requests, long windowNanos) {
    return (USAGE_PREFIX
            + requests
            + "/"
            + TimeUnit.NANOSECONDS.toMillis(windowNanos)
            + "ms:"
            + key)
        .getBytes(StandardCharsets.UTF_8);
  }

  @Override
  public Optional<List<String>> seen(
      String principalKey, String country, int threshold, Duration window) {
    java.util.Objects.requireNonNull(principalKey, "principalKey");
    java.util.Objects.requireNonNull(country, "country");
    if (threshold < 1) {
      throw new IllegalArgumentException("an alert needs at least 1 country, got " + threshold);
    }
    long windowMillis = Math.max(1, TimeUnit.NANOSECONDS.toMillis(Limits.positive(window)));
    Connected now = connected;
    if (healthy.get() && now != null) {
      byte[][] keys = {(COUNTRIES_PREFIX + principalKey).getBytes(StandardCharsets.UTF_8)};
      byte[][] args = {
        country.getBytes(StandardCharsets.UTF_8), bytes(windowMillis), bytes(threshold)
      };
      try {
        List<Object> countries;
        try {
          countries = now.connection.sync().evalsha(now.sha, ScriptOutputType.MULTI, keys, args);
        } catch (RedisNoScriptException e) {
          // Redis restarted and forgot the script: send it whole, which also caches it again.
          countries = now.connection.sync().eval(seenScript, ScriptOutputType.MULTI, keys, args);
        }
        return countries == null || countries.isEmpty()
            ? Optional.empty()
            : Optional.of(sorted(countries));
      } catch (RuntimeException e) {
        failed(e);
      }
    }
    fallbackAnswers.increment();
    // Alerts never refuse a request, so only the local mode keeps tracking while degraded.
    return failure == StoreFailure.LOCAL
        ? local.seen(principalKey, country, threshold, window)
        : Optional.empty();
  }

  private static byte[] bytes(long value) {
    return Long.toString(value).getBytes(StandardCharsets.US_ASCII);
  }

  private static List<String> sorted(List<Object> members) {
    List<String> countries = new ArrayList<>(members.size());
    for (Object member : members) {
      countries.add(new String((byte[]) member, StandardCharsets.UTF_8));
    }
    countries.sort(null);
    return List.copyOf(countries);
  }

  private void failed(RuntimeException e) {
    failures.increment();
    if (healthy.compareAndSet(true, false)) {
      enterDegraded(e, "");
    }
  }

  private void enterDegraded(RuntimeException cause, String when) {
    lastError = describe(cause);
    degradedSince = clock.instant();
    LOG.warn(
        "Usage store {} is unreachable{}; answering with usage-store-failure {} until it is back: {}",
        address,
        when.isEmpty() ? "" : " " + when,
        failure.label(),
        lastError);
    scheduleProbe(FIRST_PROBE_MILLIS);
  }

  private void scheduleProbe(long delayMillis) {
    if (closed) {
      return;
    }
    try {
      prober.schedule(() -> probe(delayMillis), delayMillis, TimeUnit.MILLISECONDS);
    } catch (java.util.concurrent.RejectedExecutionException e) {
      // Closed meanwhile: nothing left to reconnect.
    }
  }

  private void probe(long lastDelayMillis) {
    if (closed) {
      return;
    }
    try {
      Connected now = connected;
      if (now == null) {
        now = connect();
        connected = now;
      } else {
        now.connection.sync().ping();
        now.connection.sync().scriptLoad(seenScript);
      }
      Instant since = degradedSince;
      degradedSince = null;
      healthy.set(true);
      LOG.info(
          "Usage store {} is reachable again after {}",
          address,
          since == null ? "a moment" : Duration.between(since, clock.instant()).toMillis() + " ms");
    } catch (RuntimeException e) {
      lastError = describe(e);
      scheduleProbe(Math.min(LAST_PROBE_MILLIS, lastDelayMillis * 2));
    }
  }

  /** The failure's class and message: Lettuce's messages name host and port, never the password. */
  private static String describe(Throwable e) {
    Throwable root = e;
    StringBuilder text = new StringBuilder(e.getClass().getSimpleName());
    if (e.getMessage() != null) {
      text.append(": ").append(e.getMessage());
    }
    while (root.getCause() != null && root.getCause() != root) {
      root = root.getCause();
    }
    if (root != e && root.getMessage() != null) {
      text.append(" (").append(root.getMessage()).append(')');
    }
    return text.toString().replace('\r', ' ').replace('\n', ' ');
  }

  @Override
  public UsageStats stats() {
    return new UsageStats(
        "redis",
        healthy.get(),
        failures.sum(),
        fallbackAnswers.sum(),
        Optional.ofNullable(lastError),
        Optional.ofNullable(degradedSince));
  }

  @Override
  public void close() {
    closed = true;
    prober.shutdownNow();
    Connected now = connected;
    if (now != null) {
      now.connection.close();
    }
    client.shutdown(Duration.ZERO, Duration.ofSeconds(2));
    resources.shutdown(0, 2, TimeUnit.SECONDS);
    local.close();
  }
}
