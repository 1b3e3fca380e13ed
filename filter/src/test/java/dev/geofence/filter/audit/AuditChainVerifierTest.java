package dev.geofence.filter.audit;

import static dev.geofence.filter.audit.AuditFixtures.lines;
import static dev.geofence.filter.audit.AuditFixtures.simple;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.geofence.filter.audit.AuditChainVerifier.Kind;
import dev.geofence.filter.audit.AuditChainVerifier.Result;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Collections;
import java.util.List;
import java.util.Optional;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class AuditChainVerifierTest {

  @TempDir Path dir;

  /** Writes records through the real sink; a small max size gives several files. */
  private List<Path> trail(int records, long maxFileSize) throws IOException {
    try (FileAuditSink sink = FileAuditSink.builder(dir).maxFileSize(maxFileSize).build()) {
      for (int i = 1; i <= records; i++) {
        sink.write(
            simple(i % 3 == 0 ? "block" : "allow", "r" + i),
            IpPrivacy.full(),
            Duration.ofSeconds(30));
      }
    }
    return AuditFiles.trailFiles(dir, "audit");
  }

  private static void rewrite(Path file, List<String> lines) throws IOException {
    Files.write(file, lines, StandardCharsets.UTF_8);
  }

  @Test
  void anIntactTrailAcrossFilesVerifies() throws IOException {
    List<Path> files = trail(30, 4096);
    assertThat(files).hasSizeGreaterThan(2);

    Result result = AuditChainVerifier.verify(files);

    assertThat(result.intact()).isTrue();
    assertThat(result.records()).isEqualTo(30);
    assertThat(result.firstSeq()).isEqualTo(1);
    assertThat(result.lastSeq()).isEqualTo(30);
    assertThat(result.startsAtOrigin()).isTrue();
    assertThat(result.files()).isEqualTo(files.size());
    List<String> last = lines(files.get(files.size() - 1));
    assertThat(result.lastHash())
        .isEqualTo(
            AuditFiles.sha256Hex(
                AuditFiles.sha256(), last.get(last.size() - 1).getBytes(StandardCharsets.UTF_8)));
  }

  @Test
  void aSuffixOfTheTrailVerifiesButDoesNotStartAtTheOrigin() throws IOException {
    List<Path> files = trail(30, 4096);
    Result result = AuditChainVerifier.verify(files.subList(1, files.size()));
    assertThat(result.intact()).isTrue();
    assertThat(result.startsAtOrigin()).isFalse();
    assertThat(result.firstSeq()).isGreaterThan(1);
  }

  @Test
  void anEditedLineIsNamed() throws IOException {
    Path file = trail(5, 1 << 20).get(0);
    List<String> lines = new ArrayList<>(lines(file));
    lines.set(2, lines.get(2).replace("\"action\":\"block\"", "\"action\":\"allow\""));
    rewrite(file, lines);

    Result result = AuditChainVerifier.verify(List.of(file));

    assertThat(result.firstBreak())
        .hasValueSatisfying(
            b -> {
              assertThat(b.kind()).isEqualTo(Kind.EDITED);
              assertThat(b.file()).isEqualTo(file);
              assertThat(b.line()).isEqualTo(3);
            });
  }

  @Test
  void anEditedPrevHashIsBlamedOnItsOwnLine() throws IOException {
    Path file = trail(5, 1 << 20).get(0);
    List<String> lines = new ArrayList<>(lines(file));
    lines.set(2, lines.get(2).replaceFirst("\"prev_hash\":\"[0-9a-f]", "\"prev_hash\":\"x"));
    rewrite(file, lines);

    assertThat(AuditChainVerifier.verify(List.of(file)).firstBreak())
        .hasValueSatisfying(b -> assertThat(b.line()).isEqualTo(3));
  }

  @Test
  void anEditedSeqIsAnEdit() throws IOException {
    Path file = trail(5, 1 << 20).get(0);
    List<String> lines = new ArrayList<>(lines(file));
    lines.set(3, lines.get(3).replace("\"seq\":4", "\"seq\":9"));
    rewrite(file, lines);

    assertThat(AuditChainVerifier.verify(List.of(file)).firstBreak())
        .hasValueSatisfying(
            b -> {
              assertThat(b.kind()).isEqualTo(Kind.EDITED);
              assertThat(b.line()).isEqualTo(4);
            });
  }

  @Test
  void aDeletedLineIsMissing() throws IOException {
    Path file = trail(5, 1 << 20).get(0);
    List<String> lines = new ArrayList<>(lines(file));
    lines.remove(2);
    rewrite(file, lines);

    assertThat(AuditChainVerifier.verify(List.of(file)).firstBreak())
        .hasValueSatisfying(
            b -> {
              assertThat(b.kind()).isEqualTo(Kind.MISSING);
              assertThat(b.line()).isEqualTo(3);
              assertThat(b.detail()).contains("1 record (seq 3) missing");
            });
  }

  @Test
  void swappedLinesAreReordered() throws IOException {
    Path file = trail(5, 1 << 20).get(0);
    List<String> lines = new ArrayList<>(lines(file));
    Collections.swap(lines, 2, 3);
    rewrite(file, lines);

    assertThat(AuditChainVerifier.verify(List.of(file)).firstBreak())
        .hasValueSatisfying(
            b -> {
              assertThat(b.kind()).isEqualTo(Kind.REORDERED);
              assertThat(b.line()).isEqualTo(3);
            });
  }

  @Test
  void aLineMovedBackIsReordered() throws IOException {
    Path file = trail(5, 1 << 20).get(0);
    List<String> lines = new ArrayList<>(lines(file));
    lines.add(lines.remove(1)); // seq 2 moved to the end
    rewrite(file, lines);

    assertThat(AuditChainVerifier.verify(List.of(file)).firstBreak())
        .hasValueSatisfying(b -> assertThat(b.kind()).isEqualTo(Kind.REORDERED));
  }

  @Test
  void aRemovedMiddleFileIsAMissingFile() throws IOException {
    List<Path> files = new ArrayList<>(trail(30, 4096));
    Path removed = files.remove(1);

    assertThat(AuditChainVerifier.verify(files).firstBreak())
        .hasValueSatisfying(
            b -> {
              assertThat(b.kind()).isEqualTo(Kind.MISSING_FILE);
              assertThat(b.file()).isEqualTo(files.get(1));
              assertThat(b.line()).isEqualTo(1);
              assertThat(b.detail()).contains(files.get(0).toString());
            });
    assertThat(removed).exists();
  }

  @Test
  void filesGivenOutOfOrderAreReordered() throws IOException {
    List<Path> files = new ArrayList<>(trail(30, 4096));
    Collections.swap(files, 1, 2);
    assertThat(AuditChainVerifier.verify(files).firstBreak())
        .hasValueSatisfying(b -> assertThat(b.kind()).isEqualTo(Kind.REORDERED));
  }

  @Test
  void aCutShortLastLineIsATruncatedTailNotABreak() throws IOException {
    Path file = trail(5, 1 << 20).get(0);
    Files.write(
        file, "{\"@timestamp\":\"20".getBytes(StandardCharsets.UTF_8), StandardOpenOption.APPEND);

    Result result = AuditChainVerifier.verify(List.of(file));

    assertThat(result.intact()).isTrue();
    assertThat(result.records()).isEqualTo(5);
    assertThat(result.truncatedTail())
        .hasValueSatisfying(
            t -> {
              assertThat(t.kind()).isEqualTo(Kind.TRUNCATED_TAIL);
              assertThat(t.line()).isEqualTo(6);
            });
  }

  @Test
  void aCutShortLineInTheMiddleWithoutARestartRecordIsABreak() throws IOException {
    List<Path> files = trail(30, 4096);
    List<String> lines = new ArrayList<>(lines(files.get(0)));
    String last = lines.remove(lines.size() - 1);
    rewrite(files.get(0), lines);
    Files.write(
        files.get(0),
        last.substring(0, 40).getBytes(StandardCharsets.UTF_8),
        StandardOpenOption.APPEND);

    Result result = AuditChainVerifier.verify(files);

    assertThat(result.firstBreak())
        .hasValueSatisfying(
            b -> {
              assertThat(b.kind()).isEqualTo(Kind.TRUNCATED_TAIL);
              assertThat(b.file()).isEqualTo(files.get(0));
              assertThat(b.line()).isEqualTo(lines.size() + 1);
            });
  }

  @Test
  void aLineThatIsNotARecordIsMalformed() throws IOException {
    Path file = trail(3, 1 << 20).get(0);
    List<String> lines = new ArrayList<>(lines(file));
    lines.add(1, "{\"injected\":true}");
    rewrite(file, lines);

    assertThat(AuditChainVerifier.verify(List.of(file)).firstBreak())
        .hasValueSatisfying(
            b -> {
              assertThat(b.kind()).isEqualTo(Kind.MALFORMED);
              assertThat(b.line()).isEqualTo(2);
            });
  }

  @Test
  void theExpectedLastHashCatchesRemovedTailLines() throws IOException {
    Path file = trail(5, 1 << 20).get(0);
    String anchor = AuditChainVerifier.verify(List.of(file)).lastHash();
    List<String> lines = new ArrayList<>(lines(file));
    lines.remove(lines.size() - 1);
    rewrite(file, lines);

    assertThat(AuditChainVerifier.verify(List.of(file)).intact()).as("without the anchor").isTrue();
    assertThat(AuditChainVerifier.verify(List.of(file), Optional.of(anchor)).firstBreak())
        .hasValueSatisfying(b -> assertThat(b.kind()).isEqualTo(Kind.LAST_HASH_MISMATCH));
    assertThat(
            AuditChainVerifier.verify(
                    List.of(file),
                    Optional.of(AuditChainVerifier.verify(List.of(file)).lastHash().toUpperCase()))
                .intact())
        .isTrue();
  }

  @Test
  void noFilesIsAnError() {
    assertThatThrownBy(() -> AuditChainVerifier.verify(List.of()))
        .isInstanceOf(IllegalArgumentException.class)
        .hasMessageContaining("no audit files");
  }
}
