package dev.geofence.filter;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.geofence.filter.audit.PrincipalPrivacy;
import dev.geofence.filter.internal.model.ModelRoutes;
import jakarta.servlet.FilterConfig;
import jakarta.servlet.ServletContext;
import jakarta.servlet.ServletException;
import java.net.URI;
import java.net.http.HttpResponse;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.Collections;
import java.util.Enumeration;
import java.util.HexFormat;
import java.util.LinkedHashMap;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

/** init(FilterConfig): every init-param reaches its setting; a bad one fails init naming it. */
class InitParamsTest {

  @TempDir Path dir;

  private Map<String, String> valid() {
    Fixtures.Files3 files = Fixtures.files(dir);
    Map<String, String> params = new LinkedHashMap<>();
    params.put("policy-file", files.policy().toString());
    params.put("geoip-database", files.country().toString());
    params.put("policy-watch-interval", "0");
    params.put("database-watch-interval", "0");
    params.put("database-max-age", "none");
    return params;
  }

  @Test
  void filterCreatedByTheContainerReadsItsInitParams() throws Exception {
    Map<String, String> params = valid();
    params.put("trusted-proxies", "127.0.0.1/32, ::1/128");
    params.put("block-status", "403");
    params.put("refusal-format", "openai");
    params.put("anonymous-database", dir.resolve("anonymous.mmdb").toString());
    try (JettyContainer jetty = new JettyContainer()) {
      URI base = jetty.start(null, params, dir);

      HttpResponse<String> response =
          Http.post(base, "/v1/messages", Fixtures.IR, "{\"model\":\"big-1\"}");

      assertThat(response.statusCode()).isEqualTo(403);
      assertThat(Http.json(response).at("/error/code").asText())
          .isEqualTo("unsupported_country_region_territory");
      assertThat(jetty.contextAttribute(GeofenceFilter.CONTEXT_ATTRIBUTE))
          .isInstanceOf(GeofenceFilter.class);
    }
  }

