package dev.geofence.filter;

import static org.assertj.core.api.Assertions.assertThat;

import dev.geofence.filter.audit.AuditAction;
import dev.geofence.filter.audit.AuditRecord;
import java.net.URI;
import java.net.http.HttpResponse;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Collection;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.ConcurrentLinkedQueue;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicLong;
import java.util.stream.Collectors;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * Policy files replaced while requests run: v1 substitutes BR's big models, v2 blocks BR. Every
 * response must be wholly one version and its own audit record the same one, none may fail, no
 * request sent after a v2 answer may get v1, and a bad file must leave the last good policy serving
 * with the error visible.
 */
class PolicyReloadTest {

  @TempDir Path dir;
  JettyFixture jetty;

  @AfterEach
  void stop() throws Exception {
    jetty.close();
  }

  /**
   * One request as its client saw it: ticks of a clock shared with the test thread before it was
   * sent and after its response arrived, and what the response showed.
   */
  private record Exchange(String id, long sent, long answered, String outcome) {}

  @Test
  void goodAndBadReloadsUnderConcurrentRequests() throws Exception {
    jetty =
        new JettyFixture(
            dir, b -> b.policyWatchInterval(Duration.ofMillis(20)).requestIdHeader("X-Request-Id"));
    URI base = jetty.base;
    AtomicLong clock = new AtomicLong();
    ConcurrentLinkedQueue<Exchange> exchanges = new ConcurrentLinkedQueue<>();
    AtomicBoolean running = new AtomicBoolean(true);
    ExecutorService pool = Executors.newFixedThreadPool(4);
    List<Future<?>> clients = new ArrayList<>();
    for (int i = 0; i < 4; i++) {
      String client = "client-" + i;
      clients.add(
          pool.submit(
              () -> {
                for (int n = 0; running.get(); n++) {
                  String id = client + "-" + n;
                  long sent = clock.incrementAndGet();
                  HttpResponse<String> response =
                      Http.post(
                          base,
                          "/v1/messages",
                          Fixtures.BR,
                          "{\"model\":\"big-1\"}",
                          "X-Request-Id",
                          id);
                  exchanges.add(
                      new Exchange(id, sent, clock.incrementAndGet(), classify(response)));
                }
              }));
    }
    long written;
    long observed;
    try {
      Await.until("v1 answers", () -> outcomes(exchanges).contains("v1"));
      // when: a good new version
      written = clock.incrementAndGet();
      Fixtures.write(jetty.files.policy(), Fixtures.POLICY_V2);
      Await.until("the reload to version 2", () -> jetty.filter.policy().version().equals("2"));
      observed = clock.incrementAndGet();
      Await.until(
          "answers to requests sent after the reload",
          () -> exchanges.stream().anyMatch(e -> e.sent() > observed));
      // when: a bad file
      Fixtures.write(jetty.files.policy(), "policy: broken\nrules: [");
      Await.until("the refusal", () -> jetty.filter.status().policyError().isPresent());
      int before = exchanges.size();
      Await.until("requests after the refusal", () -> exchanges.size() > before + 20);
    } finally {
      running.set(false);
      for (Future<?> client : clients) {
        client.get();
      }
      pool.shutdown();
    }

    // then every answer is wholly one version
    assertThat(outcomes(exchanges)).containsOnly("v1", "v2");
    // and none answered before the new file existed saw it
    assertThat(exchanges)
        .filteredOn(e -> e.answered() < written)
        .isNotEmpty()
        .allSatisfy(e -> assertThat(e.outcome()).as(e.id()).isEqualTo("v1"));
    // and once one answer showed version 2, every request sent later got version 2 too, through
    // the bad file that followed: the swap is whole and never undone
    long firstV2 =
        exchanges.stream()
            .filter(e -> e.outcome().equals("v2"))
            .mapToLong(Exchange::answered)
            .min()
            .orElseThrow();
    assertThat(firstV2)
        .as("the first version 2 answer arrives after the write")
        .isGreaterThan(written);
    assertThat(exchanges)
        .filteredOn(e -> e.sent() > firstV2)
        .allSatisfy(e -> assertThat(e.outcome()).as(e.id()).isEqualTo("v2"));
    assertThat(exchanges)
        .filteredOn(e -> e.sent() > observed)
        .isNotEmpty()
        .allSatisfy(e -> assertThat(e.outcome()).as(e.id()).isEqualTo("v2"));
    // and each request's audit record names the version its response showed
    Await.until(
        "an audit record for every answered request",
        () -> auditById().keySet().containsAll(ids(exchanges)));
    Map<String, AuditRecord> audited = auditById();
    assertThat(audited).hasSameSizeAs(exchanges);
    assertThat(exchanges)
        .allSatisfy(
            e -> {
              AuditRecord record = audited.get(e.id());
              boolean v1 = e.outcome().equals("v1");
              assertThat(record.policyVersion()).as(e.id()).isEqualTo(v1 ? "1" : "2");
              assertThat(record.action())
                  .as(e.id())
                  .isEqualTo(v1 ? AuditAction.SUBSTITUTE : AuditAction.BLOCK);
            });
    // and the bad file left version 2 serving, with the error visible
    assertThat(jetty.filter.policy().version()).isEqualTo("2");
    assertThat(jetty.filter.status().policyError())
        .hasValueSatisfying(e -> assertThat(e).contains("policy.yaml"));
    assertThat(jetty.filter.status().healthy()).isFalse();
  }

  private static List<String> outcomes(Collection<Exchange> exchanges) {
    return exchanges.stream().map(Exchange::outcome).toList();
  }

  private static Set<String> ids(Collection<Exchange> exchanges) {
    return exchanges.stream().map(Exchange::id).collect(Collectors.toSet());
  }

  private Map<String, AuditRecord> auditById() {
    return jetty.audit.records.stream()
        .collect(
            Collectors.toMap(
                AuditRecord::requestId,
                r -> r,
                (a, b) -> {
                  throw new AssertionError("two audit records for request " + a.requestId());
                }));
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
