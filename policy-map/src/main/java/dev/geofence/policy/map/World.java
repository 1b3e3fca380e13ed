package dev.geofence.policy.map;

import java.io.BufferedReader;
import java.io.IOException;
import java.io.InputStream;
import java.io.InputStreamReader;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.Collections;
import java.util.Comparator;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.TreeSet;

/**
 * The world map's shapes: Natural Earth admin-0 countries from the vendored world-atlas TopoJSON,
 * projected with {@link EqualEarth} into SVG paths, one shape per ISO 3166-1 alpha-2 code, and
 * neutral shapes for places without a code. Loaded once per JVM on first use; immutable and safe to
 * share.
 *
 * <p>Codes: world-atlas gives each country its ISO 3166-1 numeric code, mapped here to alpha-2 with
 * the vendored table {@code iso3166-numeric.csv}. Kosovo has no numeric code and is drawn as {@code
 * XK}, the code geolocation databases report. Natural Earth draws some territories as part of
 * another country that geolocation databases report under their own code (French Guiana as part of
 * France, Svalbard as part of Norway, ...); their polygons are split off by location ({@link
 * #PARTS}). Northern Cyprus, Somaliland and the Siachen Glacier have no code and are drawn neutral.
 */
final class World {

  /** The vendored Natural Earth 1:50m admin-0 countries, as published by world-atlas. */
  static final String TOPOLOGY = "countries-50m.json";

  static final String NUMERIC_CODES = "iso3166-numeric.csv";

  /** The map's width in SVG units; coordinates are rounded to whole units. */
  static final double WIDTH = 2000;

  /** Shapes smaller than this (square map units) are too small to see; named ones get a circle. */
  static final double TINY = 25;

  /** Shapes without an ISO numeric code that geolocation databases report under a code. */
  private static final Map<String, String> CODE_BY_NAME =
      Map.of("Kosovo", "XK", "Indian Ocean Ter.", "CX");

  /**
   * A territory drawn by Natural Earth inside another country's shape: a polygon of {@code parent}
   * whose outer ring's bounding-box centre lies in the box belongs to {@code code}.
   */
  record Part(String parent, String code, double west, double east, double south, double north) {
    boolean contains(double lon, double lat) {
      return lon >= west && lon <= east && lat >= south && lat <= north;
    }
  }

  static final List<Part> PARTS =
      List.of(
          new Part("FR", "GF", -55, -51, 2, 6.5),
          new Part("FR", "GP", -62, -61, 15.8, 16.7),
          new Part("FR", "MQ", -61.4, -60.6, 14.2, 15.1),
          new Part("FR", "RE", 55, 56, -21.6, -20.7),
          new Part("FR", "YT", 44.8, 45.4, -13.2, -12.5),
          new Part("NL", "BQ", -69, -62, 11.5, 18),
          new Part("NO", "SJ", -10, -7, 70, 72),
          new Part("NO", "SJ", 0, 40, 74, 82),
          new Part("CX", "CC", 96, 97.5, -12.6, -11.7));

  /**
   * One drawn place.
   *
   * @param iso the ISO 3166-1 alpha-2 code; empty for a neutral shape
   * @param name the English name (the JDK's for a code, else Natural Earth's)
   * @param path SVG path data, in map units; empty when the place is too small to draw
   * @param area the sum of its rings' projected areas in square map units (holes counted as rings:
   *     a rough measure, to tell shapes too small to see)
   * @param x the x of a point for a marker: the centre of the largest ring's bounding box
   * @param y its y
   */
  record Shape(Optional<String> iso, String name, String path, double area, double x, double y) {}

  private static final class Holder {
    static final World WORLD = load();
  }

  private final EqualEarth projection;
  private final List<Shape> shapes;
  private final Set<String> drawnCodes;
  private final String sphere;

  private World(EqualEarth projection, List<Shape> shapes, String sphere) {
    this.projection = projection;
    this.shapes = List.copyOf(shapes);
    Set<String> drawn = new TreeSet<>();
    for (Shape shape : shapes) {
      if (!shape.path().isEmpty()) {
        shape.iso().ifPresent(drawn::add);
      }
    }
    this.drawnCodes = Collections.unmodifiableSet(drawn);
    this.sphere = sphere;
  }

  /** The map, loaded on first use. */
  static World get() {
    return Holder.WORLD;
  }

  EqualEarth projection() {
    return projection;
  }

