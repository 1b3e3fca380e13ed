package dev.geofence.filter;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.geofence.filter.audit.AuditLog;
import dev.geofence.filter.audit.Durability;
import dev.geofence.filter.audit.FileAuditSink;
import dev.geofence.filter.audit.OverflowPolicy;
import jakarta.servlet.http.HttpServlet;
import jakarta.servlet.http.HttpServletRequest;
import jakarta.servlet.http.HttpServletResponse;
import java.io.IOException;
import java.io.OutputStream;
import java.net.URI;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.Map;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The real filter on Jetty with its audit trail on a real tmpfs that is full: every request waits
 * for its record (each-record durability, WAIT for every action) and the record cannot be written,
 * so no caller gets a complete answer the trail does not know of. Skipped where the machine does
 * not allow mounting.
 */
class AuditDiskFullIntegrationTest {

  @TempDir Path dir;
  private final Mounts mounts = new Mounts();
  private JettyFixture jetty;
  private JettyContainer container;
  private FileAuditSink sink;

  @AfterEach
  void stop() throws Exception {
    if (jetty != null) {
      jetty.close();
    }
    if (container != null) {
      container.close();
    }
    if (sink != null) {
      sink.close();
    }
    mounts.unmountAll();
  }

  @Test
  void aRefusalStaysARefusalAndAnAllowedCallerGets503WhenTheTrailCannotBeWritten()
      throws Exception {
    Path trail = fullTrail();
    jetty = new JettyFixture(dir, b -> b.auditLog(waitingLog()), false);
    fill(trail);

    // Lines still fit in the page the file already has; each blocked caller is refused throughout.
    for (int i = 0; i < 50 && sink.stats().lastError().isEmpty(); i++) {
      assertThat(
              Http.post(jetty.base, "/v1/messages", Fixtures.IR, "{\"model\":\"small-1\"}")
                  .statusCode())
          .as("a blocked caller, request %d", i)
          .isEqualTo(451);
    }
    Await.until("the sink to report the full disk", () -> sink.stats().lastError().isPresent());
    assertThat(
            Http.post(jetty.base, "/v1/messages", Fixtures.IR, "{\"model\":\"small-1\"}")
                .statusCode())
        .isEqualTo(451);
    // The application answered, but the record it must wait for cannot be written: the answer is
    // withheld, and the server is not stuck.
    HttpResponse<String> allowed =
        Http.post(jetty.base, "/v1/messages", Fixtures.US, "{\"model\":\"small-1\"}");
    assertThat(allowed.statusCode()).isEqualTo(503);
    assertThat(allowed.headers().firstValue("Content-Type"))
        .hasValueSatisfying(type -> assertThat(type).startsWith("application/problem+json"));
    assertThat(allowed.body()).contains("\"reason\":\"audit_unavailable\"").doesNotContain("echo");
  }

  @Test
  void anAnswerAlreadyUnderWayIsAbortedWhenItsRecordCannotBeWritten() throws Exception {
    Path trail = fullTrail();
    container = new JettyContainer();
    GeofenceFilter filter =
        new GeofenceFilter(
            Fixtures.settings(Fixtures.files(dir))
                .routes(FilterContractTest.ROUTES)
                .auditLog(waitingLog())
                .build());
    URI base = container.start(filter, Map.of(), dir, new FlushingServlet());
    fill(trail);
    for (int i = 0; i < 50 && sink.stats().lastError().isEmpty(); i++) {
      Http.post(base, "/v1/messages", Fixtures.IR, "{\"model\":\"small-1\"}");
    }
    Await.until("the sink to report the full disk", () -> sink.stats().lastError().isPresent());

    // The first part of the answer has left; the caller must not get a complete answer.
    assertThatThrownBy(
            () -> Http.post(base, "/v1/messages", Fixtures.US, "{\"model\":\"small-1\"}"))
        .hasCauseInstanceOf(IOException.class)
        .hasMessageContaining("chunked");
  }

  private Path fullTrail() throws IOException {
    Path trail = Files.createDirectories(dir.resolve("trail"));
    mounts.mount(trail, "-t", "tmpfs", "-o", "size=64k", "tmpfs");
    sink =
        FileAuditSink.builder(trail)
            .durability(Durability.eachRecord())
            .retryDelay(Duration.ofMillis(5))
            .closeTimeout(Duration.ZERO)
            .instance("disk-test")
            .build();
    return trail;
  }

  /** Every request waits for its record, at most 200 ms. */
  private AuditLog waitingLog() {
    return AuditLog.builder()
        .sink(sink)
        .overflowAll(OverflowPolicy.WAIT)
        .waitTimeout(Duration.ofMillis(200))
        .build();
  }

  /** Sends part of its answer at once, then the rest: a streamed answer. */
  private static final class FlushingServlet extends HttpServlet {
    @Override
    protected void service(HttpServletRequest request, HttpServletResponse response)
        throws IOException {
      response.setContentType("text/plain");
      response.getOutputStream().write("first part\n".getBytes(StandardCharsets.US_ASCII));
      response.flushBuffer();
      response.getOutputStream().write("second part\n".getBytes(StandardCharsets.US_ASCII));
    }
  }

  private static void fill(Path directory) {
    byte[] block = new byte[4096];
    try (OutputStream out = Files.newOutputStream(directory.resolve("filler.bin"))) {
      while (true) {
        out.write(block);
        out.flush();
      }
    } catch (IOException expected) {
      // no space left on device
    }
  }
}
