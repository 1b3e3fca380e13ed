package dev.geofence.cli;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import dev.geofence.mmdb.GeoIp2Records;
import dev.geofence.mmdb.GeoIp2Records.AnonymousFlag;
import dev.geofence.mmdb.MmdbWriter;
import java.io.IOException;
import java.io.PrintWriter;
import java.io.StringWriter;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

/** {@code geofence explain} on the repository's example policy and a writer-made database. */
class ExplainCommandTest {

  private static final Path POLICY = Path.of("..", "examples", "policy.yaml");

  /** Before the dated gulf rule of the example policy takes effect. */
  private static final String AT = "2026-11-28";

  @TempDir Path dir;

  private Path country;
  private Path anonymous;
  private final StringWriter out = new StringWriter();
  private final StringWriter err = new StringWriter();

  @BeforeEach
  void databases() throws IOException {
    country = dir.resolve("country.mmdb");
    MmdbWriter.builder()
        .databaseType("GeoIP2-Country")
        .build()
        .insert("36.96.0.0/11", GeoIp2Records.country("CN"))
        .insert("152.240.0.0/12", GeoIp2Records.country("BR"))
        .insert("6.0.0.0/8", GeoIp2Records.country("US"))
        .insert("2.48.0.0/14", GeoIp2Records.country("AE"))
        .write(country);
    anonymous = dir.resolve("anonymous.mmdb");
    MmdbWriter.builder()
        .databaseType("GeoIP2-Anonymous-IP")
        .build()
        .insert("6.6.6.0/24", GeoIp2Records.anonymousIp(AnonymousFlag.ANONYMOUS_VPN))
        .write(anonymous);
  }

  private int run(String... args) {
    List<String> all =
        new ArrayList<>(
            List.of(
                "explain",
                "--policy",
                POLICY.toString(),
                "--geoip",
                country.toString(),
                "--anonymous-db",
                anonymous.toString()));
    all.addAll(List.of(args));
    if (!all.contains("--at")) {
      all.addAll(List.of("--at", AT));
    }
    return Main.run(all.toArray(String[]::new), new PrintWriter(out), new PrintWriter(err));
  }

  private JsonNode json(String... args) throws IOException {
    List<String> all = new ArrayList<>(List.of(args));
    all.add("--json");
    run(all.toArray(String[]::new));
    return new ObjectMapper().readTree(out.toString());
  }

  @ParameterizedTest(name = "{0} asking for {1}: {2}")
  @CsvSource(
      nullValues = "-",
      value = {
        // ip,        model,            action,     country, rule,          effective model
        "6.0.0.1,     claude-opus-4,    allow,      US,      allies,        claude-opus-4",
        "152.240.0.1, claude-opus-4,    substitute, BR,      rest-of-world, claude-sonnet-4",
        "152.240.0.1, claude-sonnet-4,  allow,      BR,      rest-of-world, claude-sonnet-4",
        "36.96.0.1,   claude-haiku-4,   block,      CN,      embargoed,     -",
        "2.48.0.1,    claude-sonnet-4,  allow,      AE,      rest-of-world, claude-sonnet-4",
        "192.0.2.1,   claude-haiku-4,   allow,      -,       unknown,       claude-haiku-4",
        "192.0.2.1,   claude-opus-4,    block,      -,       unknown,       -",
        "6.6.6.6,     claude-haiku-4,   block,      US,      anonymous,     -",
      })
  void json_givesTheDecisionOfTheFiltersEngine(
      String ip, String model, String action, String countryCode, String rule, String effective)
      throws IOException {
    JsonNode decision = json("--ip", ip, "--model", model);

    assertThat(decision.path("action").asText()).isEqualTo(action);
    assertThat(decision.path("country").isNull() ? null : decision.path("country").asText())
        .isEqualTo(countryCode);
    assertThat(decision.path("rule").asText()).isEqualTo(rule);
    assertThat(decision.path("requested_model").asText()).isEqualTo(model);
    assertThat(
            decision.path("effective_model").isNull()
                ? null
                : decision.path("effective_model").asText())
        .isEqualTo(effective);
    assertThat(decision.path("steps").size()).isGreaterThan(3);
  }

