package dev.geofence.policy.map;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.List;
import org.junit.jupiter.api.Test;

class AntimeridianTest {

  @Test
  void aRingThatDoesNotCross_isKeptAsItIs() {
    double[] ring = {10, 10, 20, 10, 20, 20, 10, 10};

    assertThat(Antimeridian.cut(ring)).containsExactly(ring);
  }

  @Test
  void aRingAcrossTheAntimeridian_isCutIntoOnePieceOnEachSide() {
    // Like the Chukchi peninsula: from 175°E over to 175°W and back.
    double[] ring = {175, 65, -175, 65, -175, 70, 175, 70, 175, 65};

    List<double[]> pieces = Antimeridian.cut(ring);

    assertThat(pieces).hasSize(2);
    for (double[] piece : pieces) {
      double sign = Math.signum(piece[0]);
      for (int i = 0; i < piece.length; i += 2) {
        assertThat(Math.signum(piece[i])).as("all on one side").isEqualTo(sign);
        assertThat(Math.abs(piece[i])).isBetween(175.0, 180.0);
        assertThat(piece[i + 1]).isBetween(65.0, 70.0);
      }
    }
  }

  @Test
  void aRingAroundThePole_isClosedThroughThePole() {
    // Like Antarctica's coast: once around the South Pole.
    double[] ring = {-180, -70, -90, -75, 0, -70, 90, -75, 180, -70, -180, -70};

    List<double[]> pieces = Antimeridian.cut(ring);

    assertThat(pieces).hasSize(1);
    double[] piece = pieces.get(0);
    double south = 0;
    for (int i = 0; i < piece.length; i += 2) {
      south = Math.min(south, piece[i + 1]);
    }
    assertThat(south).isEqualTo(-90);
  }

  @Test
  void theWorldsRings_haveNoStepWiderThanHalfTheMap_butAlongAPole() {
    World world = World.get();
    long bottom = Math.round(world.projection().height());
    for (World.Shape shape : world.shapes()) {
      for (String subpath : shape.path().split("M")) {
        if (subpath.isEmpty()) {
          continue;
        }
        String[] n =
            subpath.replace("z", "").replace("l", " ").replace("-", " -").trim().split(" +");
        long x = Long.parseLong(n[0]);
        long y = Long.parseLong(n[1]);
        for (int i = 2; i + 1 < n.length; i += 2) {
          long dx = Long.parseLong(n[i]);
          long dy = Long.parseLong(n[i + 1]);
          boolean alongThePole = dy == 0 && (y == 0 || y == bottom);
          if (!alongThePole) {
            assertThat(Math.abs(dx))
                .as("a step in %s at %d,%d", shape.name(), x, y)
                .isLessThan(1000);
          }
          x += dx;
          y += dy;
        }
      }
    }
  }
}
