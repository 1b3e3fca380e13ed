package dev.geofence.cli;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import dev.geofence.policy.Origin;
import dev.geofence.policy.Policy;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Set;
import java.util.TreeSet;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

class PolicyRenderCommandTest {

  @TempDir Path dir;

  private static final Pattern SHAPE = Pattern.compile("<g [^>]*data-iso=\"([A-Z]{2})\"([^>]*)>");

  @Test
  void writesTheReport_andSaysWhatItWrote() throws Exception {
    Path html = dir.resolve("policy.html");

    PolicyCli.Run run =
        PolicyCli.run(
            "policy",
            "render",
            PolicyCli.example("policy.yaml").toString(),
            "--at",
            "2026-12-01",
            "-o",
            html.toString());

    assertThat(run.exitCode()).as(run.err()).isZero();
    assertThat(run.out())
        .startsWith("wrote " + html + " (")
        .endsWith(
            " KiB): policy ai-export-controls version 2026-11-28.1 as of"
                + " 2026-12-01T00:00:00Z\n");
    String text = Files.readString(html);
    assertThat(text).startsWith("<!DOCTYPE html>").contains("data-tier=\"frontier\"");
    assertThat(Files.size(html)).isLessThan(2_000_000);
    assertThat(text.toLowerCase()).doesNotContain("http:").doesNotContain("https:");
    assertThat(dir.toFile().list()).containsExactly("policy.html"); // no temporary file left
  }

  @Test
  void dashWritesToStandardOutput() {
    PolicyCli.Run run =
        PolicyCli.run("policy", "render", PolicyCli.example("policy.yaml").toString(), "-o", "-");

    assertThat(run.exitCode()).isZero();
    assertThat(run.out()).startsWith("<!DOCTYPE html>").endsWith("</html>\n");
  }

  @Test
  void everyNamedCountryHasItsOutcome_onEachTiersMap() throws Exception {
    Path html = dir.resolve("policy.html");
    PolicyCli.run(
        "policy",
        "render",
        PolicyCli.example("policy.yaml").toString(),
        "--at",
        "2026-12-01",
        "-o",
        html.toString());
    String text = Files.readString(html);
    Policy policy = Policy.load(PolicyCli.example("policy.yaml"));
    String frontierMap = text.substring(text.indexOf("data-tier=\"frontier\""));
    frontierMap = frontierMap.substring(0, frontierMap.indexOf("</svg>"));

    for (String code : policy.namedCodes()) {
      if (code.length() != 2) {
        continue;
      }
      String expected =
          policy
              .evaluate(
                  Origin.country(code),
                  "claude-opus-4-1",
                  java.time.Instant.parse("2026-12-01T00:00:00Z"))
              .action()
              .label();
      assertThat(frontierMap)
          .as(code)
          .containsPattern("data-iso=\"" + code + "\" data-outcome=\"" + expected + "\"");
    }
  }

  @Test
  void compare_marksExactlyTheCountriesPolicyDiffLists() throws Exception {
    String example = Files.readString(PolicyCli.example("policy.yaml"));
    Path oldFile = Files.writeString(dir.resolve("old.yaml"), example);
    Path newFile =
        Files.writeString(
            dir.resolve("new.yaml"),
            example
                .replace("version: 2026-11-28.1", "version: 2026-12-10.1")
                .replace(
                    "arms-embargoed: [CN, MO, RU, BY, VE]",
                    "arms-embargoed: [CN, MO, RU, BY, VE, BR, IN]")
                .replace("  close-allies: [US,", "  close-allies: [MX, US,")
                .replace("effective-from: 2027-01-15", "effective-from: 2026-12-01"));
    Path html = dir.resolve("changes.html");

    PolicyCli.Run render =
        PolicyCli.run(
            "policy",
            "render",
            newFile.toString(),
            "--compare",
            oldFile.toString(),
            "--at",
            "2026-12-15",
            "-o",
            html.toString());
    PolicyCli.Run diff =
        PolicyCli.run(
            "policy",
            "diff",
            "--json",
            "--at",
            "2026-12-15",
            oldFile.toString(),
            newFile.toString());

    assertThat(render.exitCode()).as(render.err()).isZero();
    assertThat(render.out()).endsWith(", compared with version 2026-11-28.1\n");
    Set<String> listed = new TreeSet<>();
    for (JsonNode change : new ObjectMapper().readTree(diff.out()).get("changes")) {
      listed.add(change.get("code").asText());
    }
    assertThat(listed).containsExactly("AE", "BR", "IN", "MX", "SA");
    String text = Files.readString(html);
    String changeMap = text.substring(text.indexOf("data-map=\"changes\""));
    changeMap = changeMap.substring(0, changeMap.indexOf("</svg>"));
    Set<String> marked = new TreeSet<>();
    Matcher m = SHAPE.matcher(changeMap);
    while (m.find()) {
      if (m.group(2).contains("data-changed=\"true\"")) {
        marked.add(m.group(1));
      }
    }
    assertThat(marked).isEqualTo(listed);
    assertThat(text).contains("<td class=\"mono\">IN</td>");
  }

