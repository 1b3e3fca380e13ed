package dev.geofence.filter;

import static org.assertj.core.api.Assertions.assertThat;
import static org.junit.jupiter.params.provider.Arguments.arguments;

import dev.geofence.filter.Fixtures.CapturingSink;
import dev.geofence.filter.address.ProxyHeader;
import dev.geofence.filter.audit.AuditAction;
import dev.geofence.filter.audit.AuditRecord;
import java.net.URI;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.MessageDigest;
import java.util.HexFormat;
import java.util.List;
import java.util.Map;
import java.util.stream.Stream;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestInstance;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.Arguments;
import org.junit.jupiter.params.provider.MethodSource;
import org.junit.jupiter.params.provider.ValueSource;

/**
 * What a caller behind a trusted proxy can do with the forwarding header and the model id, over
 * real HTTP: run by {@link JettyCallerResolutionTest} and {@link TomcatCallerResolutionTest}. The
 * policy's {@code unknown} section allows the standard tier ({@code small-*}), the natural choice
 * that once let a padded header buy an embargoed caller a model. The test client plays the trusted
 * proxy (127.0.0.1) and appends the real caller's address on the right, as a proxy does.
 */
@TestInstance(TestInstance.Lifecycle.PER_CLASS)
abstract class CallerResolutionContractTest {

  private static final String SMALL = "{\"model\":\"small-1\",\"max_tokens\":5}";

  private final CapturingSink audit = new CapturingSink();
  private final Container xffContainer = newContainer();
  private final Container forwardedContainer = newContainer();
  private Path dir;
  private URI xff;
  private URI forwarded;

  abstract Container newContainer();

  @BeforeAll
  void start() throws Exception {
    dir = Files.createTempDirectory("geofence-callers-");
    Fixtures.Files3 files = Fixtures.files(dir);
    xff =
        xffContainer.start(
            new GeofenceFilter(Fixtures.settings(files, audit).build()), Map.of(), dir);
    forwarded =
        forwardedContainer.start(
            new GeofenceFilter(
                Fixtures.settings(files, audit).proxyHeader(ProxyHeader.FORWARDED).build()),
            Map.of(),
            Files.createDirectories(dir.resolve("forwarded")));
  }

  @AfterAll
  void stop() throws Exception {
    xffContainer.close();
    forwardedContainer.close();
    deleteTree(dir);
  }

  @BeforeEach
  void clearAudit() {
    audit.records.clear();
    audit.lines.clear();
  }

  /** Everything a client may write left of the entry its trusted proxy appends. */
  static Stream<Arguments> paddingLeftOfTheProxyEntry() {
    String ir = Fixtures.IR;
    return Stream.of(
        arguments("20 padding entries", List.of("6.6.6.6, ".repeat(20) + ir)),
        arguments("100 padding entries", List.of("6.6.6.6, ".repeat(100) + ir)),
        arguments("1,000 padding entries", List.of("6.6.6.6, ".repeat(1000) + ir)),
        arguments("1,000 trusted-looking entries", List.of("127.0.0.1, ".repeat(1000) + ir)),
        arguments("a long junk line before the proxy's line", List.of("x".repeat(20_000), ir)),
        arguments("an over-long entry left of the caller", List.of("1".repeat(10_000) + ", " + ir)),
        arguments(
            "garbage, IPv6, ports and quotes left of the caller",
            List.of(
                "garbage, [2001:db8::1]:443, 2001:db8::2, \"1.2.3.4\", 1.2.3.4:99999, unknown,"
                    + " _hidden, , example.com, "
                    + ir)),
        arguments("several padding lines", List.of("6.6.6.6", "", "garbage, 7.7.7.7", ir)));
  }

  @ParameterizedTest(name = "X-Forwarded-For: {0}")
  @MethodSource("paddingLeftOfTheProxyEntry")
  void aBlockedCallerIsRefusedWhateverItWritesLeftOfTheProxyEntry_xForwardedFor(
      String description, List<String> lines) throws Exception {
    HttpResponse<String> response = send(xff, "X-Forwarded-For", lines, SMALL);

    assertBlockedAsIran(response);
  }

