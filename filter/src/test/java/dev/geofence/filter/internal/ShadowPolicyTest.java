package dev.geofence.filter.internal;

import static org.assertj.core.api.Assertions.assertThat;

import dev.geofence.filter.Fixtures;
import dev.geofence.filter.GeofenceStatus;
import dev.geofence.filter.Screening;
import dev.geofence.filter.address.ClientAddress;
import dev.geofence.policy.Action;
import java.nio.file.Path;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicLong;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The shadow policy beside the engine's enforced one: decided, counted, reloaded, never enforced.
 */
class ShadowPolicyTest {

  @TempDir Path dir;

  private static final Instant AT = Fixtures.BUILT;

  private Engine start(String shadowText) {
    Fixtures.Files3 files = Fixtures.files(dir);
    Path shadow = Fixtures.write(dir.resolve("shadow.yaml"), shadowText);
    return Engine.start(Fixtures.settings(files).shadowPolicyFile(shadow).build());
  }

  private static Screening screen(Engine engine, String caller, String model) {
    ClientAddress address = engine.resolver().resolve("127.0.0.1", List.of(caller));
    return engine.screen(engine.policy(), address, engine.locate(address), model, AT);
  }

  private static GeofenceStatus.Shadow status(Engine engine) {
    return engine.status(Optional.empty(), GeofenceStatus.Counts.NONE).shadow().orElseThrow();
  }

  @Test
  void aDivergingShadow_isReturned_andAnAgreeingOneIsNot() {
    try (Engine engine = start(Fixtures.POLICY_V2)) {
      Screening brazil = screen(engine, Fixtures.BR, "big-1");
      Screening us = screen(engine, Fixtures.US, "big-1");

      Screening shadow = engine.divergingShadow(brazil, AT);

      assertThat(brazil.action()).isEqualTo(Action.SUBSTITUTE);
      assertThat(shadow.action()).isEqualTo(Action.BLOCK);
      assertThat(shadow.policy().version()).isEqualTo("2");
      assertThat(engine.divergingShadow(us, AT)).isNull();
      GeofenceStatus.Shadow s = status(engine);
      assertThat(s.decided()).isEqualTo(2);
      assertThat(s.diverged()).isEqualTo(1);
      assertThat(s.byAction())
          .contains(
              new GeofenceStatus.ActionPair(Action.SUBSTITUTE, Action.BLOCK, 1),
              new GeofenceStatus.ActionPair(Action.ALLOW, Action.ALLOW, 1));
    }
  }

  @Test
  void aRepeatedCallerWhoseOutcomesAgree_getsNoShadowAndTheSameScreeningTwice() {
    try (Engine engine = start(Fixtures.POLICY_V1.replace("version: \"1\"", "version: \"1b\""))) {
      Screening first = screen(engine, Fixtures.BR, "big-1");
      Screening again = screen(engine, Fixtures.BR, "big-1");

      assertThat(again).isSameAs(first);
      assertThat(engine.divergingShadow(first, AT)).isNull();
      assertThat(engine.divergingShadow(again, AT)).isNull();
      assertThat(status(engine).decided()).isEqualTo(2);
    }
  }

  @Test
  void aBrokenShadowFileAtStart_leavesNoShadow_andIsReportedWithoutStoppingTheEngine() {
    try (Engine engine = start("rules: {")) {
      Screening brazil = screen(engine, Fixtures.BR, "big-1");

      assertThat(brazil.action()).isEqualTo(Action.SUBSTITUTE);
      assertThat(engine.divergingShadow(brazil, AT)).isNull();
      GeofenceStatus status = engine.status(Optional.empty(), GeofenceStatus.Counts.NONE);
      assertThat(status.healthy()).isTrue();
      assertThat(status.shadow().orElseThrow().policyId()).isEmpty();
      assertThat(status.shadow().orElseThrow().error())
          .hasValueSatisfying(
              e -> assertThat(e).contains("shadow.yaml").contains("enforcement is not affected"));
    }
  }

