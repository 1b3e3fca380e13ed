package dev.geofence.policy.map;

import com.fasterxml.jackson.core.JsonFactory;
import com.fasterxml.jackson.core.JsonParser;
import com.fasterxml.jackson.core.JsonToken;
import java.io.IOException;
import java.io.InputStream;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Optional;

/**
 * Reads the polygons of one geometry collection of a quantized TopoJSON topology (as world-atlas
 * publishes them), with Jackson's streaming parser: the file is read token by token into int
 * arrays, with no tree and no data binding, because it is read on every start of the command.
 *
 * <p>Only what world-atlas uses is supported: a {@code transform}, delta-encoded arcs, and {@code
 * Polygon} and {@code MultiPolygon} geometries with an {@code id} and a {@code properties.name}.
 */
final class TopoJson {

  private TopoJson() {}

  /**
   * One geometry: its id (world-atlas: the ISO 3166-1 numeric code, absent for places without one),
   * its name, and its polygons as rings of longitude/latitude pairs in degrees, the first ring of
   * each polygon its outer boundary.
   */
  record Feature(Optional<String> id, String name, List<List<double[]>> polygons) {}

  /**
   * The features of the geometry collection {@code object}, in file order.
   *
   * @throws IOException when the input is not such a topology
   */
  static List<Feature> read(InputStream in, String object) throws IOException {
    try (JsonParser p = new JsonFactory().createParser(in)) {
      expect(p, p.nextToken(), JsonToken.START_OBJECT);
      double[] scale = null;
      double[] translate = null;
      List<int[]> arcs = null;
      List<RawGeometry> geometries = null;
      while (p.nextToken() == JsonToken.FIELD_NAME) {
        String field = p.currentName();
        JsonToken value = p.nextToken();
        switch (field) {
          case "arcs" -> arcs = readArcs(p);
          case "transform" -> {
            expect(p, value, JsonToken.START_OBJECT);
            while (p.nextToken() == JsonToken.FIELD_NAME) {
              String name = p.currentName();
              p.nextToken();
              if (name.equals("scale")) {
                scale = readPair(p);
              } else if (name.equals("translate")) {
                translate = readPair(p);
              } else {
                p.skipChildren();
              }
            }
          }
          case "objects" -> {
            expect(p, value, JsonToken.START_OBJECT);
            while (p.nextToken() == JsonToken.FIELD_NAME) {
              String name = p.currentName();
              p.nextToken();
              if (name.equals(object)) {
                geometries = readCollection(p);
              } else {
                p.skipChildren();
              }
            }
          }
          default -> p.skipChildren();
        }
      }
      if (scale == null || translate == null || arcs == null || geometries == null) {
        throw new IOException(
            "Not a quantized TopoJSON topology with a transform, arcs and the object '"
                + object
                + "'.");
      }
      List<Feature> features = new ArrayList<>(geometries.size());
      for (RawGeometry g : geometries) {
        List<List<double[]>> polygons = new ArrayList<>(g.polygons.size());
        for (List<int[]> polygon : g.polygons) {
          List<double[]> rings = new ArrayList<>(polygon.size());
          for (int[] ring : polygon) {
            rings.add(ring(ring, arcs, scale, translate));
          }
          polygons.add(rings);
        }
        features.add(new Feature(Optional.ofNullable(g.id), g.name, polygons));
      }
      return features;
    }
  }

  /** A geometry as read: rings as arc indexes. */
  private static final class RawGeometry {
    String id;
    String name = "";
    String type;
    List<List<int[]>> polygons = List.of();
  }

  /** Arcs with their delta encoding undone: x0, y0, x1, y1, ... in quantized units. */
  private static List<int[]> readArcs(JsonParser p) throws IOException {
    expect(p, p.currentToken(), JsonToken.START_ARRAY);
    List<int[]> arcs = new ArrayList<>();
    int[] buffer = new int[1024];
    while (p.nextToken() == JsonToken.START_ARRAY) {
      int n = 0;
      int x = 0;
      int y = 0;
      while (p.nextToken() == JsonToken.START_ARRAY) {
        p.nextToken();
        x += p.getIntValue();
        p.nextToken();
        y += p.getIntValue();
        expect(p, p.nextToken(), JsonToken.END_ARRAY);
        if (n + 2 > buffer.length) {
          buffer = Arrays.copyOf(buffer, buffer.length * 2);
        }
        buffer[n++] = x;
        buffer[n++] = y;
      }
      arcs.add(Arrays.copyOf(buffer, n));
    }
    return arcs;
  }

