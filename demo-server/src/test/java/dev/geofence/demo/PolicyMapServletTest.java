package dev.geofence.demo;

import static org.assertj.core.api.Assertions.assertThat;

import dev.geofence.policy.Policy;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.file.Path;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.time.ZoneOffset;
import java.util.Optional;
import java.util.function.Supplier;
import org.eclipse.jetty.ee10.servlet.ServletContextHandler;
import org.eclipse.jetty.ee10.servlet.ServletHolder;
import org.eclipse.jetty.server.Server;
import org.eclipse.jetty.server.ServerConnector;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** {@code GET /geofence/policy}: the policy in force as a world map, over real HTTP. */
class PolicyMapServletTest {

  private static final HttpClient HTTP = HttpClient.newHttpClient();
  private static final Clock CLOCK =
      Clock.fixed(Instant.parse("2026-12-15T00:00:00Z"), ZoneOffset.UTC);

  @TempDir Path temp;

  private DemoServer demo;
  private Server server;

  @AfterEach
  void stop() throws Exception {
    if (demo != null) {
      demo.close();
    }
    if (server != null) {
      server.stop();
    }
  }

  private static HttpResponse<String> get(URI uri) throws Exception {
    return HTTP.send(
        HttpRequest.newBuilder(uri).timeout(Duration.ofSeconds(20)).GET().build(),
        HttpResponse.BodyHandlers.ofString());
  }

  @Test
  void theDemoServesThePolicyInForceAsAMap() throws Exception {
    demo = DemoServer.start(DemoConfig.builder().port(0).audit(temp.resolve("audit")).build());

    HttpResponse<String> response = get(URI.create(demo.uri() + "/geofence/policy"));

    assertThat(response.statusCode()).isEqualTo(200);
    assertThat(response.headers().firstValue("Content-Type"))
        .hasValueSatisfying(v -> assertThat(v).isEqualToIgnoringCase("text/html;charset=utf-8"));
    assertThat(response.body())
        .startsWith("<!DOCTYPE html>")
        .contains("<h1>Policy map: ai-export-controls version 2026-11-28.1</h1>")
        .contains("data-tier=\"frontier\"")
        .contains("data-iso=\"CN\" data-outcome=\"block\"")
        .doesNotContain("id=\"changes\"");
  }

  @Test
  void withoutTheGeofence_thereIsNoPolicy_404() throws Exception {
    demo =
        DemoServer.start(
            DemoConfig.builder().port(0).audit(temp.resolve("audit")).geofence(false).build());

    HttpResponse<String> response = get(URI.create(demo.uri() + "/geofence/policy"));

    assertThat(response.statusCode()).isEqualTo(404);
    assertThat(response.body()).contains("no policy is in force");
  }

  @Test
  void withAComparisonPolicy_showsWhatWouldChange() throws Exception {
    Policy inForce = DemoGeofence.embeddedPolicy();
    Policy proposed =
        Policy.parse(
            DemoGeofence.embeddedPolicyText()
                .replace("version: 2026-11-28.1", "version: 2026-12-10.1")
                .replace(
                    "arms-embargoed: [CN, MO, RU, BY, VE]",
                    "arms-embargoed: [CN, MO, RU, BY, VE, BR]"),
            "proposed.yaml");
    URI uri = start(() -> Optional.of(inForce), () -> Optional.of(proposed));

    HttpResponse<String> response = get(uri);

    assertThat(response.statusCode()).isEqualTo(200);
    assertThat(response.body())
        .contains("What changes from version 2026-11-28.1 to version 2026-12-10.1")
        .contains("data-iso=\"BR\" data-changed=\"true\" data-change=\"tighter\"")
        .contains("<dt>Evaluated at</dt><dd>2026-12-15T00:00:00Z (UTC)</dd>");
  }

  private URI start(Supplier<Optional<Policy>> inForce, Supplier<Optional<Policy>> comparison)
      throws Exception {
    server = new Server();
    ServerConnector connector = new ServerConnector(server);
    connector.setHost("127.0.0.1");
    connector.setPort(0);
    server.addConnector(connector);
    ServletContextHandler context = new ServletContextHandler();
    context.addServlet(
        new ServletHolder(new PolicyMapServlet(inForce, comparison, CLOCK)), "/geofence/policy");
    server.setHandler(context);
    server.start();
    return URI.create("http://127.0.0.1:" + connector.getLocalPort() + "/geofence/policy");
  }
}
