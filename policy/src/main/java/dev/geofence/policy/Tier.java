package dev.geofence.policy;

import java.util.List;

/** A model tier: its name, its rank (0 is the highest) and its model-id patterns. Immutable. */
record Tier(String name, int rank, List<Glob> patterns) {
  Tier {
    patterns = List.copyOf(patterns);
  }

  /** Rank of the first tier with a pattern matching {@code model}, else {@code unlisted}. Allocates nothing. */
  static int rankOf(List<Tier> tiers, String model, int unlisted) {
    for (int i = 0; i < tiers.size(); i++) {
      if (tiers.get(i).matches(model)) {
        return i;
      }
    }
    return unlisted;
  }

  boolean matches(String model) {
    for (Glob glob : patterns) {
      if (glob.matches(model)) {
        return true;
      }
    }
    return false;
  }
}