  @Test
  void aMissingPolicy_namesTheFile_exit1() {
    PolicyCli.Run run =
        PolicyCli.run(
                "policy",
                "render",
                dir.resolve("nope.yaml").toString(),
                "-o",
                dir.resolve("x.html").toString())
            .assertNoStackTrace();

    assertThat(run.exitCode()).isEqualTo(1);
    assertThat(run.out())
        .contains(dir.resolve("nope.yaml") + ":1:1: error: cannot read the file: no such file")
        .contains(dir.resolve("nope.yaml") + ": invalid, 1 error; nothing rendered");
    assertThat(dir.resolve("x.html")).doesNotExist();
  }

  @Test
  void anInvalidPolicy_givesLineAndColumn_exit1() throws Exception {
    Path bad =
        Files.writeString(
            dir.resolve("bad.yaml"),
            Files.readString(PolicyCli.example("policy.yaml"))
                .replace("arms-embargoed: [CN, MO,", "arms-embargoed: [CN, XX,"));

    PolicyCli.Run run =
        PolicyCli.run("policy", "render", bad.toString(), "-o", dir.resolve("x.html").toString())
            .assertNoStackTrace();

    assertThat(run.exitCode()).isEqualTo(1);
    assertThat(run.out())
        .containsPattern(
            Pattern.quote(bad.toString())
                + ":\\d+:\\d+: error: unknown country code 'XX' in region 'arms-embargoed'");
    assertThat(dir.resolve("x.html")).doesNotExist();
  }

  @Test
  void anInvalidPolicyToCompareWith_exit1() throws Exception {
    Path bad = Files.writeString(dir.resolve("old.yaml"), "policy: [");

    PolicyCli.Run run =
        PolicyCli.run(
                "policy",
                "render",
                PolicyCli.example("policy.yaml").toString(),
                "--compare",
                bad.toString(),
                "-o",
                dir.resolve("x.html").toString())
            .assertNoStackTrace();

    assertThat(run.exitCode()).isEqualTo(1);
    assertThat(run.out()).contains(bad + ": invalid, ");
  }

  @ParameterizedTest
  @ValueSource(strings = {"empty", "binary", "big", "deep", "bomb"})
  void malformedInput_givesAClearError_exit1(String kind) throws Exception {
    Path bad = PolicyCli.malformed(dir, kind);

    PolicyCli.Run run =
        PolicyCli.run("policy", "render", bad.toString(), "-o", dir.resolve("x.html").toString())
            .assertNoStackTrace();

    assertThat(run.exitCode()).isEqualTo(1);
    assertThat(run.out()).contains(bad + PolicyCli.messageFor(kind));
  }

  @Test
  void aBadDate_isAUsageError_exit2() {
    PolicyCli.Run run =
        PolicyCli.run(
                "policy",
                "render",
                PolicyCli.example("policy.yaml").toString(),
                "--at",
                "someday",
                "-o",
                dir.resolve("x.html").toString())
            .assertNoStackTrace();

    assertThat(run.exitCode()).isEqualTo(2);
    assertThat(run.err()).contains("'someday' is not a date; expected YYYY-MM-DD (UTC)");
  }

  @Test
  void withoutAnOutput_isAUsageError_exit2() {
    PolicyCli.Run run =
        PolicyCli.run("policy", "render", PolicyCli.example("policy.yaml").toString());

    assertThat(run.exitCode()).isEqualTo(2);
    assertThat(run.err()).contains("Missing required option: '--output=FILE.html'");
  }

  @Test
  void anUnwritableOutput_isOneSentenceNamingTheFile_exit1() throws Exception {
    Path notADirectory = Files.writeString(dir.resolve("file.txt"), "x");
    Path target = notADirectory.resolve("policy.html");

    PolicyCli.Run run =
        PolicyCli.run(
                "policy",
                "render",
                PolicyCli.example("policy.yaml").toString(),
                "-o",
                target.toString())
            .assertNoStackTrace();

    assertThat(run.exitCode()).isEqualTo(1);
    assertThat(run.err())
        .startsWith("geofence: Cannot write the report to " + target + ": ")
        .endsWith(".\n");
    assertThat(run.err().lines()).hasSize(1);
  }

  @Test
  void aMissingOutputDirectory_saysSo_exit1() {
    Path target = dir.resolve("no/such/dir/policy.html");

    PolicyCli.Run run =
        PolicyCli.run(
            "policy",
            "render",
            PolicyCli.example("policy.yaml").toString(),
            "-o",
            target.toString());

    assertThat(run.exitCode()).isEqualTo(1);
    assertThat(run.err())
        .isEqualTo(
            "geofence: Cannot write the report to " + target + ": its directory does not exist.\n");
  }
}
