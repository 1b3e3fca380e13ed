package dev.geofence.cli;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.nio.file.Files;
import java.nio.file.Path;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

class PolicyDiffCommandTest {

  @TempDir Path dir;

  private Path oldFile;
  private Path newFile;

  private void write() throws Exception {
    String example = Files.readString(PolicyCli.example("policy.yaml"));
    oldFile = Files.writeString(dir.resolve("old.yaml"), example);
    newFile =
        Files.writeString(
            dir.resolve("new.yaml"),
            example
                .replace("version: 2026-11-28.1", "version: 2026-12-10.1")
                .replace(
                    "arms-embargoed: [CN, MO, RU, BY, VE]",
                    "arms-embargoed: [CN, MO, RU, BY, VE, BR]")
                .replace("effective-from: 2027-01-15", "effective-from: 2026-12-01"));
  }

  @Test
  void printsOnlyChanges_groupedByCode_exit0() throws Exception {
    write();

    PolicyCli.Run run =
        PolicyCli.run(
            "policy", "diff", oldFile.toString(), newFile.toString(), "--at", "2026-12-15");

    assertThat(run.exitCode()).isZero();
    assertThat(run.out())
        .isEqualTo(
            "--- "
                + oldFile
                + " (policy ai-export-controls version 2026-11-28.1)\n"
                + "+++ "
                + newFile
                + " (policy ai-export-controls version 2026-12-10.1)\n"
                + "as of 2026-12-15T00:00:00Z\n"
                + "AE  frontier    substitute(claude-sonnet-4) -> substitute(claude-haiku-4)\n"
                + "AE  advanced    allow -> substitute(claude-haiku-4)\n"
                + "\n"
                + "BR  frontier    substitute(claude-sonnet-4) -> block\n"
                + "BR  advanced    allow -> block\n"
                + "BR  standard    allow -> block\n"
                + "BR  (no model)  allow -> block\n"
                + "\n"
                + "SA  frontier    substitute(claude-sonnet-4) -> substitute(claude-haiku-4)\n"
                + "SA  advanced    allow -> substitute(claude-haiku-4)\n"
                + "8 changes for 3 codes\n");
  }

  @Test
  void atADateBeforeTheChange_onlyTheUndatedChangesShow() throws Exception {
    write();

    PolicyCli.Run run =
        PolicyCli.run(
            "policy",
            "diff",
            oldFile.toString(),
            newFile.toString(),
            "--at",
            "2026-11-30T23:59:59Z");

    assertThat(run.out())
        .contains("BR  frontier")
        .doesNotContain("AE ")
        .endsWith("4 changes for 1 code\n");
  }

  @Test
  void exitCodeFlag_exits1OnChanges_and0WithoutThem() throws Exception {
    write();

    assertThat(
            PolicyCli.run("policy", "diff", "--exit-code", oldFile.toString(), newFile.toString())
                .exitCode())
        .isEqualTo(1);
    PolicyCli.Run same =
        PolicyCli.run("policy", "diff", "--exit-code", oldFile.toString(), oldFile.toString());
    assertThat(same.exitCode()).isZero();
    assertThat(same.out())
        .endsWith("as of " + same.out().lines().toList().get(2).substring(6) + "\nno changes\n");
  }

  @Test
  void json_isMachineReadable() throws Exception {
    write();

    PolicyCli.Run run =
        PolicyCli.run(
            "policy",
            "diff",
            "--json",
            "--at",
            "2026-12-15",
            oldFile.toString(),
            newFile.toString());

    assertThat(run.exitCode()).isZero();
    JsonNode json = new ObjectMapper().readTree(run.out());
    assertThat(json.get("at").asText()).isEqualTo("2026-12-15T00:00:00Z");
    assertThat(json.get("old").get("version").asText()).isEqualTo("2026-11-28.1");
    assertThat(json.get("new").get("sha256").asText()).hasSize(64);
    assertThat(json.get("changes")).hasSize(8);
    JsonNode br = json.get("changes").get(2);
    assertThat(br.get("code").asText()).isEqualTo("BR");
    assertThat(br.get("tier").asText()).isEqualTo("frontier");
    assertThat(br.get("old").asText()).isEqualTo("substitute(claude-sonnet-4)");
    assertThat(br.get("new").asText()).isEqualTo("block");
    assertThat(br.get("oldRule").asText()).isEqualTo("rest-of-world");
    assertThat(br.get("newRule").asText()).isEqualTo("embargoed");
  }