  /** Shapes with a code, by code, then neutral shapes by name. */
  List<Shape> shapes() {
    return shapes;
  }

  /** The codes of the shapes that are drawn (not too small to draw), sorted. */
  Set<String> drawnCodes() {
    return drawnCodes;
  }

  /** The outline of the whole projected globe, as SVG path data: the sea. */
  String sphere() {
    return sphere;
  }

  static World load() {
    return load(TOPOLOGY);
  }

  static World load(String topology) {
    try (InputStream topo = resource(topology);
        InputStream codes = resource(NUMERIC_CODES)) {
      return build(TopoJson.read(topo, "countries"), readCodes(codes));
    } catch (IOException e) {
      throw new UncheckedIOException("The map data " + TOPOLOGY + " is unreadable.", e);
    }
  }

  private static InputStream resource(String name) throws IOException {
    InputStream in = World.class.getResourceAsStream(name);
    if (in == null) {
      throw new IOException("The map resource " + name + " is missing from the jar.");
    }
    return in;
  }

  /** Numeric code → alpha-2, from lines {@code 004,AF}; {@code #} starts a comment line. */
  static Map<String, String> readCodes(InputStream in) throws IOException {
    Map<String, String> codes = new HashMap<>();
    BufferedReader reader = new BufferedReader(new InputStreamReader(in, StandardCharsets.UTF_8));
    String line;
    while ((line = reader.readLine()) != null) {
      if (line.isBlank() || line.startsWith("#")) {
        continue;
      }
      int comma = line.indexOf(',');
      codes.put(line.substring(0, comma).strip(), line.substring(comma + 1).strip());
    }
    return codes;
  }

  private static World build(List<TopoJson.Feature> features, Map<String, String> numeric) {
    EqualEarth projection = new EqualEarth(WIDTH);
    // Polygons gathered per code (or per neutral name), parts split off on the way.
    Map<String, List<List<double[]>>> byCode = new LinkedHashMap<>();
    Map<String, List<List<double[]>>> neutral = new LinkedHashMap<>();
    for (TopoJson.Feature f : features) {
      String code = f.id().map(numeric::get).orElseGet(() -> CODE_BY_NAME.get(f.name()));
      for (List<double[]> polygon : f.polygons()) {
        if (code == null) {
          neutral.computeIfAbsent(f.name(), k -> new ArrayList<>()).add(polygon);
        } else {
          byCode.computeIfAbsent(partOf(code, polygon), k -> new ArrayList<>()).add(polygon);
        }
      }
    }
    List<Shape> shapes = new ArrayList<>();
    byCode.forEach(
        (code, polygons) ->
            shape(projection, Optional.of(code), name(code), polygons).ifPresent(shapes::add));
    shapes.sort(Comparator.comparing(s -> s.iso().orElseThrow()));
    List<Shape> neutralShapes = new ArrayList<>();
    neutral.forEach(
        (name, polygons) ->
            shape(projection, Optional.empty(), name, polygons).ifPresent(neutralShapes::add));
    neutralShapes.sort(Comparator.comparing(Shape::name));
    shapes.addAll(neutralShapes);
    return new World(projection, shapes, spherePath(projection));
  }

  private static String partOf(String code, List<double[]> polygon) {
    double west = Double.MAX_VALUE;
    double east = -Double.MAX_VALUE;
    double south = Double.MAX_VALUE;
    double north = -Double.MAX_VALUE;
    double[] outer = polygon.get(0);
    for (int i = 0; i < outer.length; i += 2) {
      west = Math.min(west, outer[i]);
      east = Math.max(east, outer[i]);
      south = Math.min(south, outer[i + 1]);
      north = Math.max(north, outer[i + 1]);
    }
    for (Part part : PARTS) {
      if (part.parent().equals(code) && part.contains((west + east) / 2, (south + north) / 2)) {
        return part.code();
      }
    }
    return code;
  }

  /** The English name of a code, from the JDK; {@code XK} is Kosovo. */
  static String name(String code) {
    String name = new Locale("", code).getDisplayCountry(Locale.ENGLISH);
    return name.isEmpty() || name.equals(code) ? (code.equals("XK") ? "Kosovo" : code) : name;
  }

