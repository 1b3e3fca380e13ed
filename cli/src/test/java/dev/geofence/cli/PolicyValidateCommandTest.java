package dev.geofence.cli;

import static org.assertj.core.api.Assertions.assertThat;

import java.nio.file.Files;
import java.nio.file.Path;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

class PolicyValidateCommandTest {

  @TempDir Path dir;

  private static final String VALID =
      "policy: p\nversion: 1\ntiers:\n  top: [a*]\nrules:\n  - name: r\n    where: \"*\"\n    action: allow\n";

  @Test
  void validFile_exits0_withASummary() throws Exception {
    Path file = Files.writeString(dir.resolve("p.yaml"), VALID);

    PolicyCli.Run run = PolicyCli.run("policy", "validate", file.toString());

    assertThat(run.exitCode()).isZero();
    assertThat(run.out()).isEqualTo(file + ": valid, policy p version 1, 1 rule, 0 warnings\n");
  }

  @Test
  void errors_arePrintedAsFileLineColumn_andExit1() throws Exception {
    Path file =
        Files.writeString(
            dir.resolve("p.yaml"),
            VALID.replace("action: allow", "alow: top\n    action: allow\n    where: US"));

    PolicyCli.Run run = PolicyCli.run("policy", "validate", file.toString()).assertNoStackTrace();

    assertThat(run.exitCode()).isEqualTo(1);
    assertThat(run.out().lines())
        .containsExactly(
            file + ":8:5: error: unknown key 'alow' in rule 'r' (did you mean 'allow'?)",
            file + ":10:5: error: duplicate key 'where'; it is already given at line 7, column 5",
            file + ": invalid, 2 errors, 0 warnings");
  }

  @Test
  void warnings_areShown_butExit0() throws Exception {
    Path file = Files.writeString(dir.resolve("p.yaml"), VALID.replace("\"*\"", "US"));

    PolicyCli.Run run = PolicyCli.run("policy", "validate", file.toString());

    assertThat(run.exitCode()).isZero();
    assertThat(run.out().lines())
        .containsExactly(
            file
                + ":5:1: warning: no rule has where: \"*\"; a country that no rule matches is blocked (add a catch-all rule last to decide it explicitly)",
            file + ": valid, policy p version 1, 1 rule, 1 warning");
  }

  @Test
  void severalFiles_eachReported_thenATotal_exit1IfAnyIsInvalid() throws Exception {
    Path good = Files.writeString(dir.resolve("good.yaml"), VALID);
    Path bad = Files.writeString(dir.resolve("bad.yaml"), "policy: [\n");

    PolicyCli.Run run = PolicyCli.run("policy", "validate", good.toString(), bad.toString());

    assertThat(run.exitCode()).isEqualTo(1);
    assertThat(run.out())
        .contains(good + ": valid")
        .contains(bad + ": invalid, 1 error")
        .endsWith("2 files: 1 valid, 1 invalid\n");
  }

  @ParameterizedTest
  @ValueSource(strings = {"empty", "binary", "big", "deep", "bomb"})
  void malformedInput_givesAClearError_exit1_noStackTrace(String kind) throws Exception {
    Path file = PolicyCli.malformed(dir, kind);

    PolicyCli.Run run = PolicyCli.run("policy", "validate", file.toString()).assertNoStackTrace();

    assertThat(run.exitCode()).isEqualTo(1);
    assertThat(run.out()).contains(file + PolicyCli.messageFor(kind));
  }

  @Test
  void missingFileAndDirectory_areErrors_exit1() {
    PolicyCli.Run run =
        PolicyCli.run("policy", "validate", dir.resolve("none.yaml").toString(), dir.toString())
            .assertNoStackTrace();

    assertThat(run.exitCode()).isEqualTo(1);
    assertThat(run.out())
        .contains("none.yaml:1:1: error: cannot read the file: no such file")
        .contains(dir + ":1:1: error: cannot read the file");
  }

  @Test
  void usageErrors_exit2_andHelpExits0() {
    assertThat(PolicyCli.run("policy", "validate").exitCode()).isEqualTo(2);
    assertThat(PolicyCli.run("policy").exitCode()).isEqualTo(2);
    assertThat(PolicyCli.run("policy", "frobnicate").exitCode()).isEqualTo(2);
    PolicyCli.Run help = PolicyCli.run("policy", "validate", "--help");
    assertThat(help.exitCode()).isZero();
    assertThat(help.out()).contains("Usage: geofence policy validate").contains("FILE:LINE:COL");
    assertThat(PolicyCli.run("policy", "--help").out()).contains("validate", "test", "diff");
  }
}
