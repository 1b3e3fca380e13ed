package dev.geofence.demo;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.geofence.filter.UsageStoreFailure;
import dev.geofence.filter.address.Cidr;
import dev.geofence.filter.address.TrustedProxies;
import java.io.PrintWriter;
import java.io.StringWriter;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;
import picocli.CommandLine;

class DemoCommandTest {

  @TempDir Path temp;

  @Test
  void noOptions_giveTheDemoDefaults() {
    DemoConfig config = parse();

    assertThat(config.host()).isEqualTo("127.0.0.1");
    assertThat(config.port()).isEqualTo(8080);
    assertThat(config.policy()).isEmpty();
    assertThat(config.geoip()).isEmpty();
    assertThat(config.anonymousDb()).isEmpty();
    assertThat(config.trustedProxies()).isEqualTo(DemoConfig.LOOPBACK);
    assertThat(config.audit()).isEqualTo(Path.of("geofence-audit"));
    assertThat(config.auditSyncInterval()).isEmpty();
    assertThat(config.geofence()).isTrue();
  }

  @ParameterizedTest(name = "{0}")
  @CsvSource({"each-record, -1", "1s, 1000", "250ms, 250", "1m, 60000"})
  void auditDurability_isEachRecordOrAnInterval(String value, long millis) {
    DemoConfig config = parse("--audit-durability", value);

    assertThat(config.auditSyncInterval().map(java.time.Duration::toMillis).orElse(-1L))
        .isEqualTo(millis);
  }

  @Test
  void everyOption_reachesTheConfig() throws Exception {
    Path policy = Files.writeString(temp.resolve("policy.yaml"), "x");
    Path geoip = Files.writeString(temp.resolve("country.mmdb"), "x");
    Path anonymous = Files.writeString(temp.resolve("anon.mmdb"), "x");

    DemoConfig config =
        parse(
            "--port",
            "0",
            "--host",
            "::1",
            "--policy",
            policy.toString(),
            "--geoip",
            geoip.toString(),
            "--anonymous-db",
            anonymous.toString(),
            "--trust-proxy",
            "10.0.0.0/8",
            "--trust-proxy",
            "2001:db8::/32",
            "--audit",
            temp.resolve("trail").toString(),
            "--no-geofence");

    assertThat(config.port()).isZero();
    assertThat(config.host()).isEqualTo("::1");
    assertThat(config.policy()).contains(policy);
    assertThat(config.geoip()).contains(geoip);
    assertThat(config.anonymousDb()).contains(anonymous);
    assertThat(config.trustedProxies())
        .isEqualTo(TrustedProxies.of(Cidr.parse("10.0.0.0/8"), Cidr.parse("2001:db8::/32")));
    assertThat(config.audit()).isEqualTo(temp.resolve("trail"));
    assertThat(config.geofence()).isFalse();
  }

  @Test
  void usageStoreOptions_reachTheConfig() {
    DemoConfig config =
        parse("--usage-store", "redis://127.0.0.1:6390/2", "--usage-store-failure", "block");

    assertThat(config.usageStore()).isEqualTo("redis://127.0.0.1:6390/2");
    assertThat(config.usageStoreFailure()).isEqualTo(UsageStoreFailure.BLOCK);
    assertThat(parse().usageStore()).isEqualTo("local");
    assertThat(parse().usageStoreFailure()).isEqualTo(UsageStoreFailure.LOCAL);
  }

  @Test
  void theBannerNeverShowsTheUsageStoresPassword() {
    assertThat(Banner.withoutPassword("redis://:s3cret@10.0.0.5:6379/1"))
        .isEqualTo("redis://10.0.0.5:6379/1");
    assertThat(Banner.withoutPassword("redis://10.0.0.5:6379")).isEqualTo("redis://10.0.0.5:6379");
  }

  @Test
  void trustProxyNone_trustsNobody() {
    assertThat(parse("--trust-proxy", "none").trustedProxies().isEmpty()).isTrue();
  }

