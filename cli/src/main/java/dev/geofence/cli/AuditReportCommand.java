package dev.geofence.cli;

import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.geofence.filter.audit.AuditReport;
import dev.geofence.filter.audit.AuditReport.By;
import dev.geofence.filter.audit.AuditReport.Row;
import dev.geofence.filter.audit.AuditReport.Summary;
import dev.geofence.filter.audit.PolicyImpact;
import java.io.IOException;
import java.io.PrintWriter;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Instant;
import java.time.format.DateTimeParseException;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.Iterator;
import java.util.List;
import java.util.Locale;
import java.util.Optional;
import java.util.concurrent.Callable;
import java.util.stream.Collectors;
import picocli.CommandLine;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;
import picocli.CommandLine.Parameters;

/**
 * {@code geofence audit report FILE...}: decisions per country, rule, action, model, or principal
 * and country.
 */
@Command(
    name = "report",
    mixinStandardHelpOptions = true,
    description =
        "Count the decisions in audit files (from the file sink or a logging backend writing one "
            + "record per line) per country, rule, action, requested model, or principal"
            + " (user.id) and country.")
final class AuditReportCommand implements Callable<Integer> {

  @CommandLine.Spec CommandLine.Model.CommandSpec spec;

  @Parameters(arity = "1..*", paramLabel = "FILE", description = "Audit files.")
  List<Path> files;

  @Option(
      names = "--since",
      paramLabel = "TIME",
      converter = SinceConverter.class,
      description =
          "Count only records at or after this time: 2026-11-28T00:00:00Z, or a date (midnight UTC).")
  Instant since;

  @Option(
      names = "--by",
      paramLabel = "FIELD",
      converter = ByConverter.class,
      defaultValue = "country",
      completionCandidates = ByCandidates.class,
      description =
          "Rows per country, rule, action, model, or principal and country (default:"
              + " ${DEFAULT-VALUE}).")
  By by;

  @Option(names = "--json", description = "Print the report as JSON.")
  boolean json;

  @Option(
      names = "--shadow",
      description =
          "Instead of counts, show what the shadow policy would change: one row per country,"
              + " subdivision, tier and change of outcome (enforced -> shadow), with requests,"
              + " distinct callers, first and last seen; the table of 'policy impact'.")
  boolean shadow;

  @Override
  public Integer call() throws IOException {
    PrintWriter out = spec.commandLine().getOut();
    if (!readable(spec, files)) {
      return Main.FINDING;
    }
    if (shadow) {
      PolicyImpact impact = PolicyImpact.shadow(files);
      if (json) {
        out.println(ImpactTable.json(impact));
      } else {
        ImpactTable.print(out, impact);
      }
      return 0;
    }
    Summary summary = AuditReport.summarise(files, Optional.ofNullable(since), by);
    if (json) {
      ObjectMapper mapper = new ObjectMapper();
      out.println(
          mapper.writerWithDefaultPrettyPrinter().writeValueAsString(toJson(mapper, summary)));
    } else {
      printTable(out, summary);
    }
    return 0;
  }

  /** Whether every file can be read; prints the first that cannot. */
  static boolean readable(CommandLine.Model.CommandSpec spec, List<Path> files) {
    for (Path file : files) {
      if (!Files.isRegularFile(file) || !Files.isReadable(file)) {
        spec.commandLine()
            .getErr()
            .println(
                "geofence: cannot read the audit file "
                    + file
                    + "; expected an existing, readable file");
        return false;
      }
    }
    return true;
  }

  private static ObjectNode toJson(ObjectMapper mapper, Summary s) {
    ObjectNode root = mapper.createObjectNode();
    root.put("by", s.by().label());
    s.since().ifPresent(t -> root.put("since", t.toString()));
    ArrayNode rows = root.putArray("rows");
    for (Row row : s.rows()) {
      rows.add(rowJson(mapper, row));
    }
    root.set("total", rowJson(mapper, s.total()));
    root.put("records_lost", s.recordsLost());
    root.put("alerts", s.alerts());
    root.put("unreadable_lines", s.unreadableLines());
    s.first().ifPresent(t -> root.put("first", t.toString()));
    s.last().ifPresent(t -> root.put("last", t.toString()));
    return root;
  }

  private static ObjectNode rowJson(ObjectMapper mapper, Row row) {
    ObjectNode node = mapper.createObjectNode();
    node.put("key", row.key());
    if (!row.country().isEmpty()) {
      node.put("country", row.country());
    }
    node.put("allow", row.allow());
    node.put("substitute", row.substitute());
    node.put("block", row.block());
    node.put("error", row.error());
    node.put("total", row.total());
    return node;
  }

  private static void printTable(PrintWriter out, Summary s) {
    List<Row> rows = new ArrayList<>(s.rows());
    rows.add(s.total());
    boolean countries = s.by() == By.PRINCIPAL;
    int keyWidth = s.by().label().length();
    int countryWidth = "country".length();
    for (Row row : rows) {
      keyWidth = Math.max(keyWidth, row.key().length());
      countryWidth = Math.max(countryWidth, row.country().length());
    }
    String head =
        countries ? "%-" + keyWidth + "s  %-" + countryWidth + "s" : "%-" + keyWidth + "s%s";
    String format = head + "  %8s  %10s  %8s  %8s  %8s%n";
    out.printf(
        format,
        s.by().label(),
        countries ? "country" : "",
        "allow",
        "substitute",
        "block",
        "error",
        "total");
    for (Row row : rows) {
      out.printf(
          format,
          row.key(),
          row.country(),
          row.allow(),
          row.substitute(),
          row.block(),
          row.error(),
          row.total());
    }
    out.println();
    out.println(
        "period: "
            + (s.first().isPresent() ? s.first().get() + " to " + s.last().get() : "no records")
            + s.since().map(t -> " (since " + t + ")").orElse(""));
    out.println("records lost (records_lost lines): " + s.recordsLost());
    if (s.alerts() > 0) {
      // Not requests, so in no row: counted here so that they are not missed.
      out.println("usage alerts (usage-alert lines): " + s.alerts());
    }
    if (s.unreadableLines() > 0) {
      out.println("lines that are not records (cut short or malformed): " + s.unreadableLines());
    }
  }

  static final class SinceConverter implements CommandLine.ITypeConverter<Instant> {
    @Override
    public Instant convert(String value) {
      try {
        return DateOrInstant.parse(value);
      } catch (DateTimeParseException e) {
        throw new CommandLine.TypeConversionException(
            "'"
                + value
                + "' is not a time; expected an ISO-8601 instant such as 2026-11-28T00:00:00Z or a date such as 2026-11-28");
      }
    }
  }

  static final class ByConverter implements CommandLine.ITypeConverter<By> {
    @Override
    public By convert(String value) {
      for (By by : By.values()) {
        if (by.label().equals(value.toLowerCase(Locale.ROOT))) {
          return by;
        }
      }
      throw new CommandLine.TypeConversionException(
          "'"
              + value
              + "' is not a report field; expected one of "
              + Arrays.stream(By.values()).map(By::label).collect(Collectors.joining(", ")));
    }
  }

  static final class ByCandidates implements Iterable<String> {
    @Override
    public Iterator<String> iterator() {
      return Arrays.stream(By.values()).map(By::label).iterator();
    }
  }
}
