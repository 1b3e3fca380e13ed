package dev.geofence.filter;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.geofence.filter.address.ClientAddress;
import dev.geofence.filter.geo.GeoResult;
import dev.geofence.policy.Action;
import dev.geofence.policy.Decision;
import java.nio.file.Path;
import java.time.Instant;
import java.util.List;
import java.util.stream.IntStream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

/**
 * The engine without a container: the decisions and explanations the {@code explain} command shows.
 */
class GeofenceTest {

  static final Instant AT = Instant.parse("2026-06-01T00:00:00Z");

  @TempDir Path dir;

  private Geofence fence() {
    return Geofence.create(Fixtures.settings(Fixtures.files(dir)).build());
  }

  @ParameterizedTest
  @CsvSource({
    "198.51.100.7, big-1,   ALLOW,      allies",
    "192.0.2.44,   big-1,   SUBSTITUTE, rest",
    "192.0.2.44,   mid-1,   ALLOW,      rest",
    "203.0.113.9,  small-1, BLOCK,      sanctioned",
    "198.18.0.5,   small-1, BLOCK,      anonymous",
    "100.64.0.1,   small-1, ALLOW,      unknown",
    "100.64.0.1,   big-1,   BLOCK,      unknown"
  })
  void decidesThroughATrustedProxy(String caller, String model, Action action, String rule) {
    try (Geofence fence = fence()) {
      Screening d = fence.screen("127.0.0.1", List.of(caller), model, AT);

      assertThat(d.action()).isEqualTo(action);
      assertThat(d.decision().ruleName()).isEqualTo(rule);
      assertThat(d.caller().source()).isEqualTo(ClientAddress.Source.HEADER);
    }
  }

  @Test
  void withoutAModelOnlyTheCountryDecides() {
    try (Geofence fence = fence()) {
      assertThat(fence.screen("127.0.0.1", List.of(Fixtures.BR), null, AT).action())
          .isEqualTo(Action.ALLOW);
      assertThat(fence.screen("127.0.0.1", List.of(Fixtures.IR), null, AT).action())
          .isEqualTo(Action.BLOCK);
    }
  }

  @Test
  void anUntrustedPeerIsTheCallerWhateverItForwards() {
    try (Geofence fence = fence()) {
      Screening d = fence.screen(Fixtures.IR, List.of(Fixtures.US), "small-1", AT);

      assertThat(d.caller().source()).isEqualTo(ClientAddress.Source.PEER);
      assertThat(d.action()).isEqualTo(Action.BLOCK);
    }
  }

  @Test
  void anUnresolvableCallerIsNotLookedUpAndIsRefusedBeforeAnyRule() {
    try (Geofence fence = fence()) {
      Screening d = fence.screen("not-an-address", List.of(), "small-1", AT);

      assertThat(d.caller().isResolved()).isFalse();
      assertThat(d.geo()).isEqualTo(GeoResult.unavailable());
      assertThat(d.decision().ruleName()).isEqualTo("unresolvable");
      assertThat(d.decision().reason()).isEqualTo(Decision.Reason.UNRESOLVABLE);
      assertThat(d.decision().action()).isEqualTo(Action.BLOCK);
    }
  }

  @Test
  void allowsUsesTheSameSnapshotAndOrigin() {
    try (Geofence fence = fence()) {
      Screening d = fence.screen("127.0.0.1", List.of(Fixtures.BR), null, AT);

      assertThat(d.allows("mid-1")).isTrue();
      assertThat(d.allows("big-1")).isFalse();
      assertThat(d.decide("big-1").effectiveModel()).hasValue("mid-1");
    }
  }

