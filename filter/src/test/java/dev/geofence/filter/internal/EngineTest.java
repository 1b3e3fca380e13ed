package dev.geofence.filter.internal;

import static org.assertj.core.api.Assertions.assertThat;

import dev.geofence.filter.Fixtures;
import dev.geofence.filter.GeofenceStatus;
import dev.geofence.filter.Screening;
import dev.geofence.filter.address.ClientAddress;
import dev.geofence.policy.Action;
import java.nio.file.Path;
import java.util.List;
import java.util.Optional;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** The engine's policy snapshot: swapped whole on a good reload, kept on a bad one. */
class EngineTest {

  @TempDir Path dir;

  @Test
  void aBadReloadKeepsTheLastGoodPolicyAndAGoodOneDecidesTheNextRequest() {
    try (Engine engine = Engine.start(Fixtures.settings(Fixtures.files(dir)).build())) {
      Fixtures.write(engine.settings().policyFile(), "rules: {");

      assertThat(engine.reloadPolicy()).isFalse();
      assertThat(engine.policy().version()).isEqualTo("1");
      assertThat(engine.status(Optional.empty(), GeofenceStatus.Counts.NONE).policyError())
          .hasValueSatisfying(e -> assertThat(e).contains("was refused"));

      Fixtures.write(engine.settings().policyFile(), Fixtures.POLICY_V2);
      assertThat(engine.reloadPolicy()).isTrue();
      assertThat(engine.policy().version()).isEqualTo("2");
      assertThat(engine.status(Optional.empty(), GeofenceStatus.Counts.NONE).policyError())
          .isEmpty();
      ClientAddress caller = engine.resolver().resolve("127.0.0.1", List.of(Fixtures.BR));
      Screening afterReload =
          engine.screen(engine.policy(), caller, engine.locate(caller), "big-1", Fixtures.BUILT);
      assertThat(afterReload.action()).isEqualTo(Action.BLOCK);
      assertThat(afterReload.policy().version()).isEqualTo("2");
    }
  }
}
