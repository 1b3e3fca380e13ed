package dev.geofence.filter;

import static org.assertj.core.api.Assertions.assertThat;

import dev.geofence.filter.Fixtures.CapturingSink;
import dev.geofence.filter.audit.AuditLog;
import dev.geofence.filter.audit.PrincipalPrivacy;
import dev.geofence.filter.internal.usage.RedisServerExtension;
import java.net.URI;
import java.net.http.HttpResponse;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HexFormat;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.EnumSource;

/**
 * Usage limits shared through a real Redis (started on a free loopback port): two filters on one
 * Redis enforce one limit; with Redis stopped mid-run each {@code usage-store-failure} mode answers
 * as it says, never with a 5xx, the status shows the degraded store, and the filters count in Redis
 * again once it is back.
 */
class FleetUsageTest {

  @RegisterExtension static final RedisServerExtension REDIS = new RedisServerExtension();

  @TempDir Path dir;
  final CapturingSink audit = new CapturingSink();
  final List<JettyContainer> containers = new ArrayList<>();
  final List<GeofenceFilter> filters = new ArrayList<>();

  @AfterEach
  void stop() throws Exception {
    for (JettyContainer c : containers) {
      c.close();
    }
  }

  private URI start(UsageStoreFailure failure) throws Exception {
    return start(failure, UsageLimitTest.settings(dir, "block"));
  }

  private URI start(UsageStoreFailure failure, GeofenceSettings.Builder settings) throws Exception {
    GeofenceFilter filter =
        new GeofenceFilter(
            settings
                .auditLog(AuditLog.builder().sink(audit).build())
                .usageStore(REDIS.uri())
                .usageStoreFailure(failure)
                // Generous for a loaded build machine: only the failures a test makes are failures.
                .usageStoreTimeout(Duration.ofSeconds(2))
                .build());
    JettyContainer container = new JettyContainer();
    containers.add(container);
    filters.add(filter);
    URI base = container.start(filter, Map.of(), dir);
    Await.until("the filter's store to connect", () -> usage(filter).healthy());
    return base;
  }

  private static GeofenceStatus.Usage usage(GeofenceFilter filter) {
    return filter.status().usage().orElseThrow();
  }

  private static int ask(URI base, String key) {
    return UsageLimitTest.ask(base, UsageLimitTest.BR, key).statusCode();
  }

  @Test
  void twoFiltersOnOneRedis_enforceOneLimitBetweenThem() throws Exception {
    URI a = start(UsageStoreFailure.LOCAL);
    URI b = start(UsageStoreFailure.LOCAL);

    for (int i = 0; i < 5; i++) {
      assertThat(ask(i % 2 == 0 ? a : b, "key-alice")).isEqualTo(200);
    }

    assertThat(ask(b, "key-alice")).isEqualTo(429);
    assertThat(ask(a, "key-alice")).isEqualTo(429);
    assertThat(ask(a, "key-bob")).isEqualTo(200);
    assertThat(usage(filters.get(0)).store()).isEqualTo("redis");
  }

  @Test
  void redisHoldsNoPrincipal_onlyHashedKeys() throws Exception {
    URI a = start(UsageStoreFailure.LOCAL);
    ask(a, "key-alice");

    Object keys = REDIS.server().command("KEYS", "*");

    assertThat(String.valueOf(keys)).doesNotContain("key-alice").contains("gulf-watch");
  }

  @Test
  void underPrincipalPrivacyHmac_theStoreKeyIsTheRecordedUserId_soEveryInstanceSharesIt()
      throws Exception {
    byte[] key = HexFormat.of().parseHex("00112233445566778899aabbccddeeff");
    URI a =
        start(
            UsageStoreFailure.LOCAL,
            UsageLimitTest.settings(dir, "block").principalPrivacy(PrincipalPrivacy.hmac(key)));
    ask(a, "key-alice");

    String userId = audit.last().userId();
    assertThat(userId).hasSize(64).isEqualTo(PrincipalPrivacy.hmac(key).recorded("key-alice"));
    assertThat(String.valueOf(REDIS.server().command("KEYS", "*")))
        .contains("gulf-watch:p:" + userId)
        .doesNotContain("key-alice");
  }

  @ParameterizedTest
  @EnumSource(UsageStoreFailure.class)
  void withRedisStoppedMidRun_eachFailureModeAnswersAsItSays_neverA5xx_andRecovers(
      UsageStoreFailure mode) throws Exception {
    URI base = start(mode);
    assertThat(ask(base, "key-alice")).isEqualTo(200);

    REDIS.server().stop();
    List<Integer> during = new ArrayList<>();
    List<String> retryAfter = new ArrayList<>();
    for (int i = 0; i < 7; i++) {
      HttpResponse<String> r = UsageLimitTest.ask(base, UsageLimitTest.BR, "key-alice");
      during.add(r.statusCode());
      retryAfter.add(r.headers().firstValue("Retry-After").orElse(""));
      if (mode == UsageStoreFailure.BLOCK) {
        assertThat(Http.json(r).at("/reason").asText()).isEqualTo("usage_unverifiable");
      }
    }

    assertThat(during).allSatisfy(status -> assertThat(status).isLessThan(500));
    switch (mode) {
      // counted in this process from the outage on: five served, then refused
      case LOCAL -> assertThat(during).containsExactly(200, 200, 200, 200, 200, 429, 429);
      case ALLOW -> assertThat(during).containsOnly(200);
      case BLOCK -> {
        assertThat(during).containsOnly(429);
        assertThat(retryAfter).containsOnly("1");
      }
    }
    GeofenceStatus.Usage degraded = usage(filters.get(0));
    assertThat(degraded.healthy()).isFalse();
    assertThat(degraded.degradedSince()).isPresent();
    assertThat(degraded.failureMode()).isEqualTo(mode);
    assertThat(degraded.failures()).isPositive();
    assertThat(degraded.fallbackAnswers()).isPositive();
    assertThat(filters.get(0).status().healthy()).isTrue(); // a degraded store is not an outage

    REDIS.server().restart();
    Await.until("the filter to see Redis again", () -> usage(filters.get(0)).healthy());

    assertThat(ask(base, "key-carol")).isEqualTo(200);
    assertThat(usage(filters.get(0)).degradedSince()).isEmpty();
  }
}
