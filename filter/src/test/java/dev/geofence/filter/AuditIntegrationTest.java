package dev.geofence.filter;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.networknt.schema.JsonSchema;
import com.networknt.schema.JsonSchemaFactory;
import com.networknt.schema.SpecVersion;
import dev.geofence.filter.audit.AuditLog;
import dev.geofence.filter.audit.AuditRecord;
import dev.geofence.filter.audit.AuditScope;
import dev.geofence.filter.audit.Durability;
import dev.geofence.filter.geo.GeoLookup;
import java.io.IOException;
import java.io.InputStream;
import java.net.http.HttpRequest;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.MessageDigest;
import java.util.HexFormat;
import java.util.List;
import java.util.Map;
import java.util.stream.Stream;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

/**
 * One audit record per request through the real filter, with the fields of the trail, valid against
 * the shipped schema.
 */
class AuditIntegrationTest {

  private static final ObjectMapper JSON = new ObjectMapper();
  private static final JsonSchema SCHEMA = schema();

  @TempDir Path dir;
  JettyFixture jetty;

  @AfterEach
  void stop() throws Exception {
    jetty.close();
  }

  @ParameterizedTest
  @CsvSource({
    "POST, /v1/messages?key=secret, 198.51.100.7, '{\"model\":\"big-1\"}', allow,      200, big-1, big-1",
    "POST, /v1/messages?key=secret, 192.0.2.44,   '{\"model\":\"big-1\"}', substitute, 200, big-1, mid-1",
    "POST, /v1/messages?key=secret, 203.0.113.9,  '{\"model\":\"big-1\"}', block,      451, big-1, ''",
    "POST, /v1/messages?key=secret, 198.51.100.7, '{\"model\":7}',         block,      400, '',    ''",
    "GET,  /v1/messages?key=secret, 198.51.100.7, '',                      block,      405, '',    ''"
  })
  void eachRequestWritesOneValidRecord(
      String method,
      String path,
      String caller,
      String body,
      String action,
      int status,
      String requested,
      String effective)
      throws Exception {
    jetty = new JettyFixture(dir, b -> b);

    Http.send(
        HttpRequest.newBuilder(jetty.base.resolve(path))
            .method(
                method,
                body.isEmpty()
                    ? HttpRequest.BodyPublishers.noBody()
                    : HttpRequest.BodyPublishers.ofString(body)),
        caller);

    assertThat(jetty.audit.lines).hasSize(1);
    JsonNode line = JSON.readTree(jetty.audit.lines.get(0));
    assertThat(SCHEMA.validate(line)).isEmpty();
    assertThat(line.at("/event/action").asText()).isEqualTo(action);
    assertThat(line.at("/http/response/status_code").asInt()).isEqualTo(status);
    assertThat(line.at("/http/request/method").asText()).isEqualTo(method);
    assertThat(line.at("/url/path").asText()).isEqualTo("/v1/messages");
    assertThat(jetty.audit.lines.get(0)).doesNotContain("secret");
    assertThat(line.at("/source/ip").asText()).isEqualTo(caller);
    assertThat(line.at("/geofence/address/source").asText()).isEqualTo("x-forwarded-for");
    assertThat(line.at("/geofence/address/peer_ip").asText()).isEqualTo("127.0.0.1");
    assertThat(line.at("/geofence/policy/id").asText()).isEqualTo("test-policy");
    assertThat(line.at("/geofence/policy/version").asText()).isEqualTo("1");
    assertThat(line.at("/geofence/policy/sha256").asText()).isEqualTo(sha256(jetty.files.policy()));
    assertThat(line.at("/geofence/database/type").asText()).isEqualTo("GeoIP2-Country");
    assertThat(line.at("/geofence/database/sha256").asText())
        .isEqualTo(sha256(jetty.files.country()));
    assertThat(line.at("/geofence/database/build_time").asText())
        .isEqualTo("2026-01-01T00:00:00.000Z");
    assertThat(line.at("/http/request/id").asText()).isNotBlank();
    assertThat(line.at("/geofence/decision_us").isIntegralNumber()).isTrue();
    assertThat(line.at("/geofence/model/requested").asText()).isEqualTo(requested);
    assertThat(line.at("/geofence/model/effective").asText()).isEqualTo(effective);
    if (!requested.isEmpty()) {
      assertThat(line.at("/geofence/model/requested_tier").asText()).isEqualTo("frontier");
    }
    assertThat(line.at("/source/geo/country_iso_code").asText())
        .isEqualTo(
            Map.of("198.51.100.7", "US", "192.0.2.44", "BR", "203.0.113.9", "IR").get(caller));
    if (status < 400) {
      assertThat(line.at("/source/geo/country_iso_code").asText()).isNotBlank();
      assertThat(line.at("/rule/name").asText()).isNotBlank();
    }
  }

