package dev.geofence.boot.it;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;
import org.junit.jupiter.api.io.TempDir;
import org.springframework.boot.builder.SpringApplicationBuilder;
import org.springframework.boot.test.system.CapturedOutput;
import org.springframework.boot.test.system.OutputCaptureExtension;

/**
 * Bad configuration stops the application with Boot's "APPLICATION FAILED TO START" report, whose
 * description and action name the property to change, before the server takes a request.
 */
@ExtendWith(OutputCaptureExtension.class)
class StartupFailureTest {

  @TempDir Path dir;

  private Path policy;
  private Path database;

  private List<String> valid() {
    policy = Fixtures.policy(dir);
    database = Fixtures.database(dir, "GeoLite2-Country");
    List<String> properties = new ArrayList<>();
    properties.add("server.port=0");
    properties.add("geofence.audit.enabled=false");
    return properties;
  }

  /** Starts the application with these properties and returns Boot's failure report. */
  private String failure(CapturedOutput output, List<String> properties) {
    assertThatThrownBy(
            () ->
                new SpringApplicationBuilder(ModelApplication.class)
                    .properties(properties.toArray(String[]::new))
                    .run()
                    .close())
        .isNotNull();
    String out = output.getAll();
    assertThat(out).contains("APPLICATION FAILED TO START");
    return out.substring(out.lastIndexOf("APPLICATION FAILED TO START"));
  }

  @Test
  void aMissingPolicyFileNamesGeofencePolicyFile(CapturedOutput output) {
    List<String> p = valid();
    p.add("geofence.policy-file=" + dir.resolve("absent.yaml"));
    p.add("geofence.geoip.database=" + database);

    assertThat(failure(output, p))
        .contains("Description:")
        .contains("geofence.policy-file: the policy " + dir.resolve("absent.yaml"))
        .contains("Action:")
        .contains("Point geofence.policy-file at a readable policy");
  }

  @Test
  void anUnreadablePolicyFileNamesGeofencePolicyFile(CapturedOutput output) throws Exception {
    List<String> p = valid();
    Path directory = Files.createDirectory(dir.resolve("policy-dir.yaml"));
    p.add("geofence.policy-file=" + directory);
    p.add("geofence.geoip.database=" + database);

    assertThat(failure(output, p)).contains("geofence.policy-file: the policy " + directory);
  }

  @Test
  void anUnsetPolicyFileNamesGeofencePolicyFile(CapturedOutput output) {
    List<String> p = valid();
    p.add("geofence.geoip.database=" + database);

    assertThat(failure(output, p))
        .contains("geofence.policy-file: no policy file is set.")
        .contains("Set geofence.policy-file to the region policy");
  }

  @Test
  void anInvalidPolicyNamesGeofencePolicyFileAndTheLineAndColumn(CapturedOutput output)
      throws Exception {
    List<String> p = valid();
    String yaml = Files.readString(policy).replace("allow: frontier ", "allow: ultra    ");
    Files.writeString(policy, yaml);
    p.add("geofence.policy-file=" + policy);
    p.add("geofence.geoip.database=" + database);

    assertThat(failure(output, p))
        .contains("geofence.policy-file: the policy " + policy)
        .containsPattern("policy\\.yaml:\\d+:\\d+: .*ultra");
  }

  @Test
  void aBadCidrNamesGeofenceTrustedProxies(CapturedOutput output) {
    List<String> p = valid();
    p.add("geofence.policy-file=" + policy);
    p.add("geofence.geoip.database=" + database);
    p.add("geofence.trusted-proxies=10.0.0.0/8,10.0.0.300/24");

    assertThat(failure(output, p))
        .contains("geofence.trusted-proxies: ")
        .contains("10.0.0.300/24")
        .contains("Correct geofence.trusted-proxies.");
  }

  @Test
  void aMissingDatabaseNamesGeofenceGeoipDatabase(CapturedOutput output) {
    List<String> p = valid();
    p.add("geofence.policy-file=" + policy);
    p.add("geofence.geoip.database=" + dir.resolve("absent.mmdb"));

    assertThat(failure(output, p))
        .contains("geofence.geoip.database: ")
        .contains("absent.mmdb")
        .contains("Point geofence.geoip.database at a readable database");
  }

  @Test
  void aDatabaseOfTheWrongTypeNamesGeofenceGeoipDatabase(CapturedOutput output) {
    List<String> p = valid();
    Path asn = Fixtures.database(dir, "GeoLite2-ASN");
    p.add("geofence.policy-file=" + policy);
    p.add("geofence.geoip.database=" + asn);

    assertThat(failure(output, p)).contains("geofence.geoip.database: ").contains("GeoLite2-ASN");
  }

  @Test
  void nativeForwardedHeadersWithTomcatsDefaultProxiesNameTheStrategy(CapturedOutput output) {
    List<String> p = valid();
    p.add("geofence.policy-file=" + policy);
    p.add("geofence.geoip.database=" + database);
    p.add("server.forward-headers-strategy=native");

    assertThat(failure(output, p))
        .contains("server.forward-headers-strategy: native forwarded-header handling")
        .contains("Set server.tomcat.remoteip.internal-proxies to your own proxies");
  }
}
