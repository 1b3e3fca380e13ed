package dev.geofence.policy.map;

import static dev.geofence.policy.map.Html.esc;
import static dev.geofence.policy.map.Words.columnLabel;
import static dev.geofence.policy.map.Words.mapId;

import dev.geofence.policy.Action;
import dev.geofence.policy.Decision;
import dev.geofence.policy.PolicyDiff;
import dev.geofence.policy.map.Colouring.Key;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.stream.Collectors;

/**
 * Writes the maps: the shared definitions (hatching, sea, every country's outline once), a map per
 * column and the change map. Each drawn country is a group of its own with its code, outcome, rule
 * and a {@code <title>} (the tooltip), drawing the shared outline with {@code <use>}. One per
 * report.
 */
final class MapWriter {

  private final Html out;
  private final World world;
  private final Evaluation eval;
  private final Colouring colouring;
  private final Optional<Comparison> comparison;
  private final Map<String, List<String>> subdivisionsByCountry = new HashMap<>();

  MapWriter(
      Html out,
      World world,
      Evaluation eval,
      Colouring colouring,
      Optional<Comparison> comparison) {
    this.out = out;
    this.world = world;
    this.eval = eval;
    this.colouring = colouring;
    this.comparison = comparison;
    for (String code : eval.namedCodes()) {
      if (code.length() > 2) {
        subdivisionsByCountry
            .computeIfAbsent(code.substring(0, 2), c -> new ArrayList<>())
            .add(code);
      }
    }
  }

  /** An invisible SVG holding the hatching patterns, the sea and every country's geometry. */
  void definitions() {
    out.append("<svg width=\"0\" height=\"0\" style=\"position:absolute\" aria-hidden=\"true\">")
        .append("<defs>");
    hatch("hb", Palette.BLOCK);
    hatch("hbf", Palette.tint(Palette.BLOCK));
    out.append("<path id=\"sea\" d=\"").append(world.sphere()).append("\"/>\n");
    int neutral = 0;
    for (World.Shape shape : world.shapes()) {
      if (shape.path().isEmpty()) {
        continue;
      }
      out.append("<path id=\"")
          .append(shapeId(shape, neutral))
          .append("\" d=\"")
          .append(shape.path())
          .append("\"/>\n");
      if (shape.iso().isEmpty()) {
        neutral++;
      }
    }
    out.append("</defs></svg>\n");
  }

  private static String shapeId(World.Shape shape, int neutralIndex) {
    return shape.iso().map(c -> "g-" + c).orElse("g-n" + neutralIndex);
  }

  private void hatch(String id, String base) {
    out.append("<pattern id=\"")
        .append(id)
        .append("\" width=\"12\" height=\"12\" patternUnits=\"userSpaceOnUse\"")
        .append(" patternTransform=\"rotate(45)\"><rect width=\"12\" height=\"12\" fill=\"")
        .append(base)
        .append("\"/><rect width=\"3\" height=\"12\" fill=\"#fff\"/></pattern>\n");
  }

