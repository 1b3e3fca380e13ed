package dev.geofence.apicheck;

import java.util.ArrayList;
import java.util.List;

/**
 * The lines that differ between two listings, as a unified diff without context lines: each hunk
 * says where it is and which type it is in, then its removed ({@code -}) and added ({@code +})
 * lines.
 *
 * <p>Lines are matched by a longest common subsequence, so a line that appears under many types
 * ({@code public boolean equals(java.lang.Object)}) is matched in its place, not anywhere.
 */
final class ListingDiff {

  /** Above this many cells the middle of the two listings is shown as replaced whole. */
  private static final long MAX_TABLE = 16_000_000L;

  private final List<String> before;
  private final List<String> after;
  private final List<Hunk> hunks;

  private ListingDiff(List<String> before, List<String> after) {
    this.before = before;
    this.after = after;
    this.hunks = hunks(before, after);
  }

  /** The differences from {@code before} to {@code after}. */
  static ListingDiff between(List<String> before, List<String> after) {
    return new ListingDiff(List.copyOf(before), List.copyOf(after));
  }

  boolean isEmpty() {
    return hunks.isEmpty();
  }

  int removed() {
    return hunks.stream().mapToInt(h -> h.beforeCount).sum();
  }

  int added() {
    return hunks.stream().mapToInt(h -> h.afterCount).sum();
  }

  /**
   * The hunks as text, stopping after about {@code maxLines} changed lines with a line that says
   * how many more there are.
   */
  String excerpt(int maxLines) {
    StringBuilder out = new StringBuilder();
    int shown = 0;
    for (Hunk h : hunks) {
      if (shown >= maxLines) {
        break;
      }
      out.append("@@ -")
          .append(range(h.beforeStart, h.beforeCount))
          .append(" +")
          .append(range(h.afterStart, h.afterCount))
          .append(" @@");
      String context = context(h);
      if (!context.isEmpty()) {
        out.append(' ').append(context);
      }
      out.append('\n');
      for (int i = 0; i < h.beforeCount && shown < maxLines; i++, shown++) {
        out.append('-').append(before.get(h.beforeStart + i)).append('\n');
      }
      for (int i = 0; i < h.afterCount && shown < maxLines; i++, shown++) {
        out.append('+').append(after.get(h.afterStart + i)).append('\n');
      }
    }
    int left = removed() + added() - shown;
    if (left > 0) {
      out.append("... and ").append(left).append(" more changed lines\n");
    }
    return out.toString();
  }

  /** "1 line added, 2 removed" */
  String summary() {
    return added() + (added() == 1 ? " line" : " lines") + " added, " + removed() + " removed";
  }

  /** Unified diff ranges count from 1; an empty range names the line before it. */
  private static String range(int start, int count) {
    if (count == 1) {
      return String.valueOf(start + 1);
    }
    return (count == 0 ? start : start + 1) + "," + count;
  }

  /** The type (or module) line above the hunk, as git shows the enclosing function. */
  private String context(Hunk h) {
    for (int i = h.afterStart - 1; i >= 0; i--) {
      String line = after.get(i);
      if (!line.isEmpty() && !line.startsWith(" ") && !line.startsWith("#")) {
        return line;
      }
    }
    return "";
  }

  private static List<Hunk> hunks(List<String> a, List<String> b) {
    int prefix = 0;
    while (prefix < a.size() && prefix < b.size() && a.get(prefix).equals(b.get(prefix))) {
      prefix++;
    }
    int suffix = 0;
    while (suffix < a.size() - prefix
        && suffix < b.size() - prefix
        && a.get(a.size() - 1 - suffix).equals(b.get(b.size() - 1 - suffix))) {
      suffix++;
    }
    int n = a.size() - prefix - suffix;
    int m = b.size() - prefix - suffix;
    List<Hunk> hunks = new ArrayList<>();
    if (n == 0 && m == 0) {
      return hunks;
    }
    if ((long) (n + 1) * (m + 1) > MAX_TABLE) {
      hunks.add(new Hunk(prefix, n, prefix, m));
      return hunks;
    }
    // lcs[i][j]: the longest common subsequence of a[prefix + i..] and b[prefix + j..].
    int[][] lcs = new int[n + 1][m + 1];
    for (int i = n - 1; i >= 0; i--) {
      for (int j = m - 1; j >= 0; j--) {
        lcs[i][j] =
            a.get(prefix + i).equals(b.get(prefix + j))
                ? lcs[i + 1][j + 1] + 1
                : Math.max(lcs[i + 1][j], lcs[i][j + 1]);
      }
    }
    int i = 0;
    int j = 0;
    while (i < n || j < m) {
      if (i < n && j < m && a.get(prefix + i).equals(b.get(prefix + j))) {
        i++;
        j++;
        continue;
      }
      int startI = i;
      int startJ = j;
      while ((i < n || j < m) && !(i < n && j < m && a.get(prefix + i).equals(b.get(prefix + j)))) {
        if (j >= m || (i < n && lcs[i + 1][j] >= lcs[i][j + 1])) {
          i++;
        } else {
          j++;
        }
      }
      hunks.add(new Hunk(prefix + startI, i - startI, prefix + startJ, j - startJ));
    }
    return hunks;
  }

  /** Lines {@code beforeStart} (0-based) on, replaced by lines {@code afterStart} on. */
  private record Hunk(int beforeStart, int beforeCount, int afterStart, int afterCount) {}
}