  @ParameterizedTest(name = "{0} {1}")
  @CsvSource(
      delimiter = '|',
      value = {
        "--port         | 70000          | --port 70000 is out of range; expected 0 to 65535",
        "--port         | -1             | --port -1 is out of range",
        "--host         | localhost      | --host 'localhost' is not an IP address",
        "--host         | 10.0.0.0/8     | --host '10.0.0.0/8' is not an IP address",
        "--trust-proxy  | 10.0.0.1/8     | --trust-proxy: '10.0.0.1/8'",
        "--trust-proxy  | example.com    | --trust-proxy: 'example.com' is not a network in CIDR notation",
        "--policy       | no-such.yaml   | --policy 'no-such.yaml' is not a readable file",
        "--geoip        | no-such.mmdb   | --geoip 'no-such.mmdb' is not a readable file",
        "--anonymous-db | no-such.mmdb   | --anonymous-db 'no-such.mmdb' is not a readable file",
        "--audit-durability | always     | --audit-durability 'always' is not valid; expected each-record or an interval",
        "--audit-durability | 0ms        | --audit-durability '0ms' is not valid",
        "--audit-durability | 2m         | --audit-durability '2m' is not valid",
        "--usage-store  | memcached://x:1 | --usage-store: 'memcached://x:1' is not usable",
        "--usage-store-failure | maybe  | --usage-store-failure 'maybe' is not known; expected local, allow or block",
      })
  void badOptionValue_isAUsageErrorNamingTheOptionAndValue(
      String option, String value, String message) {
    Run run = run(option, value);

    assertThat(run.exit).isEqualTo(2);
    assertThat(run.err).contains(message).doesNotContain("Exception", "\tat ");
  }

  @Test
  void trustProxyNoneWithNetworks_isRefused() {
    Run run = run("--trust-proxy", "none", "--trust-proxy", "10.0.0.0/8");

    assertThat(run.exit).isEqualTo(2);
    assertThat(run.err)
        .contains("--trust-proxy none cannot be combined with networks [none, 10.0.0.0/8]");
  }

  @Test
  void auditPathThatIsAFile_isRefused() throws Exception {
    Path file = Files.writeString(temp.resolve("audit.jsonl"), "");

    Run run = run("--audit", file.toString());

    assertThat(run.exit).isEqualTo(2);
    assertThat(run.err).contains("--audit '" + file + "' is a file; give a directory");
  }

  @Test
  void policyWithErrors_exitsWithOneAndListsTheErrors() throws Exception {
    Path policy =
        Files.writeString(temp.resolve("bad.yaml"), "policy: p\nversion: 1\nrules: nope\n");

    Run run =
        run(
            "--policy",
            policy.toString(),
            "--port",
            "0",
            "--audit",
            temp.resolve("trail").toString());

    assertThat(run.exit).isEqualTo(1);
    assertThat(run.err).contains("bad.yaml").doesNotContain("\tat ");
  }

  @Test
  void databaseThatIsNotAMaxMindDb_exitsWithOneNamingTheSetting() throws Exception {
    Path junk = Files.writeString(temp.resolve("junk.mmdb"), "not a database");

    Run run =
        run("--geoip", junk.toString(), "--port", "0", "--audit", temp.resolve("trail").toString());

    assertThat(run.exit).isEqualTo(1);
    assertThat(run.err)
        .contains("filter 'geofence' not started", "geoip-database", "junk.mmdb")
        .doesNotContain("\tat ");
  }

  @Test
  void unknownOption_isAUsageError() {
    Run run = run("--prot", "8080");

    assertThat(run.exit).isEqualTo(2);
    assertThat(run.err).contains("Unknown option", "'--prot'", "bin/demo --help");
  }

  @Test
  void help_listsEveryOptionOfTheIssue() {
    Run run = run("--help");

    assertThat(run.exit).isZero();
    assertThat(run.out)
        .contains(
            "--port",
            "--policy",
            "--geoip",
            "--anonymous-db",
            "--trust-proxy",
            "--audit",
            "--no-geofence",
            "--host",
            "--principal-header",
            "--usage-store",
            "--usage-store-failure");
  }

  private static DemoConfig parse(String... args) {
    DemoCommand command = new DemoCommand();
    new CommandLine(command).parseArgs(args);
    return command.config();
  }

  private record Run(int exit, String out, String err) {}

  private static Run run(String... args) {
    CommandLine cli = DemoCommand.commandLine();
    StringWriter out = new StringWriter();
    StringWriter err = new StringWriter();
    cli.setOut(new PrintWriter(out, true));
    cli.setErr(new PrintWriter(err, true));
    int exit = cli.execute(args);
    return new Run(exit, out.toString(), err.toString());
  }

  @Test
  void trustedProxies_parsesEachValue() {
    assertThat(DemoCommand.trustedProxies(List.of("192.0.2.0/24")))
        .isEqualTo(TrustedProxies.of(Cidr.parse("192.0.2.0/24")));
    assertThatThrownBy(() -> DemoCommand.trustedProxies(List.of("192.0.2.0/33")))
        .isInstanceOf(IllegalArgumentException.class)
        .hasMessageContaining("--trust-proxy: '192.0.2.0/33'");
  }
}
