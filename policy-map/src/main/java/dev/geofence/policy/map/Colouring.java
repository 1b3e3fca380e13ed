package dev.geofence.policy.map;

import dev.geofence.policy.Action;
import dev.geofence.policy.Decision;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;

/**
 * How each country is drawn on each map: its decision, and the legend entry it falls in (allowed,
 * substituted by which model, blocked; by a rule naming it or by the fallback). Substitute models
 * are numbered in order of first appearance, tier by tier, so a model keeps its colour on every
 * map. Immutable once built.
 */
final class Colouring {

  /** A legend entry: CSS class, key for tools, base colour, words, count. */
  record Key(String cls, String key, String colour, String label) {}

  private final Evaluation eval;
  private final Map<String, Map<String, Decision>> decisions = new HashMap<>();
  private final Map<String, Map<String, Key>> keys = new HashMap<>();
  private final List<String> substitutes = new ArrayList<>();

  Colouring(Evaluation eval) {
    this.eval = eval;
    for (String column : eval.columns()) {
      Map<String, Decision> byCountry = new HashMap<>();
      for (String code : Evaluation.COUNTRIES) {
        Decision d = eval.country(code, column);
        byCountry.put(code, d);
        if (d.action() == Action.SUBSTITUTE) {
          String model = d.effectiveModel().orElse("");
          if (!substitutes.contains(model)) {
            substitutes.add(model);
          }
        }
      }
      decisions.put(column, byCountry);
    }
    for (String column : eval.columns()) {
      Map<String, Key> byCountry = new HashMap<>();
      decisions.get(column).forEach((code, d) -> byCountry.put(code, keyOf(code, d)));
      keys.put(column, byCountry);
    }
  }

  /** Substitute models, in the order their colours are given. */
  List<String> substitutes() {
    return substitutes;
  }

  /** The decision for a country in a column. */
  Decision decision(String column, String code) {
    Decision d = decisions.get(column).get(code);
    // A code the JDK does not list cannot be named by a policy; evaluated when asked.
    return d != null ? d : eval.country(code, column);
  }

  /** The legend entry of a country in a column. */
  Key key(String column, String code) {
    Key k = keys.get(column).get(code);
    return k != null ? k : keyOf(code, decision(column, code));
  }

  private Key keyOf(String code, Decision d) {
    boolean fallback = eval.isFallback(code, d);
    String suffix = fallback ? "f" : "";
    String keySuffix = fallback ? "-fallback" : "";
    String by = fallback ? fallbackWords() : "by a rule naming the country";
    switch (d.action()) {
      case ALLOW:
        return new Key(
            "a" + suffix,
            "allow" + keySuffix,
            fallback ? Palette.tint(Palette.ALLOW) : Palette.ALLOW,
            "allowed, " + by);
      case SUBSTITUTE:
        String model = d.effectiveModel().orElse("");
        int i = substitutes.indexOf(model);
        String colour = Palette.substitute(i);
        return new Key(
            "s" + i + suffix,
            "substitute-" + model + keySuffix,
            fallback ? Palette.tint(colour) : colour,
            "substituted by " + model + ", " + by);
      default:
        return new Key(
            "b" + suffix,
            "block" + keySuffix,
            fallback ? Palette.tint(Palette.BLOCK) : Palette.BLOCK,
            "blocked, " + (d.reason() == Decision.Reason.NO_RULE_MATCHED ? "no rule matches" : by));
    }
  }

  private String fallbackWords() {
    return eval.fallbackRule()
        .filter(r -> !r.equals("no-rule"))
        .map(r -> "by the catch-all rule " + r + " (\"*\")")
        .orElse("as no rule matches");
  }

  /** Allowed, substituted (by model), blocked; each named before fallback. */
  static int legendOrder(String cls) {
    int base =
        switch (cls.charAt(0)) {
          case 'a' -> 0;
          case 's' -> 10 + Integer.parseInt(cls.replaceAll("\\D", "")) * 2;
          default -> 1000;
        };
    return base + (cls.endsWith("f") ? 1 : 0);
  }

  /** "allowed (rule allies; basis: ...)." */
  String sentence(String code, Decision d) {
    StringBuilder s = new StringBuilder();
    switch (d.action()) {
      case ALLOW -> s.append("allowed");
      case SUBSTITUTE -> s.append("substituted by ").append(d.effectiveModel().orElse(""));
      default -> s.append("blocked");
    }
    s.append(" (");
    switch (d.reason()) {
      case NO_RULE_MATCHED -> s.append("no rule matches: fail closed");
      case UNKNOWN -> s.append("the policy's unknown section");
      case ANONYMOUS -> s.append("the policy's anonymous section");
      default -> {
        s.append("rule ").append(d.ruleName());
        if (code != null && eval.isFallback(code, d)) {
          s.append(", the catch-all \"*\"");
        }
      }
    }
    d.basis().ifPresent(b -> s.append("; basis: ").append(b));
    return s.append(").").toString();
  }
}
