package dev.geofence.filter.audit;

import java.io.IOException;
import java.nio.file.Path;
import java.time.Instant;
import java.time.format.DateTimeParseException;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.HashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Objects;
import java.util.Optional;

/**
 * Counts the decisions in audit files by country, rule, action, requested model or principal (and
 * country), for the {@code geofence audit report} command. Reads files from either sink as long as
 * each line is one record (a Logback file with pattern {@code %msg%n}). Does not check the chain;
 * use {@link AuditChainVerifier} for that. Stateless and thread-safe.
 */
public final class AuditReport {

  private AuditReport() {}

  /** What the rows of a report are. */
  public enum By {
    COUNTRY,
    RULE,
    ACTION,
    /**
     * The requested model ({@code geofence.model.requested}). A Message Batches record, which has
     * none, is one row per set of models its entries asked for: {@code (batch: MODEL, ...)}.
     */
    MODEL,
    /**
     * One row per principal ({@code user.id}, as recorded) and country: an account seen from two
     * countries has two rows. Records without a principal are counted under {@link #NONE}.
     */
    PRINCIPAL;

    /** Lower-case name, as the command line takes it. */
    public String label() {
      return name().toLowerCase(Locale.ROOT);
    }

    String keyOf(AuditLine line) {
      switch (this) {
        case COUNTRY:
          return line.country();
        case RULE:
          return line.rule();
        case ACTION:
          return line.action();
        case PRINCIPAL:
          return line.principal().isEmpty() ? NONE : line.principal();
        default:
          if (line.batchModels().isPresent()) {
            return batchKey(line.batchModels().get());
          }
          return line.modelTruncated() ? shortened(line.model(), line.modelSha256()) : line.model();
      }
    }

    /**
     * A model written shortened: its beginning and the start of the hash of the whole value, so two
     * different long ids never share a row.
     */
    private static String shortened(String model, String sha256) {
      String start = model.length() > 40 ? model.substring(0, 40) : model;
      String hash = sha256.length() >= 16 ? sha256.substring(0, 16) : "unknown";
      return start + "... (truncated, sha256 " + hash + "...)";
    }

    /**
     * The row of a Message Batches request, which has no model of its own: the models its entries
     * asked for, so that a batch is counted once, as a request, and not under {@link #UNKNOWN}.
     */
    private static String batchKey(List<AuditLine.Requested> models) {
      if (models.isEmpty()) {
        return "(batch)";
      }
      List<String> named = new ArrayList<>(BATCH_MODELS_NAMED);
      for (AuditLine.Requested r : models.subList(0, Math.min(models.size(), BATCH_MODELS_NAMED))) {
        named.add(r.sha256().isEmpty() ? r.model() : shortened(r.model(), r.sha256()));
      }
      String key = "(batch: " + String.join(", ", named);
      return key
          + (models.size() > named.size() ? ", " + (models.size() - named.size()) + " more)" : ")");
    }
  }

  /**
   * Counts of one row.
   *
   * @param key the country, rule, action, model or principal; {@code (unknown)} when the records
   *     lack it ({@code (none)} for records without a principal)
   * @param country the country of the row in a report {@link By#PRINCIPAL}, {@code (unknown)} when
   *     the records lack it; empty in every other report
   */
  public record Row(
      String key, String country, long allow, long substitute, long block, long error) {

    /** Normalises a null country to empty. */
    public Row {
      Objects.requireNonNull(key, "key");
      country = country == null ? "" : country;
    }

    /** A row of a report whose rows have no country of their own. */
    public Row(String key, long allow, long substitute, long block, long error) {
      this(key, "", allow, substitute, block, error);
    }

    public long total() {
      return allow + substitute + block + error;
    }

    Row plus(AuditAction action) {
      return switch (action) {
        case ALLOW -> new Row(key, country, allow + 1, substitute, block, error);
        case SUBSTITUTE -> new Row(key, country, allow, substitute + 1, block, error);
        case BLOCK -> new Row(key, country, allow, substitute, block + 1, error);
        case ERROR -> new Row(key, country, allow, substitute, block, error + 1);
        case ALERT -> this; // an alert is not a request; summarise() counts alerts apart
      };
    }
  }

