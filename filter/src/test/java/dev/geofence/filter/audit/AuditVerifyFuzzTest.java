package dev.geofence.filter.audit;

import static dev.geofence.filter.audit.AuditFixtures.simple;
import static org.assertj.core.api.Assertions.assertThat;

import com.code_intelligence.jazzer.junit.FuzzTest;
import dev.geofence.filter.audit.AuditChainVerifier.Result;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.Arrays;
import java.util.List;
import java.util.Optional;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;

/**
 * Any bytes as an audit file: {@code audit verify} reports, never throws, and never vouches for a
 * changed trail. The reference is a genuine trail of {@value #RECORDS} records written by the real
 * sink; its bytes are also the first committed input. Checked against the genuine trail's last
 * hash, a file that verifies intact from the origin must hold exactly the genuine lines (a
 * cut-short line after them, as a crash leaves, is allowed): the chain's hashes leave no other way.
 */
class AuditVerifyFuzzTest {

  static final int RECORDS = 6;

  private static Path dir;
  private static Path mutated;
  private static byte[] genuine;
  private static String lastHash;

  @BeforeAll
  static void genuineTrail() throws IOException {
    dir = Files.createTempDirectory("audit-fuzz");
    Path written = dir.resolve("written");
    Files.createDirectories(written);
    genuine = Files.readAllBytes(write(written));
    lastHash = AuditChainVerifier.verify(AuditFiles.trailFiles(written, "audit")).lastHash();
    mutated = dir.resolve("audit-mutated.jsonl");
  }

  /** The genuine trail, one file: what the committed input {@code genuine-trail.jsonl} holds. */
  static Path write(Path directory) throws IOException {
    try (FileAuditSink sink = FileAuditSink.builder(directory).build()) {
      for (int i = 1; i <= RECORDS; i++) {
        sink.write(
            simple(i % 3 == 0 ? "block" : "allow", "r" + i),
            IpPrivacy.full(),
            Duration.ofSeconds(30));
      }
    }
    List<Path> files = AuditFiles.trailFiles(directory, "audit");
    assertThat(files).hasSize(1);
    return files.get(0);
  }

  @AfterAll
  static void delete() throws IOException {
    try (var paths = Files.walk(dir)) {
      for (Path p : paths.sorted(java.util.Comparator.reverseOrder()).toList()) {
        Files.deleteIfExists(p);
      }
    }
  }

  @FuzzTest
  void aChangedTrailNeverVerifies(byte[] bytes) throws IOException {
    Files.write(mutated, bytes);

    Result plain = AuditChainVerifier.verify(List.of(mutated));
    Result anchored = AuditChainVerifier.verify(List.of(mutated), Optional.of(lastHash));

    for (Result result : List.of(plain, anchored)) {
      assertThat(result.files()).isEqualTo(1);
      assertThat(result.records()).isBetween(0L, (long) bytes.length);
      // Line 0: no line at all (an empty file does not end with the expected hash).
      result.firstBreak().ifPresent(b -> assertThat(b.line()).isBetween(0L, bytes.length + 1L));
    }
    if (anchored.intact() && anchored.startsAtOrigin()) {
      int end = lastNewline(bytes) + 1;
      assertThat(Arrays.copyOf(bytes, end))
          .as("complete lines of a trail that verifies against the genuine last hash")
          .isEqualTo(genuine);
    }
  }

  private static int lastNewline(byte[] bytes) {
    for (int i = bytes.length - 1; i >= 0; i--) {
      if (bytes[i] == '\n') {
        return i;
      }
    }
    return -1;
  }
}