  /** The same padding in RFC 7239 syntax, with broken syntax left of the proxy's element. */
  static Stream<Arguments> forwardedPadding() {
    String ir = "for=" + Fixtures.IR;
    return Stream.of(
        arguments("20 padding elements", List.of("for=6.6.6.6, ".repeat(20) + ir)),
        arguments("100 padding elements", List.of("for=6.6.6.6, ".repeat(100) + ir)),
        arguments("1,000 padding elements", List.of("for=6.6.6.6, ".repeat(1000) + ir)),
        arguments("a long junk line before the proxy's line", List.of("x".repeat(20_000), ir)),
        arguments("an unterminated quote left of the caller", List.of("for=\"6.6.6.6, " + ir)),
        arguments("a stray element left of the caller", List.of("garbage;;=, by=x, " + ir)),
        arguments(
            "IPv6, ports and quotes left of the caller",
            List.of(
                "for=\"[2001:db8::1]:443\", for=\"_hidden\", for=unknown, for=1.2.3.4:99999, "
                    + ir)),
        arguments("an unterminated quote on a line of its own", List.of("for=\"6.6.6.6", ir)));
  }

  @ParameterizedTest(name = "Forwarded: {0}")
  @MethodSource("forwardedPadding")
  void aBlockedCallerIsRefusedWhateverItWritesLeftOfTheProxyEntry_forwarded(
      String description, List<String> lines) throws Exception {
    HttpResponse<String> response = send(forwarded, "Forwarded", lines, SMALL);

    assertBlockedAsIran(response);
  }

  private void assertBlockedAsIran(HttpResponse<String> response) {
    assertThat(response.statusCode()).as(response.body()).isEqualTo(451);
    AuditRecord record = audit.last();
    assertThat(record.ruleName()).isEqualTo("sanctioned");
    assertThat(record.country()).isEqualTo("IR");
    assertThat(record.sourceIp())
        .hasValueSatisfying(ip -> assertThat(ip.getHostAddress()).isEqualTo(Fixtures.IR));
  }

  /** Forwarding data the walk has to read, and cannot: refused, never the unknown section. */
  static Stream<Arguments> unresolvable() {
    return Stream.of(
        arguments("X-Forwarded-For", List.of(Fixtures.IR + ", garbage"), "unparsable_entry"),
        arguments("X-Forwarded-For", List.of(Fixtures.IR + ","), "empty_entry"),
        arguments("X-Forwarded-For", List.of(Fixtures.IR + ", unknown"), "unknown_entry"),
        arguments(
            "X-Forwarded-For",
            List.of(Fixtures.IR + ", " + "127.0.0.1, ".repeat(20) + "127.0.0.1"),
            "too_many_hops"),
        arguments("X-Forwarded-For", List.of("0".repeat(5000) + Fixtures.IR), "header_too_long"),
        arguments("Forwarded", List.of("for=" + Fixtures.IR + "\""), "malformed_element"),
        arguments("Forwarded", List.of("for=" + Fixtures.IR + ", proto=https"), "missing_for"),
        arguments("Forwarded", List.of("for=\"_hidden\""), "obfuscated_entry"));
  }

  @ParameterizedTest(name = "{0}: {1} -> {2}")
  @MethodSource
  void unresolvable(String header, List<String> lines, String reason) throws Exception {
    URI base = header.equals("Forwarded") ? forwarded : xff;

    HttpResponse<String> response = send(base, header, lines, SMALL);

    assertThat(response.statusCode()).as(response.body()).isEqualTo(400);
    assertThat(response.body())
        .contains("\"reason\":\"address_unresolvable\"")
        .contains("(" + reason + ")")
        .doesNotContain("small-1 reached");
    AuditRecord record = audit.last();
    assertThat(record.action()).isEqualTo(AuditAction.BLOCK);
    assertThat(record.ruleName()).isEqualTo("unresolvable");
    assertThat(record.addressUnresolvable()).isEqualTo(reason);
    assertThat(record.sourceIp()).isEmpty();
    assertThat(record.peerAddress()).isPresent();
    assertThat(audit.lines.get(audit.lines.size() - 1))
        .contains("\"unresolvable\":\"" + reason + "\"");
  }

