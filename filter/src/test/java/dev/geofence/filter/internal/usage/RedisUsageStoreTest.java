package dev.geofence.filter.internal.usage;

import static org.assertj.core.api.Assertions.assertThat;

import dev.geofence.filter.Await;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.Callable;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.EnumSource;

class RedisUsageStoreTest {

  @RegisterExtension static final RedisServerExtension REDIS = new RedisServerExtension();

  private static final Duration MINUTE = Duration.ofMinutes(1);

  private final List<UsageStore> stores = new ArrayList<>();

  /**
   * A store with a timeout generous enough for a loaded build machine, so only the failures a test
   * makes are failures; the default timeout has its own test.
   */
  private UsageStore store(StoreFailure failure) {
    UsageStore store =
        UsageStore.builder()
            .store(REDIS.uri())
            .failure(failure)
            .commandTimeout(Duration.ofSeconds(2))
            .build();
    stores.add(store);
    // A cold JVM on a busy machine may take longer than the connect timeout for its first
    // connection; the store then starts degraded, which has its own test.
    Await.until("the store to connect", () -> store.stats().healthy());
    return store;
  }

  private UsageStore store() {
    return store(StoreFailure.LOCAL);
  }

  @AfterEach
  void closeStores() {
    stores.forEach(UsageStore::close);
  }

  @Test
  void theSixthRequestOfFivePerMinuteIsRefusedWithRetryAfterWithinTheMinute() {
    UsageStore store = store();
    for (int i = 0; i < 5; i++) {
      assertThat(store.consume("k", 5, MINUTE)).isSameAs(Verdict.ALLOWED_SHARED);
    }

    Verdict sixth = store.consume("k", 5, MINUTE);

    assertThat(sixth.allowed()).isFalse();
    assertThat(sixth.counted()).isEqualTo(Counted.SHARED);
    assertThat(sixth.retryAfterSeconds()).isBetween(1L, 60L);
  }

  @Test
  void twoStoresOnOneRedisShareOneLimit() {
    UsageStore first = store();
    UsageStore second = store();
    for (int i = 0; i < 3; i++) {
      assertThat(first.consume("k", 5, MINUTE).allowed()).isTrue();
    }
    assertThat(second.consume("k", 5, MINUTE).allowed()).isTrue();
    assertThat(second.consume("k", 5, MINUTE).allowed()).isTrue();

    assertThat(second.consume("k", 5, MINUTE).allowed()).isFalse();
    assertThat(first.consume("k", 5, MINUTE).allowed()).isFalse();
  }

  @Test
  void keysAreCountedIndependently() {
    UsageStore store = store();
    store.consume("a", 1, MINUTE);

    assertThat(store.consume("a", 1, MINUTE).allowed()).isFalse();
    assertThat(store.consume("b", 1, MINUTE).allowed()).isTrue();
  }

  @Test
  void theWholeLimitComesBackWhenTheWindowEnds() {
    UsageStore store = store();
    Duration window = Duration.ofSeconds(2);
    store.consume("k", 2, window);
    store.consume("k", 2, window);
    assertThat(store.consume("k", 2, window).allowed()).isFalse();

    Await.until("the bucket to refill", () -> store.consume("k", 2, window).allowed());

    assertThat(store.consume("k", 2, window).allowed()).isTrue();
    assertThat(store.consume("k", 2, window).allowed()).isFalse();
  }

  @Test
  void concurrentRequestsFromTwoStoresGetExactlyTheLimit() throws Exception {
    UsageStore first = store();
    UsageStore second = store();
    ExecutorService threads = Executors.newFixedThreadPool(4);
    try {
      List<Callable<Integer>> tasks = new ArrayList<>();
      for (int t = 0; t < 4; t++) {
        UsageStore store = t % 2 == 0 ? first : second;
        tasks.add(
            () -> {
              int allowed = 0;
              for (int i = 0; i < 15; i++) {
                allowed += store.consume("k", 40, Duration.ofHours(1)).allowed() ? 1 : 0;
              }
              return allowed;
            });
      }
      int total = 0;
      for (Future<Integer> result : threads.invokeAll(tasks)) {
        total += result.get();
      }
      assertThat(total).isEqualTo(40);
    } finally {
      threads.shutdownNow();
    }
  }

  @Test
  void everythingInRedisIsNamespacedAndExpires() {
    UsageStore store = store();
    store.consume("hashed-principal", 5, MINUTE);
    store.seen("hashed-principal", "DE", 2, MINUTE);

    @SuppressWarnings("unchecked")
    List<String> keys = (List<String>) REDIS.server().command("KEYS", "*");
    assertThat(keys)
        .allMatch(key -> key.startsWith("geofence:usage:") || key.startsWith("geofence:countries:"))
        .contains(
            "geofence:usage:5/60000ms:hashed-principal", "geofence:countries:hashed-principal");
    for (String key : keys) {
      assertThat((Long) REDIS.server().command("PTTL", key)).as(key).isBetween(1L, 61_000L);
    }
  }

  @Test
  void theCountryAlertFiresOnceAtTheCrossingAndAgainOnlyAfterTheWindow() {
    UsageStore store = store();
    Duration window = Duration.ofSeconds(2);
    assertThat(store.seen("p", "DE", 2, window)).isEmpty();
    assertThat(store.seen("p", "DE", 2, window)).isEmpty();
    assertThat(store.seen("p", "FR", 2, window)).contains(List.of("DE", "FR"));
    assertThat(store.seen("p", "IT", 2, window)).isEmpty();
    assertThat(store.seen("p", "FR", 2, window)).isEmpty();
    assertThat(store.seen("other", "DE", 2, window)).isEmpty();

    // Redis drops the set one window after the principal's last sighting.
    Await.until(
        "the country set to expire",
        () -> (Long) REDIS.server().command("EXISTS", "geofence:countries:p") == 0);

    assertThat(store.seen("p", "US", 2, window)).isEmpty();
    assertThat(store.seen("p", "CN", 2, window)).contains(List.of("CN", "US"));
  }