  /** One tier's map (or no model's), its counts and its legend. */
  void tierMap(String column) {
    Map<String, Integer> counts = new LinkedHashMap<>();
    Map<String, Key> legend = new LinkedHashMap<>();
    int[] actions = new int[3];
    for (String code : Evaluation.COUNTRIES) {
      Decision d = colouring.decision(column, code);
      Key k = colouring.key(column, code);
      legend.putIfAbsent(k.key(), k);
      counts.merge(k.key(), 1, Integer::sum);
      actions[d.action().ordinal()]++;
    }
    out.append("<figure class=\"map\" id=\"")
        .append(mapId(column))
        .append("\">\n<h2>")
        .append(
            column.equals(PolicyDiff.NO_MODEL)
                ? "A request that names no model"
                : "Tier " + esc(column) + ": who may use a model of this tier")
        .append("</h2>\n<p class=\"count\">Of ")
        .append(Evaluation.COUNTRIES.size())
        .append(" countries and territories: allowed in ")
        .append(actions[Action.ALLOW.ordinal()])
        .append(", substituted in ")
        .append(actions[Action.SUBSTITUTE.ordinal()])
        .append(", blocked in ")
        .append(actions[Action.BLOCK.ordinal()])
        .append(".</p>\n");
    openSvg("data-tier", column, "Map of the outcome for tier " + column);
    int neutral = 0;
    for (World.Shape shape : world.shapes()) {
      if (shape.iso().isEmpty()) {
        neutralShape(shape, neutral++);
        continue;
      }
      String code = shape.iso().get();
      if (!visible(shape, code)) {
        continue;
      }
      Decision d = colouring.decision(column, code);
      Key k = colouring.key(column, code);
      Optional<PolicyDiff.Change> change = comparison.flatMap(c -> c.changeFor(code, column));
      out.append("<g class=\"")
          .append(k.cls())
          .append("\" data-iso=\"")
          .append(code)
          .append("\" data-outcome=\"")
          .append(d.action().label())
          .append("\" data-rule=\"")
          .append(esc(d.ruleName()))
          .append('"');
      if (change.isPresent()) {
        out.append(" data-changed=\"true\"");
      }
      out.append("><title>")
          .append(esc(shape.name()))
          .append(" (")
          .append(code)
          .append("), ")
          .append(esc(columnLabel(column)))
          .append(": ")
          .append(esc(colouring.sentence(code, d)));
      change.ifPresent(
          c ->
              out.append(" Before: ")
                  .append(esc(c.before()))
                  .append(c.ruleBefore().isEmpty() ? "" : " (rule " + esc(c.ruleBefore()) + ")")
                  .append('.'));
      subdivisionNote(code);
      out.append("</title>");
      use(shape, code);
      marker(shape, code);
      out.append("</g>\n");
    }
    out.append("</svg>\n<ul class=\"legend\">");
    legend.values().stream()
        .sorted(java.util.Comparator.comparingInt(k -> Colouring.legendOrder(k.cls())))
        .forEach(k -> legendItem(k.cls(), k.key(), k.colour(), k.label(), counts.get(k.key())));
    legendItem("n", "no-code", Palette.NO_CODE, "no ISO code of its own (see below)", -1);
    out.append("</ul>\n</figure>\n");
  }

  /**
   * Opens a map's SVG, named for tools by {@code data-tier="TIER"} or {@code data-map="changes"}.
   */
  private void openSvg(String attribute, String value, String label) {
    EqualEarth p = world.projection();
    out.append("<svg class=\"m\" viewBox=\"-2 -2 ")
        .append(Math.round(p.width()) + 4)
        .append(' ')
        .append(Math.round(p.height()) + 4)
        .append("\" ")
        .append(attribute)
        .append("=\"")
        .append(esc(value))
        .append("\" role=\"img\" aria-label=\"")
        .append(esc(label))
        .append("\">\n<use href=\"#sea\" class=\"sea\"/>\n");
  }

  private void neutralShape(World.Shape shape, int index) {
    out.append("<g class=\"n\"><title>")
        .append(esc(shape.name()))
        .append(": no ISO 3166-1 code of its own; a caller there is decided by the country")
        .append(" the geolocation database reports.</title><use href=\"#g-n")
        .append(index)
        .append("\"/></g>\n");
  }

  /** Whether a country appears on the maps: drawn, or circled because the policy names it. */
  private boolean visible(World.Shape shape, String code) {
    return !shape.path().isEmpty() || eval.isNamed(code);
  }

  private void use(World.Shape shape, String code) {
    if (!shape.path().isEmpty()) {
      out.append("<use href=\"#g-").append(code).append("\"/>");
    }
  }

  /** A circle over a country too small to see, when the policy names it. */
  private void marker(World.Shape shape, String code) {
    if (shape.area() < World.TINY && eval.isNamed(code)) {
      out.append("<circle cx=\"")
          .append(Math.round(shape.x()))
          .append("\" cy=\"")
          .append(Math.round(shape.y()))
          .append("\" r=\"7\"/>");
    }
  }

  private void subdivisionNote(String country) {
    List<String> subs = subdivisionsByCountry.getOrDefault(country, List.of());
    if (!subs.isEmpty()) {
      out.append(" Subdivisions with their own rule: ")
          .append(String.join(", ", subs))
          .append(" (see the table).");
    }
  }

  private void legendItem(String cls, String key, String colour, String label, int count) {
    out.append("<li data-legend=\"")
        .append(esc(key))
        .append("\" data-colour=\"")
        .append(colour)
        .append("\"><svg width=\"22\" height=\"14\"><rect width=\"22\" height=\"14\" class=\"")
        .append(cls)
        .append("\" stroke=\"#888\" stroke-width=\".5\"/></svg>")
        .append(esc(label));
    if (count >= 0) {
      out.append(" <span class=\"count\">(").append(count).append(")</span>");
    }
    out.append("</li>");
  }

