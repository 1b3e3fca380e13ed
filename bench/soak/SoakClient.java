import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.atomic.AtomicLong;
import java.util.concurrent.atomic.LongAdder;

/**
 * The mixed load of bench/soak.sh: each thread sends the cases below in turn, as different callers
 * in X-Forwarded-For (the demo trusts loopback), and checks every answer against what the soak's
 * policy and databases say. The policy and database versions the soak swaps in give the same
 * answers, so any other answer is wrong: a 5xx, a permissive answer (a refusal or substitution that
 * did not happen), or a stricter one (counted apart). Runs until the stop file appears, then writes
 * one summary line per case and a RESULT line to standard output.
 *
 * <p>Usage: java SoakClient.java BASE_URL THREADS STOP_FILE
 */
public final class SoakClient {

  /** What a case must get: a status, and for 200 the model the application answered as. */
  record Case(String name, String caller, String body, int status, String answeredModel) {}

  static final String OPUS = "claude-opus-4";
  static final String SONNET = "claude-sonnet-4";
  static final String HAIKU = "claude-haiku-4";

  static final List<Case> CASES =
      List.of(
          new Case("allowed", "6.0.0.1", body(OPUS), 200, OPUS),
          new Case("substituted", "152.240.0.1", body(OPUS), 200, SONNET),
          new Case("blocked", "36.96.0.1", body(HAIKU), 451, null),
          new Case("unknown-small", "100.64.0.1", body(HAIKU), 200, HAIKU),
          new Case("unknown-big", "100.64.0.1", body(OPUS), 451, null),
          new Case("anonymous", "192.0.2.10", body(HAIKU), 451, null),
          new Case("malformed", "6.0.0.1", "{\"model\": \"" + OPUS + "\", \"messages\": [", 400, null),
          new Case("ipv6-allowed", "2001:db8:6::1", body(HAIKU), 200, HAIKU));

  static String body(String model) {
    return "{\"model\":\""
        + model
        + "\",\"max_tokens\":16,\"messages\":[{\"role\":\"user\",\"content\":\"Hello\"}]}";
  }

  static final LongAdder total = new LongAdder();
  static final LongAdder serverErrors = new LongAdder();
  static final LongAdder permissive = new LongAdder();
  static final LongAdder stricter = new LongAdder();
  static final LongAdder otherWrong = new LongAdder();
  static final LongAdder transportErrors = new LongAdder();
  static final Map<String, LongAdder> perCase = new ConcurrentHashMap<>();
  static final List<String> samples = new CopyOnWriteArrayList<>();

  public static void main(String[] args) throws Exception {
    URI base = URI.create(args[0]);
    int threads = Integer.parseInt(args[1]);
    Path stop = Path.of(args[2]);
    HttpClient client =
        HttpClient.newBuilder()
            .version(HttpClient.Version.HTTP_1_1)
            .connectTimeout(Duration.ofSeconds(10))
            .build();
    List<Thread> workers = new ArrayList<>();
    for (int t = 0; t < threads; t++) {
      int offset = t;
      Thread worker =
          new Thread(
              () -> {
                for (long i = offset; !Files.exists(stop); i++) {
                  send(client, base, CASES.get((int) (i % CASES.size())));
                }
              },
              "soak-" + t);
      worker.start();
      workers.add(worker);
    }
    for (Thread worker : workers) {
      worker.join();
    }
    for (Map.Entry<String, LongAdder> e : new TreeMap<>(perCase).entrySet()) {
      System.out.println("case " + e.getKey() + " " + e.getValue().sum());
    }
    for (String sample : samples) {
      System.out.println("wrong " + sample);
    }
    System.out.println(
        "RESULT requests="
            + total.sum()
            + " server_errors="
            + serverErrors.sum()
            + " permissive="
            + permissive.sum()
            + " stricter="
            + stricter.sum()
            + " other_wrong="
            + otherWrong.sum()
            + " transport_errors="
            + transportErrors.sum());
  }

  static void send(HttpClient client, URI base, Case c) {
    HttpRequest request =
        HttpRequest.newBuilder(base.resolve("/v1/messages"))
            .timeout(Duration.ofSeconds(30))
            .header("Content-Type", "application/json")
            .header("X-Forwarded-For", c.caller())
            .POST(HttpRequest.BodyPublishers.ofString(c.body()))
            .build();
    HttpResponse<String> response;
    try {
      response = client.send(request, HttpResponse.BodyHandlers.ofString());
    } catch (Exception e) {
      transportErrors.increment();
      sample(c, "transport " + e);
      return;
    }
    total.increment();
    perCase.computeIfAbsent(c.name(), k -> new LongAdder()).increment();
    int status = response.statusCode();
    String body = response.body();
    if (status >= 500) {
      serverErrors.increment();
      sample(c, status + " " + body);
    } else if (status == c.status()
        && (c.answeredModel() == null || answeredAs(body, c.answeredModel()))) {
      return; // as expected
    } else if (status < 300 && (c.status() >= 400 || c.answeredModel() != null)) {
      // Served although it must be refused, or served as asked although it must be substituted.
      permissive.increment();
      sample(c, status + " " + body);
    } else if (status >= 400 && c.status() < 300) {
      stricter.increment();
      sample(c, status + " " + body);
    } else {
      otherWrong.increment();
      sample(c, status + " " + body);
    }
  }

  /** Whether the application's JSON answer names {@code model} (pretty-printed or not). */
  static boolean answeredAs(String body, String model) {
    return body.replace(" ", "").contains("\"model\":\"" + model + "\"");
  }

  static final AtomicLong sampled = new AtomicLong();

  static void sample(Case c, String what) {
    if (sampled.incrementAndGet() <= 20) {
      samples.add(c.name() + ": " + what.replace('\n', ' '));
    }
  }
}