  @Test
  void aMissingShadowFile_isReportedAndChangesNothing() {
    Fixtures.Files3 files = Fixtures.files(dir);
    try (Engine engine =
        Engine.start(
            Fixtures.settings(files).shadowPolicyFile(dir.resolve("no-such.yaml")).build())) {
      Screening brazil = screen(engine, Fixtures.BR, "big-1");

      assertThat(engine.divergingShadow(brazil, AT)).isNull();
      assertThat(status(engine).error()).hasValueSatisfying(e -> assertThat(e).contains("no-such"));
    }
  }

  @Test
  void aReload_swapsAGoodShadowIn_andKeepsTheLastGoodOneWhenTheFileBreaks() {
    try (Engine engine = start(Fixtures.POLICY_V1.replace("version: \"1\"", "version: \"1b\""))) {
      Path shadowFile = engine.settings().shadowPolicyFile().orElseThrow();
      Fixtures.write(shadowFile, Fixtures.POLICY_V2);
      assertThat(engine.reloadShadowPolicy()).isTrue();
      assertThat(status(engine).policyVersion()).contains("2");

      Fixtures.write(shadowFile, "rules: {");
      assertThat(engine.reloadShadowPolicy()).isFalse();

      GeofenceStatus.Shadow s = status(engine);
      assertThat(s.policyVersion()).contains("2");
      assertThat(s.error()).hasValueSatisfying(e -> assertThat(e).contains("previous one stays"));
      assertThat(engine.divergingShadow(screen(engine, Fixtures.BR, "big-1"), AT).action())
          .isEqualTo(Action.BLOCK);
      assertThat(engine.policy().version()).isEqualTo("1");
    }
  }

  @Test
  void withoutAShadowSetting_theStatusHasNoShadow() {
    try (Engine engine = Engine.start(Fixtures.settings(Fixtures.files(dir)).build())) {
      assertThat(engine.divergingShadow(screen(engine, Fixtures.BR, "big-1"), AT)).isNull();
      assertThat(engine.status(Optional.empty(), GeofenceStatus.Counts.NONE).shadow()).isEmpty();
      assertThat(engine.reloadShadowPolicy()).isFalse();
    }
  }

  @Test
  void requestThreadsDuringShadowReloads_seeOneWholeShadowPolicyEach_andAreAllCounted()
      throws Exception {
    String v1b = Fixtures.POLICY_V1.replace("version: \"1\"", "version: \"1b\"");
    try (Engine engine = start(v1b)) {
      Path shadowFile = engine.settings().shadowPolicyFile().orElseThrow();
      int threads = 4;
      int reloads = 40;
      ExecutorService pool = Executors.newFixedThreadPool(threads);
      // Request threads decide until the reloads are over, so every reload happens under them.
      AtomicBoolean reloading = new AtomicBoolean(true);
      AtomicLong calls = new AtomicLong();
      List<String> wrong = new CopyOnWriteArrayList<>();
      List<Future<?>> work = new ArrayList<>();
      for (int t = 0; t < threads; t++) {
        work.add(
            pool.submit(
                () -> {
                  while (reloading.get()) {
                    Screening s = engine.divergingShadow(screen(engine, Fixtures.BR, "big-1"), AT);
                    calls.incrementAndGet();
                    // v1b agrees with the enforced v1 (no shadow); v2 blocks Brazil.
                    if (s != null
                        && !(s.policy().version().equals("2") && s.action() == Action.BLOCK)) {
                      wrong.add(s.policy().version() + " " + s.action());
                    }
                  }
                }));
      }
      for (int r = 0; r < reloads; r++) {
        Fixtures.write(shadowFile, r % 2 == 0 ? Fixtures.POLICY_V2 : v1b);
        assertThat(engine.reloadShadowPolicy()).isTrue();
      }
      reloading.set(false);
      for (Future<?> f : work) {
        f.get();
      }
      pool.shutdown();

      assertThat(wrong).isEmpty();
      assertThat(calls.get()).isPositive();
      assertThat(status(engine).decided()).isEqualTo(calls.get());
    }
  }
}