  /** The change map: countries by which way their access moves, for any tier. */
  void changeMap(Comparison c) {
    PolicyDiff diff = c.diff();
    long codes = diff.changes().stream().map(PolicyDiff.Change::code).distinct().count();
    out.append("<figure class=\"map\">\n<h2>What changes from version ")
        .append(esc(c.before().version()))
        .append(" to version ")
        .append(esc(eval.policy().version()))
        .append("</h2>\n<p class=\"count\">")
        .append(diff.changes().size())
        .append(diff.changes().size() == 1 ? " change" : " changes")
        .append(" for ")
        .append(codes)
        .append(codes == 1 ? " code" : " codes")
        .append(", as <code>policy diff</code> lists them; countries coloured by which way")
        .append(" their access moves, for any tier.</p>\n");
    openSvg("data-map", "changes", "Map of the countries whose outcome changes");
    int neutral = 0;
    Map<Comparison.Direction, Integer> counts = new LinkedHashMap<>();
    int unchanged = 0;
    for (World.Shape shape : world.shapes()) {
      if (shape.iso().isEmpty()) {
        neutralShape(shape, neutral++);
        continue;
      }
      String code = shape.iso().get();
      List<PolicyDiff.Change> rows = c.changesFor(code);
      if (!visible(shape, code) || (shape.path().isEmpty() && rows.isEmpty())) {
        continue;
      }
      out.append("<g class=\"");
      if (rows.isEmpty()) {
        unchanged++;
        out.append("cu\" data-iso=\"")
            .append(code)
            .append("\"><title>")
            .append(esc(shape.name()))
            .append(" (")
            .append(code)
            .append("): no change.</title>");
      } else {
        Comparison.Direction direction = c.direction(rows);
        counts.merge(direction, 1, Integer::sum);
        out.append(directionClass(direction))
            .append("\" data-iso=\"")
            .append(code)
            .append("\" data-changed=\"true\" data-change=\"")
            .append(direction.name().toLowerCase(java.util.Locale.ROOT))
            .append("\"><title>")
            .append(esc(shape.name()))
            .append(" (")
            .append(code)
            .append("): ")
            .append(
                esc(
                    rows.stream()
                        .map(r -> columnLabel(r.tier()) + " " + r.before() + " → " + r.after())
                        .collect(Collectors.joining("; "))))
            .append('.')
            .append(esc(rulesChange(rows)))
            .append("</title>");
      }
      use(shape, code);
      if (!rows.isEmpty()) {
        marker(shape, code);
      }
      out.append("</g>\n");
    }
    out.append("</svg>\n<ul class=\"legend\">");
    for (Comparison.Direction d : Comparison.Direction.values()) {
      if (counts.containsKey(d)) {
        legendItem(
            directionClass(d),
            "change-" + d.name().toLowerCase(java.util.Locale.ROOT),
            switch (d) {
              case TIGHTER -> Palette.LESS;
              case LOOSER -> Palette.MORE;
              case MIXED -> Palette.MIXED;
            },
            switch (d) {
              case TIGHTER -> "less access";
              case LOOSER -> "more access";
              case MIXED -> "changed both ways, or another substitute of the same tier";
            },
            counts.get(d));
      }
    }
    legendItem("cu", "unchanged", Palette.UNCHANGED, "no change", unchanged);
    out.append("</ul>\n</figure>\n");
  }

  private static String directionClass(Comparison.Direction d) {
    return switch (d) {
      case TIGHTER -> "cl";
      case LOOSER -> "cg";
      case MIXED -> "cm";
    };
  }

  private static String rulesChange(List<PolicyDiff.Change> rows) {
    Set<String> pairs = new java.util.LinkedHashSet<>();
    for (PolicyDiff.Change r : rows) {
      if (!r.ruleBefore().equals(r.ruleAfter())) {
        pairs.add(
            (r.ruleBefore().isEmpty() ? "n/a" : r.ruleBefore())
                + " → "
                + (r.ruleAfter().isEmpty() ? "n/a" : r.ruleAfter()));
      }
    }
    return pairs.isEmpty() ? "" : " Rule " + String.join(", ", pairs) + ".";
  }
}
