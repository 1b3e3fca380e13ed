package dev.geofence.policy.map;

import dev.geofence.policy.Policy;
import dev.geofence.policy.PolicyDiff;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;

/**
 * What changes from an older policy to the one shown, as {@link PolicyDiff} (and so {@code policy
 * diff}) reports it, looked up by country for the map: a country either policy names has the diff's
 * rows for its own code; every other country has the rows for {@code "*"}. Immutable.
 */
final class Comparison {

  /** Which way a country's access moves. */
  enum Direction {
    /** Some outcome gives less access and none gives more. */
    TIGHTER,
    /** Some outcome gives more access and none gives less. */
    LOOSER,
    /** Both, or a substitute replaced by another of the same tier. */
    MIXED
  }

  private final Policy before;
  private final Policy after;
  private final PolicyDiff diff;
  private final Set<String> namedByEither;
  private final Map<String, List<PolicyDiff.Change>> byCode;

  Comparison(Policy before, Policy after, PolicyDiff diff) {
    this.before = before;
    this.after = after;
    this.diff = diff;
    Set<String> named = new HashSet<>(before.namedCodes());
    named.addAll(after.namedCodes());
    this.namedByEither = Set.copyOf(named);
    Map<String, List<PolicyDiff.Change>> rows = new LinkedHashMap<>();
    for (PolicyDiff.Change c : diff.changes()) {
      rows.computeIfAbsent(c.code(), k -> new ArrayList<>()).add(c);
    }
    rows.replaceAll((k, v) -> List.copyOf(v));
    this.byCode = Map.copyOf(rows);
  }

  Policy before() {
    return before;
  }

  PolicyDiff diff() {
    return diff;
  }

  /**
   * The diff's rows that apply to a country (or subdivision, {@code unknown}, {@code anonymous}).
   */
  List<PolicyDiff.Change> changesFor(String code) {
    String row =
        namedByEither.contains(code) || code.length() > 2 ? code : PolicyDiff.OTHER_COUNTRIES;
    return byCode.getOrDefault(row, List.of());
  }

  /** The diff's row for a code in one column (a tier or {@link PolicyDiff#NO_MODEL}), if any. */
  java.util.Optional<PolicyDiff.Change> changeFor(String code, String column) {
    return changesFor(code).stream().filter(c -> c.tier().equals(column)).findFirst();
  }

  /** Which way the changes move a country's access; only for a code with changes. */
  Direction direction(List<PolicyDiff.Change> changes) {
    boolean less = false;
    boolean more = false;
    boolean sideways = false;
    for (PolicyDiff.Change c : changes) {
      int was = level(before, c.before());
      int now = level(after, c.after());
      if (now < was) {
        less = true;
      } else if (now > was) {
        more = true;
      } else {
        sideways = true;
      }
    }
    if (less && !more && !sideways) {
      return Direction.TIGHTER;
    }
    if (more && !less && !sideways) {
      return Direction.LOOSER;
    }
    return Direction.MIXED;
  }

  /**
   * How much access an outcome gives, for comparison only: allow above any substitute, a substitute
   * of a higher tier above one of a lower tier, block and n/a lowest.
   */
  private static int level(Policy policy, String outcome) {
    if (outcome.equals("allow")) {
      return 1000;
    }
    if (outcome.startsWith("substitute(") && outcome.endsWith(")")) {
      String model = outcome.substring("substitute(".length(), outcome.length() - 1);
      return 500 - policy.tierNames().indexOf(policy.tierOf(model));
    }
    return outcome.equals("block") ? 1 : 0;
  }
}