  @Test
  void everySettingIsRead() {
    Map<String, String> params = valid();
    params.putAll(
        Map.ofEntries(
            Map.entry("geo-schema", "geoip2"),
            Map.entry("flat-country-field", "cc"),
            Map.entry("cache-size", "10"),
            Map.entry("stale-is-unavailable", "true"),
            Map.entry("missing-database", "unknown"),
            Map.entry("proxy-header", "X-Real-IP"),
            Map.entry("max-header-length", "100"),
            Map.entry("max-hops", "3"),
            Map.entry("routes", "POST /a body"),
            Map.entry("unmatched", "pass"),
            Map.entry("max-body-size", "1KiB"),
            Map.entry("max-batch-entries", "500"),
            Map.entry("max-inflated-size", "2MiB"),
            Map.entry("decompress", "false"),
            Map.entry("policy-url", "https://example.com/p"),
            Map.entry("audit-directory", "/var/log/x"),
            Map.entry("audit-signing-key", "/etc/geofence/audit.key"),
            Map.entry("audit-instance", " gw-eu-1 "),
            Map.entry("audit-durability", "each-record"),
            Map.entry("audit-max-file-size", "1MiB"),
            Map.entry("audit-rotate-every", "1h"),
            Map.entry("audit-ip-privacy", "truncated"),
            Map.entry("audit-scope", "notable"),
            Map.entry("request-id-header", "X-Request-Id"),
            Map.entry("principal-source", "header:X-Api-Key"),
            Map.entry("principal-privacy", "full"),
            Map.entry("decision-headers", "true"),
            Map.entry("usage-store", "redis://10.0.0.7:6380/2"),
            Map.entry("usage-store-failure", "Block"),
            Map.entry("usage-store-timeout", "250ms"),
            Map.entry("usage-max-keys", "5000"),
            Map.entry("requested-model-header", "X-Asked"),
            Map.entry("served-model-header", "X-Served"),
            Map.entry("shadow-policy", "/etc/geofence/policy-next.yaml")));

    GeofenceSettings s = InitParams.read(config(params));

    assertThat(s.cacheSize()).isEqualTo(10);
    assertThat(s.flatCountryField()).isEqualTo("cc");
    assertThat(s.staleIsUnavailable()).isTrue();
    assertThat(s.proxyHeader().name()).isEqualTo("X-Real-IP");
    assertThat(s.maxHops()).isEqualTo(3);
    assertThat(s.maxHeaderLength()).isEqualTo(100);
    assertThat(ModelRoutes.parse(s.routes()).routes()).hasSize(1);
    assertThat(s.unmatched()).isEqualTo(GeofenceSettings.Unmatched.PASS);
    assertThat(s.maxBodySize()).isEqualTo(1024);
    assertThat(s.maxBatchEntries()).isEqualTo(500);
    assertThat(s.maxInflatedSize()).isEqualTo(2 * 1024 * 1024);
    assertThat(s.decompress()).isFalse();
    assertThat(s.auditRotateEvery()).isEqualTo(Duration.ofHours(1));
    assertThat(s.auditScope()).hasToString("NOTABLE");
    assertThat(s.auditIpPrivacy().toString()).contains("truncated");
    assertThat(s.requestIdHeader()).hasValue("X-Request-Id");
    assertThat(s.principalSource()).isEqualTo(PrincipalSource.header("X-Api-Key"));
    assertThat(s.principalPrivacy().orElseThrow().hashes()).isFalse();
    assertThat(s.decisionHeaders()).isTrue();
    assertThat(s.usageStore()).isEqualTo("redis://10.0.0.7:6380/2");
    assertThat(s.usageStoreFailure()).isEqualTo(UsageStoreFailure.BLOCK);
    assertThat(s.usageStoreTimeout()).isEqualTo(Duration.ofMillis(250));
    assertThat(s.usageMaxKeys()).isEqualTo(5000);
    assertThat(s.servedModelHeader()).isEqualTo("X-Served");
    assertThat(s.shadowPolicyFile()).hasValue(Path.of("/etc/geofence/policy-next.yaml"));
    assertThat(s.databaseMaxAge()).isEmpty();
    assertThat(s.auditSigningKey()).hasValue(java.nio.file.Path.of("/etc/geofence/audit.key"));
    assertThat(s.auditInstance()).hasValue("gw-eu-1");
    assertThat(InitParams.names()).containsAll(params.keySet());
  }

  @ParameterizedTest
  @CsvSource({"evaluate, EVALUATE", "pass, PASS", "highest, HIGHEST", "' Highest ', HIGHEST"})
  void unmatchedModesAreRead(String value, GeofenceSettings.Unmatched mode) {
    assertThat(GeofenceSettings.Unmatched.parse(value)).isEqualTo(mode);
  }

