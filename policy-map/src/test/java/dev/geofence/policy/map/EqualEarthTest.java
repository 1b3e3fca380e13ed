package dev.geofence.policy.map;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.within;

import org.junit.jupiter.api.Test;

class EqualEarthTest {

  private final EqualEarth projection = new EqualEarth(2000);

  @Test
  void theUnitSphere_isAsPublished() {
    // Šavrič et al. 2018: the map is 2.7066 by 1.3173 (half extents) on a unit sphere.
    assertThat(EqualEarth.HALF_WIDTH).isCloseTo(2.7066, within(1e-4));
    assertThat(EqualEarth.HALF_HEIGHT).isCloseTo(1.3173, within(1e-4));
    assertThat(projection.height() / projection.width()).isCloseTo(1.3173 / 2.7066, within(1e-4));
  }

  @Test
  void theOriginIsInTheMiddle_northIsUp_eastIsRight() {
    assertThat(projection.x(0, 0)).isCloseTo(1000, within(1e-9));
    assertThat(projection.y(0)).isCloseTo(projection.height() / 2, within(1e-9));
    assertThat(projection.y(60)).isLessThan(projection.y(0));
    assertThat(projection.x(30, 0)).isGreaterThan(1000);
  }

  @Test
  void theEdgesAreTheAntimeridian_andThePolesAreFlatLines() {
    assertThat(projection.x(-180, 0)).isCloseTo(0, within(1e-9));
    assertThat(projection.x(180, 0)).isCloseTo(2000, within(1e-9));
    assertThat(projection.y(90)).isCloseTo(0, within(1e-9));
    assertThat(projection.y(-90)).isCloseTo(projection.height(), within(1e-9));
    // A pole is a line, not a point: more than half as wide as the equator.
    double pole = projection.x(180, 90) - projection.x(-180, 90);
    assertThat(pole / 2000).isBetween(0.55, 0.65);
  }

  @Test
  void isSymmetric() {
    assertThat(projection.x(-73.9, 40.7) - 1000)
        .isCloseTo(1000 - projection.x(73.9, 40.7), within(1e-9));
    assertThat(projection.y(-33.9) - projection.height() / 2)
        .isCloseTo(projection.height() / 2 - projection.y(33.9), within(1e-9));
  }
}
