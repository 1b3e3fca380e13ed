package dev.geofence.demo;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import dev.geofence.filter.audit.AuditChainVerifier;
import java.io.IOException;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Queue;
import java.util.concurrent.ConcurrentLinkedQueue;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicInteger;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;

/**
 * The audit trail's crash promise end to end: the packaged demo (file sink forcing each line, every
 * action WAIT) is killed with SIGKILL while concurrent callers keep it busy. Every request whose
 * whole response arrived must have its record among the complete lines, the chain must verify up to
 * at most a cut-short last line, and a restart must continue the chain. Each request comes from its
 * own address, so its record is found by {@code source.ip}.
 */
@Timeout(value = 90, unit = TimeUnit.SECONDS)
class KilledUnderLoadIT {

  private static final int CLIENTS = 8;

  /**
   * Responses after which the server is killed, while the callers are still sending. A count, not a
   * time: on a busy machine a fixed window could end before the first answer.
   */
  private static final int KILL_AFTER_RESPONSES = 200;

  /** How long the callers may take to get those answers before the test gives up. */
  private static final Duration LOAD_LIMIT = Duration.ofSeconds(45);

  private static final ObjectMapper JSON = new ObjectMapper();

  @TempDir Path temp;

  private final List<DemoProcess> demos = new ArrayList<>();
  private final ExecutorService clients = Executors.newFixedThreadPool(CLIENTS);

  /**
   * A caller of the demo: addresses from one country's range in demo-ranges.csv, and what the
   * policy does.
   */
  private enum Caller {
    US(0x06000000, "claude-opus-4", "allow", 200), // 6.0.0.0/8: rule allies
    BR(0x98F00000, "claude-opus-4", "substitute", 200), // 152.240.0.0/12: rule rest-of-world
    CN(0x24600000, "claude-sonnet-4", "block", 451); // 36.96.0.0/11: rule embargoed

    final int base;
    final String model;
    final String action;
    final int status;

    Caller(int base, String model, String action, int status) {
      this.base = base;
      this.model = model;
      this.action = action;
      this.status = status;
    }

    String address(int n) {
      int a = base + n;
      return (a >>> 24) + "." + (a >>> 16 & 0xFF) + "." + (a >>> 8 & 0xFF) + "." + (a & 0xFF);
    }
  }

  /** A request whose whole response arrived. */
  private record Answered(String ip, Caller caller, int status) {}

  @AfterEach
  void cleanUp() throws InterruptedException {
    clients.shutdownNow();
    clients.awaitTermination(10, TimeUnit.SECONDS);
    demos.forEach(DemoProcess::close);
  }

