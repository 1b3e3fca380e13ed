package dev.geofence.filter;

import static org.assertj.core.api.Assertions.assertThat;

import dev.geofence.filter.audit.AuditAction;
import java.net.URI;
import java.net.http.HttpResponse;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.ConcurrentLinkedQueue;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.atomic.AtomicBoolean;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * Policy files replaced while requests run: v1 substitutes BR's big models, v2 blocks BR. Every
 * response and its audit record must match exactly one version, none may fail, and a bad file must
 * leave the last good policy serving with the error visible.
 */
class PolicyReloadTest {

  @TempDir Path dir;
  JettyFixture jetty;

  @AfterEach
  void stop() throws Exception {
    jetty.close();
  }

  @Test
  void goodAndBadReloadsUnderConcurrentRequests() throws Exception {
    jetty = new JettyFixture(dir, b -> b.policyWatchInterval(Duration.ofMillis(20)));
    URI base = jetty.base;
    ConcurrentLinkedQueue<String> outcomes = new ConcurrentLinkedQueue<>();
    AtomicBoolean running = new AtomicBoolean(true);
    ExecutorService pool = Executors.newFixedThreadPool(4);
    List<Future<?>> clients = new ArrayList<>();
    for (int i = 0; i < 4; i++) {
      clients.add(
          pool.submit(
              () -> {
                while (running.get()) {
                  outcomes.add(
                      classify(
                          Http.post(base, "/v1/messages", Fixtures.BR, "{\"model\":\"big-1\"}")));
                }
              }));
    }
    try {
      Await.until("v1 answers", () -> outcomes.contains("v1"));
      // when: a good new version
      Fixtures.write(jetty.files.policy(), Fixtures.POLICY_V2);
      Await.until(
          "v2 answers",
          () -> jetty.filter.policy().version().equals("2") && outcomes.contains("v2"));
      // when: a bad file
      Fixtures.write(jetty.files.policy(), "policy: broken\nrules: [");
      Await.until("the refusal", () -> jetty.filter.status().policyError().isPresent());
      int before = outcomes.size();
      Await.until("requests after the refusal", () -> outcomes.size() > before + 20);
    } finally {
      running.set(false);
      for (Future<?> client : clients) {
        client.get();
      }
      pool.shutdown();
    }

    // then
    assertThat(outcomes).containsOnly("v1", "v2");
    List<String> order = new ArrayList<>(outcomes);
    assertThat(order.subList(order.lastIndexOf("v1") + 1, order.size())).containsOnly("v2");
    assertThat(jetty.filter.policy().version()).isEqualTo("2");
    assertThat(jetty.filter.status().policyError())
        .hasValueSatisfying(e -> assertThat(e).contains("policy.yaml"));
    assertThat(jetty.filter.status().healthy()).isFalse();
    assertThat(jetty.audit.records)
        .allSatisfy(
            r ->
                assertThat(r.policyVersion())
                    .isEqualTo(r.action() == AuditAction.SUBSTITUTE ? "1" : "2"));
  }

  @Test
  void goodFileAfterABadOneClearsTheError() throws Exception {
    jetty = new JettyFixture(dir, b -> b.policyWatchInterval(Duration.ofMillis(20)));
    Fixtures.write(jetty.files.policy(), "not: a: policy");
    Await.until("the refusal", () -> jetty.filter.status().policyError().isPresent());

    Fixtures.write(jetty.files.policy(), Fixtures.POLICY_V2);
    Await.until("v2", () -> jetty.filter.policy().version().equals("2"));

    assertThat(jetty.filter.status().policyError()).isEmpty();
    assertThat(jetty.filter.status().policyErrorAt()).isEmpty();
  }

  /**
   * v1: substituted to mid-1 under version 1; v2: blocked by version 2; anything else is a failure.
   */
  private static String classify(HttpResponse<String> response) {
    if (response.statusCode() == 200
        && Http.echo(response).get("model").equals("mid-1")
        && response.headers().firstValue("Geofence-Served-Model").orElse("").equals("mid-1")) {
      return "v1";
    }
    if (response.statusCode() == 451
        && Http.json(response).get("policy_version").asText().equals("2")
        && Http.json(response).get("rule").asText().equals("rest")) {
      return "v2";
    }
    return "mixed or failed: " + response.statusCode() + " " + response.body();
  }
}
