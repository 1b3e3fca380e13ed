package dev.geofence.policy.map;

/**
 * The Equal Earth projection (Šavrič, Patterson and Jenny, 2018): equal-area, so a large country
 * does not look larger than it is, with straight parallels and flat poles. Closed form, no tables.
 * Maps longitude/latitude in degrees to the plane of a map {@code width} units wide, x to the right
 * and y down from the top left, as SVG draws. Immutable.
 */
final class EqualEarth {

  private static final double A1 = 1.340264;
  private static final double A2 = -0.081106;
  private static final double A3 = 0.000893;
  private static final double A4 = 0.003796;
  private static final double M = Math.sqrt(3) / 2;

  /** Half the width and half the height of the projected sphere, for a unit sphere. */
  static final double HALF_WIDTH = unitX(180, 0);

  static final double HALF_HEIGHT = unitY(90);

  private final double scale;

  EqualEarth(double width) {
    this.scale = width / (2 * HALF_WIDTH);
  }

  double width() {
    return 2 * HALF_WIDTH * scale;
  }

  double height() {
    return 2 * HALF_HEIGHT * scale;
  }

  /**
   * Projects a point into {@code xy[0]} and {@code xy[1]}; cheaper than {@link #x} and {@link #y}.
   */
  void project(double lon, double lat, double[] xy) {
    double t = theta(lat);
    double t2 = t * t;
    double t6 = t2 * t2 * t2;
    xy[0] =
        (Math.toRadians(lon) * Math.cos(t) / (M * (A1 + 3 * A2 * t2 + t6 * (7 * A3 + 9 * A4 * t2)))
                + HALF_WIDTH)
            * scale;
    xy[1] = (HALF_HEIGHT - t * (A1 + A2 * t2 + t6 * (A3 + A4 * t2))) * scale;
  }

  double x(double lon, double lat) {
    return (unitX(lon, lat) + HALF_WIDTH) * scale;
  }

  double y(double lat) {
    return (HALF_HEIGHT - unitY(lat)) * scale;
  }

  private static double theta(double lat) {
    return Math.asin(M * Math.sin(Math.toRadians(lat)));
  }

  private static double unitX(double lon, double lat) {
    double t = theta(lat);
    double t2 = t * t;
    double t6 = t2 * t2 * t2;
    return Math.toRadians(lon)
        * Math.cos(t)
        / (M * (A1 + 3 * A2 * t2 + t6 * (7 * A3 + 9 * A4 * t2)));
  }

  private static double unitY(double lat) {
    double t = theta(lat);
    double t2 = t * t;
    double t6 = t2 * t2 * t2;
    return t * (A1 + A2 * t2 + t6 * (A3 + A4 * t2));
  }
}