  @ParameterizedTest
  @ValueSource(strings = {"empty", "binary", "big", "deep", "bomb"})
  void malformedInput_givesAClearError_exit1(String kind) throws Exception {
    write();
    Path bad = PolicyCli.malformed(dir, kind);

    PolicyCli.Run run =
        PolicyCli.run("policy", "diff", oldFile.toString(), bad.toString()).assertNoStackTrace();

    assertThat(run.exitCode()).isEqualTo(1);
    assertThat(run.out()).contains(bad + PolicyCli.messageFor(kind)).contains("nothing compared");
  }

  @Test
  void usageErrors_exit2() throws Exception {
    write();
    assertThat(PolicyCli.run("policy", "diff", oldFile.toString()).exitCode()).isEqualTo(2);
    assertThat(
            PolicyCli.run(
                    "policy", "diff", "--at", "31/12/2027", oldFile.toString(), newFile.toString())
                .exitCode())
        .isEqualTo(2);
    assertThat(PolicyCli.run("policy", "diff", "--help").out())
        .contains("--exit-code", "--json", "--at=DATE");
  }

  private static final String CAPPED =
      """
      policy: capped
      version: "1"
      tiers:
        frontier: [opus*]
        advanced: [sonnet*]
        standard: [haiku*]
      rules:
        - name: capped
          where: [CN]
          allow: standard
          monitor:
            usage-limit: LIMIT
        - name: rest
          where: "*"
          action: block
      """;

  /** The capped policy twice, its monitor mapping's lines from usage-limit on as given. */
  private void writeCapped(String oldMonitor, String newMonitor) throws Exception {
    oldFile = Files.writeString(dir.resolve("old.yaml"), CAPPED.replace("LIMIT", oldMonitor));
    newFile = Files.writeString(dir.resolve("new.yaml"), CAPPED.replace("LIMIT", newMonitor));
  }

  @Test
  void aChangedUsageLimit_isAChange_showingTheMonitoringBeforeAndAfter() throws Exception {
    writeCapped("5/1m", "10/1m\n      over-usage: flag\n      alert-countries: 2");

    PolicyCli.Run text = PolicyCli.run("policy", "diff", oldFile.toString(), newFile.toString());
    PolicyCli.Run json =
        PolicyCli.run("policy", "diff", oldFile.toString(), newFile.toString(), "--json");

    assertThat(text.exitCode()).isZero();
    assertThat(text.out())
        .endsWith(
            "CN  standard    allow -> allow  (monitor: 5/1m block -> 10/1m flag, alert 2"
                + " countries/1m)\n"
                + "CN  (no model)  allow -> allow  (monitor: 5/1m block -> 10/1m flag, alert 2"
                + " countries/1m)\n"
                + "2 changes for 1 code\n");
    JsonNode row = new ObjectMapper().readTree(json.out()).get("changes").get(0);
    assertThat(row.get("old").asText()).isEqualTo("allow");
    assertThat(row.get("oldMonitor").asText()).isEqualTo("5/1m block");
    assertThat(row.get("newMonitor").asText()).isEqualTo("10/1m flag, alert 2 countries/1m");
  }

  @Test
  void theSameLimitSpelledOtherwise_isNoChange() throws Exception {
    writeCapped("60/1m", "60/60s\n      over-usage: block\n      audit: true");

    PolicyCli.Run run = PolicyCli.run("policy", "diff", oldFile.toString(), newFile.toString());

    assertThat(run.out()).endsWith("no changes\n");
  }
}
