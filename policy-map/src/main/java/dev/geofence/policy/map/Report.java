package dev.geofence.policy.map;

import dev.geofence.policy.Action;
import dev.geofence.policy.Decision;
import dev.geofence.policy.Origin;
import dev.geofence.policy.Policy;
import dev.geofence.policy.PolicyDiff;
import java.time.Instant;
import java.time.ZoneOffset;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.TreeSet;
import java.util.stream.Collectors;

/**
 * Writes the report: one HTML document with inline CSS and SVG, no script and no reference to
 * anything outside itself. Each country's geometry is defined once and drawn in every map with
 * {@code <use>}; each drawn copy is a group of its own with the country's code, outcome and a
 * {@code <title>} (the tooltip). One per report; not thread-safe.
 */
final class Report {

  /** Shapes smaller than this (square map units) get a marker when the policy names them. */
  static final double TINY = 25;

  private static final String NO_MODEL_LABEL = "no model";

  private final World world;
  private final Evaluation eval;
  private final Optional<Comparison> comparison;
  private final Map<String, Map<String, Decision>> decisions = new HashMap<>();
  private final Map<String, Map<String, Key>> keys = new HashMap<>();
  private final Map<String, List<String>> subdivisionsByCountry = new HashMap<>();
  private final List<String> substitutes = new ArrayList<>();
  private final Set<String> drawn = new TreeSet<>();
  private final StringBuilder out = new StringBuilder(1 << 20);

  Report(World world, Evaluation eval, Optional<Comparison> comparison) {
    this.world = world;
    this.eval = eval;
    this.comparison = comparison;
    for (String column : eval.columns()) {
      Map<String, Decision> byCountry = new HashMap<>();
      for (String code : Evaluation.COUNTRIES) {
        Decision d = eval.country(code, column);
        byCountry.put(code, d);
        if (d.action() == Action.SUBSTITUTE) {
          String model = d.effectiveModel().orElse("");
          if (!substitutes.contains(model)) {
            substitutes.add(model);
          }
        }
      }
      decisions.put(column, byCountry);
    }
    for (String column : eval.columns()) {
      Map<String, Key> byCountry = new HashMap<>();
      decisions.get(column).forEach((code, d) -> byCountry.put(code, keyOf(code, d)));
      keys.put(column, byCountry);
    }
    for (String code : eval.namedCodes()) {
      if (code.length() > 2) {
        subdivisionsByCountry
            .computeIfAbsent(code.substring(0, 2), c -> new ArrayList<>())
            .add(code);
      }
    }
    for (World.Shape shape : world.shapes()) {
      if (!shape.path().isEmpty()) {
        shape.iso().ifPresent(drawn::add);
      }
    }
  }

  /** The whole document. */
  String html() {
    Policy policy = eval.policy();
    out.append("<!DOCTYPE html>\n<html lang=\"en\">\n<head>\n<meta charset=\"utf-8\">\n")
        .append("<meta name=\"viewport\" content=\"width=device-width, initial-scale=1\">\n")
        .append("<title>Policy map: ")
        .append(esc(policy.id()))
        .append(" version ")
        .append(esc(policy.version()))
        .append("</title>\n<style>\n");
    css();
    out.append("</style>\n</head>\n<body>\n");
    definitions();
    out.append("<main>\n");
    header();
    out.append("<div class=\"layout\">\n<div class=\"maps\">\n");
    comparison.ifPresent(this::changes);
    for (String column : eval.mapColumns()) {
      tierMap(column);
    }
    if (!eval.hasNoModelMap()) {
      out.append("<p class=\"note\">A request that names no model (such as listing models) has")
          .append(" the outcome of a <b>")
          .append(esc(eval.lowestTier()))
          .append("</b> request everywhere, so it has no map of its own.</p>\n");
    }
    out.append("</div>\n<aside id=\"beside\">\n<h2>What the maps cannot show</h2>\n");
    subdivisions();
    callersWithoutCountry();
    smallAndMissing();
    timeline();
    namedCountries();
    aboutTheMap();
    out.append("</aside>\n</div>\n</main>\n</body>\n</html>\n");
    return out.toString();
  }