  @Test
  void allow_printsEveryStepAndExitsZero() {
    int exit = run("--ip", "6.0.0.1", "--model", "claude-opus-4");

    assertThat(exit).as(err.toString()).isZero();
    assertThat(out.toString())
        .contains("address", "the caller is the TCP peer 6.0.0.1")
        .contains("lookup", "country US")
        .contains("model", "claude-opus-4 is in tier frontier")
        .contains("rule sanctioned", "rule embargoed", "rule allies")
        .contains("outcome: allow claude-opus-4 (frontier), rule allies");
  }

  @Test
  void substitute_namesBothModelsAndTiers() {
    int exit = run("--ip", "152.240.0.1", "--model", "claude-opus-4");

    assertThat(exit).isZero();
    assertThat(out.toString())
        .contains(
            "outcome: substitute claude-opus-4 (frontier) -> claude-sonnet-4 (advanced), rule rest-of-world");
  }

  @Test
  void block_exitsOneAndSaysWhichRule() {
    int exit = run("--ip", "36.96.0.1", "--model", "claude-haiku-4");

    assertThat(exit).isEqualTo(1);
    assertThat(out.toString())
        .contains("country CN", "outcome: block claude-haiku-4 (standard), rule embargoed");
  }

  @Test
  void unknown_addressNotInTheDatabase_isDecidedByTheUnknownSection() {
    int exit = run("--ip", "192.0.2.1", "--model", "claude-haiku-4");

    assertThat(exit).isZero();
    assertThat(out.toString())
        .contains("not in the database", "outcome: allow claude-haiku-4 (standard), rule unknown");
  }

  @Test
  void anonymous_callerFlaggedByTheAnonymousDatabase_isBlocked() {
    int exit = run("--ip", "6.6.6.6", "--model", "claude-haiku-4");

    assertThat(exit).isEqualTo(1);
    assertThat(out.toString()).contains("anonymous_vpn", "rule anonymous");
  }

  @Test
  void forgedHeaderFromAnUntrustedPeer_isIgnored() throws IOException {
    JsonNode decision =
        json(
            "--peer",
            "36.96.0.1",
            "--header",
            "X-Forwarded-For: 6.0.0.1",
            "--model",
            "claude-opus-4");

    assertThat(decision.path("client_ip").asText()).isEqualTo("36.96.0.1");
    assertThat(decision.path("address_source").asText()).isEqualTo("peer");
    assertThat(decision.path("country").asText()).isEqualTo("CN");
    assertThat(decision.path("action").asText()).isEqualTo("block");
    assertThat(decision.path("proxy_header").asText()).isEqualTo("ignored");
  }

  @Test
  void forgedHeaderFromAPeerOutsideTheTrustedProxies_isIgnoredAndSaidSo() {
    int exit =
        run(
            "--peer",
            "36.96.0.1",
            "--trust-proxy",
            "10.0.0.0/8",
            "--header",
            "X-Forwarded-For: 6.0.0.1",
            "--model",
            "claude-opus-4");

    assertThat(exit).isEqualTo(1);
    assertThat(out.toString())
        .contains(
            "the caller is the TCP peer 36.96.0.1 (not a trusted proxy, so X-Forwarded-For is ignored)")
        .contains(
            "note: the X-Forwarded-For header was ignored: the peer 36.96.0.1 is not a trusted proxy")
        .contains("outcome: block claude-opus-4 (frontier), rule embargoed");
  }

