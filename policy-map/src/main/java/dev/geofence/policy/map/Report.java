package dev.geofence.policy.map;

import static dev.geofence.policy.map.Html.esc;
import static dev.geofence.policy.map.Words.columnLabel;
import static dev.geofence.policy.map.Words.mapId;

import dev.geofence.policy.Policy;
import java.util.Optional;

/**
 * Writes the report: one HTML document with inline CSS and SVG, no script and no reference to
 * anything outside itself, in ASCII (other characters as character references), so that it reads
 * the same whatever encoding a tool assumes. The maps are written by {@link MapWriter}, what they
 * cannot show by {@link Tables}. One per report; not thread-safe.
 */
final class Report {

  private final Evaluation eval;
  private final Optional<Comparison> comparison;
  private final Colouring colouring;
  private final Html out = new Html();
  private final MapWriter maps;
  private final Tables tables;

  Report(World world, Evaluation eval, Optional<Comparison> comparison) {
    this.eval = eval;
    this.comparison = comparison;
    this.colouring = new Colouring(eval);
    this.maps = new MapWriter(out, world, eval, colouring, comparison);
    this.tables = new Tables(out, world, eval, comparison);
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
    maps.definitions();
    out.append("<main>\n");
    header();
    out.append("<div class=\"layout\">\n<div class=\"maps\">\n");
    comparison.ifPresent(
        c -> {
          out.append("<section id=\"changes\">\n");
          maps.changeMap(c);
          tables.changeTable(c);
          out.append("</section>\n");
        });
    for (String column : eval.mapColumns()) {
      maps.tierMap(column);
    }
    if (!eval.hasNoModelMap()) {
      out.append("<p class=\"note\">A request that names no model (such as listing models) has")
          .append(" the outcome of a <b>")
          .append(esc(eval.lowestTier()))
          .append("</b> request everywhere, so it has no map of its own.</p>\n");
    }
    out.append("</div>\n<aside id=\"beside\">\n<h2>What the maps cannot show</h2>\n");
    tables.subdivisions();
    tables.callersWithoutCountry();
    tables.smallAndMissing();
    tables.timeline();
    tables.namedCountries();
    tables.aboutTheMap();
    out.append("</aside>\n</div>\n</main>\n</body>\n</html>\n");
    return out.toString();
  }

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
    for (int i = 0; i < colouring.substitutes().size(); i++) {
      out.append(".s").append(i).append("{fill:").append(Palette.substitute(i)).append('}');
      out.append(".s").append(i).append("f{fill:");
      out.append(Palette.tint(Palette.substitute(i))).append('}');
    }
    out.append(".b{fill:url(#hb)}.bf{fill:url(#hbf)}.n{fill:").append(Palette.NO_CODE).append('}');
    out.append(".cl{fill:url(#hb)}.cm{fill:").append(Palette.MIXED).append('}');
    out.append(".cg{fill:").append(Palette.MORE).append("}.cu{fill:");
    out.append(Palette.UNCHANGED).append("}\n");
  }

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
    policy.modelIdPattern().ifPresent(p -> metaCode("Model ids must match", p));
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
}
