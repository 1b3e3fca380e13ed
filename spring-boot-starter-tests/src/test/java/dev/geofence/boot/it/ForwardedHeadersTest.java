package dev.geofence.boot.it;

import static org.assertj.core.api.Assertions.assertThat;

import java.net.http.HttpResponse;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.springframework.boot.builder.SpringApplicationBuilder;
import org.springframework.context.ConfigurableApplicationContext;

/**
 * Boot's forwarded-header strategies with the geo-fence: whatever Boot does with the header, a
 * caller the geo-fence does not trust cannot choose its country, and a trusted proxy's header is
 * applied once.
 */
class ForwardedHeadersTest {

  @TempDir Path dir;

  private ConfigurableApplicationContext context;

  @AfterEach
  void close() {
    if (context != null) {
      context.close();
    }
  }

  private int start(String... extra) {
    List<String> p = new ArrayList<>();
    p.add("server.port=0");
    p.add("server.address=127.0.0.1");
    p.add("geofence.audit.enabled=false");
    p.add("geofence.policy-file=" + Fixtures.policy(dir));
    p.add("geofence.geoip.database=" + Fixtures.database(dir, "GeoLite2-Country"));
    p.addAll(List.of(extra));
    context =
        new SpringApplicationBuilder(ModelApplication.class)
            .properties(p.toArray(String[]::new))
            .run();
    // The property, not WebServerApplicationContext: Boot 4 moved that type to another package.
    return context.getEnvironment().getRequiredProperty("local.server.port", Integer.class);
  }

  @Test
  void frameworkStrategyAnUntrustedPeerClaimingAnAllyIsNotBelieved() throws Exception {
    // No trusted proxies: Spring's ForwardedHeaderFilter would believe the header; the
    // geo-fence runs before it and sees the loopback peer, a caller of unknown country.
    int port = start("server.forward-headers-strategy=framework");

    HttpResponse<String> claimed = Fixtures.post(port, Fixtures.UNITED_STATES, "claude-opus-4");
    HttpResponse<String> standard = Fixtures.post(port, Fixtures.UNITED_STATES, "claude-haiku-4");

    assertThat(claimed.statusCode()).isEqualTo(451);
    // The application still gets the request as the framework strategy rewrites it.
    assertThat(standard.body()).contains("\"remote\":\"" + Fixtures.UNITED_STATES + "\"");
  }

  @Test
  void frameworkStrategyATrustedProxysHeaderIsBelieved() throws Exception {
    int port =
        start("server.forward-headers-strategy=framework", "geofence.trusted-proxies=127.0.0.1");

    assertThat(Fixtures.post(port, Fixtures.IRAN, "claude-haiku-4").statusCode()).isEqualTo(451);
    assertThat(Fixtures.post(port, Fixtures.UNITED_STATES, "claude-opus-4").body())
        .startsWith("{\"geofence\":\"allow\"");
  }

  @Test
  void nativeStrategyWithTomcatsProxiesSetTheRewrittenAddressDecides() throws Exception {
    int port =
        start(
            "server.forward-headers-strategy=native",
            "server.tomcat.remoteip.internal-proxies=127\\.0\\.0\\.1",
            "geofence.trusted-proxies=127.0.0.1");

    assertThat(Fixtures.post(port, Fixtures.IRAN, "claude-haiku-4").statusCode()).isEqualTo(451);
    assertThat(Fixtures.post(port, Fixtures.UNITED_STATES, "claude-opus-4").body())
        .startsWith("{\"geofence\":\"allow\"")
        .contains("\"remote\":\"" + Fixtures.UNITED_STATES + "\"");
  }
}
