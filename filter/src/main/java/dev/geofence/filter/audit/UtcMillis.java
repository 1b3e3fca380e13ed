package dev.geofence.filter.audit;

import java.time.Instant;
import java.time.LocalDate;
import java.time.ZoneOffset;
import java.time.format.DateTimeFormatter;

/**
 * Formats instants as {@code uuuu-MM-dd'T'HH:mm:ss.SSS'Z'} in UTC (milliseconds truncated), the
 * audit trail's {@code @timestamp}. The date part is computed once per day and the time by
 * arithmetic, because {@link DateTimeFormatter} cost the audit writer about a sixth of its time.
 * Years outside 0000 to 9999 (which the pattern writes with a sign) go through the formatter.
 *
 * <p>Not thread-safe: an instance keeps its output buffer and belongs to one thread.
 */
final class UtcMillis {

  static final int LENGTH = 24;
  static final DateTimeFormatter FORMATTER =
      DateTimeFormatter.ofPattern("uuuu-MM-dd'T'HH:mm:ss.SSS'Z'").withZone(ZoneOffset.UTC);

  private static final long SECONDS_PER_DAY = 86_400;
  private static final long MIN_SECOND = LocalDate.of(0, 1, 1).toEpochDay() * SECONDS_PER_DAY;
  private static final long MAX_SECOND = LocalDate.of(10_000, 1, 1).toEpochDay() * SECONDS_PER_DAY;

  private final char[] chars = "0000-00-00T00:00:00.000Z".toCharArray();
  private long day = Long.MIN_VALUE;

  /**
   * Fills {@link #chars()} with the instant; false when its year needs the formatter, and then the
   * buffer is left as it was.
   */
  boolean fill(Instant instant) {
    long second = instant.getEpochSecond();
    if (second < MIN_SECOND || second >= MAX_SECOND) {
      return false;
    }
    long d = Math.floorDiv(second, SECONDS_PER_DAY);
    if (d != day) {
      LocalDate date = LocalDate.ofEpochDay(d);
      int year = date.getYear();
      digits(0, year / 100, 2);
      digits(2, year % 100, 2);
      digits(5, date.getMonthValue(), 2);
      digits(8, date.getDayOfMonth(), 2);
      day = d;
    }
    int inDay = (int) (second - d * SECONDS_PER_DAY);
    digits(11, inDay / 3600, 2);
    digits(14, inDay / 60 % 60, 2);
    digits(17, inDay % 60, 2);
    digits(20, instant.getNano() / 1_000_000, 3);
    return true;
  }

  /** The buffer {@link #fill} wrote; valid until the next call. */
  char[] chars() {
    return chars;
  }

  /** The instant as text, through the fast path when its year allows. */
  String format(Instant instant) {
    return fill(instant) ? new String(chars) : FORMATTER.format(instant);
  }

  private void digits(int at, int value, int width) {
    for (int i = at + width - 1; i >= at; i--) {
      chars[i] = (char) ('0' + value % 10);
      value /= 10;
    }
  }
}
