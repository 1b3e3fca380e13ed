package dev.geofence.filter;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.ObjectMapper;
import dev.geofence.filter.audit.AuditLog;
import dev.geofence.filter.audit.AuditRecord;
import dev.geofence.filter.audit.AuditSink;
import dev.geofence.filter.audit.AuditStats;
import dev.geofence.filter.audit.IpPrivacy;
import dev.geofence.filter.audit.OverflowPolicy;
import jakarta.servlet.AsyncContext;
import jakarta.servlet.DispatcherType;
import jakarta.servlet.ServletOutputStream;
import jakarta.servlet.WriteListener;
import jakarta.servlet.http.HttpServlet;
import jakarta.servlet.http.HttpServletRequest;
import jakarta.servlet.http.HttpServletResponse;
import java.io.BufferedReader;
import java.io.IOException;
import java.io.InputStream;
import java.io.InputStreamReader;
import java.net.URI;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.Semaphore;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.function.Supplier;
import java.util.stream.Stream;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.Arguments;
import org.junit.jupiter.params.provider.MethodSource;

/**
 * Server-Sent Events pass through the filter one by one, on Jetty and Tomcat, from a blocking and
 * from an asynchronous servlet, for an allowed and a substituted request, and each streamed request
 * is recorded once, when its answer is complete, with its final status.
 *
 * <p>The proof of "one by one" is causal, not timed: after writing and flushing an event the
 * servlet waits until the client has read that event before it writes the next one. A filter that
 * held the answer back would leave the client with nothing, and the servlet would give up waiting
 * and say so.
 */
class StreamingTest {

  private static final int EVENTS = 4;

  /** Only a safety net against a hung test: a working filter never comes near it. */
  private static final long GIVE_UP_SECONDS = 15;

  private static final ObjectMapper JSON = new ObjectMapper();

  @TempDir Path dir;

  private final ObservingSink audit = new ObservingSink();
  private Container container;
  private GeofenceFilter filter;

  @AfterEach
  void stop() throws Exception {
    container.close();
  }

  static Stream<Arguments> cases() {
    List<Arguments> cases = new ArrayList<>();
    for (String server : List.of("jetty", "tomcat")) {
      for (Mode mode : Mode.values()) {
        cases.add(Arguments.of(server, mode, Fixtures.US, "big-1", "allow"));
        cases.add(Arguments.of(server, mode, Fixtures.BR, "mid-1", "substitute"));
      }
    }
    return cases.stream();
  }

  @ParameterizedTest(name = "{0}, {1} servlet, caller {2}")
  @MethodSource("cases")
  void eventsReachTheCallerWhileTheApplicationIsStillWriting(
      String server, Mode mode, String caller, String served, String action) throws Exception {
    SseServlet app = new SseServlet(mode);
    URI base = start(server, app);

    List<Event> events = stream(base, caller, "big-1", app);

    // Each event arrived while the application had begun that event and nothing after it.
    assertThat(app.problems).isEmpty();
    assertThat(events).extracting(Event::writtenWhenRead).containsExactly(1, 2, 3, 4);
    assertThat(events).extracting(Event::name).containsExactly("e0", "e1", "e2", "e3");
    assertThat(events).extracting(Event::model).containsOnly(served);
  }

  @ParameterizedTest(name = "{0}, {1} servlet, caller {2}")
  @MethodSource("cases")
  void aStreamedRequestIsRecordedOnceWhenItsAnswerIsComplete(
      String server, Mode mode, String caller, String served, String action) throws Exception {
    SseServlet app = new SseServlet(mode);
    URI base = start(server, app);

    stream(base, caller, "big-1", app);

    Await.until("the record of the streamed request", () -> !audit.records.isEmpty());
    assertThat(audit.records).hasSize(1);
    AuditRecord record = audit.records.get(0);
    assertThat(record.action().label()).isEqualTo(action);
    assertThat(record.requestedModel()).isEqualTo("big-1");
    assertThat(record.effectiveModel()).isEqualTo(served);
    assertThat(record.statusCode()).isEqualTo(mode.status);
    assertThat(audit.appFinishedWhenRecorded).containsExactly(true);
    assertThat(filter.status().counts().total()).isEqualTo(1);
  }

  private URI start(String server, SseServlet app) throws Exception {
    // WAIT for every action: the strictest audit setting must not hold a stream back either.
    AuditLog log = AuditLog.builder().sink(audit).overflowAll(OverflowPolicy.WAIT).build();
    audit.app = app;
    filter = new GeofenceFilter(Fixtures.settings(Fixtures.files(dir)).auditLog(log).build());
    Supplier<Container> containers =
        server.equals("jetty") ? JettyContainer::new : TomcatContainer::new;
    container = containers.get();
    return container.start(filter, Map.of(), dir, app);
  }

  /** Reads the events as they arrive, telling the servlet after each one. */
  private static List<Event> stream(URI base, String caller, String model, SseServlet app)
      throws Exception {
    HttpRequest request =
        HttpRequest.newBuilder(base.resolve("/v1/messages"))
            .timeout(Duration.ofSeconds(60))
            .header("Content-Type", "application/json")
            .header("X-Forwarded-For", caller)
            .POST(
                HttpRequest.BodyPublishers.ofString(
                    "{\"model\":\"" + model + "\",\"stream\":true}"))
            .build();
    HttpResponse<InputStream> response =
        Http.CLIENT.send(request, HttpResponse.BodyHandlers.ofInputStream());
    assertThat(response.statusCode()).isEqualTo(app.mode.status);
    assertThat(response.headers().firstValue("Content-Type"))
        .hasValueSatisfying(type -> assertThat(type).startsWith("text/event-stream"));
    List<Event> events = new ArrayList<>();
    try (BufferedReader lines =
        new BufferedReader(new InputStreamReader(response.body(), StandardCharsets.UTF_8))) {
      String name = null;
      String line;
      while ((line = lines.readLine()) != null) {
        if (line.startsWith("event: ")) {
          name = line.substring(7);
        } else if (line.startsWith("data: ")) {
          String served = JSON.readTree(line.substring(6)).get("model").asText();
          events.add(new Event(name, served, app.written.get()));
          app.seen.get(events.size() - 1).countDown();
        }
      }
    }
    return events;
  }

