package dev.geofence.filter.audit;

import dev.geofence.filter.audit.AuditSink.Delivery;
import java.io.PrintStream;
import java.nio.file.Path;
import java.time.Duration;

/**
 * Child process of {@link FileAuditSinkCrashTest}: writes records from several threads with fsync
 * on every record and prints {@code ACK <request id>} after each write returns, until killed.
 */
final class CrashWriter {

  private CrashWriter() {}

  public static void main(String[] args) {
    FileAuditSink sink =
        FileAuditSink.builder(Path.of(args[0])).durability(Durability.eachRecord()).build();
    AuditLog log =
        AuditLog.builder()
            .sink(sink)
            .overflowAll(OverflowPolicy.WAIT)
            .waitTimeout(Duration.ofMinutes(1))
            .build();
    PrintStream out = System.out;
    for (int t = 0; t < 4; t++) {
      int thread = t;
      Thread writer =
          new Thread(
              () -> {
                for (long i = 0; ; i++) {
                  String id = "t" + thread + "-" + i;
                  if (log.record(AuditFixtures.simple(i % 2 == 0 ? "allow" : "block", id))
                      == Delivery.WRITTEN) {
                    synchronized (out) {
                      out.println("ACK " + id);
                      out.flush();
                    }
                  }
                }
              });
      writer.start();
    }
  }
}