  // ---- styles and shared definitions ----

  private void css() {
    out.append(
        """
        *{box-sizing:border-box}
        body{margin:0;font:15px/1.45 system-ui,-apple-system,"Segoe UI",Roboto,"Helvetica Neue",Arial,sans-serif;color:#1a1a1a;background:#fff}
        main{max-width:1560px;margin:0 auto;padding:20px 24px}
        h1{font-size:1.6em;margin:0 0 .3em}h2{font-size:1.25em;margin:1.2em 0 .4em}h3{font-size:1.05em;margin:1.2em 0 .3em}
        dl.meta{display:grid;grid-template-columns:max-content 1fr;gap:2px 14px;margin:0 0 12px}dl.meta dt{color:#555}dl.meta dd{margin:0;overflow-wrap:anywhere}
        code,.mono{font-family:ui-monospace,"SF Mono",Menlo,Consolas,"Liberation Mono",monospace;font-size:.92em}
        nav ul{list-style:none;padding:0;margin:0 0 8px;display:flex;flex-wrap:wrap;gap:4px 16px}
        .layout{display:grid;gap:8px 32px}
        @media (min-width:1250px){.layout{grid-template-columns:minmax(0,1.5fr) minmax(440px,1fr)}}
        .scroll{overflow-x:auto}
        figure.map{margin:0 0 26px;break-inside:avoid}
        figure.map h2{margin-top:.6em}
        svg.m{display:block;width:100%;height:auto}
        .m g{stroke:#fff;stroke-width:1;stroke-linejoin:round;fill-rule:evenodd}
        .m circle{stroke:#222;stroke-width:2}
        .sea{fill:#e6eef5;stroke:#9fb3c8;stroke-width:1.5}
        ul.legend{list-style:none;padding:0;margin:6px 0 0;display:flex;flex-wrap:wrap;gap:4px 18px;font-size:.9em}
        ul.legend svg{vertical-align:-3px;margin-right:5px}
        .count{color:#555}
        table{border-collapse:collapse;font-size:.86em;margin:4px 0 10px;width:100%}
        th,td{text-align:left;padding:3px 6px;border-bottom:1px solid #e2e2e2;vertical-align:top}
        th{font-weight:600;background:#f5f5f5}
        td.o-allow{color:#00527f}td.o-block{color:#a34400;font-weight:600}td.o-substitute{color:#7a5300}
        tr.changed td{background:#fff4d6}
        .note{color:#444;font-size:.92em}
        ul.timeline{padding-left:1.2em}ul.timeline li.now{list-style:none;margin:6px 0 6px -1.2em;font-weight:600;color:#0b5}
        .upcoming{color:#7a5300}
        @page{margin:12mm}
        @media print{main{max-width:none;padding:0}.layout{display:block}nav{display:none}body{font-size:10pt}
        svg.m{height:80mm}figure.map{margin-bottom:4mm}figure.map h2{margin-top:0}
        *{-webkit-print-color-adjust:exact;print-color-adjust:exact}h2,h3{break-after:avoid}tr{break-inside:avoid}}
        """);
    out.append(".a{fill:").append(Palette.ALLOW).append("}");
    out.append(".af{fill:").append(Palette.tint(Palette.ALLOW)).append("}");
    for (int i = 0; i < substitutes.size(); i++) {
      out.append(".s").append(i).append("{fill:").append(Palette.substitute(i)).append('}');
      out.append(".s").append(i).append("f{fill:");
      out.append(Palette.tint(Palette.substitute(i))).append('}');
    }
    out.append(".b{fill:url(#hb)}.bf{fill:url(#hbf)}.n{fill:").append(Palette.NO_CODE).append('}');
    out.append(".cl{fill:url(#hb)}.cm{fill:").append(Palette.MIXED).append('}');
    out.append(".cg{fill:").append(Palette.MORE).append("}.cu{fill:");
    out.append(Palette.UNCHANGED).append("}\n");
  }

