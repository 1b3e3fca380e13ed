package dev.geofence.cli;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import dev.geofence.filter.audit.AuditAction;
import dev.geofence.filter.audit.AuditRecord;
import dev.geofence.filter.audit.FileAuditSink;
import dev.geofence.filter.audit.IpPrivacy;
import java.io.IOException;
import java.io.PrintWriter;
import java.io.StringWriter;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.stream.Stream;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

class AuditCommandTest {

  @TempDir Path dir;
  private List<Path> files;
  private final StringWriter out = new StringWriter();
  private final StringWriter err = new StringWriter();

  @BeforeEach
  void writeTrail() throws IOException {
    String[][] decisions = {
      {"2026-11-27T10:00:00Z", "allow", "DE", "eu", "large"},
      {"2026-11-28T10:00:00Z", "allow", "DE", "eu", "large"},
      {"2026-11-28T11:00:00Z", "substitute", "DE", "eu", "large"},
      {"2026-11-28T12:00:00Z", "block", "IR", "sanctioned", "small"},
    };
    try (FileAuditSink sink = FileAuditSink.builder(dir).maxFileSize(4096).build()) {
      for (int i = 0; i < 20; i++) {
        String[] d = decisions[i % decisions.length];
        sink.write(
            AuditRecord.builder()
                .timestamp(Instant.parse(d[0]))
                .action(AuditAction.fromLabel(d[1]).orElseThrow())
                .country(d[2])
                .ruleName(d[3])
                .requestedModel(d[4])
                .requestId("r" + i)
                .build(),
            IpPrivacy.full(),
            Duration.ofSeconds(30));
      }
    }
    try (Stream<Path> list = Files.list(dir)) {
      files = list.sorted().toList();
    }
    assertThat(files).hasSizeGreaterThan(2);
  }

  private int run(String... args) {
    return Main.run(args, new PrintWriter(out), new PrintWriter(err));
  }

  private String[] withFiles(List<Path> paths, String... args) {
    List<String> all = new ArrayList<>(List.of(args));
    paths.forEach(p -> all.add(p.toString()));
    return all.toArray(new String[0]);
  }

  @Test
  void verifyExitsZeroWhenTheChainHolds() {
    assertThat(run(withFiles(files, "audit", "verify"))).isZero();
    assertThat(out.toString())
        .startsWith("OK 20 records in " + files.size() + " files, seq 1 to 20, from the start")
        .containsPattern("last hash [0-9a-f]{64}");
  }

  @Test
  void verifyAndReportShowARecordWhoseModelIdWasWrittenShortened() throws IOException {
    Path trail = Files.createDirectory(dir.resolve("long"));
    String longId = "claude-" + "x".repeat(2041);
    try (FileAuditSink sink = FileAuditSink.builder(trail).build()) {
      for (String model : List.of(longId, longId + "y", "claude-haiku-4")) {
        sink.write(
            AuditRecord.builder()
                .action(AuditAction.BLOCK)
                .country("BR")
                .requestedModel(model)
                .build(),
            IpPrivacy.full(),
            Duration.ofSeconds(30));
      }
    }
    List<Path> longFiles;
    try (Stream<Path> list = Files.list(trail)) {
      longFiles = list.sorted().toList();
    }

    assertThat(run(withFiles(longFiles, "audit", "verify"))).isZero();
    assertThat(out.toString())
        .contains("2 records carry a model id written shortened")
        .contains("SHA-256 of the whole id");

    out.getBuffer().setLength(0);
    assertThat(run(withFiles(longFiles, "audit", "report", "--by", "model"))).isZero();
    // Two ids that share their first 256 characters stay two rows: the hash tells them apart.
    assertThat(out.toString().lines().filter(l -> l.contains("(truncated, sha256 ")))
        .hasSize(2)
        .allSatisfy(l -> assertThat(l).startsWith("claude-xxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxx..."));
    assertThat(out.toString()).contains("claude-haiku-4");
  }

  @Test
  void verifyNamesTheFileAndLineOfAnEdit() throws IOException {
    Path file = files.get(1);
    List<String> lines = new ArrayList<>(Files.readAllLines(file));
    lines.set(1, lines.get(1).replace("\"country_iso_code\":\"", "\"country_iso_code\":\"X"));
    Files.write(file, lines);

    assertThat(run(withFiles(files, "audit", "verify"))).isEqualTo(Main.FINDING);
    assertThat(out.toString()).startsWith("BROKEN " + file + " line 2: edited:");
  }