  @ParameterizedTest
  @CsvSource(
      delimiter = '|',
      value = {
        "polcy-file          | x           | unknown init-param 'polcy-file'",
        "audit-instance      | ' '         | init-param 'audit-instance': Audit instance name '' is not accepted",
        "block-status        | 500         | init-param 'block-status': Block status 500",
        "block-status        | many        | init-param 'block-status': 'many' is not a whole number",
        "refusal-format      | xml         | init-param 'refusal-format': Unknown refusal format 'xml'",
        "trusted-proxies     | 10.0.0.0/33 | init-param 'trusted-proxies'",
        "max-body-size       | lots        | init-param 'max-body-size': 'lots' is not a size",
        "max-batch-entries   | 0           | init-param 'max-batch-entries': Maximum batch entries 0 is out of range",
        "max-body-size       | 2GiB        | init-param 'max-body-size'",
        "routes              | POST /v1 x  | init-param 'routes': Route 1 'POST /v1 x'",
        "policy-url          | ftp://x/p   | init-param 'policy-url'",
        "policy-watch-interval | 5ms       | init-param 'policy-watch-interval'",
        "database-max-age    | soon        | init-param 'database-max-age': 'soon' is not a duration",
        "decompress          | yes         | init-param 'decompress': 'yes' is not a boolean",
        "unmatched           | drop        | init-param 'unmatched': Unmatched mode 'drop' is not known; expected evaluate, pass or highest",
        "geo-schema          | csv         | init-param 'geo-schema'",
        "proxy-header        | X Bad       | init-param 'proxy-header'",
        "audit-ip-privacy    | hmac        | init-param 'audit-ip-privacy': mode hmac needs audit-hmac-key-file",
        "audit-durability    | often       | init-param 'audit-durability'",
        "principal-source    | cookie:sid  | init-param 'principal-source': Principal source 'cookie:sid' is not known; expected none, user-principal, attribute:NAME or header:NAME",
        "principal-source    | header:     | init-param 'principal-source': Principal source 'header:' names no header",
        "principal-source    | header:X Id | init-param 'principal-source': Principal header 'X Id' is not a header name",
        "principal-privacy   | truncated   | init-param 'principal-privacy': 'truncated' is not a privacy mode; expected hmac (the default) or full",
        "max-inflated-size   | 10          | Maximum inflated size 10 is below the maximum body size",
        "served-model-header | a:b         | init-param 'served-model-header'",
        "usage-store         | memcached://h | init-param 'usage-store': usage-store: 'memcached://h' is not usable because the scheme is neither redis nor rediss",
        "usage-store         | redis://:s3cret@h/x | init-param 'usage-store': usage-store: 'redis://***@h/x' is not usable",
        "usage-store-failure | retry       | init-param 'usage-store-failure': usage-store-failure 'retry' is not known; expected local, allow or block",
        "usage-store-timeout | 0ms         | init-param 'usage-store-timeout'",
        "usage-store-timeout | 11s         | init-param 'usage-store-timeout': Usage store timeout PT11S is out of range; expected 1ms to 10s",
        "usage-max-keys      | 0           | init-param 'usage-max-keys': Usage max keys 0 is too small"
      })
  void badInitParamsFailInitNamingTheParam(String name, String value, String message) {
    Map<String, String> params = valid();
    params.put(name, value);

    assertThatThrownBy(() -> new GeofenceFilter().init(config(params)))
        .isInstanceOf(ServletException.class)
        .hasMessageContaining(message);
  }

  @ParameterizedTest
  @CsvSource(
      delimiter = '|',
      value = {
        "policy-file    | missing.yaml | policy-file: the policy",
        "geoip-database | missing.mmdb | geoip-database:"
      })
  void missingFilesFailInitNamingTheSetting(String name, String file, String message) {
    Map<String, String> params = valid();
    params.put(name, dir.resolve(file).toString());

    assertThatThrownBy(() -> new GeofenceFilter().init(config(params)))
        .isInstanceOf(ServletException.class)
        .hasMessageContaining(message)
        .hasMessageContaining(file);
  }

  @Test
  void anInvalidPolicyFailsInitWithItsLineAndColumn() throws Exception {
    Map<String, String> params = valid();
    Files.writeString(
        Path.of(params.get("policy-file")),
        Fixtures.POLICY_V1.replace("allow: frontier", "allow: ultra"));

    assertThatThrownBy(() -> new GeofenceFilter().init(config(params)))
        .hasMessageContaining("policy-file")
        .hasMessageContaining("policy.yaml:")
        .hasMessageContaining("ultra");
  }

  @Test
  void noPolicyFileFailsInit() {
    Map<String, String> params = valid();
    params.remove("policy-file");

    assertThatThrownBy(() -> new GeofenceFilter().init(config(params)))
        .hasMessageContaining("policy-file");
  }

  @Test
  void hmacPrivacyReadsTheKeyFromAFileAndNeverEchoesIt() throws Exception {
    Path key = Files.writeString(dir.resolve("key.hex"), "00112233445566778899aabbccddeeff");
    Path bad = Files.writeString(dir.resolve("bad.hex"), "top-secret-not-hex");
    Map<String, String> params = valid();
    params.put("audit-ip-privacy", "hmac");
    params.put("audit-hmac-key-file", key.toString());

    assertThat(InitParams.read(config(params)).auditIpPrivacy().toString()).contains("hmac");
    params.put("audit-hmac-key-file", bad.toString());
    assertThatThrownBy(() -> InitParams.read(config(params)))
        .hasMessageContaining("audit-ip-privacy")
        .hasMessageNotContaining("top-secret");
  }