  private static double[] readPair(JsonParser p) throws IOException {
    expect(p, p.currentToken(), JsonToken.START_ARRAY);
    p.nextToken();
    double a = p.getDoubleValue();
    p.nextToken();
    double b = p.getDoubleValue();
    expect(p, p.nextToken(), JsonToken.END_ARRAY);
    return new double[] {a, b};
  }

  private static List<RawGeometry> readCollection(JsonParser p) throws IOException {
    expect(p, p.currentToken(), JsonToken.START_OBJECT);
    List<RawGeometry> geometries = new ArrayList<>();
    while (p.nextToken() == JsonToken.FIELD_NAME) {
      String field = p.currentName();
      p.nextToken();
      if (!field.equals("geometries")) {
        p.skipChildren();
        continue;
      }
      while (p.nextToken() == JsonToken.START_OBJECT) {
        geometries.add(readGeometry(p));
      }
    }
    return geometries;
  }

  private static RawGeometry readGeometry(JsonParser p) throws IOException {
    RawGeometry g = new RawGeometry();
    List<Object> arcs = null;
    while (p.nextToken() == JsonToken.FIELD_NAME) {
      String field = p.currentName();
      JsonToken value = p.nextToken();
      switch (field) {
        case "type" -> g.type = p.getText();
        case "id" -> g.id = value == JsonToken.VALUE_NULL ? null : p.getText();
        case "arcs" -> arcs = readNested(p);
        case "properties" -> {
          while (p.nextToken() == JsonToken.FIELD_NAME) {
            String name = p.currentName();
            p.nextToken();
            if (name.equals("name")) {
              g.name = p.getText();
            } else {
              p.skipChildren();
            }
          }
        }
        default -> p.skipChildren();
      }
    }
    if (arcs != null && "Polygon".equals(g.type)) {
      g.polygons = List.of(polygon(arcs));
    } else if (arcs != null && "MultiPolygon".equals(g.type)) {
      List<List<int[]>> polygons = new ArrayList<>();
      for (Object polygon : arcs) {
        polygons.add(polygon((List<?>) polygon));
      }
      g.polygons = polygons;
    }
    return g;
  }

  private static List<int[]> polygon(List<?> rings) {
    List<int[]> out = new ArrayList<>(rings.size());
    for (Object ring : rings) {
      List<?> indexes = (List<?>) ring;
      int[] r = new int[indexes.size()];
      for (int i = 0; i < r.length; i++) {
        r[i] = (Integer) indexes.get(i);
      }
      out.add(r);
    }
    return out;
  }

  /** Nested arrays of integers, as lists of lists ... of Integer. */
  private static List<Object> readNested(JsonParser p) throws IOException {
    expect(p, p.currentToken(), JsonToken.START_ARRAY);
    List<Object> out = new ArrayList<>();
    JsonToken t;
    while ((t = p.nextToken()) != JsonToken.END_ARRAY) {
      out.add(t == JsonToken.START_ARRAY ? readNested(p) : (Object) p.getIntValue());
    }
    return out;
  }

  /**
   * A ring's longitude/latitude points: its arcs joined, a negative index {@code ~i} meaning arc
   * {@code i} reversed, each arc after the first without its first point (the previous one's last).
   */
  private static double[] ring(
      int[] arcIndexes, List<int[]> arcs, double[] scale, double[] translate) {
    int total = 0;
    for (int k = 0; k < arcIndexes.length; k++) {
      int index = arcIndexes[k];
      total += arcs.get(index < 0 ? ~index : index).length / 2 - (k == 0 ? 0 : 1);
    }
    double[] points = new double[2 * total];
    int n = 0;
    for (int k = 0; k < arcIndexes.length; k++) {
      int index = arcIndexes[k];
      int[] arc = arcs.get(index < 0 ? ~index : index);
      int count = arc.length / 2;
      for (int j = k == 0 ? 0 : 1; j < count; j++) {
        int q = index < 0 ? count - 1 - j : j;
        points[n++] = arc[2 * q] * scale[0] + translate[0];
        points[n++] = arc[2 * q + 1] * scale[1] + translate[1];
      }
    }
    return points;
  }

  private static void expect(JsonParser p, JsonToken actual, JsonToken expected)
      throws IOException {
    if (actual != expected) {
      throw new IOException(
          "Malformed TopoJSON at "
              + p.currentLocation().getLineNr()
              + ":"
              + p.currentLocation().getColumnNr()
              + ": expected "
              + expected
              + ", found "
              + actual
              + ".");
    }
  }
}
