package dev.geofence.filter.internal;

import static org.assertj.core.api.Assertions.assertThat;

import dev.geofence.filter.Fixtures;
import dev.geofence.filter.Screening;
import dev.geofence.filter.address.ClientAddress;
import dev.geofence.filter.internal.cache.IdentityMemo;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The memo finds a value by the identity of its screening, never by equality, and stays bounded.
 */
class ScreeningMemoTest {

  @TempDir Path dir;
  Engine engine;

  @BeforeEach
  void start() {
    engine = Engine.start(Fixtures.settings(Fixtures.files(dir)).build());
  }

  @AfterEach
  void stop() {
    engine.close();
  }

  private Screening screen(String caller) {
    ClientAddress address = engine.resolver().resolve("127.0.0.1", List.of(caller));
    return engine.screen(engine.policy(), address, engine.locate(address), "big-1", Fixtures.BUILT);
  }

  /** A screening equal to {@code s} as a record, but another object. */
  private static Screening copy(Screening s) {
    return new Screening(s.caller(), s.geo(), s.origin(), s.decision(), s.policy(), s.at());
  }

  @Test
  void aRepeatCallersScreeningFindsTheValueKeptForIt() {
    IdentityMemo<Screening, String> memo = new IdentityMemo<>(64);
    Screening first = screen(Fixtures.IR);
    memo.put(first, "sanctioned");

    Screening repeat = screen(Fixtures.IR);

    assertThat(repeat).isSameAs(first);
    assertThat(memo.get(repeat)).isEqualTo("sanctioned");
  }

  @Test
  void anEqualScreeningThatIsAnotherObjectFindsNothing() {
    IdentityMemo<Screening, String> memo = new IdentityMemo<>(64);
    Screening kept = screen(Fixtures.IR);
    memo.put(kept, "sanctioned");

    Screening equal = copy(kept);

    assertThat(equal).isEqualTo(kept).isNotSameAs(kept);
    assertThat(memo.get(equal)).isNull();
    assertThat(memo.get(screen(Fixtures.VPN))).isNull();
  }

  @Test
  void aReloadedPolicyMakesANewScreeningThatFindsNothing() {
    IdentityMemo<Screening, String> memo = new IdentityMemo<>(64);
    memo.put(screen(Fixtures.IR), "version 1");

    Fixtures.write(engine.settings().policyFile(), Fixtures.POLICY_V2);
    assertThat(engine.reloadPolicy()).isTrue();

    assertThat(memo.get(screen(Fixtures.IR))).isNull();
  }

  @Test
  void aSecondValueForTheSameScreeningReplacesTheFirst() {
    IdentityMemo<Screening, String> memo = new IdentityMemo<>(64);
    Screening s = screen(Fixtures.IR);

    memo.put(s, "first");
    memo.put(s, "second");

    assertThat(memo.get(s)).isEqualTo("second");
  }

  @Test
  void keepsNoMoreValuesThanItsSlotsHoweverManyScreeningsPass() {
    IdentityMemo<Screening, Integer> memo = new IdentityMemo<>(64);
    Screening s = screen(Fixtures.IR);
    List<Screening> passed = new ArrayList<>();
    for (int i = 0; i < 10_000; i++) {
      Screening each = copy(s);
      passed.add(each);
      memo.put(each, i);
    }

    long found = passed.stream().filter(p -> memo.get(p) != null).count();

    assertThat(memo.capacity()).isEqualTo(64);
    assertThat(found).isPositive().isLessThanOrEqualTo(memo.capacity());
    assertThat(memo.get(passed.get(passed.size() - 1))).isEqualTo(passed.size() - 1);
    for (int i = 0; i < passed.size(); i++) {
      Integer value = memo.get(passed.get(i));
      assertThat(value).as("the value found for screening %d", i).isIn(null, i);
    }
  }

  @Test
  void concurrentWritersNeverLetAScreeningFindAnotherOnesValue() throws Exception {
    IdentityMemo<Screening, Screening> memo = new IdentityMemo<>(16);
    Screening s = screen(Fixtures.IR);
    ExecutorService pool = Executors.newFixedThreadPool(4);
    try {
      List<Future<Integer>> threads = new ArrayList<>();
      for (int t = 0; t < 4; t++) {
        threads.add(
            pool.submit(
                () -> {
                  List<Screening> mine = new ArrayList<>();
                  for (int i = 0; i < 64; i++) {
                    mine.add(copy(s));
                  }
                  int wrong = 0;
                  for (int round = 0; round < 2_000; round++) {
                    Screening each = mine.get(round & 63);
                    memo.put(each, each);
                    Screening found = memo.get(each);
                    wrong += found == null || found == each ? 0 : 1;
                  }
                  return wrong;
                }));
      }
      for (Future<Integer> thread : threads) {
        assertThat(thread.get()).isZero();
      }
    } finally {
      pool.shutdownNow();
    }
  }
}