  /** Model ids that mean something else downstream, from a capped caller and an unknown one. */
  static Stream<Arguments> modelIdsThatMeanSomethingElse() {
    return Stream.of(
            "mid-1/../big-1",
            "mid-1/%2e%2e/big-1",
            "small-1/../big-1",
            "small-1/..;/big-1",
            "small-1" + " ".repeat(250) + "big-1",
            "small-1\\\\..\\\\big-1",
            "small-1?model=big-1",
            "small-1#big-1")
        .flatMap(
            model ->
                Stream.of(
                    arguments("capped (BR)", Fixtures.BR, model),
                    arguments("unknown", Fixtures.NOWHERE, model)));
  }

  @ParameterizedTest(name = "{0}: {2}")
  @MethodSource
  void modelIdsThatMeanSomethingElse(String who, String caller, String model) {
    HttpResponse<String> response =
        Http.post(xff, "/v1/messages", caller, "{\"model\":\"" + model + "\"}");

    assertThat(response.statusCode()).as(response.body()).isEqualTo(400);
    assertThat(response.body()).contains("\"reason\":\"model_invalid\"");
    assertThat(audit.last().requestedModel()).isEqualTo(model.replace("\\\\", "\\"));
  }

  @ParameterizedTest(name = "{0}")
  @ValueSource(
      strings = {
        "claude-sonnet-4-5",
        "anthropic/claude-sonnet-4",
        "us.anthropic.claude-3-5-sonnet-20241022-v2:0",
        "ft:gpt-4o-mini-2024-07-18:my-org::A1b2C3d4",
        "claude-3-5-sonnet-v2@20241022",
        "models/gemini-2.5-pro",
        "meta-llama/Llama-3.1-8B-Instruct",
        "llama3.1:8b-instruct-q4_K_M",
        "arn:aws:bedrock:us-east-1:123456789012:inference-profile/us.anthropic.claude-3-7-sonnet-20250219-v1:0"
      })
  void realModelIdsOfEveryProviderFamilyStillWork(String model) {
    HttpResponse<String> response =
        Http.post(xff, "/v1/messages", Fixtures.US, "{\"model\":\"" + model + "\"}");

    assertThat(response.statusCode()).as(response.body()).isEqualTo(200);
    assertThat(Http.echo(response)).containsEntry("model", model);
    assertThat(audit.last().requestedModel()).isEqualTo(model);
  }

  @Test
  void aTwoThousandCharacterModelIdIsRecordedShortenedWithItsHashAndTheFlag() throws Exception {
    String model = "big-" + "x".repeat(2044);

    HttpResponse<String> response =
        Http.post(xff, "/v1/messages", Fixtures.BR, "{\"model\":\"" + model + "\"}");

    assertThat(response.statusCode()).isEqualTo(400);
    assertThat(audit.last().requestedModel()).isEqualTo(model);
    String line = audit.lines.get(audit.lines.size() - 1);
    String sha256 =
        HexFormat.of()
            .formatHex(
                MessageDigest.getInstance("SHA-256")
                    .digest(model.getBytes(StandardCharsets.UTF_8)));
    assertThat(line)
        .contains("\"requested\":\"" + model.substring(0, 256) + "\"")
        .contains("\"requested_sha256\":\"" + sha256 + "\"")
        .contains("\"truncated\":true")
        .doesNotContain(model.substring(0, 257));
  }

  @Test
  void anAcceptedModelIdOfTheLongestLengthIsRecordedInFull() {
    String model = "big-" + "x".repeat(252);

    HttpResponse<String> response =
        Http.post(xff, "/v1/messages", Fixtures.US, "{\"model\":\"" + model + "\"}");

    assertThat(response.statusCode()).isEqualTo(200);
    assertThat(audit.lines.get(audit.lines.size() - 1))
        .contains("\"requested\":\"" + model + "\"")
        .contains("\"effective\":\"" + model + "\"")
        .doesNotContain("truncated")
        .doesNotContain("_sha256");
  }

  private static HttpResponse<String> send(URI base, String header, List<String> lines, String body)
      throws Exception {
    StringBuilder head = new StringBuilder("POST /v1/messages HTTP/1.1");
    for (String line : lines) {
      head.append("\r\n").append(header).append(": ").append(line);
    }
    return RawHttp.send(base, head.toString(), body);
  }

  private static void deleteTree(Path root) throws Exception {
    try (Stream<Path> paths = Files.walk(root)) {
      paths.sorted(java.util.Comparator.reverseOrder()).forEach(p -> p.toFile().delete());
    }
  }
}