  /**
   * The SVG path of some polygons: each ring cut at the antimeridian, projected and rounded to
   * whole units, repeated points dropped; rings left with no area are left out, and a shape none of
   * whose rings is left is not drawn. Holes are rings like any other: the map fills with the
   * even-odd rule.
   */
  private static Optional<Shape> shape(
      EqualEarth projection, Optional<String> iso, String name, List<List<double[]>> polygons) {
    StringBuilder d = new StringBuilder();
    double area = 0;
    double best = -1;
    double mx = 0;
    double my = 0;
    int[] xs = new int[256];
    int[] ys = new int[256];
    double[] xy = new double[2];
    for (List<double[]> polygon : polygons) {
      for (double[] lonLat : polygon) {
        for (double[] ring : Antimeridian.cut(lonLat)) {
          if (xs.length < ring.length / 2) {
            xs = new int[ring.length / 2];
            ys = new int[ring.length / 2];
          }
          int n = 0;
          for (int i = 0; i < ring.length; i += 2) {
            projection.project(ring[i], ring[i + 1], xy);
            int x = (int) Math.round(xy[0]);
            int y = (int) Math.round(xy[1]);
            if (n == 0 || x != xs[n - 1] || y != ys[n - 1]) {
              xs[n] = x;
              ys[n] = y;
              n++;
            }
          }
          if (n > 1 && xs[n - 1] == xs[0] && ys[n - 1] == ys[0]) {
            n--; // the closing point: z closes the ring
          }
          double ringArea = area(xs, ys, n);
          if (ringArea < 0.5) {
            continue;
          }
          area += ringArea;
          if (ringArea > best) {
            best = ringArea;
            mx = centre(xs, n);
            my = centre(ys, n);
          }
          d.append('M').append(xs[0]).append(' ').append(ys[0]).append('l');
          for (int i = 1; i < n; i++) {
            appendNumber(d, xs[i] - xs[i - 1], i > 1);
            appendNumber(d, ys[i] - ys[i - 1], true);
          }
          d.append('z');
        }
      }
    }
    if (d.length() == 0) {
      if (iso.isEmpty()) {
        return Optional.empty();
      }
      // Too small to draw at this scale: kept with no path, so that a marker can show where it is.
      double[] outer = polygons.get(0).get(0);
      double lon = (min(outer, 0) + max(outer, 0)) / 2;
      double lat = (min(outer, 1) + max(outer, 1)) / 2;
      return Optional.of(new Shape(iso, name, "", 0, projection.x(lon, lat), projection.y(lat)));
    }
    return Optional.of(new Shape(iso, name, d.toString(), area, mx, my));
  }

  private static double min(double[] lonLat, int offset) {
    double m = Double.MAX_VALUE;
    for (int i = offset; i < lonLat.length; i += 2) {
      m = Math.min(m, lonLat[i]);
    }
    return m;
  }

  private static double max(double[] lonLat, int offset) {
    double m = -Double.MAX_VALUE;
    for (int i = offset; i < lonLat.length; i += 2) {
      m = Math.max(m, lonLat[i]);
    }
    return m;
  }

  /** The area of a polygon (shoelace formula), whichever way it winds. */
  private static double area(int[] xs, int[] ys, int n) {
    double twice = 0;
    for (int i = 0; i < n; i++) {
      int j = (i + 1) % n;
      twice += (double) xs[i] * ys[j] - (double) xs[j] * ys[i];
    }
    return Math.abs(twice) / 2;
  }

  /** The middle of the range of the first {@code n} values. */
  private static double centre(int[] values, int n) {
    int min = Integer.MAX_VALUE;
    int max = Integer.MIN_VALUE;
    for (int i = 0; i < n; i++) {
      min = Math.min(min, values[i]);
      max = Math.max(max, values[i]);
    }
    return (min + max) / 2.0;
  }

  /** Appends a number; a space separates it from the one before unless its minus sign does. */
  private static void appendNumber(StringBuilder d, int value, boolean separate) {
    if (separate && value >= 0) {
      d.append(' ');
    }
    d.append(value);
  }

  /** The globe's outline: the meridian at -180° up, then the one at 180° down; poles are flat. */
  private static String spherePath(EqualEarth projection) {
    StringBuilder d = new StringBuilder();
    for (int lat = -90; lat <= 90; lat++) {
      d.append(lat == -90 ? 'M' : 'L')
          .append(Math.round(projection.x(-180, lat)))
          .append(' ')
          .append(Math.round(projection.y(lat)));
    }
    for (int lat = 90; lat >= -90; lat--) {
      d.append('L')
          .append(Math.round(projection.x(180, lat)))
          .append(' ')
          .append(Math.round(projection.y(lat)));
    }
    return d.append('z').toString();
  }
}
