package dev.geofence.policy.map;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/** Reads a rendered report the way a tool would: its maps, shapes and legend, by attribute. */
final class ReportHtml {

  private static final Pattern SVG =
      Pattern.compile("<svg class=\"m\"[^>]*(data-(?:tier|map)=\"[^\"]+\")");
  private static final Pattern GROUP = Pattern.compile("<g ([^>]*data-iso=\"[A-Z]{2}\"[^>]*)>");
  private static final Pattern ATTRIBUTE = Pattern.compile("([a-z-]+)=\"([^\"]*)\"");
  private static final Pattern LEGEND =
      Pattern.compile("<li data-legend=\"([^\"]+)\" data-colour=\"(#[0-9a-f]{6})\"");

  final String html;

  ReportHtml(String html) {
    this.html = html;
  }

  /** The repository root, found from the working directory. */
  static Path repoRoot() {
    Path dir = Path.of("").toAbsolutePath();
    while (dir != null && !Files.isRegularFile(dir.resolve("examples/policy.yaml"))) {
      dir = dir.getParent();
    }
    if (dir == null) {
      throw new IllegalStateException("examples/policy.yaml not found");
    }
    return dir;
  }

  /** The text of one tier's map, its SVG element. */
  String map(String tier) {
    return svg("data-tier=\"" + tier + "\"");
  }

  /** The text of the change map. */
  String changeMap() {
    return svg("data-map=\"changes\"");
  }

  private String svg(String attribute) {
    Matcher m = SVG.matcher(html);
    while (m.find()) {
      if (m.group(1).equals(attribute)) {
        int end = html.indexOf("</svg>", m.start());
        return html.substring(m.start(), end);
      }
    }
    throw new AssertionError("no map with " + attribute);
  }

  /** Every country group of a map: code → its attributes. */
  Map<String, Map<String, String>> shapes(String tier) {
    return shapesOf(map(tier));
  }

  /** Every country group of the change map: code → its attributes. */
  Map<String, Map<String, String>> changeShapes() {
    return shapesOf(changeMap());
  }

  private static Map<String, Map<String, String>> shapesOf(String svg) {
    Map<String, Map<String, String>> shapes = new LinkedHashMap<>();
    Matcher g = GROUP.matcher(svg);
    while (g.find()) {
      Map<String, String> attributes = new LinkedHashMap<>();
      Matcher a = ATTRIBUTE.matcher(g.group(1));
      while (a.find()) {
        attributes.put(a.group(1), a.group(2));
      }
      if (shapes.put(attributes.get("data-iso"), attributes) != null) {
        throw new AssertionError("two shapes for " + attributes.get("data-iso"));
      }
    }
    return shapes;
  }

  /** The legend of one map: key → colour. */
  Map<String, String> legend(String tier) {
    int start = html.indexOf("data-tier=\"" + tier + "\"");
    int end = html.indexOf("</figure>", start);
    Map<String, String> legend = new LinkedHashMap<>();
    Matcher m = LEGEND.matcher(html.substring(start, end));
    while (m.find()) {
      legend.put(m.group(1), m.group(2));
    }
    return legend;
  }
}
