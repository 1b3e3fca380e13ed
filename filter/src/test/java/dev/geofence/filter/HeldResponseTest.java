package dev.geofence.filter;

import static org.assertj.core.api.Assertions.assertThat;

import dev.geofence.filter.audit.AuditLog;
import dev.geofence.filter.audit.AuditRecord;
import dev.geofence.filter.audit.AuditSink;
import dev.geofence.filter.audit.AuditStats;
import dev.geofence.filter.audit.IpPrivacy;
import dev.geofence.filter.audit.OverflowPolicy;
import jakarta.servlet.DispatcherType;
import jakarta.servlet.http.HttpServlet;
import jakarta.servlet.http.HttpServletRequest;
import jakarta.servlet.http.HttpServletResponse;
import java.io.IOException;
import java.io.PrintWriter;
import java.net.URI;
import java.net.http.HttpResponse;
import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.time.Duration;
import java.util.EnumSet;
import java.util.List;
import java.util.Optional;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.atomic.AtomicBoolean;
import org.eclipse.jetty.ee10.servlet.FilterHolder;
import org.eclipse.jetty.ee10.servlet.ServletContextHandler;
import org.eclipse.jetty.ee10.servlet.ServletHolder;
import org.eclipse.jetty.server.Request;
import org.eclipse.jetty.server.Server;
import org.eclipse.jetty.server.ServerConnector;
import org.eclipse.jetty.server.handler.EventsHandler;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

/**
 * A request let through whose record the audit log waits for must not be answered in full before
 * the record is written, however the application ends its response; otherwise a crash between the
 * two loses the record of an answered request. Jetty's response events tell when the last byte was
 * handed to the connection.
 */
class HeldResponseTest {

  private static final String BODY = "the application's whole answer\n";

  @TempDir Path dir;

  private final AtomicBoolean lastByteSent = new AtomicBoolean();

  /** For each record, whether the answer had been sent in full when the sink received it. */
  private final List<Boolean> answeredBeforeRecord = new CopyOnWriteArrayList<>();

  private Server server;

  @AfterEach
  void stop() throws Exception {
    server.stop();
  }

  @ParameterizedTest(name = "{0} as {1}")
  @CsvSource({
    "content length,        " + Fixtures.US,
    "content length,        " + Fixtures.BR,
    "content-length header, " + Fixtures.US,
    "close stream,          " + Fixtures.US,
    "close writer,          " + Fixtures.US,
    "flush with length,     " + Fixtures.US
  })
  void theAnswerIsCompletedOnlyAfterTheRecordIsWritten(String ending, String caller)
      throws Exception {
    URI base = start(OverflowPolicy.WAIT, ending);

    HttpResponse<String> response =
        Http.post(base, "/v1/messages", caller, "{\"model\":\"big-1\"}");

    assertThat(response.statusCode()).isEqualTo(200);
    assertThat(response.body()).isEqualTo(BODY);
    assertThat(answeredBeforeRecord).containsExactly(false);
  }

  @Test
  void aForwardToARewrittenPathIsHeldToo() throws Exception {
    URI base = start(OverflowPolicy.WAIT, "content length");

    HttpResponse<String> response =
        Http.post(base, "/v1beta/models/big-3:generateContent", Fixtures.BR, "{}");

    assertThat(response.statusCode()).isEqualTo(200);
    assertThat(response.body()).isEqualTo(BODY);
    assertThat(answeredBeforeRecord).containsExactly(false);
  }

  @Test
  void aResponseNobodyWaitsForKeepsTheApplicationsContentLength() throws Exception {
    URI base = start(OverflowPolicy.DROP, "flush with length");

    HttpResponse<String> response =
        Http.post(base, "/v1/messages", Fixtures.US, "{\"model\":\"big-1\"}");

    assertThat(response.body()).isEqualTo(BODY);
    assertThat(response.headers().firstValue("Content-Length"))
        .contains(String.valueOf(BODY.length()));
    assertThat(response.headers().firstValue("Transfer-Encoding")).isEmpty();
  }

  private URI start(OverflowPolicy overflow, String ending) throws Exception {
    AuditLog audit = AuditLog.builder().sink(new ObservingSink()).overflowAll(overflow).build();
    GeofenceFilter filter =
        new GeofenceFilter(Fixtures.settings(Fixtures.files(dir)).auditLog(audit).build());
    server = new Server();
    ServerConnector connector = new ServerConnector(server);
    connector.setHost("127.0.0.1");
    connector.setPort(0);
    server.addConnector(connector);
    ServletContextHandler context = new ServletContextHandler();
    context.setContextPath("/");
    context.addFilter(new FilterHolder(filter), "/*", EnumSet.of(DispatcherType.REQUEST));
    context.addServlet(new ServletHolder(new AnsweringServlet(ending)), "/*");
    server.setHandler(
        new EventsHandler(context) {
          @Override
          protected void onResponseWrite(Request request, boolean last, ByteBuffer content) {
            if (last) {
              lastByteSent.set(true);
            }
          }
        });
    server.start();
    return URI.create("http://127.0.0.1:" + connector.getLocalPort());
  }

  /** Answers {@link #BODY}, ending the response the way it is told. */
  private static final class AnsweringServlet extends HttpServlet {
    private final String ending;

    AnsweringServlet(String ending) {
      this.ending = ending.strip();
    }

    @Override
    protected void service(HttpServletRequest request, HttpServletResponse response)
        throws IOException {
      request.getInputStream().readAllBytes();
      byte[] body = BODY.getBytes(StandardCharsets.UTF_8);
      response.setContentType("text/plain;charset=utf-8");
      switch (ending) {
        case "content length" -> {
          response.setContentLength(body.length);
          response.getOutputStream().write(body);
        }
        case "content-length header" -> {
          response.setHeader("Content-Length", String.valueOf(body.length));
          response.getOutputStream().write(body);
        }
        case "close stream" -> {
          response.getOutputStream().write(body);
          response.getOutputStream().close();
        }
        case "close writer" -> {
          PrintWriter writer = response.getWriter();
          writer.print(BODY);
          writer.close();
        }
        case "flush with length" -> {
          response.setContentLengthLong(body.length);
          response.getOutputStream().write(body);
          response.flushBuffer();
        }
        default -> throw new IllegalArgumentException(ending);
      }
    }
  }

  /** Notes, for each record, whether the last byte of the answer had been sent already. */
  private final class ObservingSink implements AuditSink {
    @Override
    public Delivery write(AuditRecord record, IpPrivacy privacy, Duration wait) {
      answeredBeforeRecord.add(lastByteSent.get());
      return Delivery.WRITTEN;
    }

    @Override
    public AuditStats stats() {
      return new AuditStats(answeredBeforeRecord.size(), 0, 0, Optional.empty());
    }

    @Override
    public void close() {}
  }
}