  @Test
  void aPrincipalSource_recordsHmacByDefault_withTheKeyFileOfAuditIpPrivacy() throws Exception {
    Path key = Files.writeString(dir.resolve("key.hex"), "00112233445566778899aabbccddeeff");
    Map<String, String> params = valid();
    params.put("principal-source", "user-principal");

    assertThatThrownBy(() -> InitParams.read(config(params)))
        .hasMessageContaining(
            "init-param 'principal-privacy': mode hmac (the default when principal-source is set)"
                + " needs audit-hmac-key-file")
        .hasMessageContaining("or set principal-privacy to full");

    params.put("audit-hmac-key-file", key.toString());
    GeofenceSettings s = InitParams.read(config(params));
    assertThat(s.principalPrivacy().orElseThrow().hashes()).isTrue();
    assertThat(s.auditIpPrivacy().toString()).contains("full");

    params.put("audit-ip-privacy", "hmac");
    s = InitParams.read(config(params));
    assertThat(s.auditIpPrivacy().toString()).contains("hmac");
    assertThat(s.principalPrivacy().orElseThrow().recorded("alice"))
        .isEqualTo(
            PrincipalPrivacy.hmac(HexFormat.of().parseHex(Files.readString(key)))
                .recorded("alice"));
  }

  @Test
  void aKeyFileThatNeitherPrivacyModeUses_failsInit() throws Exception {
    Path key = Files.writeString(dir.resolve("key.hex"), "00112233445566778899aabbccddeeff");
    Map<String, String> params = valid();
    params.put("audit-hmac-key-file", key.toString());
    params.put("principal-source", "header:X-Api-Key");
    params.put("principal-privacy", "full");

    assertThatThrownBy(() -> InitParams.read(config(params)))
        .hasMessageContaining("audit-hmac-key-file is set but neither audit-ip-privacy")
        .hasMessageContaining("nor principal-privacy uses hmac");
  }

  @Test
  void principalPrivacyWithoutAPrincipalSource_needsNoKey() {
    Map<String, String> params = valid();
    params.put("principal-privacy", "hmac");

    GeofenceSettings s = InitParams.read(config(params));

    assertThat(s.principalSource().isNone()).isTrue();
    assertThat(s.principalPrivacy()).isEmpty();
  }

  @Test
  void theBuilderRefusesAPrincipalSourceWithoutAPrivacyMode() {
    GeofenceSettings.Builder b =
        GeofenceSettings.builder()
            .policyFile(dir.resolve("p.yaml"))
            .geoipDatabase(dir.resolve("c.mmdb"))
            .principalSource(PrincipalSource.attribute("account"));

    assertThatThrownBy(b::build)
        .isInstanceOf(IllegalStateException.class)
        .hasMessageContaining(
            "principal-source is attribute:account but principal-privacy is not set");
  }

  @ParameterizedTest
  @CsvSource({
    "0, PT0S",
    "500ms, PT0.5S",
    "10s, PT10S",
    "5m, PT5M",
    "2h, PT2H",
    "14d, PT336H",
    "PT30S, PT30S",
    "P2D, PT48H"
  })
  void durations(String text, Duration expected) {
    assertThat(InitParams.duration(text)).isEqualTo(expected);
  }

  static FilterConfig config(Map<String, String> params) {
    return new FilterConfig() {
      @Override
      public String getFilterName() {
        return "geofence";
      }

      @Override
      public ServletContext getServletContext() {
        return null;
      }

      @Override
      public String getInitParameter(String name) {
        return params.get(name);
      }

      @Override
      public Enumeration<String> getInitParameterNames() {
        return Collections.enumeration(params.keySet());
      }
    };
  }
}
