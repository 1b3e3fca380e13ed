package dev.geofence.benchmarks;

import dev.geofence.filter.internal.usage.RedisServer;
import dev.geofence.filter.internal.usage.UsageStore;
import dev.geofence.filter.internal.usage.Verdict;
import java.time.Duration;
import java.util.concurrent.TimeUnit;
import org.openjdk.jmh.annotations.Benchmark;
import org.openjdk.jmh.annotations.BenchmarkMode;
import org.openjdk.jmh.annotations.Fork;
import org.openjdk.jmh.annotations.Level;
import org.openjdk.jmh.annotations.Measurement;
import org.openjdk.jmh.annotations.Mode;
import org.openjdk.jmh.annotations.OutputTimeUnit;
import org.openjdk.jmh.annotations.Param;
import org.openjdk.jmh.annotations.Scope;
import org.openjdk.jmh.annotations.Setup;
import org.openjdk.jmh.annotations.State;
import org.openjdk.jmh.annotations.TearDown;
import org.openjdk.jmh.annotations.Warmup;

/**
 * What a limited rule adds to a request: one {@link UsageStore#consume} for one of 1,024 keys that
 * cycle, every one under its limit (the common, allowed path). {@code local} counts in the process;
 * {@code redis} in a real redis-server on loopback, which the setup starts and the tear-down stops
 * (the Redis case fails at once, saying so, when redis-server is not installed).
 */
@State(Scope.Benchmark)
@BenchmarkMode(Mode.AverageTime)
@OutputTimeUnit(TimeUnit.NANOSECONDS)
@Warmup(iterations = 3, time = 1)
@Measurement(iterations = 5, time = 1)
@Fork(1)
public class UsageStoreBenchmark {

  private static final Duration WINDOW = Duration.ofHours(1);
  private static final int LIMIT = 1_000_000_000;

  @Param({"local", "redis"})
  public String store;

  private RedisServer redis;
  private UsageStore usage;
  private final String[] keys = new String[1024];
  private int next;

  @Setup(Level.Trial)
  public void start() throws InterruptedException {
    for (int i = 0; i < keys.length; i++) {
      keys[i] = "rule-eu:principal-" + Integer.toHexString(i * 0x9E3779B1);
    }
    if (store.equals("local")) {
      usage = UsageStore.builder().build();
      return;
    }
    if (!RedisServer.installed()) {
      throw new IllegalStateException(
          "skipped: the redis case needs redis-server (apt-get install redis-server)");
    }
    redis = RedisServer.start();
    usage = UsageStore.builder().store(redis.uri()).commandTimeout(Duration.ofSeconds(1)).build();
    for (int i = 0; i < 100 && !usage.stats().healthy(); i++) {
      Thread.sleep(50); // a cold JVM may take a while for its first connection
    }
    if (!usage.stats().healthy()) {
      throw new IllegalStateException("the Redis usage store did not connect: " + usage.stats());
    }
  }

  @Benchmark
  public Verdict consumeAllowed() {
    return usage.consume(keys[next++ & (keys.length - 1)], LIMIT, WINDOW);
  }

  @TearDown(Level.Trial)
  public void stop() {
    if (!usage.stats().healthy() || usage.stats().fallbackAnswers() > 0) {
      throw new IllegalStateException("the store fell back during the run: " + usage.stats());
    }
    usage.close();
    if (redis != null) {
      redis.close();
    }
  }
}
