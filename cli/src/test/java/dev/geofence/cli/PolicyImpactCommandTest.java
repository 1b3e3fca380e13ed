package dev.geofence.cli;

import static org.assertj.core.api.Assertions.assertThat;

import dev.geofence.filter.audit.AuditAction;
import dev.geofence.filter.audit.AuditRecord;
import dev.geofence.filter.audit.IpPrivacy;
import java.net.InetAddress;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Instant;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class PolicyImpactCommandTest {

  @TempDir Path dir;

  private static final String OLD =
      """
      policy: p
      version: 1
      tiers:
        top: [opus*]
        low: [haiku*]
      rules:
        - name: blocked
          where: [IR]
          action: block
        - name: rest
          where: "*"
          allow: top
      """;

  private Path trail() throws Exception {
    StringBuilder text = new StringBuilder();
    String[][] requests = {{"5.5.5.5", "BR"}, {"5.5.5.6", "BR"}, {"6.6.6.6", "US"}};
    Instant t = Instant.parse("2026-12-01T10:00:00Z");
    for (String[] r : requests) {
      text.append(
              AuditRecord.builder()
                  .timestamp(t)
                  .action(AuditAction.ALLOW)
                  .ruleName("rest")
                  .sourceIp(InetAddress.getByName(r[0]))
                  .country(r[1])
                  .requestedModel("opus-4")
                  .build()
                  .toJson(IpPrivacy.full()))
          .append('\n');
    }
    return Files.writeString(dir.resolve("trail.jsonl"), text);
  }

  @Test
  void impact_printsOneRowPerChangedCountry_startingWithTheCode() throws Exception {
    Path old = Files.writeString(dir.resolve("old.yaml"), OLD);
    Path next =
        Files.writeString(
            dir.resolve("new.yaml"),
            OLD.replace("version: 1", "version: 2").replace("[IR]", "[IR, BR]"));

    PolicyCli.Run run =
        PolicyCli.run(
                "policy", "impact", old.toString(), next.toString(), "--audit", trail().toString())
            .assertNoStackTrace();

    assertThat(run.exitCode()).isZero();
    assertThat(run.out().lines())
        .containsExactly(
            "policy p version 1 -> policy p version 2",
            "country  subdivision  tier  from   to     requests  callers  first seen            last seen",
            "BR       -            top   allow  block         2        2  2026-12-01T10:00:00Z  2026-12-01T10:00:00Z",
            "2 of 3 decided requests change outcome");
  }

  @Test
  void impact_asJson_listsTheSameChanges() throws Exception {
    Path old = Files.writeString(dir.resolve("old.yaml"), OLD);
    Path next = Files.writeString(dir.resolve("new.yaml"), OLD.replace("[IR]", "[IR, US]"));

    PolicyCli.Run run =
        PolicyCli.run(
            "policy",
            "impact",
            old.toString(),
            next.toString(),
            "--audit",
            trail().toString(),
            "--json");

    assertThat(run.exitCode()).isZero();
    assertThat(run.out())
        .contains("\"requests\" : 3")
        .contains("\"country\" : \"US\"")
        .contains("\"callers\" : 1")
        .doesNotContain("\"BR\"");
  }

  @Test
  void impact_ofAnInvalidPolicy_namesItsErrors_andExits1() throws Exception {
    Path old = Files.writeString(dir.resolve("old.yaml"), OLD);
    Path bad =
        Files.writeString(dir.resolve("bad.yaml"), OLD.replace("allow: top", "allow: ultra"));

    PolicyCli.Run run =
        PolicyCli.run(
                "policy", "impact", old.toString(), bad.toString(), "--audit", trail().toString())
            .assertNoStackTrace();

    assertThat(run.exitCode()).isEqualTo(1);
    assertThat(run.out()).contains("bad.yaml:").contains("no impact was estimated");
  }

  @Test
  void impact_ofAMissingAuditFile_isAFinding() throws Exception {
    Path old = Files.writeString(dir.resolve("old.yaml"), OLD);

    PolicyCli.Run run =
        PolicyCli.run(
                "policy",
                "impact",
                old.toString(),
                old.toString(),
                "--audit",
                dir.resolve("none.jsonl").toString())
            .assertNoStackTrace();

    assertThat(run.exitCode()).isEqualTo(1);
    assertThat(run.err()).contains("cannot read the audit file");
  }
}
