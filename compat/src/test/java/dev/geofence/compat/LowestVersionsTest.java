package dev.geofence.compat;

import static org.assertj.core.api.Assertions.assertThat;

import com.github.benmanes.caffeine.cache.Caffeine;
import io.micrometer.core.instrument.MeterRegistry;
import org.junit.jupiter.api.Test;

/**
 * The filter's tests in this module run on the lowest dependency versions the library supports, not
 * on the ones it is built with: otherwise the compat run would prove nothing.
 */
class LowestVersionsTest {

  @Test
  void jacksonCaffeineAndMicrometerAreTheLowestSupported() {
    assertThat(com.fasterxml.jackson.core.json.PackageVersion.VERSION.toString())
        .isEqualTo(System.getProperty("lowest.jackson.version", "2.19.2"));
    assertThat(jarVersion(Caffeine.class)).isEqualTo("3.2.2");
    assertThat(jarVersion(MeterRegistry.class)).isEqualTo("1.15.5");
  }

  /** The version in the jar's file name: neither Caffeine nor Micrometer has a version class. */
  private static String jarVersion(Class<?> type) {
    String jar = type.getProtectionDomain().getCodeSource().getLocation().getPath();
    String name = jar.substring(jar.lastIndexOf('/') + 1);
    return name.replaceAll("^.*-(\\d+\\.\\d+\\.\\d+)\\.jar$", "$1");
  }
}
