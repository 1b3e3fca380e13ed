package dev.geofence.boot;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.geofence.filter.GeofenceSettings;
import dev.geofence.filter.UsageStoreFailure;
import java.io.File;
import java.nio.file.Path;
import java.time.Duration;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** The starter's usage-store properties map to the filter's settings; bad ones name themselves. */
class UsagePropertiesTest {

  @TempDir Path dir;

  private GeofenceProperties properties() {
    GeofenceProperties p = new GeofenceProperties();
    p.setPolicyFile(new File(dir.toFile(), "policy.yaml"));
    p.getGeoip().setDatabase(new File(dir.toFile(), "country.mmdb"));
    return p;
  }

  @Test
  void unsetUsagePropertiesKeepTheFiltersDefaults() {
    GeofenceSettings s = Settings.of(properties());

    assertThat(s.usageStore()).isEqualTo("local");
    assertThat(s.usageStoreFailure()).isEqualTo(UsageStoreFailure.LOCAL);
    assertThat(s.usageStoreTimeout()).isEqualTo(Duration.ofMillis(100));
    assertThat(s.usageMaxKeys()).isEqualTo(100_000);
  }

  @Test
  void theFourUsagePropertiesMapToTheFiltersSettings() {
    GeofenceProperties p = properties();
    p.setUsageStore("redis://10.0.0.7:6380/2");
    p.setUsageStoreFailure(UsageStoreFailure.BLOCK);
    p.setUsageStoreTimeout(Duration.ofMillis(250));
    p.setUsageMaxKeys(5000);

    GeofenceSettings s = Settings.of(p);

    assertThat(s.usageStore()).isEqualTo("redis://10.0.0.7:6380/2");
    assertThat(s.usageStoreFailure()).isEqualTo(UsageStoreFailure.BLOCK);
    assertThat(s.usageStoreTimeout()).isEqualTo(Duration.ofMillis(250));
    assertThat(s.usageMaxKeys()).isEqualTo(5000);
  }

  @Test
  void aBadUsageStoreNamesItsProperty_withoutThePassword() {
    GeofenceProperties p = properties();
    p.setUsageStore("redis://:s3cret@cache.internal/db");

    assertThatThrownBy(() -> Settings.of(p))
        .isInstanceOf(GeofenceConfigurationException.class)
        .hasMessageContaining("geofence.usage-store")
        .hasMessageContaining("redis://***@cache.internal/db")
        .hasMessageNotContaining("s3cret");
  }

  @Test
  void aBadTimeoutOrMaxKeysNamesItsProperty() {
    GeofenceProperties p = properties();
    p.setUsageStoreTimeout(Duration.ofSeconds(11));
    assertThatThrownBy(() -> Settings.of(p)).hasMessageContaining("geofence.usage-store-timeout");

    p.setUsageStoreTimeout(null);
    p.setUsageMaxKeys(0);
    assertThatThrownBy(() -> Settings.of(p)).hasMessageContaining("geofence.usage-max-keys");
  }
}
