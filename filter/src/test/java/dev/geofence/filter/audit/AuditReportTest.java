package dev.geofence.filter.audit;

import static org.assertj.core.api.Assertions.assertThat;

import dev.geofence.filter.audit.AuditReport.By;
import dev.geofence.filter.audit.AuditReport.Row;
import dev.geofence.filter.audit.AuditReport.Summary;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.Optional;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class AuditReportTest {

  @TempDir Path dir;
  private List<Path> files;

  private static AuditRecord at(
      String time, String action, String country, String rule, String model) {
    return AuditRecord.builder()
        .timestamp(Instant.parse(time))
        .action(AuditAction.fromLabel(action).orElseThrow())
        .country(country)
        .ruleName(rule)
        .requestedModel(model)
        .build();
  }

  @BeforeEach
  void writeTrail() throws IOException {
    try (FileAuditSink sink = FileAuditSink.builder(dir).build()) {
      for (AuditRecord r :
          List.of(
              at("2026-11-27T10:00:00Z", "allow", "DE", "eu", "large"),
              at("2026-11-28T10:00:00Z", "allow", "DE", "eu", "large"),
              at("2026-11-28T11:00:00Z", "substitute", "DE", "eu", "large"),
              at("2026-11-28T12:00:00Z", "block", "IR", "sanctioned", "small"),
              at("2026-11-28T13:00:00Z", "block", "IR", "sanctioned", "large"),
              at("2026-11-28T14:00:00Z", "error", "", "", ""))) {
        sink.write(r, IpPrivacy.full(), Duration.ofSeconds(30));
      }
    }
    files = AuditFiles.trailFiles(dir, "audit");
    Files.write(files.get(0), "{\"cut".getBytes(StandardCharsets.UTF_8), StandardOpenOption.APPEND);
  }

  @Test
  void countsOutcomesPerCountry() throws IOException {
    Summary s = AuditReport.summarise(files, Optional.empty(), By.COUNTRY);

    assertThat(s.rows())
        .containsExactly(
            new Row("DE", 2, 1, 0, 0),
            new Row("IR", 0, 0, 2, 0),
            new Row(AuditReport.UNKNOWN, 0, 0, 0, 1));
    assertThat(s.total()).isEqualTo(new Row("total", 2, 1, 2, 1));
    assertThat(s.unreadableLines()).isEqualTo(1);
    assertThat(s.first()).contains(Instant.parse("2026-11-27T10:00:00Z"));
    assertThat(s.last()).contains(Instant.parse("2026-11-28T14:00:00Z"));
  }

  @Test
  void groupsByRuleActionAndModel() throws IOException {
    assertThat(AuditReport.summarise(files, Optional.empty(), By.RULE).rows())
        .extracting(Row::key)
        .containsExactly("eu", "sanctioned", AuditReport.UNKNOWN);
    assertThat(AuditReport.summarise(files, Optional.empty(), By.ACTION).rows())
        .containsExactly(
            new Row("allow", 2, 0, 0, 0),
            new Row("block", 0, 0, 2, 0),
            new Row("error", 0, 0, 0, 1),
            new Row("substitute", 0, 1, 0, 0));
    assertThat(AuditReport.summarise(files, Optional.empty(), By.MODEL).rows())
        .contains(new Row("large", 2, 1, 1, 0), new Row("small", 0, 0, 1, 0));
  }

  @Test
  void byModel_countsABatchOnceUnderTheModelsItsEntriesAskedFor() throws IOException {
    Path trail = dir.resolve("batches");
    String longId = "x".repeat(300);
    try (FileAuditSink sink = FileAuditSink.builder(trail).build()) {
      for (AuditRecord r :
          List.of(
              batch("substitute", "opus", "opus", "haiku"),
              batch("substitute", "opus", "haiku", "haiku"),
              batch("block", "opus"),
              batch("allow", "m1", "m2", "m3", "m4", "m5", "m6", "m7"),
              batch("block", longId),
              at("2026-11-28T10:00:00Z", "allow", "DE", "eu", "opus"))) {
        sink.write(r, IpPrivacy.full(), Duration.ofSeconds(30));
      }
    }

    Summary s =
        AuditReport.summarise(AuditFiles.trailFiles(trail, "audit"), Optional.empty(), By.MODEL);

    assertThat(s.rows())
        .containsExactlyInAnyOrder(
            new Row("(batch: opus, haiku)", 0, 2, 0, 0),
            new Row("(batch: opus)", 0, 0, 1, 0),
            new Row("(batch: m1, m2, m3, m4, m5, 2 more)", 1, 0, 0, 0),
            new Row(
                "(batch: "
                    + "x".repeat(40)
                    + "... (truncated, sha256 "
                    + AuditEncoder.sha256(longId).substring(0, 16)
                    + "...))",
                0,
                0,
                1,
                0),
            new Row("opus", 1, 0, 0, 0));
    assertThat(s.total().total()).isEqualTo(6);
  }

  private static AuditRecord batch(String action, String... models) {
    List<AuditRecord.BatchEntry> entries = new java.util.ArrayList<>();
    for (int i = 0; i < models.length; i++) {
      entries.add(new AuditRecord.BatchEntry("req-" + i, models[i], null));
    }
    return at("2026-11-28T10:00:00Z", action, "DE", "eu", "").toBuilder()
        .batchEntries(entries)
        .build();
  }

  @Test
  void sinceLeavesOutOlderRecords() throws IOException {
    Summary s =
        AuditReport.summarise(
            files, Optional.of(Instant.parse("2026-11-28T00:00:00Z")), By.COUNTRY);
    assertThat(s.total().total()).isEqualTo(5);
    assertThat(s.rows().get(0)).isEqualTo(new Row("DE", 1, 1, 0, 0));
  }

  @Test
  void reportsLostRecords() throws IOException {
    Path logback = dir.resolve("from-logback.jsonl");
    String lost =
        new String(
            new AuditEncoder()
                .encodeRecordsLost(
                    Instant.parse("2026-11-29T00:00:00Z"),
                    7,
                    java.util.Map.of(AuditAction.ALLOW, 7L),
                    Instant.parse("2026-11-28T23:00:00Z"),
                    "queue full",
                    Optional.empty()),
            StandardCharsets.UTF_8);
    Files.writeString(logback, AuditFixtures.full().toJson(IpPrivacy.full()) + "\n" + lost + "\n");

    Summary s = AuditReport.summarise(List.of(logback), Optional.empty(), By.ACTION);

    assertThat(s.recordsLost()).isEqualTo(7);
    assertThat(s.total().block()).isEqualTo(1);
  }

  @Test
  void byPrincipal_countsOutcomesPerPrincipalAndCountry_withRecordsWithoutOneUnderNone()
      throws IOException {
    Path trail = dir.resolve("principals");
    try (FileAuditSink sink = FileAuditSink.builder(trail).build()) {
      for (AuditRecord r :
          List.of(
              at("2026-11-28T10:00:00Z", "allow", "DE", "eu", "large").toBuilder()
                  .userId("alice")
                  .build(),
              at("2026-11-28T10:01:00Z", "substitute", "DE", "eu", "large").toBuilder()
                  .userId("alice")
                  .build(),
              at("2026-11-28T10:02:00Z", "block", "IR", "sanctioned", "large").toBuilder()
                  .userId("alice")
                  .build(),
              at("2026-11-28T10:03:00Z", "error", "", "", "").toBuilder().userId("bob").build(),
              at("2026-11-28T10:04:00Z", "allow", "DE", "eu", "large"))) {
        sink.write(r, IpPrivacy.full(), Duration.ofSeconds(30));
      }
    }

    Summary s =
        AuditReport.summarise(
            AuditFiles.trailFiles(trail, "audit"), Optional.empty(), By.PRINCIPAL);

    assertThat(s.rows())
        .containsExactly(
            new Row("alice", "DE", 1, 1, 0, 0),
            new Row(AuditReport.NONE, "DE", 1, 0, 0, 0),
            new Row("alice", "IR", 0, 0, 1, 0),
            new Row("bob", AuditReport.UNKNOWN, 0, 0, 0, 1));
    assertThat(s.total()).isEqualTo(new Row("total", 2, 1, 1, 1));
    assertThat(AuditChainVerifier.verify(AuditFiles.trailFiles(trail, "audit")).intact()).isTrue();
  }
}
