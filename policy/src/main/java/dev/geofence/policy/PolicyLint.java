package dev.geofence.policy;

import dev.geofence.policy.internal.YamlNode;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;

/** The warnings of a valid policy: things that load and run but are probably not what was meant. */
final class PolicyLint {

  private final PolicyModel model;
  private final Diagnostics diagnostics;
  private final Map<String, YamlNode.Scalar> regionKeys;
  private final YamlNode rulesKey;

  PolicyLint(
      PolicyModel model,
      Diagnostics diagnostics,
      Map<String, YamlNode.Scalar> regionKeys,
      YamlNode rulesKey) {
    this.model = model;
    this.diagnostics = diagnostics;
    this.regionKeys = regionKeys;
    this.rulesKey = rulesKey;
  }

  void run() {
    noCatchAll();
    Set<Integer> shadowed = shadowedRules();
    overlappingRules(shadowed);
    unusedRegions();
    substitutesMissing();
  }

  private void noCatchAll() {
    if (model.rules().stream().noneMatch(r -> r.where().any())) {
      diagnostics.warning(
          rulesKey,
          "no rule has where: \"*\"; a country that no rule matches is blocked (add a catch-all rule last to decide it explicitly)");
    }
  }

  /**
   * Rules that never match because earlier rules, in force whenever they are, cover every place
   * they name.
   */
  private Set<Integer> shadowedRules() {
    Set<Integer> shadowed = new HashSet<>();
    List<RuleDef> rules = model.rules();
    for (int j = 0; j < rules.size(); j++) {
      RuleDef rule = rules.get(j);
      Where w = rule.where();
      if (!w.any() && w.countries().isEmpty() && w.subdivisions().isEmpty()) {
        diagnostics.warning(
            at(rule),
            "rule '" + rule.name() + "' never matches: its where names only empty regions");
        shadowed.add(j);
        continue;
      }
      Set<String> coveringRules = new LinkedHashSet<>();
      boolean covered = true;
      for (String code : codesOf(w)) {
        Optional<RuleDef> cover = firstCovering(j, code);
        if (cover.isEmpty()) {
          covered = false;
          break;
        }
        coveringRules.add("'" + cover.get().name() + "'");
      }
      if (w.any()) {
        Optional<RuleDef> cover =
            rules.subList(0, j).stream()
                .filter(r -> r.where().any() && r.activeWhenever(rule))
                .findFirst();
        covered = covered && cover.isPresent();
        cover.ifPresent(r -> coveringRules.add("'" + r.name() + "'"));
      }
      if (covered) {
        shadowed.add(j);
        diagnostics.warning(
            at(rule),
            "rule '"
                + rule.name()
                + "' can never match: earlier rule"
                + (coveringRules.size() > 1 ? "s " : " ")
                + String.join(", ", coveringRules)
                + " cover"
                + (coveringRules.size() > 1 ? "" : "s")
                + " every place it names whenever it is in force");
      }
    }
    return shadowed;
  }

  private Optional<RuleDef> firstCovering(int before, String code) {
    boolean subdivision = code.length() > 2;
    for (RuleDef earlier : model.rules().subList(0, before)) {
      Where e = earlier.where();
      boolean covers = subdivision ? e.coversSubdivision(code) : e.coversCountry(code);
      if (covers && earlier.activeWhenever(model.rules().get(before))) {
        return Optional.of(earlier);
      }
    }
    return Optional.empty();
  }

  /**
   * A code named by two rules with different outcomes: the later rule never decides for it. Rules
   * already reported as never matching are left out (they decide nothing), and so are earlier
   * catch-alls, which are meant to decide for everyone.
   */
  private void overlappingRules(Set<Integer> shadowed) {
    List<RuleDef> rules = model.rules();
    for (int j = 0; j < rules.size(); j++) {
      if (shadowed.contains(j)) {
        continue;
      }
      RuleDef later = rules.get(j);
      for (int i = 0; i < j; i++) {
        RuleDef earlier = rules.get(i);
        if (shadowed.contains(i)
            || earlier.limit().equals(later.limit())
            || !earlier.overlapsInTime(later)) {
          continue;
        }
        List<String> both = new ArrayList<>();
        for (String code : codesOf(later.where())) {
          boolean named =
              code.length() > 2
                  ? earlier.where().subdivisions().contains(code)
                      || earlier.where().countries().contains(Countries.countryOf(code))
                  : earlier.where().countries().contains(code);
          if (named) {
            both.add(code);
          }
        }
        if (both.isEmpty()) {
          continue;
        }
        String first = both.get(0);
        YamlNode.Scalar laterVia = later.where().via().get(first);
        String earlierKey =
            first.length() > 2 && !earlier.where().via().containsKey(first)
                ? Countries.countryOf(first)
                : first;
        YamlNode.Scalar earlierVia = earlier.where().via().get(earlierKey);
        diagnostics.warning(
            laterVia,
            String.join(", ", both)
                + " (through '"
                + laterVia.text()
                + "' in rule '"
                + later.name()
                + "', "
                + later.limit().describe(model.tiers())
                + ") "
                + (both.size() > 1 ? "are" : "is")
                + " also in '"
                + earlierVia.text()
                + "' of the earlier rule '"
                + earlier.name()
                + "' ("
                + earlier.limit().describe(model.tiers())
                + "), which decides for "
                + (both.size() > 1 ? "them" : "it"));
      }
    }
  }

  private void unusedRegions() {
    Set<String> used = new HashSet<>();
    model.rules().forEach(r -> used.addAll(r.where().regions()));
    regionKeys.forEach(
        (name, key) -> {
          if (!used.contains(name)) {
            diagnostics.warning(key, "region '" + name + "' is not used by any rule");
          }
        });
  }

  /**
   * A rule that substitutes over-limit requests, for a tier whose substitutes never get within the
   * limit.
   */
  private void substitutesMissing() {
    List<RuleDef> all = new ArrayList<>(model.rules());
    all.add(model.unknown());
    model.anonymous().ifPresent(all::add);
    for (RuleDef rule : all) {
      Limit limit = rule.limit();
      if (limit.kind() != Limit.Kind.UP_TO || !limit.substitute()) {
        continue;
      }
      List<String> blocked = new ArrayList<>();
      for (int tier = 0; tier < limit.tier(); tier++) {
        if (Outcomes.substituteFor(model, tier, limit.tier()).isEmpty()) {
          blocked.add(model.tiers().get(tier).name());
        }
      }
      if (!blocked.isEmpty()) {
        diagnostics.warning(
            at(rule),
            "'"
                + rule.name()
                + "' substitutes over-limit requests, but no substitute within tier '"
                + model.tiers().get(limit.tier()).name()
                + "' is defined for tier"
                + (blocked.size() > 1 ? "s " : " ")
                + String.join(", ", blocked)
                + "; those requests are blocked");
      }
    }
  }

  private static List<String> codesOf(Where w) {
    List<String> codes = new ArrayList<>(w.countries());
    codes.addAll(w.subdivisions());
    codes.sort(null);
    return codes;
  }

  private static YamlNode at(RuleDef rule) {
    return new YamlNode.Scalar(rule.name(), YamlNode.Kind.STRING, rule.line(), rule.column());
  }
}
