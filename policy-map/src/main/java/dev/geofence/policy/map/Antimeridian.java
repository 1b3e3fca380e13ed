package dev.geofence.policy.map;

import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;

/**
 * Cuts rings at the antimeridian so that a flat map can draw them. world-atlas keeps its rings
 * whole on the sphere (as d3 draws them): the Chukchi peninsula steps from 180° to -179° and back,
 * and Antarctica's coast goes once around the South Pole. Drawn as they are, such rings would cross
 * the whole map. Here a ring is split where a step between two points changes longitude by more
 * than 180°; each piece is closed along the edge of the map (the meridian at ±180°), or through the
 * pole when its two ends lie on opposite edges, as a ring around a pole does.
 *
 * <p>Pieces on the same edge are closed each on its own, which is right when they do not nest, as
 * in Natural Earth's data.
 */
final class Antimeridian {

  private Antimeridian() {}

  /**
   * The ring, cut: itself when it does not cross the antimeridian, else one closed ring per piece.
   *
   * @param ring longitude and latitude in degrees, alternately, first point repeated last or not
   */
  static List<double[]> cut(double[] ring) {
    int n = ring.length / 2;
    List<Integer> jumps = new ArrayList<>();
    for (int i = 1; i < n; i++) {
      if (Math.abs(ring[2 * i] - ring[2 * i - 2]) > 180) {
        jumps.add(i);
      }
    }
    if (jumps.isEmpty()) {
      return List.of(ring);
    }
    boolean closed = ring[0] == ring[2 * n - 2] && ring[1] == ring[2 * n - 1];
    int points = closed ? n - 1 : n; // without the repeated first point, the ring is cyclic
    if (!closed && Math.abs(ring[0] - ring[2 * n - 2]) > 180) {
      jumps.add(n); // the closing step crosses too
    }
    List<double[]> pieces = new ArrayList<>(jumps.size());
    for (int k = 0; k < jumps.size(); k++) {
      int first = jumps.get(k) % points;
      int next = jumps.get((k + 1) % jumps.size()) % points; // for the last piece, wraps around
      double[] in = crossing(ring, (first - 1 + points) % points, first);
      double[] out = crossing(ring, (next - 1 + points) % points, next);
      // The piece lies on the far side of the step that enters it, and on the near side of the
      // step that leaves it.
      double enterEdge = -in[0];
      double leaveEdge = out[0];
      Path piece = new Path();
      piece.add(enterEdge, in[1]);
      int i = first;
      do {
        piece.add(ring[2 * i], ring[2 * i + 1]);
        i = (i + 1) % points;
      } while (i != next);
      if (leaveEdge == enterEdge) {
        alongMeridian(piece, leaveEdge, out[1], in[1]);
      } else {
        // One end on each edge: the ring goes around a pole, and the piece closes through it.
        double pole = piece.meanLatitude() < 0 ? -90 : 90;
        alongMeridian(piece, leaveEdge, out[1], pole);
        alongMeridian(piece, enterEdge, pole, in[1]);
      }
      pieces.add(piece.toArray());
    }
    return pieces;
  }

  /**
   * Where the step from point {@code a} to point {@code b} meets the antimeridian: the edge on
   * {@code a}'s side (180 or -180) and the latitude there, interpolated with {@code b} unwrapped to
   * {@code a}'s side.
   */
  private static double[] crossing(double[] ring, int a, int b) {
    double lon0 = ring[2 * a];
    double lat0 = ring[2 * a + 1];
    double lon1 = ring[2 * b];
    double lat1 = ring[2 * b + 1];
    double edge = lon0 > 0 ? 180 : -180;
    double unwrapped = lon1 + (lon0 > 0 ? 360 : -360);
    double t = unwrapped == lon0 ? 0 : (edge - lon0) / (unwrapped - lon0);
    return new double[] {edge, lat0 + t * (lat1 - lat0)};
  }

  /** Points every degree from {@code from} to {@code to} along a meridian, both ends included. */
  private static void alongMeridian(Path piece, double lon, double from, double to) {
    double step = to > from ? 1 : -1;
    for (double lat = from; step > 0 ? lat < to : lat > to; lat += step) {
      piece.add(lon, lat);
    }
    piece.add(lon, to);
  }

  /** A growable list of longitude/latitude pairs. */
  private static final class Path {
    private double[] xy = new double[64];
    private int size;

    void add(double lon, double lat) {
      if (size + 2 > xy.length) {
        xy = Arrays.copyOf(xy, xy.length * 2);
      }
      xy[size++] = lon;
      xy[size++] = lat;
    }

    void replaceLast(double lon, double lat) {
      xy[size - 2] = lon;
      xy[size - 1] = lat;
    }

    double meanLatitude() {
      double sum = 0;
      for (int i = 1; i < size; i += 2) {
        sum += xy[i];
      }
      return sum / (size / 2);
    }

    double[] toArray() {
      return Arrays.copyOf(xy, size);
    }
  }
}
