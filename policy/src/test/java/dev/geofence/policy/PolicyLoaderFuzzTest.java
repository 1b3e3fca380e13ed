package dev.geofence.policy;

import static org.assertj.core.api.Assertions.assertThat;

import com.code_intelligence.jazzer.junit.FuzzTest;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Instant;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;

/**
 * Any bytes as a policy file: the loader answers with a policy or with diagnostics that name a line
 * and column inside the file, never with another exception. A loaded policy evaluates any origin
 * and model. Hangs and runaway memory are caught by the fuzzer's own time and memory limits. The
 * committed inputs replay in every build; {@code bench/fuzz.sh} fuzzes.
 */
class PolicyLoaderFuzzTest {

  private static Path dir;
  private static Path file;

  @BeforeAll
  static void file() throws IOException {
    dir = Files.createTempDirectory("policy-fuzz");
    file = dir.resolve("policy.yaml");
  }

  @AfterAll
  static void delete() throws IOException {
    Files.deleteIfExists(file);
    Files.deleteIfExists(dir);
  }

  @FuzzTest
  void anyBytesGiveAPolicyOrDiagnostics(byte[] bytes) throws IOException {
    Files.write(file, bytes);

    ValidationReport report = Policy.validate(file);

    // Generous bounds: YAML also breaks lines at NEL and the Unicode separators.
    for (Diagnostic diagnostic : report.diagnostics()) {
      assertThat(diagnostic.file()).isEqualTo(file.toString());
      assertThat(diagnostic.line()).isBetween(1, bytes.length + 1);
      assertThat(diagnostic.column()).isBetween(1, bytes.length + 2);
      assertThat(diagnostic.message()).isNotBlank();
    }
    assertThat(report.policy().isPresent()).isEqualTo(report.errors().isEmpty());
    if (report.policy().isPresent()) {
      Policy policy = report.policy().get();
      Instant now = Instant.parse("2026-06-01T00:00:00Z");
      for (String model : new String[] {"", "gpt-4o", "claude-opus-4", "\u0000"}) {
        assertThat(policy.evaluate(Origin.country("DE"), model, now)).isNotNull();
        assertThat(policy.evaluate(Origin.unknown(), model, now)).isNotNull();
      }
    }
  }
}
