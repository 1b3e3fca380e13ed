package dev.geofence.policy;

import java.util.List;

/**
 * What a rule does: block everything, allow everything, or allow up to a tier and then block or
 * substitute. Immutable.
 */
record Limit(Kind kind, int tier, boolean substitute) {

  enum Kind {
    BLOCK,
    ALLOW,
    UP_TO
  }

  static final Limit BLOCK = new Limit(Kind.BLOCK, -1, false);
  static final Limit ALLOW = new Limit(Kind.ALLOW, -1, false);

  static Limit upTo(int tier, boolean substitute) {
    return new Limit(Kind.UP_TO, tier, substitute);
  }

  /** "block", "allow", "allow up to advanced, then substitute". */
  String describe(List<Tier> tiers) {
    switch (kind) {
      case BLOCK:
        return "block";
      case ALLOW:
        return "allow";
      default:
        return "allow up to "
            + tiers.get(tier).name()
            + ", then "
            + (substitute ? "substitute" : "block");
    }
  }
}