  @Test
  void aShadowThatDecidesOtherwise_isRecordedAsGeofenceShadow_andKeptUnderNotableScope()
      throws Exception {
    Path shadow = Fixtures.write(dir.resolve("shadow.yaml"), Fixtures.POLICY_V2);
    Fixtures.CapturingSink notable = new Fixtures.CapturingSink();
    jetty =
        new JettyFixture(
            dir,
            b ->
                b.shadowPolicyFile(shadow)
                    .auditLog(AuditLog.builder().sink(notable).scope(AuditScope.NOTABLE).build()));

    // BR small-1 is allowed by v1 and blocked by the v2 shadow; US is allowed by both.
    Http.post(jetty.base, "/v1/messages", Fixtures.BR, "{\"model\":\"small-1\"}");
    Http.post(jetty.base, "/v1/messages", Fixtures.US, "{\"model\":\"small-1\"}");

    assertThat(notable.lines).hasSize(1);
    JsonNode line = JSON.readTree(notable.lines.get(0));
    assertThat(SCHEMA.validate(line)).isEmpty();
    assertThat(line.at("/event/action").asText()).isEqualTo("allow");
    assertThat(line.at("/http/response/status_code").asInt()).isEqualTo(200);
    assertThat(line.at("/geofence/shadow/action").asText()).isEqualTo("block");
    assertThat(line.at("/geofence/shadow/rule").asText()).isEqualTo("rest");
    assertThat(line.at("/geofence/shadow/policy/version").asText()).isEqualTo("2");
    assertThat(line.at("/geofence/shadow/policy/sha256").asText()).isEqualTo(sha256(shadow));
    assertThat(line.at("/geofence/shadow/model").isMissingNode()).isTrue();
  }

  @Test
  void aShadowThatSubstitutesOtherwise_recordsItsEffectiveModelAndTier() throws Exception {
    Path shadow =
        Fixtures.write(
            dir.resolve("shadow.yaml"),
            Fixtures.POLICY_V1
                .replace("version: \"1\"", "version: \"1-capped\"")
                .replace(
                    "where: [US, DE]\n    allow: frontier",
                    "where: [US, DE]\n    allow: standard\n    over-limit: substitute"));
    jetty = new JettyFixture(dir, b -> b.shadowPolicyFile(shadow));

    Http.post(jetty.base, "/v1/messages", Fixtures.US, "{\"model\":\"mid-1\"}");

    JsonNode line = JSON.readTree(jetty.audit.lines.get(0));
    assertThat(SCHEMA.validate(line)).isEmpty();
    assertThat(line.at("/event/action").asText()).isEqualTo("allow");
    assertThat(line.at("/geofence/model/effective").asText()).isEqualTo("mid-1");
    assertThat(line.at("/geofence/shadow/action").asText()).isEqualTo("substitute");
    assertThat(line.at("/geofence/shadow/model/effective").asText()).isEqualTo("small-1");
    assertThat(line.at("/geofence/shadow/model/effective_tier").asText()).isEqualTo("standard");
  }

