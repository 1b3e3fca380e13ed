package dev.geofence.filter;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import dev.geofence.filter.Fixtures.CapturingSink;
import dev.geofence.filter.address.TrustedProxies;
import dev.geofence.filter.audit.AuditChainVerifier;
import dev.geofence.filter.audit.AuditLog;
import dev.geofence.filter.audit.AuditReport;
import dev.geofence.filter.audit.AuditReport.By;
import dev.geofence.filter.audit.AuditReport.Row;
import dev.geofence.filter.audit.Durability;
import dev.geofence.filter.audit.PrincipalPrivacy;
import jakarta.servlet.Filter;
import jakarta.servlet.http.HttpServletRequest;
import jakarta.servlet.http.HttpServletRequestWrapper;
import java.net.URI;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.Principal;
import java.util.HexFormat;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.function.UnaryOperator;
import java.util.stream.Stream;
import javax.crypto.Mac;
import javax.crypto.spec.SecretKeySpec;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

/**
 * Who is calling, through the real filter on Jetty over loopback: each principal source, the trust
 * rule of the header source, both privacy modes, the refusal of an invalid principal, {@code
 * user.id} on the record of every outcome, and a real chained trail read back by {@code verify} and
 * the report per principal.
 */
class PrincipalTest {

  private static final ObjectMapper JSON = new ObjectMapper();
  private static final byte[] KEY = HexFormat.of().parseHex("00112233445566778899aabbccddeeff");

  @TempDir Path dir;
  final CapturingSink audit = new CapturingSink();
  JettyContainer container = new JettyContainer();
  URI base;

  @AfterEach
  void stop() throws Exception {
    container.close();
  }

  private void start(UnaryOperator<GeofenceSettings.Builder> change) throws Exception {
    Fixtures.Files3 files = Fixtures.files(dir);
    GeofenceSettings.Builder settings =
        Fixtures.settings(files)
            .routes(FilterContractTest.ROUTES)
            .auditLog(AuditLog.builder().sink(audit).build());
    base = container.start(new GeofenceFilter(change.apply(settings).build()), Map.of(), dir);
  }

  private static UnaryOperator<GeofenceSettings.Builder> header(PrincipalPrivacy privacy) {
    return b -> b.principalSource(PrincipalSource.header("X-Api-Key")).principalPrivacy(privacy);
  }

  private JsonNode lastLine() throws Exception {
    assertThat(audit.lines).isNotEmpty();
    return JSON.readTree(audit.lines.get(audit.lines.size() - 1));
  }

  @ParameterizedTest
  @CsvSource({
    "POST, 198.51.100.7, '{\"model\":\"big-1\"}', allow,      200",
    "POST, 192.0.2.44,   '{\"model\":\"big-1\"}', substitute, 200",
    "POST, 203.0.113.9,  '{\"model\":\"big-1\"}', block,      451",
    "POST, 198.51.100.7, '{\"model\":7}',         block,      400",
    "GET,  198.51.100.7, '',                      block,      405"
  })
  void aTrustedProxysHeaderIsRecordedAsUserId_onTheRecordOfEveryOutcome(
      String method, String caller, String body, String action, int status) throws Exception {
    start(header(PrincipalPrivacy.full()));

    HttpResponse<String> response =
        Http.send(
            HttpRequest.newBuilder(base.resolve("/v1/messages"))
                .method(
                    method,
                    body.isEmpty()
                        ? HttpRequest.BodyPublishers.noBody()
                        : HttpRequest.BodyPublishers.ofString(body)),
            caller,
            "X-Api-Key",
            "key-alice");

    assertThat(response.statusCode()).isEqualTo(status);
    JsonNode line = lastLine();
    assertThat(line.at("/event/action").asText()).isEqualTo(action);
    assertThat(line.at("/user/id").asText()).isEqualTo("key-alice");
  }

  @Test
  void theHeaderFromAPeerThatIsNotATrustedProxy_isIgnored_andTheRecordHasNoUser() throws Exception {
    start(b -> header(PrincipalPrivacy.full()).apply(b).trustedProxies(TrustedProxies.none()));

    HttpResponse<String> response =
        Http.post(base, "/v1/messages", null, "{\"model\":\"small-1\"}", "X-Api-Key", "key-alice");

    assertThat(response.statusCode()).isNotEqualTo(400);
    JsonNode line = lastLine();
    assertThat(line.has("user")).isFalse();
    assertThat(audit.lines.get(0)).doesNotContain("key-alice");
  }

