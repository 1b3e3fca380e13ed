package dev.geofence.filter.internal.usage;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import com.github.benmanes.caffeine.cache.Ticker;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import java.util.concurrent.Callable;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.atomic.AtomicLong;
import org.junit.jupiter.api.Test;

class LocalUsageStoreTest {

  private static final Duration MINUTE = Duration.ofMinutes(1);

  /** Time that moves only when the test says so. */
  static final class ManualTicker implements Ticker {
    private final AtomicLong nanos = new AtomicLong(1_000_000_000L);

    @Override
    public long read() {
      return nanos.get();
    }

    void advance(Duration by) {
      nanos.addAndGet(by.toNanos());
    }
  }

  private final ManualTicker ticker = new ManualTicker();
  private final LocalUsageStore store = new LocalUsageStore(1_000, ticker);

  @Test
  void theSixthRequestOfFivePerMinuteIsRefusedWithRetryAfterWithinTheMinute() {
    for (int i = 0; i < 5; i++) {
      assertThat(store.consume("k", 5, MINUTE)).isSameAs(Verdict.ALLOWED_LOCAL);
    }
    ticker.advance(Duration.ofSeconds(20));

    Verdict sixth = store.consume("k", 5, MINUTE);

    assertThat(sixth.allowed()).isFalse();
    assertThat(sixth.counted()).isEqualTo(Counted.LOCAL);
    assertThat(sixth.retryAfterSeconds()).isEqualTo(40);
  }

  @Test
  void retryAfterIsRoundedUpToAWholeSecond() {
    store.consume("k", 1, MINUTE);
    ticker.advance(Duration.ofMillis(59_500));

    assertThat(store.consume("k", 1, MINUTE).retryAfterSeconds()).isEqualTo(1);
  }

  @Test
  void keysAreCountedIndependently() {
    for (int i = 0; i < 5; i++) {
      store.consume("a", 5, MINUTE);
    }

    assertThat(store.consume("a", 5, MINUTE).allowed()).isFalse();
    assertThat(store.consume("b", 5, MINUTE).allowed()).isTrue();
  }

  @Test
  void theWholeLimitComesBackWhenTheWindowEnds() {
    store.consume("k", 2, MINUTE);
    store.consume("k", 2, MINUTE);
    ticker.advance(Duration.ofSeconds(59));
    assertThat(store.consume("k", 2, MINUTE).allowed()).isFalse();

    ticker.advance(Duration.ofSeconds(1));

    assertThat(store.consume("k", 2, MINUTE).allowed()).isTrue();
    assertThat(store.consume("k", 2, MINUTE).allowed()).isTrue();
    assertThat(store.consume("k", 2, MINUTE).allowed()).isFalse();
  }

  @Test
  void aKeyWhoseLimitChangesStartsAfreshWithTheNewLimit() {
    store.consume("k", 1, MINUTE);
    assertThat(store.consume("k", 1, MINUTE).allowed()).isFalse();

    assertThat(store.consume("k", 2, MINUTE).allowed()).isTrue();
    assertThat(store.consume("k", 2, MINUTE).allowed()).isTrue();
    assertThat(store.consume("k", 2, MINUTE).allowed()).isFalse();
  }

  @Test
  void moreKeysThanTheBoundKeepTheCacheAtTheBound() {
    LocalUsageStore bounded = new LocalUsageStore(100, ticker);
    for (int i = 0; i < 1_000; i++) {
      bounded.consume("key-" + i, 5, MINUTE);
      bounded.seen("principal-" + i, "DE", 2, MINUTE);
    }

    assertThat(bounded.keys()).isLessThanOrEqualTo(100);
    assertThat(bounded.principals()).isLessThanOrEqualTo(100);
  }

  @Test
  void aKeyIsForgottenAfterAWindowWithoutRequests() {
    store.consume("k", 5, MINUTE);
    ticker.advance(MINUTE.plusSeconds(1));

    assertThat(store.keys()).isZero();
  }

  @Test
  void theCountryAlertFiresOnceAtTheCrossingAndAgainOnlyAfterTheWindow() {
    assertThat(store.seen("p", "DE", 2, MINUTE)).isEmpty();
    assertThat(store.seen("p", "DE", 2, MINUTE)).isEmpty();
    assertThat(store.seen("p", "FR", 2, MINUTE)).contains(List.of("DE", "FR"));
    assertThat(store.seen("p", "IT", 2, MINUTE)).isEmpty();
    assertThat(store.seen("p", "FR", 2, MINUTE)).isEmpty();
    assertThat(store.seen("other", "DE", 2, MINUTE)).isEmpty();

    ticker.advance(MINUTE);

    assertThat(store.seen("p", "US", 2, MINUTE)).isEmpty();
    assertThat(store.seen("p", "CN", 2, MINUTE)).contains(List.of("CN", "US"));
  }

  @Test
  void aCountryDropsOutOfTheWindowOneWindowAfterItWasLastSeen() {
    store.seen("p", "DE", 2, MINUTE);
    ticker.advance(Duration.ofSeconds(30));
    store.seen("p", "DE", 2, MINUTE);
    ticker.advance(Duration.ofSeconds(45));

    assertThat(store.seen("p", "FR", 2, MINUTE)).contains(List.of("DE", "FR"));
  }

  @Test
  void aThresholdOfThreeWaitsForTheThirdCountry() {
    assertThat(store.seen("p", "DE", 3, MINUTE)).isEmpty();
    assertThat(store.seen("p", "FR", 3, MINUTE)).isEmpty();
    assertThat(store.seen("p", "BR", 3, MINUTE)).contains(List.of("BR", "DE", "FR"));
  }

  @Test
  void concurrentRequestsOnOneKeyGetExactlyTheLimit() throws Exception {
    LocalUsageStore shared = new LocalUsageStore(1_000);
    ExecutorService threads = Executors.newFixedThreadPool(8);
    try {
      List<Callable<Integer>> tasks = new ArrayList<>();
      for (int t = 0; t < 8; t++) {
        tasks.add(
            () -> {
              int allowed = 0;
              for (int i = 0; i < 500; i++) {
                allowed += shared.consume("k", 1_000, Duration.ofHours(1)).allowed() ? 1 : 0;
              }
              return allowed;
            });
      }
      int total = 0;
      for (Future<Integer> result : threads.invokeAll(tasks)) {
        total += result.get();
      }
      assertThat(total).isEqualTo(1_000);
    } finally {
      threads.shutdownNow();
    }
  }

  @Test
  void badLimitsAreRejected() {
    assertThatThrownBy(() -> store.consume("k", 0, MINUTE))
        .isInstanceOf(IllegalArgumentException.class)
        .hasMessageContaining("at least 1 request, got 0");
    assertThatThrownBy(() -> store.consume("k", 1, Duration.ZERO))
        .isInstanceOf(IllegalArgumentException.class)
        .hasMessageContaining("must be positive, got PT0S");
    assertThatThrownBy(() -> store.seen("p", "DE", 0, MINUTE))
        .isInstanceOf(IllegalArgumentException.class)
        .hasMessageContaining("at least 1 country, got 0");
  }

  @Test
  void aLocalStoreIsAlwaysHealthy() {
    assertThat(store.stats())
        .isEqualTo(new UsageStats("local", true, 0, 0, Optional.empty(), Optional.empty()));
  }
}