  @Test
  void explainsEachStep() {
    try (Geofence fence = fence()) {
      GeofenceExplanation e = fence.explain("127.0.0.1", List.of(Fixtures.BR), "big-1", AT);

      assertThat(e.steps())
          .extracting(GeofenceExplanation.Step::name)
          .startsWith("address", "lookup", "origin")
          .contains("rule sanctioned", "rule rest")
          .endsWith("decision");
      assertThat(e.toString())
          .contains(
              "the caller is 192.0.2.44, named in X-Forwarded-For by the trusted proxy 127.0.0.1")
          .contains("found in 192.0.2.0/24: country BR")
          .contains("substitute big-1 with mid-1 by rule 'rest' of policy test-policy version 1");
      assertThat(e.screening().action()).isEqualTo(Action.SUBSTITUTE);
      assertThat(e.policyExplanation().decision()).isEqualTo(e.screening().decision());
    }
  }

  @Test
  void explainsAnUntrustedPeerAndABlock() {
    try (Geofence fence = fence()) {
      String text = fence.explain(Fixtures.IR, List.of(Fixtures.US), "big-1", AT).toString();

      assertThat(text)
          .contains("not a trusted proxy, so X-Forwarded-For is ignored")
          .contains("block by rule 'sanctioned' (basis: Test sanctions programme)")
          .contains("the filter answers 451");
    }
  }

  @Test
  void aBadPolicyAtStartFailsNamingTheSetting() throws Exception {
    Fixtures.Files3 files = Fixtures.files(dir);
    Fixtures.write(files.policy(), "policy: x\n");

    assertThatThrownBy(() -> Geofence.create(Fixtures.settings(files).build()))
        .isInstanceOf(IllegalArgumentException.class)
        .hasMessageStartingWith("policy-file: ");
  }

  @Test
  void aRepeatedCallerGetsTheSameScreeningWithoutDecidingAgain() {
    try (Geofence fence = fence()) {
      Screening first = fence.screen("127.0.0.1", List.of(Fixtures.BR), "big-1", AT);
      Screening again =
          fence.screen("127.0.0.1", List.of(Fixtures.BR), new String("big-1"), AT.plusSeconds(5));
      Screening otherModel = fence.screen("127.0.0.1", List.of(Fixtures.BR), "mid-1", AT);

      assertThat(again).isSameAs(first);
      assertThat(otherModel).isNotSameAs(first);
      assertThat(otherModel.action()).isEqualTo(Action.ALLOW);
    }
  }

  @Test
  void twentyThousandRepeatedCallersGetTheirOwnScreeningBackOnTheirNextRequest() {
    // A working set a fifth of the default cache size. With one set of four slots per key, about
    // 1% of these callers evicted each other on every request in each of the tables, each time
    // making a new address, screening and memo entries that young collections then copied until
    // they were old. With a second set, a key is displaced only when both of its sets are full,
    // which happens to a few keys while the tables fill (the displaced key takes a free slot on
    // its next request): hence a pass that settles, and a bound instead of none.
    try (Geofence fence = fence()) {
      List<String> callers =
          IntStream.range(0, 20_000)
              .mapToObj(i -> "2." + (i >> 8) + "." + (i & 255) + ".1")
              .toList();
      callers.forEach(c -> fence.screen("127.0.0.1", List.of(c), "big-1", AT));
      List<Screening> settled =
          callers.stream().map(c -> fence.screen("127.0.0.1", List.of(c), "big-1", AT)).toList();

      List<String> screenedAnew =
          IntStream.range(0, callers.size())
              .filter(
                  i ->
                      fence.screen("127.0.0.1", List.of(new String(callers.get(i))), "big-1", AT)
                          != settled.get(i))
              .mapToObj(callers::get)
              .toList();

      assertThat(screenedAnew).hasSizeLessThanOrEqualTo(callers.size() / 1000);
    }
  }

  @Test
  void statusDescribesPolicyAndDatabase() {
    try (Geofence fence = fence()) {
      GeofenceStatus status = fence.status();

      assertThat(status.policyId()).isEqualTo("test-policy");
      assertThat(status.policySha256()).hasSize(64);
      assertThat(status.database())
          .hasValueSatisfying(d -> assertThat(d.databaseType()).isEqualTo("GeoIP2-Country"));
      assertThat(status.anonymousDatabase()).isPresent();
      assertThat(status.databaseHealthy()).isTrue();
      assertThat(status.audit()).isEmpty();
      assertThat(status.healthy()).isTrue();
    }
  }
}