  /**
   * A report.
   *
   * @param rows one per key, most records first
   * @param total the sum over all rows
   * @param recordsLost records the sinks reported lost (records_lost lines) in the period
   * @param alerts usage alerts ({@code usage-alert} lines) in the period; not requests, so in no
   *     row
   * @param unreadableLines lines that were not records (cut short, malformed, or without a
   *     timestamp)
   * @param first time of the earliest counted record, empty when none
   * @param last time of the latest counted record, empty when none
   */
  public record Summary(
      By by,
      Optional<Instant> since,
      List<Row> rows,
      Row total,
      long recordsLost,
      long alerts,
      long unreadableLines,
      Optional<Instant> first,
      Optional<Instant> last) {
    public Summary {
      rows = List.copyOf(rows);
    }
  }

  /** How many of a batch's models its row in a report {@link By#MODEL} names. */
  static final int BATCH_MODELS_NAMED = 5;

  /** The key used for records that lack the grouped field. */
  public static final String UNKNOWN = "(unknown)";

  /** The key of a report {@link By#PRINCIPAL} for records without a principal. */
  public static final String NONE = "(none)";

  /**
   * Summarises the decisions in the files.
   *
   * @param since count only records at or after this time; empty for all
   * @throws IOException when a file cannot be read
   */
  public static Summary summarise(List<Path> files, Optional<Instant> since, By by)
      throws IOException {
    Objects.requireNonNull(files, "files");
    Objects.requireNonNull(since, "since");
    Objects.requireNonNull(by, "by");
    Map<String, Row> rows = new HashMap<>();
    long[] lost = {0};
    long[] unreadable = {0};
    long[] alerts = {0};
    Instant[] range = {null, null};
    for (Path file : files) {
      AuditFiles.readLines(
          file,
          (bytes, number, terminated) -> {
            Optional<AuditLine> parsed = terminated ? AuditLine.parse(bytes) : Optional.empty();
            Optional<Instant> time = parsed.flatMap(line -> parseTime(line.timestamp()));
            if (time.isEmpty()) {
              unreadable[0]++;
              return;
            }
            if (since.isPresent() && time.get().isBefore(since.get())) {
              return;
            }
            AuditLine line = parsed.get();
            if (AuditEncoder.RECORDS_LOST.equals(line.action())) {
              lost[0] += line.lostCount();
            }
            Optional<AuditAction> decided = AuditAction.fromLabel(line.action());
            if (decided.isEmpty()) {
              return;
            }
            AuditAction action = decided.get();
            if (!action.isRequest()) {
              alerts[0]++;
              return;
            }
            String key = by.keyOf(line).isEmpty() ? UNKNOWN : by.keyOf(line);
            String country =
                by != By.PRINCIPAL ? "" : line.country().isEmpty() ? UNKNOWN : line.country();
            // A principal and a country never hold a line feed: the encoder strips control
            // characters, so it separates the two parts of the row's identity.
            rows.merge(
                country.isEmpty() ? key : key + '\n' + country,
                new Row(key, country, 0, 0, 0, 0).plus(action),
                (old, one) -> old.plus(action));
            range[0] = range[0] == null || time.get().isBefore(range[0]) ? time.get() : range[0];
            range[1] = range[1] == null || time.get().isAfter(range[1]) ? time.get() : range[1];
          });
    }
    List<Row> sorted = new ArrayList<>(rows.values());
    sorted.sort(
        Comparator.comparingLong(Row::total)
            .reversed()
            .thenComparing(Row::key)
            .thenComparing(Row::country));
    Row total = new Row("total", 0, 0, 0, 0);
    for (Row row : sorted) {
      total =
          new Row(
              "total",
              total.allow() + row.allow(),
              total.substitute() + row.substitute(),
              total.block() + row.block(),
              total.error() + row.error());
    }
    return new Summary(
        by,
        since,
        sorted,
        total,
        lost[0],
        alerts[0],
        unreadable[0],
        Optional.ofNullable(range[0]),
        Optional.ofNullable(range[1]));
  }

  private static Optional<Instant> parseTime(String text) {
    try {
      return text.isEmpty() ? Optional.empty() : Optional.of(Instant.parse(text));
    } catch (DateTimeParseException e) {
      return Optional.empty();
    }
  }
}