  /** An invisible SVG holding the hatching patterns, the sea and every country's geometry. */
  private void definitions() {
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

  // ---- header ----

  private void header() {
    Policy policy = eval.policy();
    out.append("<header>\n<h1>Policy map: ")
        .append(esc(policy.id()))
        .append(" version ")
        .append(esc(policy.version()))
        .append("</h1>\n<dl class=\"meta\">\n");
    meta("Policy", policy.id());
    meta("Version", policy.version());
    metaCode("SHA-256", policy.sha256());
    meta("Evaluated at", eval.at() + " (UTC)");
    comparison.ifPresent(
        c -> {
          meta(
              "Compared with",
              "policy "
                  + c.before().id()
                  + " version "
                  + c.before().version()
                  + ", evaluated at the same instant");
          metaCode("Its SHA-256", c.before().sha256());
        });
    meta("Tiers", String.join(", ", policy.tierNames()) + " (highest first)");
    out.append("</dl>\n<nav><ul>");
    if (comparison.isPresent()) {
      out.append("<li><a href=\"#changes\">What changes</a></li>");
    }
    for (String column : eval.mapColumns()) {
      out.append("<li><a href=\"#")
          .append(mapId(column))
          .append("\">")
          .append(esc(columnLabel(column)))
          .append("</a></li>");
    }
    out.append("<li><a href=\"#beside\">What the maps cannot show</a></li></ul></nav>\n")
        .append("<p class=\"note\">Each country is coloured by the outcome for a caller located")
        .append(" (and registered) there at the date above. Hover over a country for its rule and")
        .append(
            " legal basis. Hatched areas are blocked; lighter colours mark countries the policy")
        .append(" does not decide by name, only by its fallback.</p>\n</header>\n");
  }

  private void meta(String term, String value) {
    out.append("<dt>").append(esc(term)).append("</dt><dd>").append(esc(value)).append("</dd>\n");
  }

  private void metaCode(String term, String value) {
    out.append("<dt>")
        .append(esc(term))
        .append("</dt><dd><code>")
        .append(esc(value))
        .append("</code></dd>\n");
  }

  // ---- the maps ----

  /** A legend entry: CSS class, key for tools, base colour, words, count. */
  private record Key(String cls, String key, String colour, String label) {}

  private Key keyOf(String code, Decision d) {
    boolean fallback = eval.isFallback(code, d);
    String suffix = fallback ? "f" : "";
    String keySuffix = fallback ? "-fallback" : "";
    String by = fallback ? fallbackWords() : "by a rule naming the country";
    switch (d.action()) {
      case ALLOW:
        return new Key(
            "a" + suffix,
            "allow" + keySuffix,
            fallback ? Palette.tint(Palette.ALLOW) : Palette.ALLOW,
            "allowed, " + by);
      case SUBSTITUTE:
        String model = d.effectiveModel().orElse("");
        int i = substitutes.indexOf(model);
        String colour = Palette.substitute(i);
        return new Key(
            "s" + i + suffix,
            "substitute-" + model + keySuffix,
            fallback ? Palette.tint(colour) : colour,
            "substituted by " + model + ", " + by);
      default:
        return new Key(
            "b" + suffix,
            "block" + keySuffix,
            fallback ? Palette.tint(Palette.BLOCK) : Palette.BLOCK,
            "blocked, " + (d.reason() == Decision.Reason.NO_RULE_MATCHED ? "no rule matches" : by));
    }
  }

  private String fallbackWords() {
    return eval.fallbackRule()
        .filter(r -> !r.equals("no-rule"))
        .map(r -> "by the catch-all rule " + r + " (\"*\")")
        .orElse("as no rule matches");
  }

  private void tierMap(String column) {
    Map<String, Decision> byCountry = decisions.get(column);
    Map<String, Key> keyByCountry = keys.get(column);
    Map<String, Integer> counts = new LinkedHashMap<>();
    Map<String, Key> legend = new LinkedHashMap<>();
    int[] actions = new int[3];
    for (String code : Evaluation.COUNTRIES) {
      Decision d = byCountry.get(code);
      Key k = keyByCountry.get(code);
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
    openSvg(column, "Map of the outcome for tier " + column);
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
      Decision d = byCountry.get(code);
      Key k = keyByCountry.get(code);
      if (d == null) {
        d = eval.country(code, column); // a code the JDK does not list; not expected
        k = keyOf(code, d);
      }
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
          .append(esc(sentence(code, d)));
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
        .sorted(java.util.Comparator.comparingInt(k -> legendOrder(k.cls())))
        .forEach(k -> legendItem(k.cls(), k.key(), k.colour(), k.label(), counts.get(k.key())));
    legendItem("n", "no-code", Palette.NO_CODE, "no ISO code of its own (see below)", -1);
    out.append("</ul>\n</figure>\n");
  }

  /** Allowed, substituted (by model), blocked; each named before fallback. */
  private static int legendOrder(String cls) {
    int base =
        switch (cls.charAt(0)) {
          case 'a' -> 0;
          case 's' -> 10 + Integer.parseInt(cls.replaceAll("\\D", "")) * 2;
          default -> 1000;
        };
    return base + (cls.endsWith("f") ? 1 : 0);
  }

  private void openSvg(String tier, String label) {
    EqualEarth p = world.projection();
    out.append("<svg class=\"m\" viewBox=\"-2 -2 ")
        .append(Math.round(p.width()) + 4)
        .append(' ')
        .append(Math.round(p.height()) + 4)
        .append("\" data-tier=\"")
        .append(esc(tier))
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
    if (shape.area() < TINY && eval.isNamed(code)) {
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

  /** "allowed (rule allies; basis: ...)." */
  private String sentence(String code, Decision d) {
    StringBuilder s = new StringBuilder();
    switch (d.action()) {
      case ALLOW -> s.append("allowed");
      case SUBSTITUTE -> s.append("substituted by ").append(d.effectiveModel().orElse(""));
      default -> s.append("blocked");
    }
    s.append(" (");
    switch (d.reason()) {
      case NO_RULE_MATCHED -> s.append("no rule matches: fail closed");
      case UNKNOWN -> s.append("the policy's unknown section");
      case ANONYMOUS -> s.append("the policy's anonymous section");
      default -> {
        s.append("rule ").append(d.ruleName());
        if (code != null && eval.isFallback(code, d)) {
          s.append(", the catch-all \"*\"");
        }
      }
    }
    d.basis().ifPresent(b -> s.append("; basis: ").append(b));
    return s.append(").").toString();
  }

  // ---- the comparison ----

  private void changes(Comparison c) {
    PolicyDiff diff = c.diff();
    long codes = diff.changes().stream().map(PolicyDiff.Change::code).distinct().count();
    out.append("<section id=\"changes\">\n<figure class=\"map\">\n<h2>What changes from version ")
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
    openSvg("changes", "Map of the countries whose outcome changes");
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
    if (!diff.settingChanges().isEmpty()) {
      out.append("<p>Settings: ");
      out.append(esc(String.join("; ", diff.settingChanges()))).append("</p>\n");
    }
    if (diff.changes().isEmpty()) {
      out.append("<p>No outcome changes.</p>\n");
    } else {
      out.append("<table class=\"changes\"><thead><tr><th>Code</th><th>Name</th><th>Tier</th>")
          .append("<th>Before</th><th>After</th><th>Rule before</th><th>Rule after</th>")
          .append("</tr></thead><tbody>\n");
      for (PolicyDiff.Change row : diff.changes()) {
        out.append("<tr><td class=\"mono\">")
            .append(esc(row.code()))
            .append("</td><td>")
            .append(esc(codeName(row.code())))
            .append("</td><td>")
            .append(esc(row.tier()))
            .append("</td>");
        outcomeCell(row.before());
        outcomeCell(row.after());
        out.append("<td>")
            .append(esc(row.ruleBefore()))
            .append("</td><td>")
            .append(esc(row.ruleAfter()))
            .append("</td></tr>\n");
      }
      out.append("</tbody></table>\n");
    }
    out.append("</section>\n");
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

  // ---- beside the maps ----

  private void subdivisions() {
    List<String> subs = eval.namedCodes().stream().filter(c -> c.length() > 2).toList();
    out.append("<h3>Subdivisions</h3>\n");
    if (subs.isEmpty()) {
      out.append("<p>The policy names no subdivision.</p>\n");
      return;
    }
    out.append("<p class=\"note\">A map shows countries only. A caller the geolocation database")
        .append(" places in one of these subdivisions gets its outcome, whatever its country's")
        .append(" colour.</p>\n");
    outcomeTable(
        "Subdivision",
        subs.stream()
            .map(s -> new Row(s, World.name(s.substring(0, 2)), Evaluation.subdivision(s)))
            .toList(),
        false);
  }

  private void callersWithoutCountry() {
    out.append("<h3>Callers without a country, and every other country</h3>\n");
    List<Row> rows = new ArrayList<>();
    rows.add(new Row("unknown", "no country (private address, no record)", Origin.unknown()));
    rows.add(new Row("anonymous", "VPN, Tor, hosting", eval.anonymous()));
    eval.otherCountry()
        .ifPresent(c -> rows.add(new Row("*", "every other country", Evaluation.country(c))));
    outcomeTable("Caller", rows, false);
    Decision anonymous = eval.decide(eval.anonymous(), eval.columns().get(0));
    if (anonymous.reason() != Decision.Reason.ANONYMOUS) {
      out.append("<p class=\"note\">The policy has no <code>anonymous</code> section: anonymous")
          .append(" callers are decided by their country, as the maps show.</p>\n");
    }
  }

  private void smallAndMissing() {
    out.append("<h3>Small and missing countries</h3>\n");
    Map<String, World.Shape> shapes = new HashMap<>();
    world.shapes().forEach(shape -> shape.iso().ifPresent(code -> shapes.put(code, shape)));
    List<Row> named = new ArrayList<>();
    List<String> others = new ArrayList<>();
    for (String code : Evaluation.COUNTRIES) {
      World.Shape shape = shapes.get(code);
      boolean small = shape == null || shape.area() < TINY;
      if (small && eval.isNamed(code)) {
        named.add(
            new Row(
                code,
                World.name(code) + (shape != null ? " (circled)" : " (not in the map data)"),
                Evaluation.country(code)));
      } else if (!eval.isNamed(code) && !drawn.contains(code)) {
        others.add(code);
      }
    }
    if (!named.isEmpty()) {
      out.append("<p class=\"note\">Named by the policy, but too small to see (circled on the")
          .append(" maps) or not in the map data:</p>\n");
      outcomeTable("Country", named, false);
    }
    if (!others.isEmpty()) {
      out.append("<p class=\"note\">Too small to draw at this scale or not in the map data, and")
          .append(" decided as every country the policy does not name: ");
      out.append(
          others.stream()
              .map(c -> "<span title=\"" + esc(World.name(c)) + "\">" + c + "</span>")
              .collect(Collectors.joining(", ")));
      out.append(".</p>\n");
    }
  }

  private void timeline() {
    out.append("<h3>Dated rules</h3>\n");
    List<Instant> boundaries = eval.policy().dateBoundaries();
    if (boundaries.isEmpty()) {
      out.append("<p>No rule has effective dates: the outcomes above hold at any date.</p>\n");
      return;
    }
    out.append("<ul class=\"timeline\">\n");
    boolean nowShown = false;
    for (Instant boundary : boundaries) {
      if (!nowShown && boundary.isAfter(eval.at())) {
        nowShown = true;
        out.append("<li class=\"now\">◆ the maps show ").append(eval.at()).append("</li>\n");
      }
      out.append("<li")
          .append(boundary.isAfter(eval.at()) ? " class=\"upcoming\"" : "")
          .append("><b>from ")
          .append(boundary.atOffset(ZoneOffset.UTC).toLocalDate())
          .append("</b>");
      List<String> lines = changesAt(boundary);
      if (lines.isEmpty()) {
        out.append(": no outcome changes");
      } else {
        out.append("<ul>");
        lines.forEach(l -> out.append("<li>").append(esc(l)).append("</li>"));
        out.append("</ul>");
      }
      out.append("</li>\n");
    }
    if (!nowShown) {
      out.append("<li class=\"now\">◆ the maps show ").append(eval.at()).append("</li>\n");
    }
    out.append("</ul>\n");
  }

  /** "AE frontier substitute(a) → substitute(b) (rule x → y)", one per changed code and column. */
  private List<String> changesAt(Instant boundary) {
    Instant before = boundary.minusSeconds(1);
    List<String> lines = new ArrayList<>();
    for (Row row : timelineRows()) {
      for (String column : eval.columns()) {
        Decision was = eval.decide(row.origin(), column, before);
        Decision now = eval.decide(row.origin(), column, boundary);
        if (!was.outcome().equals(now.outcome())) {
          lines.add(
              row.code()
                  + " "
                  + columnLabel(column)
                  + " "
                  + was.outcome()
                  + " → "
                  + now.outcome()
                  + (was.ruleName().equals(now.ruleName())
                      ? " (rule " + now.ruleName() + ")"
                      : " (rule " + was.ruleName() + " → " + now.ruleName() + ")"));
        }
      }
    }
    return lines;
  }

  private List<Row> timelineRows() {
    List<Row> rows = new ArrayList<>();
    for (String code : eval.namedCodes()) {
      rows.add(
          new Row(
              code,
              "",
              code.length() > 2 ? Evaluation.subdivision(code) : Evaluation.country(code)));
    }
    eval.otherCountry().ifPresent(c -> rows.add(new Row("*", "", Evaluation.country(c))));
    rows.add(new Row("unknown", "", Origin.unknown()));
    rows.add(new Row("anonymous", "", eval.anonymous()));
    return rows;
  }

  private void namedCountries() {
    out.append("<h3>Countries the policy names</h3>\n");
    List<Row> rows =
        eval.namedCodes().stream()
            .filter(c -> c.length() == 2)
            .map(c -> new Row(c, World.name(c), Evaluation.country(c)))
            .toList();
    if (rows.isEmpty()) {
      out.append("<p>None: every country is decided by the fallback.</p>\n");
      return;
    }
    outcomeTable("Country", rows, true);
  }

  private void aboutTheMap() {
    List<String> neutral =
        world.shapes().stream().filter(s -> s.iso().isEmpty()).map(World.Shape::name).toList();
    out.append("<h3>About the map</h3>\n<p class=\"note\">Boundaries: Natural Earth 1:50m")
        .append(" admin-0 countries (public domain), from the world-atlas package 2.0.2 (ISC")
        .append(" licence); Equal Earth projection. ")
        .append(drawn.size())
        .append(" countries and territories drawn. Boundaries are Natural Earth's de facto lines")
        .append(" and imply no position on any dispute. Kosovo is drawn as <code>XK</code>, the")
        .append(" code geolocation databases report. Drawn apart from the country that Natural")
        .append(" Earth includes them in, because geolocation databases report them under their")
        .append(" own code: ")
        .append(
            World.PARTS.stream()
                .map(p -> p.code() + " (from " + p.parent() + ")")
                .distinct()
                .collect(Collectors.joining(", ")))
        .append(". Grey, with no code of their own: ")
        .append(esc(String.join(", ", neutral)))
        .append(".</p>\n");
  }

  /** One row of an outcome table: a code, words about it, and the origin to decide. */
  private record Row(String code, String name, Origin origin) {}

  private void outcomeTable(String what, List<Row> rows, boolean markFallback) {
    out.append("<div class=\"scroll\"><table><thead><tr><th>")
        .append(esc(what))
        .append("</th><th>Rule</th>");
    for (String column : eval.columns()) {
      out.append("<th>").append(esc(columnLabel(column))).append("</th>");
    }
    out.append("</tr></thead><tbody>\n");
    for (Row row : rows) {
      Origin origin = row.origin();
      Decision first = eval.decide(origin, eval.columns().get(0));
      boolean changed =
          comparison.isPresent() && !comparison.get().changesFor(row.code()).isEmpty();
      out.append(changed ? "<tr class=\"changed\"" : "<tr")
          .append(" data-code=\"")
          .append(esc(row.code()))
          .append("\"><td><span class=\"mono\">")
          .append(esc(row.code()))
          .append("</span>")
          .append(row.name().isEmpty() ? "" : " " + esc(row.name()))
          .append("</td><td>")
          .append(esc(ruleWords(first)));
      if (markFallback && row.code().length() == 2 && eval.isFallback(row.code(), first)) {
        out.append(" (fallback)");
      }
      first.basis().ifPresent(b -> out.append("<br><span class=\"note\">").append(esc(b)));
      out.append("</td>");
      for (String column : eval.columns()) {
        outcomeCell(eval.decide(origin, column).outcome());
      }
      out.append("</tr>\n");
    }
    out.append("</tbody></table></div>\n");
  }

  private static String ruleWords(Decision d) {
    return switch (d.reason()) {
      case NO_RULE_MATCHED -> "no rule (blocked)";
      case UNKNOWN -> "unknown section";
      case ANONYMOUS -> "anonymous section";
      default -> d.ruleName();
    };
  }

  private void outcomeCell(String outcome) {
    String action = outcome.startsWith("substitute") ? "substitute" : outcome;
    out.append("<td class=\"o-")
        .append(esc(action))
        .append("\">")
        .append(esc(outcome))
        .append("</td>");
  }

  // ---- words ----

  private static String columnLabel(String column) {
    return column.equals(PolicyDiff.NO_MODEL) ? NO_MODEL_LABEL : column;
  }

  private static String mapId(String column) {
    return column.equals(PolicyDiff.NO_MODEL) ? "map-no-model" : "map-" + slug(column);
  }

  private static String slug(String text) {
    return text.replaceAll("[^A-Za-z0-9_-]", "_");
  }

  private static String codeName(String code) {
    if (code.length() == 2) {
      return World.name(code);
    }
    if (code.length() > 3 && code.charAt(2) == '-') {
      return World.name(code.substring(0, 2)) + ", subdivision";
    }
    return switch (code) {
      case PolicyDiff.OTHER_COUNTRIES -> "every country neither policy names";
      case "unknown" -> "no country";
      case "anonymous" -> "anonymous callers";
      default -> "";
    };
  }

  /** Escapes text for HTML content and double-quoted attributes. */
  static String esc(String text) {
    StringBuilder s = null;
    for (int i = 0; i < text.length(); i++) {
      char c = text.charAt(i);
      String r =
          switch (c) {
            case '&' -> "&amp;";
            case '<' -> "&lt;";
            case '>' -> "&gt;";
            case '"' -> "&quot;";
            case '\'' -> "&#39;";
            default -> null;
          };
      if (r != null) {
        if (s == null) {
          s = new StringBuilder(text.length() + 16).append(text, 0, i);
        }
        s.append(r);
      } else if (s != null) {
        s.append(c);
      }
    }
    return s == null ? text : s.toString();
  }
}