  record Event(String name, String model, int writtenWhenRead) {}

  enum Mode {
    /** Writes and flushes on the request thread. */
    BLOCKING(200),
    /** {@code startAsync}, then writes from another thread through a {@link WriteListener}. */
    ASYNC(200),
    /**
     * {@code startAsync}, then {@code dispatch()} back through the filter, which must not decide it
     * again; the dispatched servlet streams with status 203 so the record shows the final one.
     */
    DISPATCHED(203);

    final int status;

    Mode(int status) {
      this.status = status;
    }
  }

  /**
   * Streams {@link #EVENTS} events naming the model it received, waiting for each to be read;
   * {@code written} counts the events it has begun to write.
   */
  static final class SseServlet extends HttpServlet {
    final Mode mode;
    final List<CountDownLatch> seen = new ArrayList<>();
    final AtomicInteger written = new AtomicInteger();
    final AtomicBoolean finished = new AtomicBoolean();
    final List<String> problems = new CopyOnWriteArrayList<>();

    SseServlet(Mode mode) {
      this.mode = mode;
      for (int i = 0; i < EVENTS; i++) {
        seen.add(new CountDownLatch(1));
      }
    }

    @Override
    protected void doPost(HttpServletRequest request, HttpServletResponse response)
        throws IOException {
      if (mode == Mode.DISPATCHED && request.getDispatcherType() == DispatcherType.REQUEST) {
        // The body is read before the dispatch: the request replays it only once.
        request.setAttribute("model", model(request));
        request.startAsync().dispatch();
        return;
      }
      String model =
          mode == Mode.DISPATCHED ? (String) request.getAttribute("model") : model(request);
      response.setStatus(mode.status);
      response.setContentType("text/event-stream");
      response.setHeader("Cache-Control", "no-cache");
      if (mode == Mode.ASYNC) {
        AsyncContext async = request.startAsync();
        async.setTimeout(0);
        ServletOutputStream out = response.getOutputStream();
        Ready ready = new Ready();
        out.setWriteListener(ready);
        async.start(() -> writeAsync(async, out, ready, model));
        return;
      }
      ServletOutputStream out = response.getOutputStream();
      for (int i = 0; i < EVENTS; i++) {
        awaitSeen(i - 1);
        written.incrementAndGet();
        out.write(event(i, model));
        out.flush();
      }
      finished.set(true);
    }

    private void writeAsync(
        AsyncContext async, ServletOutputStream out, Ready ready, String model) {
      try {
        for (int i = 0; i < EVENTS; i++) {
          awaitSeen(i - 1);
          ready.await(out);
          written.incrementAndGet();
          out.write(event(i, model));
          ready.await(out);
          out.flush();
        }
        ready.await(out);
        finished.set(true);
      } catch (IOException | InterruptedException e) {
        problems.add("the async writer failed: " + e);
      } finally {
        async.complete();
      }
    }

    private void awaitSeen(int event) {
      if (event < 0) {
        return;
      }
      try {
        if (!seen.get(event).await(GIVE_UP_SECONDS, TimeUnit.SECONDS)) {
          problems.add(
              "event "
                  + event
                  + " had not reached the client when event "
                  + (event + 1)
                  + " was due");
        }
      } catch (InterruptedException e) {
        Thread.currentThread().interrupt();
        problems.add("interrupted");
      }
    }

    private static String model(HttpServletRequest request) throws IOException {
      return JSON.readTree(request.getInputStream().readAllBytes()).get("model").asText();
    }

    private static byte[] event(int i, String model) {
      return ("event: e" + i + "\ndata: {\"i\":" + i + ",\"model\":\"" + model + "\"}\n\n")
          .getBytes(StandardCharsets.UTF_8);
    }
  }

  /** The write listener: lets the writer thread wait until the stream takes more. */
  static final class Ready implements WriteListener {
    private final Semaphore possible = new Semaphore(0);

    void await(ServletOutputStream out) throws InterruptedException {
      // isReady() false promises a later onWritePossible; spare permits only cost a re-check.
      while (!out.isReady()) {
        possible.acquire();
      }
    }

    @Override
    public void onWritePossible() {
      possible.release();
    }

    @Override
    public void onError(Throwable t) {
      possible.release();
    }
  }

  /** Keeps each record, and whether the application had finished its answer when it came. */
  static final class ObservingSink implements AuditSink {
    final List<AuditRecord> records = new CopyOnWriteArrayList<>();
    final List<Boolean> appFinishedWhenRecorded = new CopyOnWriteArrayList<>();
    volatile SseServlet app;

    @Override
    public Delivery write(AuditRecord record, IpPrivacy privacy, Duration wait) {
      appFinishedWhenRecorded.add(app.finished.get());
      records.add(record);
      return Delivery.WRITTEN;
    }

    @Override
    public AuditStats stats() {
      return new AuditStats(records.size(), 0, 0, Optional.empty());
    }

    @Override
    public void close() {}
  }
}