  @Test
  void anonymizerFlagsAndTheBasisAreRecorded() throws Exception {
    jetty = new JettyFixture(dir, b -> b);

    Http.post(jetty.base, "/v1/messages", Fixtures.VPN, "{\"model\":\"small-1\"}");
    Http.post(jetty.base, "/v1/messages", Fixtures.IR, "{\"model\":\"small-1\"}");

    AuditRecord vpn = jetty.audit.records.get(0);
    assertThat(vpn.anonymizerFlags()).contains("anonymous_vpn");
    assertThat(vpn.ruleName()).isEqualTo("anonymous");
    assertThat(jetty.audit.records.get(1).basis()).isEqualTo("Test sanctions programme");
    assertThat(jetty.audit.lines)
        .allSatisfy(l -> assertThat(SCHEMA.validate(JSON.readTree(l))).isEmpty());
  }

  @Test
  void theRepresentedCountryIsRecorded_forAnAddressThatHasOne() throws Exception {
    jetty = new JettyFixture(dir, b -> b);

    Http.post(jetty.base, "/v1/messages", Fixtures.BASE, "{\"model\":\"small-1\"}");
    Http.post(jetty.base, "/v1/messages", Fixtures.US, "{\"model\":\"small-1\"}");

    AuditRecord base = jetty.audit.records.get(0);
    assertThat(base.country()).isEqualTo("DE");
    assertThat(base.representedCountry()).isEqualTo("US");
    assertThat(JSON.readTree(jetty.audit.lines.get(0)).at("/geofence/represented_country_iso_code"))
        .hasToString("\"US\"");
    assertThat(jetty.audit.records.get(1).representedCountry()).isEmpty();
    assertThat(
            JSON.readTree(jetty.audit.lines.get(1))
                .at("/geofence")
                .has("represented_country_iso_code"))
        .isFalse();
    assertThat(jetty.audit.lines)
        .allSatisfy(l -> assertThat(SCHEMA.validate(JSON.readTree(l))).isEmpty());
  }

  @Test
  void anErrorIsRecordedValidAgainstTheSchema() throws Exception {
    GeoLookup broken =
        a -> {
          throw new IllegalStateException("read failed");
        };
    jetty = new JettyFixture(dir, b -> b.geoLookup(broken));

    Http.post(jetty.base, "/v1/messages", Fixtures.US, "{\"model\":\"small-1\"}");

    assertThat(jetty.audit.lines).hasSize(1);
    JsonNode line = JSON.readTree(jetty.audit.lines.get(0));
    assertThat(SCHEMA.validate(line)).isEmpty();
    assertThat(line.at("/event/action").asText()).isEqualTo("error");
    assertThat(line.at("/http/response/status_code").asInt()).isEqualTo(503);
  }

  @Test
  void theFileSinkFromTheSettingsWritesAChainedTrail() throws Exception {
    Path trail = dir.resolve("trail");
    jetty =
        new JettyFixture(
            dir, b -> b.auditDirectory(trail).auditDurability(Durability.eachRecord()), false);

    Http.post(jetty.base, "/v1/messages", Fixtures.US, "{\"model\":\"small-1\"}");
    jetty.close();

    try (Stream<Path> files = Files.list(trail)) {
      Path file = files.filter(f -> f.toString().endsWith(".jsonl")).findFirst().orElseThrow();
      List<String> lines = Files.readAllLines(file);
      assertThat(lines).hasSize(1);
      JsonNode line = JSON.readTree(lines.get(0));
      assertThat(SCHEMA.validate(line)).isEmpty();
      assertThat(line.at("/geofence/audit/seq").asInt()).isEqualTo(1);
    }
  }

  private static String sha256(Path file) throws Exception {
    return HexFormat.of()
        .formatHex(MessageDigest.getInstance("SHA-256").digest(Files.readAllBytes(file)));
  }

  private static JsonSchema schema() {
    try (InputStream in = AuditRecord.class.getResourceAsStream("audit-record.schema.json")) {
      return JsonSchemaFactory.getInstance(SpecVersion.VersionFlag.V202012).getSchema(in);
    } catch (IOException e) {
      throw new IllegalStateException(e);
    }
  }
}