  @Test
  void verifyReportsAMissingMiddleFile() {
    List<Path> gap = new ArrayList<>(files);
    gap.remove(1);
    assertThat(run(withFiles(gap, "audit", "verify"))).isEqualTo(Main.FINDING);
    assertThat(out.toString()).startsWith("BROKEN " + gap.get(1) + " line 1: missing file:");
  }

  @Test
  void verifyTellsATruncatedTailApartAndStrictFailsOnIt() throws IOException {
    Path last = files.get(files.size() - 1);
    Files.write(
        last, "{\"@timestamp\":".getBytes(StandardCharsets.UTF_8), StandardOpenOption.APPEND);

    assertThat(run(withFiles(files, "audit", "verify"))).isZero();
    assertThat(out.toString()).contains("TRUNCATED TAIL " + last).doesNotContain("BROKEN");
    assertThat(run(withFiles(files, "audit", "verify", "--strict"))).isEqualTo(Main.FINDING);
  }

  @Test
  void verifyChecksTheExpectedLastHash() {
    run(withFiles(files, "audit", "verify"));
    String hash = out.toString().replaceAll("(?s).*last hash ([0-9a-f]{64}).*", "$1");

    assertThat(run(withFiles(files, "audit", "verify", "--expect-last-hash", hash))).isZero();
    assertThat(
            run(
                withFiles(
                    files.subList(0, files.size() - 1),
                    "audit",
                    "verify",
                    "--expect-last-hash",
                    hash)))
        .isEqualTo(Main.FINDING);
    assertThat(out.toString()).contains("last hash mismatch");
  }

  @Test
  void verifyRejectsABadHashAsAUsageError() {
    assertThat(run(withFiles(files, "audit", "verify", "--expect-last-hash", "abc")))
        .isEqualTo(Main.USAGE);
    assertThat(err.toString()).contains("'abc' is not a SHA-256");
  }

  @Test
  void aMissingFileIsAFindingWithoutAStackTrace() {
    assertThat(run("audit", "verify", dir.resolve("nope.jsonl").toString()))
        .isEqualTo(Main.FINDING);
    assertThat(err.toString())
        .contains("cannot read the audit file")
        .contains("nope.jsonl")
        .doesNotContain("Exception");
    assertThat(run("audit", "report", dir.resolve("nope.jsonl").toString()))
        .isEqualTo(Main.FINDING);
  }

  @Test
  void noFilesOrNoSubcommandIsAUsageError() {
    assertThat(run("audit", "verify")).isEqualTo(Main.USAGE);
    assertThat(run("audit")).isEqualTo(Main.USAGE);
    assertThat(err.toString()).contains("Missing subcommand");
  }

  @Test
  void reportByPrincipalPrintsARowPerPrincipalAndCountry_andNoneForRecordsWithout()
      throws IOException {
    String[][] decisions = {
      {"allow", "US", "key-alice"},
      {"allow", "US", "key-alice"},
      {"block", "IR", "key-alice"},
      {"substitute", "BR", "key-bob"},
      {"allow", "US", ""},
    };
    List<AuditRecord> records = new ArrayList<>();
    for (String[] d : decisions) {
      records.add(principalRecord(AuditAction.fromLabel(d[0]).orElseThrow(), d[1], d[2]).build());
    }
    List<Path> trailFiles = trail("principals", records);

    assertThat(run(withFiles(trailFiles, "audit", "report", "--by", "principal"))).isZero();

    assertThat(out.toString().lines().limit(6))
        .containsExactly(
            "principal  country     allow  substitute     block     error     total",
            "key-alice  US              2           0         0         0         2",
            "(none)     US              1           0         0         0         1",
            "key-alice  IR              0           0         1         0         1",
            "key-bob    BR              0           1         0         0         1",
            "total                      3           1         1         0         5");
    out.getBuffer().setLength(0);
    assertThat(run(withFiles(trailFiles, "audit", "report", "--by", "principal", "--json")))
        .isZero();
    assertThat(out.toString()).contains("\"key\" : \"key-bob\",\n    \"country\" : \"BR\"");
  }

