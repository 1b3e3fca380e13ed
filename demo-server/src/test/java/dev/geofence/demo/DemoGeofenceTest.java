package dev.geofence.demo;

import static org.assertj.core.api.Assertions.assertThat;

import java.nio.file.Path;
import java.time.Instant;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class DemoGeofenceTest {

  @TempDir Path dir;

  @Test
  void closingDeletesTheEmbeddedPolicyAndDatabaseFiles() throws Exception {
    DemoGeofence geofence =
        DemoGeofence.open(DemoConfig.builder().audit(dir.resolve("audit")).build());
    assertThat(geofence.temporaryFiles())
        .hasSize(2)
        .allSatisfy(file -> assertThat(file).isRegularFile());

    geofence.close();

    assertThat(geofence.temporaryFiles()).allSatisfy(file -> assertThat(file).doesNotExist());
  }

  @Test
  void filesTheUserGaveAreNeverDeleted() throws Exception {
    Path database = dir.resolve("demo.mmdb");
    DemoDatabase.writeTo(database, Instant.now());
    DemoGeofence geofence =
        DemoGeofence.open(DemoConfig.builder().geoip(database).audit(dir.resolve("audit")).build());

    geofence.close();

    assertThat(geofence.temporaryFiles()).hasSize(1).doesNotContain(database);
    assertThat(database).isRegularFile();
  }
}