  @Test
  void paddingLeftOfTheProxyEntry_isNeverRead() throws IOException {
    JsonNode decision =
        json(
            "--peer",
            "10.0.0.5",
            "--trust-proxy",
            "10.0.0.0/8",
            "--header",
            "X-Forwarded-For: " + "6.0.0.1, ".repeat(100) + "36.96.0.1",
            "--model",
            "claude-haiku-4");

    assertThat(decision.path("client_ip").asText()).isEqualTo("36.96.0.1");
    assertThat(decision.path("country").asText()).isEqualTo("CN");
    assertThat(decision.path("action").asText()).isEqualTo("block");
    assertThat(decision.path("rule").asText()).isEqualTo("embargoed");
  }

  @Test
  void unresolvableForwardingHeader_isRefusedBeforeAnyRule() {
    int exit =
        run(
            "--peer",
            "10.0.0.5",
            "--trust-proxy",
            "10.0.0.0/8",
            "--proxy-header",
            "Forwarded",
            "--header",
            "Forwarded: for=\"36.96.0.1",
            "--model",
            "claude-haiku-4");

    assertThat(exit).isEqualTo(1);
    assertThat(out.toString())
        .contains("the caller is unresolvable (malformed_element)")
        .contains("outcome: refuse before any rule: 400 address_unresolvable")
        .doesNotContain("rule unknown");
  }

  @Test
  void modelIdOutsideTheGrammar_isRefusedBeforeAnyRule() {
    int exit = run("--ip", "152.240.0.1", "--model", "claude-sonnet-4/../claude-opus-4");

    assertThat(exit).isEqualTo(1);
    assertThat(out.toString())
        .contains(
            "not a model id the policy accepts: The model id 'claude-sonnet-4/../claude-opus-4'")
        .contains("outcome: refuse before any rule: 400 model_invalid");
  }

  @Test
  void headerFromATrustedProxy_namesTheCaller() throws IOException {
    JsonNode decision =
        json(
            "--peer",
            "10.0.0.5",
            "--trust-proxy",
            "10.0.0.0/8",
            "--header",
            "X-Forwarded-For: 152.240.0.1, 10.0.0.7",
            "--model",
            "claude-opus-4");

    assertThat(decision.path("client_ip").asText()).isEqualTo("152.240.0.1");
    assertThat(decision.path("address_source").asText()).isEqualTo("header");
    assertThat(decision.path("proxy_header").asText()).isEqualTo("used");
    assertThat(decision.path("action").asText()).isEqualTo("substitute");
    assertThat(decision.path("effective_model").asText()).isEqualTo("claude-sonnet-4");
  }

  @Test
  void at_appliesDatedRulesFromTheirFirstDay() throws IOException {
    JsonNode decision =
        json("--ip", "2.48.0.1", "--model", "claude-sonnet-4", "--at", "2027-01-15");

    assertThat(decision.path("rule").asText()).isEqualTo("gulf-cap-2027");
    assertThat(decision.path("effective_model").asText()).isEqualTo("claude-haiku-4");
  }

  @Test
  void noModel_givesTheCountryDecision() throws IOException {
    JsonNode decision = json("--ip", "152.240.0.1");

    assertThat(decision.path("action").asText()).isEqualTo("allow");
    assertThat(decision.path("requested_model").isNull()).isTrue();
  }

  @ParameterizedTest(name = "{0}")
  @CsvSource(
      delimiter = '|',
      value = {
        "--at 28/11/2026                     | --at '28/11/2026' is not a date or instant",
        "--header Forwarded:for=1.2.3.4      | --header 'Forwarded' is not the proxy header X-Forwarded-For",
        "--header nonsense                   | --header 'nonsense' is not a header line",
        "--trust-proxy 10.0.0.1/8            | --trust-proxy: '10.0.0.1/8'",
      })
  void badOption_isAUsageError(String option, String message) {
    String[] parts = option.split(" ", 2);

    int exit = run("--ip", "6.0.0.1", parts[0], parts[1]);

    assertThat(exit).isEqualTo(2);
    assertThat(err.toString()).contains(message).doesNotContain("\tat ");
  }