  @Test
  void reportCountsUsageAlertsApartFromRequests_andSaysNothingOfThemWhenThereAreNone()
      throws IOException {
    List<Path> trailFiles =
        trail(
            "alerts",
            List.of(
                principalRecord(AuditAction.ALLOW, "BR", "key-dave").build(),
                principalRecord(AuditAction.ALERT, "IN", "key-dave")
                    .ruleName("rest-of-world")
                    .usage(new AuditRecord.Usage("5/1m", List.of("BR", "IN"), "1m"))
                    .build()));

    assertThat(run(withFiles(trailFiles, "audit", "report", "--by", "principal"))).isZero();

    assertThat(out.toString())
        .contains("key-dave   BR              1           0         0         0         1")
        .doesNotContain("key-dave   IN")
        .contains("usage alerts (usage-alert lines): 1");
    out.getBuffer().setLength(0);
    assertThat(run(withFiles(files, "audit", "report"))).isZero();
    assertThat(out.toString()).doesNotContain("usage alerts");
  }

  @Test
  void reportByPrincipalWidensTheCountryColumnForACallerWithoutCountry() throws IOException {
    List<Path> trailFiles =
        trail(
            "no-country",
            List.of(
                principalRecord(AuditAction.ALLOW, "", "key-carol").build(),
                principalRecord(AuditAction.ALLOW, "BR", "key-carol").build()));

    assertThat(run(withFiles(trailFiles, "audit", "report", "--by", "principal"))).isZero();

    assertThat(out.toString().lines().limit(3))
        .containsExactlyInAnyOrder(
            "principal  country       allow  substitute     block     error     total",
            "key-carol  (unknown)         1           0         0         0         1",
            "key-carol  BR                1           0         0         0         1");
  }

  @Test
  void reportPrintsATableOfOutcomesPerCountry() {
    assertThat(run(withFiles(files, "audit", "report"))).isZero();
    assertThat(out.toString().lines().limit(4))
        .containsExactly(
            "country     allow  substitute     block     error     total",
            "DE             10           5         0         0        15",
            "IR              0           0         5         0         5",
            "total          10           5         5         0        20");
    assertThat(out.toString()).contains("period: 2026-11-27T10:00:00Z to 2026-11-28T12:00:00Z");
  }

  @Test
  void reportGroupsByRuleSinceATimeAsJson() throws IOException {
    assertThat(
            run(
                withFiles(
                    files, "audit", "report", "--by", "RULE", "--since", "2026-11-28", "--json")))
        .isZero();
    JsonNode json = new ObjectMapper().readTree(out.toString());
    assertThat(json.at("/by").asText()).isEqualTo("rule");
    assertThat(json.at("/since").asText()).isEqualTo("2026-11-28T00:00:00Z");
    assertThat(json.at("/rows/0/key").asText()).isEqualTo("eu");
    assertThat(json.at("/rows/0/allow").asLong()).isEqualTo(5);
    assertThat(json.at("/rows/0/substitute").asLong()).isEqualTo(5);
    assertThat(json.at("/total/total").asLong()).isEqualTo(15);
    assertThat(json.at("/records_lost").asLong()).isZero();
  }

  @ParameterizedTest
  @ValueSource(strings = {"--by=region", "--since=yesterday"})
  void reportRejectsBadOptionsAsUsageErrors(String option) {
    assertThat(run(withFiles(files, "audit", "report", option))).isEqualTo(Main.USAGE);
    assertThat(err.toString())
        .containsAnyOf("expected one of country, rule, action, model", "expected an ISO-8601");
  }

  /** A record of one decision for a principal in a country, at a fixed time. */
  private static AuditRecord.Builder principalRecord(
      AuditAction action, String country, String principal) {
    return AuditRecord.builder()
        .timestamp(Instant.parse("2026-11-28T10:00:00Z"))
        .action(action)
        .country(country)
        .userId(principal);
  }

  /** Writes the records to a new chained trail named {@code name}; its files, oldest first. */
  private List<Path> trail(String name, List<AuditRecord> records) throws IOException {
    Path trail = dir.resolve(name);
    try (FileAuditSink sink = FileAuditSink.builder(trail).build()) {
      for (AuditRecord record : records) {
        sink.write(record, IpPrivacy.full(), Duration.ofSeconds(30));
      }
    }
    try (Stream<Path> list = Files.list(trail)) {
      return list.sorted().toList();
    }
  }
}
