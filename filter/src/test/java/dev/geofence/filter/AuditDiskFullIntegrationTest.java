package dev.geofence.filter;

import static org.assertj.core.api.Assertions.assertThat;

import dev.geofence.filter.audit.AuditLog;
import dev.geofence.filter.audit.Durability;
import dev.geofence.filter.audit.FileAuditSink;
import dev.geofence.filter.audit.OverflowPolicy;
import java.io.IOException;
import java.io.OutputStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The real filter on Jetty with its audit trail on a real tmpfs that is full: every request waits
 * for its record (each-record durability, WAIT for every action) and the record cannot be written.
 * Skipped where the machine does not allow mounting.
 */
class AuditDiskFullIntegrationTest {

  @TempDir Path dir;
  private final Mounts mounts = new Mounts();
  private JettyFixture jetty;
  private FileAuditSink sink;

  @AfterEach
  void stop() throws Exception {
    if (jetty != null) {
      jetty.close();
    }
    if (sink != null) {
      sink.close();
    }
    mounts.unmountAll();
  }

  @Test
  void aRefusalStaysARefusalAndAnAllowedCallerIsAnsweredAsDecidedWhenTheTrailCannotBeWritten()
      throws Exception {
    Path trail = Files.createDirectories(dir.resolve("trail"));
    mounts.mount(trail, "-t", "tmpfs", "-o", "size=64k", "tmpfs");
    sink =
        FileAuditSink.builder(trail)
            .durability(Durability.eachRecord())
            .retryDelay(Duration.ofMillis(5))
            .closeTimeout(Duration.ZERO)
            .instance("disk-test")
            .build();
    AuditLog log =
        AuditLog.builder()
            .sink(sink)
            .overflowAll(OverflowPolicy.WAIT)
            .waitTimeout(Duration.ofMillis(200))
            .build();
    jetty = new JettyFixture(dir, b -> b.auditLog(log), false);
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
    // An allowed caller is answered as decided once the wait is over; the server is not stuck.
    assertThat(
            Http.post(jetty.base, "/v1/messages", Fixtures.US, "{\"model\":\"small-1\"}")
                .statusCode())
        .isEqualTo(200);
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
