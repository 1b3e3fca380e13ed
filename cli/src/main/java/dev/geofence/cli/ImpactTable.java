package dev.geofence.cli;

import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.geofence.filter.audit.PolicyImpact;
import java.io.PrintWriter;
import java.util.ArrayList;
import java.util.List;

/**
 * Prints a {@link PolicyImpact}: the one table {@code policy impact} and {@code audit report
 * --shadow} share, so that the two can be compared line by line.
 */
final class ImpactTable {

  private ImpactTable() {}

  private static final List<String> HEADER =
      List.of(
          "country",
          "subdivision",
          "tier",
          "from",
          "to",
          "requests",
          "callers",
          "first seen",
          "last seen");

  /** The table, then "N of M requests change". */
  static void print(PrintWriter out, PolicyImpact impact) {
    List<List<String>> lines = new ArrayList<>();
    lines.add(HEADER);
    long changed = 0;
    for (PolicyImpact.Row r : impact.rows()) {
      changed += r.requests();
      lines.add(
          List.of(
              r.country(),
              r.subdivision().isEmpty() ? "-" : r.subdivision(),
              r.tier(),
              r.from(),
              r.to(),
              Long.toString(r.requests()),
              Long.toString(r.callers()),
              r.firstSeen().toString(),
              r.lastSeen().toString()));
    }
    int[] widths = new int[HEADER.size()];
    for (List<String> line : lines) {
      for (int i = 0; i < widths.length; i++) {
        widths[i] = Math.max(widths[i], line.get(i).length());
      }
    }
    if (impact.rows().isEmpty()) {
      out.println("no request changes outcome");
    } else {
      for (List<String> line : lines) {
        StringBuilder text = new StringBuilder();
        for (int i = 0; i < widths.length; i++) {
          String cell = line.get(i);
          boolean number = i == 5 || i == 6;
          String pad = " ".repeat(widths[i] - cell.length());
          text.append(number ? pad + cell : cell + (i == widths.length - 1 ? "" : pad));
          if (i < widths.length - 1) {
            text.append("  ");
          }
        }
        out.println(text.toString().stripTrailing());
      }
    }
    out.println(
        changed
            + " of "
            + PolicyCommand.plural(impact.requests(), "decided request")
            + " change outcome");
  }

  static String json(PolicyImpact impact) throws java.io.IOException {
    ObjectMapper mapper = new ObjectMapper();
    ObjectNode root = mapper.createObjectNode();
    root.put("requests", impact.requests());
    ArrayNode rows = root.putArray("changes");
    for (PolicyImpact.Row r : impact.rows()) {
      ObjectNode row = rows.addObject();
      row.put("country", r.country());
      if (!r.subdivision().isEmpty()) {
        row.put("subdivision", r.subdivision());
      }
      row.put("tier", r.tier());
      row.put("from", r.from());
      row.put("to", r.to());
      row.put("requests", r.requests());
      row.put("callers", r.callers());
      row.put("first_seen", r.firstSeen().toString());
      row.put("last_seen", r.lastSeen().toString());
    }
    return mapper.writerWithDefaultPrettyPrinter().writeValueAsString(root);
  }
}