  @Test
  void twoStoresShareTheCountriesTheySee() {
    UsageStore first = store();
    UsageStore second = store();

    assertThat(first.seen("p", "DE", 2, MINUTE)).isEmpty();
    assertThat(second.seen("p", "FR", 2, MINUTE)).contains(List.of("DE", "FR"));
    assertThat(first.seen("p", "IT", 2, MINUTE)).isEmpty();
  }

  @Test
  void theCountryScriptSurvivesARedisRestart() {
    UsageStore store = store();
    store.seen("p", "DE", 2, MINUTE);
    REDIS.server().stop();
    REDIS.server().restart();
    Await.until("the store to see Redis again", () -> shared(store));

    assertThat(store.seen("p", "DE", 2, MINUTE)).isEmpty();
    assertThat(store.seen("p", "FR", 2, MINUTE)).contains(List.of("DE", "FR"));
  }

  @ParameterizedTest
  @EnumSource(StoreFailure.class)
  void whenRedisStopsMidRunTheFailureModeAnswersUntilItIsBack(StoreFailure failure) {
    UsageStore store = store(failure);
    assertThat(store.consume("k", 5, MINUTE)).isSameAs(Verdict.ALLOWED_SHARED);

    REDIS.server().stop();
    List<Verdict> during = new ArrayList<>();
    for (int i = 0; i < 6; i++) {
      during.add(store.consume("k", 5, MINUTE));
    }

    switch (failure) {
      case LOCAL -> {
        // Counted afresh in the process: the five before the stop were counted in Redis.
        assertThat(during.subList(0, 5)).containsOnly(Verdict.ALLOWED_FALLBACK_LOCAL);
        assertThat(during.get(5).allowed()).isFalse();
        assertThat(during.get(5).counted()).isEqualTo(Counted.FALLBACK_LOCAL);
        assertThat(during.get(5).retryAfterSeconds()).isBetween(1L, 60L);
      }
      case ALLOW -> assertThat(during).containsOnly(Verdict.UNCOUNTED_ALLOWED);
      case BLOCK -> assertThat(during).containsOnly(Verdict.UNCOUNTED_BLOCKED);
    }
    UsageStats degraded = store.stats();
    assertThat(degraded.kind()).isEqualTo("redis");
    assertThat(degraded.healthy()).isFalse();
    assertThat(degraded.failures()).isPositive();
    assertThat(degraded.fallbackAnswers()).isEqualTo(6);
    assertThat(degraded.lastError()).isPresent();
    assertThat(degraded.degradedSince()).isPresent();
    assertThat(store.seen("p", "DE", 1, MINUTE).isPresent())
        .isEqualTo(failure == StoreFailure.LOCAL);

    REDIS.server().restart();
    Await.until("the store to recover", () -> store.stats().healthy());

    assertThat(store.consume("k", 5, MINUTE)).isSameAs(Verdict.ALLOWED_SHARED);
    assertThat(store.stats().degradedSince()).isEmpty();
  }

  @Test
  void aRedisUnreachableAtStartStartsDegradedAndRecoversWhenItAppears() {
    REDIS.server().stop();

    UsageStore store = UsageStore.builder().store(REDIS.uri()).build();
    stores.add(store);

    assertThat(store.stats().healthy()).isFalse();
    assertThat(store.stats().lastError()).get().asString().contains("127.0.0.1");
    assertThat(store.consume("k", 5, MINUTE)).isSameAs(Verdict.ALLOWED_FALLBACK_LOCAL);

    REDIS.server().restart();
    Await.until("the store to connect", () -> store.stats().healthy());

    assertThat(store.consume("k", 5, MINUTE)).isSameAs(Verdict.ALLOWED_SHARED);
  }

  @Test
  void aRedisSlowerThanTheCommandTimeoutIsAFailure() {
    UsageStore store =
        UsageStore.builder().store(REDIS.uri()).commandTimeout(Duration.ofMillis(100)).build();
    stores.add(store);
    Await.until("the store to connect", () -> store.stats().healthy());
    // Redis holds every client's commands for two seconds: alive, but too slow to wait for.
    REDIS.server().command("CLIENT", "PAUSE", "2000", "ALL");

    assertThat(store.consume("k", 5, MINUTE)).isSameAs(Verdict.ALLOWED_FALLBACK_LOCAL);
    assertThat(store.stats().healthy()).isFalse();
    assertThat(store.stats().lastError()).get().asString().containsIgnoringCase("timeout");

    Await.until("the store to recover", () -> store.stats().healthy());
  }

  @Test
  void closingReleasesTheReconnectingThread() {
    REDIS.server().stop();
    UsageStore store = UsageStore.builder().store(REDIS.uri()).build();
    Await.until("the reconnecting thread to run", () -> reconnectThreads() > 0);

    store.close();

    Await.until("the reconnecting thread to end", () -> reconnectThreads() == 0);
  }

  private static long reconnectThreads() {
    return Thread.getAllStackTraces().keySet().stream()
        .filter(thread -> thread.getName().equals("geofence-usage-store-reconnect"))
        .filter(Thread::isAlive)
        .count();
  }

  private static boolean shared(UsageStore store) {
    return store.consume("probe", 1_000, MINUTE).counted() == Counted.SHARED;
  }
}