  @Test
  void sigkillUnderLoad_losesNoAnsweredRequestsRecord_andTheChainVerifiesAndContinues()
      throws Exception {
    // given the demo, writing its trail into an empty directory
    Path audit = temp.resolve("audit");
    DemoProcess demo = start(audit, "demo-1.out");
    HttpClient http =
        HttpClient.newBuilder()
            .version(HttpClient.Version.HTTP_1_1)
            .connectTimeout(Duration.ofSeconds(2))
            .build();

    // when concurrent callers, each request from its own address, keep it busy until it is killed
    AtomicBoolean stop = new AtomicBoolean();
    AtomicInteger next = new AtomicInteger();
    Queue<Answered> answered = new ConcurrentLinkedQueue<>();
    CountDownLatch enough = new CountDownLatch(KILL_AFTER_RESPONSES);
    for (int i = 0; i < CLIENTS; i++) {
      clients.execute(
          () -> {
            while (!stop.get()) {
              int n = next.getAndIncrement();
              Caller caller = Caller.values()[n % Caller.values().length];
              String ip = caller.address(1 + n / Caller.values().length);
              try {
                HttpResponse<String> response =
                    http.send(
                        message(demo, ip, caller.model), HttpResponse.BodyHandlers.ofString());
                answered.add(new Answered(ip, caller, response.statusCode()));
                enough.countDown();
              } catch (IOException killedMidRequest) {
                // no response, no promise: its record may or may not be on disk
              } catch (InterruptedException e) {
                return;
              }
            }
          });
    }
    assertThat(enough.await(LOAD_LIMIT.toMillis(), TimeUnit.MILLISECONDS))
        .as("%d answers within %s (%d so far)", KILL_AFTER_RESPONSES, LOAD_LIMIT, answered.size())
        .isTrue();
    int sentBeforeKill = next.get();
    demo.kill();
    stop.set(true);
    clients.shutdown();
    assertThat(clients.awaitTermination(15, TimeUnit.SECONDS))
        .as("the callers stop once the server is gone")
        .isTrue();

    // then every answer was the policy's
    List<Answered> acknowledged = List.copyOf(answered);
    assertThat(acknowledged)
        .as("requests answered before the kill (of %d sent)", sentBeforeKill)
        .hasSizeGreaterThanOrEqualTo(KILL_AFTER_RESPONSES);
    assertThat(acknowledged)
        .allSatisfy(a -> assertThat(a.status()).as(a.ip()).isEqualTo(a.caller().status));
    assertThat(acknowledged).extracting(Answered::caller).contains(Caller.values());

    // and the chain holds up to at most a cut-short last line
    List<Path> files = Trails.files(audit);
    AuditChainVerifier.Result chain = AuditChainVerifier.verify(files);
    assertThat(chain.intact())
        .as("chain break: %s", chain.firstBreak().map(AuditChainVerifier.Break::describe))
        .isTrue();
    assertThat(chain.startsAtOrigin()).isTrue();
    assertThat(chain.restarts()).isZero();

    // and every answered request has its record among the complete lines
    Map<String, JsonNode> byIp = recordsBySourceIp(files);
    assertThat((long) byIp.size()).as("one record per chained line").isEqualTo(chain.records());
    List<Answered> unrecorded =
        acknowledged.stream().filter(a -> !byIp.containsKey(a.ip())).toList();
    assertThat(unrecorded)
        .as(
            "answered requests without a record (%d answered, %d records, truncated tail %s)",
            acknowledged.size(),
            byIp.size(),
            chain.truncatedTail().map(AuditChainVerifier.Break::describe))
        .isEmpty();
    for (Answered a : acknowledged) {
      JsonNode record = byIp.get(a.ip());
      assertThat(record.path("event").path("action").asText())
          .as(a.ip())
          .isEqualTo(a.caller().action);
      assertThat(record.path("http").path("response").path("status_code").asInt())
          .as(a.ip())
          .isEqualTo(a.status());
    }

    // when the demo starts again on the same directory, answers one more request and stops
    DemoProcess again = start(audit, "demo-2.out");
    String lateIp = "8.0.0.1";
    HttpResponse<String> late =
        http.send(message(again, lateIp, "claude-opus-4"), HttpResponse.BodyHandlers.ofString());
    assertThat(late.statusCode()).as(late.body()).isEqualTo(200);
    again.stop();

    // then the chain continues over every file, a cut-short tail accounted for by a chain_restart
    // line
    List<Path> allFiles = Trails.files(audit);
    AuditChainVerifier.Result continued = AuditChainVerifier.verify(allFiles);
    assertThat(continued.intact())
        .as(
            "chain break after the restart: %s",
            continued.firstBreak().map(AuditChainVerifier.Break::describe))
        .isTrue();
    assertThat(continued.truncatedTail()).isEmpty();
    assertThat(continued.startsAtOrigin()).isTrue();
    assertThat(allFiles).hasSize(files.size() + 1).startsWith(files.toArray(Path[]::new));
    int restarts = chain.truncatedTail().isPresent() ? 1 : 0;
    assertThat(continued.restarts()).isEqualTo(restarts);
    assertThat(continued.records()).isEqualTo(chain.records() + restarts + 1);
    List<JsonNode> newLines = completeLines(allFiles.get(allFiles.size() - 1));
    assertThat(newLines).hasSize(restarts + 1);
    if (restarts == 1) {
      JsonNode restart = newLines.get(0);
      assertThat(restart.path("event").path("action").asText()).isEqualTo("chain_restart");
      assertThat(restart.path("geofence").path("restart").path("truncated_bytes").asLong())
          .isEqualTo(
              Files.size(files.get(files.size() - 1)) - completeBytes(files.get(files.size() - 1)));
    }
    JsonNode lateRecord = newLines.get(newLines.size() - 1);
    assertThat(lateRecord.path("source").path("ip").asText()).isEqualTo(lateIp);
    assertThat(lateRecord.path("geofence").path("audit").path("seq").asLong())
        .isEqualTo(continued.lastSeq());
  }

  private DemoProcess start(Path audit, String output) throws Exception {
    DemoProcess demo = DemoProcess.start(audit, temp.resolve(output));
    demos.add(demo);
    return demo;
  }

  private static HttpRequest message(DemoProcess demo, String ip, String model) {
    return HttpRequest.newBuilder(demo.uri("/v1/messages"))
        .header("X-Forwarded-For", ip)
        .header("Content-Type", "application/json")
        .POST(HttpRequest.BodyPublishers.ofString(Banner.messageBody(model)))
        .timeout(Duration.ofSeconds(10))
        .build();
  }

  /** Decision records of the files' complete lines by source address; each address is used once. */
  private static Map<String, JsonNode> recordsBySourceIp(List<Path> files) throws IOException {
    Map<String, JsonNode> byIp = new HashMap<>();
    for (Path file : files) {
      for (JsonNode record : completeLines(file)) {
        String ip = record.path("source").path("ip").asText();
        assertThat(byIp.put(ip, record)).as("a second record from %s", ip).isNull();
      }
    }
    return byIp;
  }

  /** The lines ending in a line feed, parsed; a cut-short last line is left out. */
  private static List<JsonNode> completeLines(Path file) throws IOException {
    byte[] bytes = Files.readAllBytes(file);
    String complete = new String(bytes, 0, completeBytes(file), StandardCharsets.UTF_8);
    List<JsonNode> lines = new ArrayList<>();
    for (String line : complete.split("\n")) {
      if (!line.isEmpty()) {
        lines.add(JSON.readTree(line));
      }
    }
    return lines;
  }

  /** The length of the file up to and including its last line feed. */
  private static int completeBytes(Path file) throws IOException {
    byte[] bytes = Files.readAllBytes(file);
    int end = bytes.length;
    while (end > 0 && bytes[end - 1] != '\n') {
      end--;
    }
    return end;
  }
}
