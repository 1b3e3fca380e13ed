package dev.geofence.policy;

import java.util.ArrayList;
import java.util.Arrays;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.TreeSet;

/**
 * For each span of time between the policy's date boundaries, the index of the first rule in force
 * for every code the policy names and for every other country. Evaluation finds the span by binary
 * search and then needs one map look-up per code tested. Immutable.
 */
final class DecisionTable {

  /** No rule matches. */
  static final int NONE = Integer.MAX_VALUE;

  /** The first rule for a code, and the code as a pre-built Optional for the decision. */
  record Match(int rule, Optional<String> code) {}

  /** The rule indexes for one span of time. */
  static final class Span {
    final Map<String, Match> countries;
    final Map<String, Match> subdivisions;
    final int otherCountries;

    Span(Map<String, Match> countries, Map<String, Match> subdivisions, int otherCountries) {
      this.countries = Map.copyOf(countries);
      this.subdivisions = Map.copyOf(subdivisions);
      this.otherCountries = otherCountries;
    }
  }

  private final long[] starts;
  private final Span[] spans;

  DecisionTable(List<RuleDef> rules) {
    TreeSet<Long> boundaries = new TreeSet<>();
    boundaries.add(Long.MIN_VALUE);
    Map<String, Optional<String>> countryCodes = new HashMap<>();
    Map<String, Optional<String>> subdivisionCodes = new HashMap<>();
    for (RuleDef rule : rules) {
      rule.from().ifPresent(d -> boundaries.add(rule.fromSecond()));
      rule.until().ifPresent(d -> boundaries.add(rule.endSecond()));
      rule.where().countries().forEach(c -> countryCodes.put(c, Optional.of(c)));
      rule.where().subdivisions().forEach(s -> subdivisionCodes.put(s, Optional.of(s)));
    }
    starts = boundaries.stream().mapToLong(Long::longValue).toArray();
    spans = new Span[starts.length];
    for (int k = 0; k < starts.length; k++) {
      long t = starts[k];
      List<RuleDef> active = new ArrayList<>();
      for (RuleDef rule : rules) {
        active.add(rule.activeAt(t) ? rule : null);
      }
      Map<String, Match> countries = new HashMap<>();
      countryCodes.forEach(
          (code, opt) -> countries.put(code, new Match(first(active, code, false), opt)));
      Map<String, Match> subdivisions = new HashMap<>();
      subdivisionCodes.forEach(
          (code, opt) -> subdivisions.put(code, new Match(first(active, code, true), opt)));
      spans[k] = new Span(countries, subdivisions, firstCatchAll(active));
    }
  }

  /** The first second of the span in force at {@code epochSecond}. */
  long spanStart(long epochSecond) {
    int i = Arrays.binarySearch(starts, epochSecond);
    return starts[i >= 0 ? i : -i - 2];
  }

  /**
   * The first second after the span in force at {@code epochSecond}; Long.MAX_VALUE for the last.
   */
  long spanEnd(long epochSecond) {
    int i = Arrays.binarySearch(starts, epochSecond);
    int k = i >= 0 ? i : -i - 2;
    return k + 1 < starts.length ? starts[k + 1] : Long.MAX_VALUE;
  }

  /** The span in force at {@code epochSecond}. */
  Span at(long epochSecond) {
    int i = Arrays.binarySearch(starts, epochSecond);
    return spans[i >= 0 ? i : -i - 2];
  }

  /** First active rule naming a subdivision explicitly, or covering a country (named or "*"). */
  private static int first(List<RuleDef> active, String code, boolean subdivision) {
    for (int i = 0; i < active.size(); i++) {
      RuleDef rule = active.get(i);
      if (rule != null
          && (subdivision
              ? rule.where().subdivisions().contains(code)
              : rule.where().coversCountry(code))) {
        return i;
      }
    }
    return NONE;
  }

  private static int firstCatchAll(List<RuleDef> active) {
    for (int i = 0; i < active.size(); i++) {
      if (active.get(i) != null && active.get(i).where().any()) {
        return i;
      }
    }
    return NONE;
  }
}
