package dev.geofence.policy.map;

import static dev.geofence.policy.map.Html.esc;
import static dev.geofence.policy.map.Words.codeName;
import static dev.geofence.policy.map.Words.columnLabel;

import dev.geofence.policy.Decision;
import dev.geofence.policy.Origin;
import dev.geofence.policy.PolicyDiff;
import java.time.Instant;
import java.time.ZoneOffset;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.stream.Collectors;

/**
 * Writes what a map cannot show: the change table, the subdivisions, the callers without a country,
 * the small and missing countries, the dated rules as a timeline, the countries the policy names
 * and the notes on the map data. One per report.
 */
final class Tables {

  private final Html out;
  private final World world;
  private final Evaluation eval;
  private final Optional<Comparison> comparison;

  Tables(Html out, World world, Evaluation eval, Optional<Comparison> comparison) {
    this.out = out;
    this.world = world;
    this.eval = eval;
    this.comparison = comparison;
  }

  /** The change table: the rows of policy diff, and any change of settings. */
  void changeTable(Comparison c) {
    PolicyDiff diff = c.diff();
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
  }

  void subdivisions() {
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

  void callersWithoutCountry() {
    out.append("<h3>Callers without a country, and every other country</h3>\n");
    List<Row> rows = new ArrayList<>();
    rows.add(new Row("unknown", "no country (private address, no record)", Origin.unknown()));
    rows.add(new Row("anonymous", "VPN, Tor, hosting", eval.anonymous()));
    eval.otherCountry()
        .ifPresent(c -> rows.add(new Row("*", "every other country", Evaluation.country(c))));
    outcomeTable("Caller", rows, false);
    out.append("<p class=\"note\">A caller whose address cannot be told (a trusted proxy's")
        .append(" forwarding header broken where it must be read) is refused before any rule")
        .append(" (rule <code>unresolvable</code>), whatever the policy says.</p>\n");
    Decision anonymous = eval.decide(eval.anonymous(), eval.columns().get(0));
    if (anonymous.reason() != Decision.Reason.ANONYMOUS) {
      out.append("<p class=\"note\">The policy has no <code>anonymous</code> section: anonymous")
          .append(" callers are decided by their country, as the maps show.</p>\n");
    }
  }

  void smallAndMissing() {
    out.append("<h3>Small and missing countries</h3>\n");
    Map<String, World.Shape> shapes = new HashMap<>();
    world.shapes().forEach(shape -> shape.iso().ifPresent(code -> shapes.put(code, shape)));
    List<Row> named = new ArrayList<>();
    List<String> others = new ArrayList<>();
    for (String code : Evaluation.COUNTRIES) {
      World.Shape shape = shapes.get(code);
      boolean small = shape == null || shape.area() < World.TINY;
      if (small && eval.isNamed(code)) {
        named.add(
            new Row(
                code,
                World.name(code) + (shape != null ? " (circled)" : " (not in the map data)"),
                Evaluation.country(code)));
      } else if (!eval.isNamed(code) && !world.drawnCodes().contains(code)) {
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

  void timeline() {
    out.append("<h3>Dated rules</h3>\n");
    List<Instant> boundaries = eval.dateBoundaries();
    if (boundaries.isEmpty()) {
      out.append("<p>No rule has effective dates: the outcomes above hold at any date.</p>\n");
      return;
    }
    out.append("<ul class=\"timeline\">\n");
    boolean nowShown = false;
    for (Instant boundary : boundaries) {
      if (!nowShown && boundary.isAfter(eval.at())) {
        nowShown = true;
        out.append("<li class=\"now\">◆ the maps show ")
            .append(eval.at().toString())
            .append("</li>\n");
      }
      out.append("<li")
          .append(boundary.isAfter(eval.at()) ? " class=\"upcoming\"" : "")
          .append("><b>from ")
          .append(boundary.atOffset(ZoneOffset.UTC).toLocalDate().toString())
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
      out.append("<li class=\"now\">◆ the maps show ")
          .append(eval.at().toString())
          .append("</li>\n");
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

  void namedCountries() {
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

  void aboutTheMap() {
    List<String> neutral =
        world.shapes().stream().filter(s -> s.iso().isEmpty()).map(World.Shape::name).toList();
    out.append("<h3>About the map</h3>\n<p class=\"note\">Boundaries: Natural Earth 1:50m")
        .append(" admin-0 countries (public domain), from the world-atlas package 2.0.2 (ISC")
        .append(" licence); Equal Earth projection. ")
        .append(world.drawnCodes().size())
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
}