  @Test
  void aRequestWithoutTheHeader_hasNoUser() throws Exception {
    start(header(PrincipalPrivacy.full()));

    Http.post(base, "/v1/messages", Fixtures.US, "{\"model\":\"small-1\"}");

    assertThat(lastLine().has("user")).isFalse();
  }

  @Test
  void withPrincipalSourceNone_theHeaderIsNeverRead() throws Exception {
    start(b -> b);

    Http.post(base, "/v1/messages", Fixtures.US, "{\"model\":\"small-1\"}", "X-Api-Key", "k");

    assertThat(lastLine().has("user")).isFalse();
  }

  @Test
  void userPrincipal_isTheNameOfTheContainersAuthenticatedUser() throws Exception {
    container.before(authentication(null));
    start(
        b ->
            b.principalSource(PrincipalSource.userPrincipal())
                .principalPrivacy(PrincipalPrivacy.full()));

    Http.post(base, "/v1/messages", Fixtures.US, "{\"model\":\"small-1\"}", "X-User", "alice");
    Http.post(base, "/v1/messages", Fixtures.US, "{\"model\":\"small-1\"}");

    assertThat(JSON.readTree(audit.lines.get(0)).at("/user/id").asText()).isEqualTo("alice");
    assertThat(JSON.readTree(audit.lines.get(1)).has("user")).isFalse();
  }

  @Test
  void attribute_isTheApplicationsAttribute_byItsToStringWhenNotAString() throws Exception {
    container.before(authentication("account"));
    start(
        b ->
            b.principalSource(PrincipalSource.attribute("account"))
                .principalPrivacy(PrincipalPrivacy.full()));

    Http.post(base, "/v1/messages", Fixtures.IR, "{\"model\":\"big-1\"}", "X-User", "alice");

    JsonNode line = lastLine();
    assertThat(line.at("/event/action").asText()).isEqualTo("block");
    assertThat(line.at("/user/id").asText()).isEqualTo("account:alice");
  }

  @Test
  void hmacPrivacy_recordsTheKeyedHashOfThePrincipal_andNeverThePrincipal() throws Exception {
    start(header(PrincipalPrivacy.hmac(KEY)));

    Http.post(base, "/v1/messages", Fixtures.US, "{\"model\":\"small-1\"}", "X-Api-Key", "sk-123");

    Mac mac = Mac.getInstance("HmacSHA256");
    mac.init(new SecretKeySpec(KEY, "HmacSHA256"));
    String expected =
        HexFormat.of().formatHex(mac.doFinal("sk-123".getBytes(StandardCharsets.UTF_8)));
    assertThat(lastLine().at("/user/id").asText()).isEqualTo(expected);
    assertThat(audit.lines.get(0)).doesNotContain("sk-123");
    assertThat(PrincipalPrivacy.hmac(KEY).recorded("sk-123")).isEqualTo(expected);
  }

  @Test
  void aPrincipalOf256Characters_isAccepted_and257_isRefusedWith400PrincipalInvalid()
      throws Exception {
    start(header(PrincipalPrivacy.full()));
    String longest = "k".repeat(256);

    HttpResponse<String> accepted =
        Http.post(
            base, "/v1/messages", Fixtures.US, "{\"model\":\"small-1\"}", "X-Api-Key", longest);
    HttpResponse<String> refused =
        Http.post(
            base,
            "/v1/messages",
            Fixtures.US,
            "{\"model\":\"small-1\"}",
            "X-Api-Key",
            longest + "k");

    assertThat(accepted.statusCode()).isEqualTo(200);
    assertThat(JSON.readTree(audit.lines.get(0)).at("/user/id").asText()).isEqualTo(longest);
    assertThat(refused.statusCode()).isEqualTo(400);
    assertThat(refused.headers().firstValue("Content-Type").orElse(""))
        .startsWith("application/problem+json");
    assertThat(Http.json(refused).get("reason").asText()).isEqualTo("principal_invalid");
    JsonNode line = JSON.readTree(audit.lines.get(1));
    assertThat(line.at("/event/action").asText()).isEqualTo("block");
    assertThat(line.at("/http/response/status_code").asInt()).isEqualTo(400);
    // Neither the padded principal nor a shortened or hashed form of it is recorded: a caller
    // cannot make itself a new principal by padding.
    assertThat(line.has("user")).isFalse();
  }

