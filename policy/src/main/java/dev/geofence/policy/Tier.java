package dev.geofence.policy;

import java.util.List;

/** A model tier: its name, its rank (0 is the highest) and its model-id patterns. Immutable. */
record Tier(String name, int rank, List<Glob> patterns) {
  Tier {
    patterns = List.copyOf(patterns);
  }

  /**
   * Rank of the first tier with a pattern matching {@code model}, else {@code unlisted}. Allocates
   * nothing.
   */
  static int rankOf(List<Tier> tiers, String model, int unlisted) {
    int start = Glob.trimStart(model);
    int end = Glob.trimEnd(model, start);
    for (int i = 0; i < tiers.size(); i++) {
      List<Glob> patterns = tiers.get(i).patterns;
      for (int j = 0; j < patterns.size(); j++) {
        if (patterns.get(j).matches(model, start, end)) {
          return i;
        }
      }
    }
    return unlisted;
  }
}
