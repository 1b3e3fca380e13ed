package dev.geofence.filter.audit;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.BufferedReader;
import java.io.IOException;
import java.io.InputStreamReader;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.HashSet;
import java.util.List;
import java.util.Set;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * Kills a process writing the trail under load with SIGKILL: the files must verify up to a possibly
 * cut-short last line, keep every record the process acknowledged, and a new sink must continue the
 * chain after them.
 */
class FileAuditSinkCrashTest {

  private static final int ACKS_BEFORE_KILL = 300;

  @TempDir Path dir;

  @Test
  void sigkillDuringLoadLosesNoAcknowledgedRecordAndLeavesAVerifiableTrail() throws Exception {
    Path trail = dir.resolve("trail");
    Path childLog = dir.resolve("child.log");
    Process child =
        new ProcessBuilder(
                Path.of(System.getProperty("java.home"), "bin", "java").toString(),
                "-XX:TieredStopAtLevel=1",
                "-XX:+UseSerialGC",
                "-Xmx64m",
                "-cp",
                System.getProperty("java.class.path"),
                CrashWriter.class.getName(),
                trail.toString())
            .redirectError(childLog.toFile())
            .start();
    Set<String> acknowledged = new HashSet<>();
    try (BufferedReader out =
        new BufferedReader(new InputStreamReader(child.getInputStream(), StandardCharsets.UTF_8))) {
      String line;
      while ((line = out.readLine()) != null) {
        if (line.startsWith("ACK ")) {
          acknowledged.add(line.substring(4));
        }
        if (acknowledged.size() == ACKS_BEFORE_KILL) {
          // SIGKILL on POSIX: no shutdown hooks, no close. Through the handle, so the pipe stays
          // open and the acknowledgements already in it are still read.
          child.toHandle().destroyForcibly();
        }
      }
    } finally {
      child.destroyForcibly();
      assertThat(child.waitFor(30, TimeUnit.SECONDS)).isTrue();
    }
    assertThat(acknowledged)
        .as("child output; its log: %s", read(childLog))
        .hasSizeGreaterThanOrEqualTo(ACKS_BEFORE_KILL);

    List<Path> files = AuditFiles.trailFiles(trail, "audit");
    AuditChainVerifier.Result afterCrash = AuditChainVerifier.verify(files);
    assertThat(afterCrash.firstBreak()).isEmpty();
    Set<String> written = requestIds(files);
    assertThat(written).containsAll(acknowledged);

    // A restart continues the chain, with a chain_restart record if the kill cut a line short.
    try (FileAuditSink sink = FileAuditSink.builder(trail).build()) {
      sink.write(
          AuditFixtures.simple("block", "after-restart"), IpPrivacy.full(), Duration.ofSeconds(30));
    }
    AuditChainVerifier.Result afterRestart =
        AuditChainVerifier.verify(AuditFiles.trailFiles(trail, "audit"));
    assertThat(afterRestart.firstBreak()).isEmpty();
    assertThat(afterRestart.truncatedTail()).isEmpty();
    assertThat(afterRestart.restarts()).isEqualTo(afterCrash.truncatedTail().isPresent() ? 1 : 0);
    assertThat(afterRestart.lastSeq())
        .isEqualTo(afterCrash.lastSeq() + 1 + afterRestart.restarts());
  }

  private static Set<String> requestIds(List<Path> files) {
    Set<String> ids = new HashSet<>();
    for (Path file : files) {
      for (String line : AuditFixtures.lines(file)) {
        if (line.endsWith("}")) {
          ids.add(AuditFixtures.parse(line).at("/http/request/id").asText());
        }
      }
    }
    return ids;
  }

  private static String read(Path file) throws IOException {
    return Files.exists(file) ? Files.readString(file) : "(none)";
  }
}