  @Test
  void aHeaderSentTwice_isRefused_becauseWhichValueIsTheCallerIsUnknowable() throws Exception {
    start(header(PrincipalPrivacy.full()));

    HttpResponse<String> refused =
        Http.post(
            base,
            "/v1/messages",
            Fixtures.US,
            "{\"model\":\"small-1\"}",
            "X-Api-Key",
            "key-alice",
            "X-Api-Key",
            "key-bob");

    assertThat(refused.statusCode()).isEqualTo(400);
    assertThat(Http.json(refused).get("reason").asText()).isEqualTo("principal_invalid");
  }

  @Test
  void aPrincipalWithAControlCharacter_isRefusedWith400PrincipalInvalid() throws Exception {
    container.before(authentication("account"));
    start(
        b ->
            b.principalSource(PrincipalSource.attribute("account"))
                .principalPrivacy(PrincipalPrivacy.full()));

    HttpResponse<String> refused =
        Http.post(base, "/v1/messages", Fixtures.US, "{\"model\":\"small-1\"}", "X-User", "bell");

    assertThat(refused.statusCode()).isEqualTo(400);
    assertThat(Http.json(refused).get("reason").asText()).isEqualTo("principal_invalid");
  }

  @Test
  void aChainedTrailWithPrincipals_verifies_andIsReportedPerPrincipalAndCountry() throws Exception {
    Path trail = dir.resolve("trail");
    Fixtures.Files3 files = Fixtures.files(dir);
    GeofenceSettings settings =
        Fixtures.settings(files)
            .routes(FilterContractTest.ROUTES)
            .auditDirectory(trail)
            .auditDurability(Durability.eachRecord())
            .principalSource(PrincipalSource.header("X-Api-Key"))
            .principalPrivacy(PrincipalPrivacy.full())
            .build();
    base = container.start(new GeofenceFilter(settings), Map.of(), dir);

    String allowed = "{\"model\":\"big-1\"}";
    Http.post(base, "/v1/messages", Fixtures.US, allowed, "X-Api-Key", "key-alice");
    Http.post(base, "/v1/messages", Fixtures.US, allowed, "X-Api-Key", "key-alice");
    Http.post(base, "/v1/messages", Fixtures.IR, allowed, "X-Api-Key", "key-alice");
    Http.post(base, "/v1/messages", Fixtures.BR, allowed, "X-Api-Key", "key-bob");
    Http.post(base, "/v1/messages", Fixtures.US, allowed);
    container.close();

    List<Path> trailFiles;
    try (Stream<Path> list = Files.list(trail)) {
      trailFiles = list.filter(f -> f.toString().endsWith(".jsonl")).sorted().toList();
    }
    assertThat(AuditChainVerifier.verify(trailFiles).intact()).isTrue();
    AuditReport.Summary report = AuditReport.summarise(trailFiles, Optional.empty(), By.PRINCIPAL);
    assertThat(report.rows())
        .containsExactly(
            new Row("key-alice", "US", 2, 0, 0, 0),
            new Row(AuditReport.NONE, "US", 1, 0, 0, 0),
            new Row("key-alice", "IR", 0, 0, 1, 0),
            new Row("key-bob", "BR", 0, 1, 0, 0));
  }

  /**
   * The application's authentication, ahead of the geo-fence: the caller named in {@code X-User}
   * becomes the container's user principal, and, when {@code attribute} is given, an account object
   * in that request attribute. {@code X-User: bell} names a principal with a control character.
   */
  private static Filter authentication(String attribute) {
    return (request, response, chain) -> {
      HttpServletRequest http = (HttpServletRequest) request;
      String user = http.getHeader("X-User");
      if (user == null) {
        chain.doFilter(request, response);
        return;
      }
      String name = user.equals("bell") ? "bell\u0007" : user;
      if (attribute != null) {
        request.setAttribute(attribute, new Account(name));
      }
      chain.doFilter(
          new HttpServletRequestWrapper(http) {
            @Override
            public Principal getUserPrincipal() {
              return () -> name;
            }
          },
          response);
    };
  }

  /** An application's account object: the filter records its {@code toString()}. */
  private record Account(String name) {
    @Override
    public String toString() {
      return "account:" + name;
    }
  }
}