  @Test
  void missingIp_isAUsageError() {
    int exit = run("--model", "claude-opus-4");

    assertThat(exit).isEqualTo(2);
    assertThat(err.toString()).contains("--ip");
  }

  @Test
  void policyWithErrors_exitsOneWithTheMessage() throws IOException {
    Path bad = java.nio.file.Files.writeString(dir.resolve("bad.yaml"), "policy: x\n");

    int exit =
        Main.run(
            new String[] {
              "explain",
              "--policy",
              bad.toString(),
              "--geoip",
              country.toString(),
              "--ip",
              "6.0.0.1"
            },
            new PrintWriter(out),
            new PrintWriter(err));

    assertThat(exit).isEqualTo(1);
    assertThat(err.toString()).contains("bad.yaml").doesNotContain("\tat ");
  }

  private Path limitedPolicy() throws IOException {
    String example = java.nio.file.Files.readString(POLICY);
    String limited =
        example.replace(
            "    monitor: true ",
            "    monitor:\n"
                + "      usage-limit: 5/1m\n"
                + "      over-usage: substitute\n"
                + "      alert-countries: 2\n"
                + "    #");
    assertThat(limited).isNotEqualTo(example);
    return java.nio.file.Files.writeString(dir.resolve("limited.yaml"), limited);
  }

  private int runWith(Path policy, String... args) {
    List<String> all =
        new ArrayList<>(
            List.of(
                "explain",
                "--policy",
                policy.toString(),
                "--geoip",
                country.toString(),
                "--at",
                AT));
    all.addAll(List.of(args));
    return Main.run(all.toArray(String[]::new), new PrintWriter(out), new PrintWriter(err));
  }

  @Test
  void decidingRulesMonitoring_isSaidInWords() throws IOException {
    int exit = runWith(limitedPolicy(), "--ip", "152.240.0.1", "--model", "claude-sonnet-4");

    assertThat(exit).as(err.toString()).isZero();
    assertThat(out.toString())
        .contains(
            "monitor: audit in full; 5 requests per principal per 1m, then substitute; alert at 2"
                + " countries within 1m (rule rest-of-world)");
  }

  @Test
  void decidingRulesMonitoring_isInTheJson() throws IOException {
    runWith(limitedPolicy(), "--ip", "152.240.0.1", "--model", "claude-sonnet-4", "--json");

    JsonNode monitoring = new ObjectMapper().readTree(out.toString()).path("monitoring");
    assertThat(monitoring.path("audit").asBoolean()).isTrue();
    assertThat(monitoring.path("usage_limit").path("requests").asInt()).isEqualTo(5);
    assertThat(monitoring.path("usage_limit").path("window_seconds").asInt()).isEqualTo(60);
    assertThat(monitoring.path("usage_limit").path("text").asText()).isEqualTo("5/1m");
    assertThat(monitoring.path("usage_limit").path("over_usage").asText()).isEqualTo("substitute");
    assertThat(monitoring.path("alert").path("countries").asInt()).isEqualTo(2);
    assertThat(monitoring.path("alert").path("window_seconds").asInt()).isEqualTo(60);
  }

  @Test
  void unmonitoredRule_printsNoMonitorLine_andJsonSaysNoLimit() throws IOException {
    run("--ip", "6.0.0.1", "--model", "claude-opus-4");
    assertThat(out.toString()).doesNotContain("monitor:");

    out.getBuffer().setLength(0);
    JsonNode monitoring = json("--ip", "6.0.0.1", "--model", "claude-opus-4").path("monitoring");
    assertThat(monitoring.path("audit").asBoolean()).isFalse();
    assertThat(monitoring.path("usage_limit").isNull()).isTrue();
    assertThat(monitoring.path("alert").isNull()).isTrue();
    assertThat(monitoring.path("description").asText()).isEqualTo("not monitored");
  }
}
