package dev.geofence.boot;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.geofence.filter.GeofenceSettings;
import dev.geofence.filter.PrincipalSource;
import java.io.File;
import java.nio.file.Files;
import java.nio.file.Path;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** The starter's principal properties map to the filter's settings, hmac by default. */
class PrincipalPropertiesTest {

  @TempDir Path dir;

  private GeofenceProperties properties() {
    GeofenceProperties p = new GeofenceProperties();
    p.setPolicyFile(new File(dir.toFile(), "policy.yaml"));
    p.getGeoip().setDatabase(new File(dir.toFile(), "country.mmdb"));
    return p;
  }

  @Test
  void aPrincipalSourceIsRecordedAsHmacByDefault_withTheAuditKeyFile() throws Exception {
    Path key = Files.writeString(dir.resolve("key.hex"), "00112233445566778899aabbccddeeff");
    GeofenceProperties p = properties();
    p.setPrincipalSource("header:X-Api-Key");

    assertThatThrownBy(() -> Settings.of(p))
        .isInstanceOf(GeofenceConfigurationException.class)
        .hasMessageContaining("geofence.principal-privacy: mode hmac (the default")
        .hasMessageContaining("geofence.audit.hmac-key-file");

    p.getAudit().setHmacKeyFile(key.toFile());
    GeofenceSettings s = Settings.of(p);
    assertThat(s.principalSource()).isEqualTo(PrincipalSource.header("X-Api-Key"));
    assertThat(s.principalPrivacy().orElseThrow().hashes()).isTrue();
    assertThat(s.auditIpPrivacy().toString()).contains("full");
  }

  @Test
  void fullPrivacyNeedsNoKey_andABadSourceNamesTheProperty() {
    GeofenceProperties p = properties();
    p.setPrincipalSource("user-principal");
    p.setPrincipalPrivacy(GeofenceProperties.PrincipalPrivacyMode.FULL);

    assertThat(Settings.of(p).principalPrivacy().orElseThrow().hashes()).isFalse();

    p.setPrincipalSource("cookie:session");
    assertThatThrownBy(() -> Settings.of(p))
        .hasMessageContaining("geofence.principal-source: Principal source 'cookie:session'");
  }
}
