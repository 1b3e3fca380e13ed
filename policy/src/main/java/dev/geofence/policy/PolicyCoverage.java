package dev.geofence.policy;

import java.util.ArrayList;
import java.util.HashMap;
import java.util.HashSet;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.Optional;
import java.util.Set;

/**
 * How much of a policy a run of its tests exercised: which rules decided a case, which tiers a case
 * asked for, and which places each rule names (regions expanded) a case was matched by. A place
 * counts as tested for a rule only when that rule decided a case by that very code, so a country
 * that a dated rule names but that the cases only ever meet through {@code "*"} stays untested.
 * Immutable.
 *
 * <pre>{@code
 * PolicyTestSuite.Report run = suite.run(policy, Instant.now());
 * PolicyCoverage coverage = PolicyCoverage.of(policy, run);
 * if (coverage.percent() < 80) { ... }
 * }</pre>
 *
 * @param rules every rule in order, then the {@code unknown} and (when written) {@code anonymous}
 *     sections, with how many cases each decided
 * @param tiers every tier, highest first, with how many cases asked for a model of it
 * @param places every rule's places with whether a case was matched by them there
 * @param regions every region in file order, with its members no case was matched by
 */
public record PolicyCoverage(
    List<Count> rules, List<Count> tiers, List<Place> places, List<Region> regions) {

  /** A rule or tier and how many cases reached it. */
  public record Count(String name, long cases) {
    public Count {
      Objects.requireNonNull(name, "name");
    }

    public boolean covered() {
      return cases > 0;
    }
  }

  /**
   * One place a rule names.
   *
   * @param rule the rule
   * @param code the ISO 3166-1 or 3166-2 code
   * @param via the {@code where} entry that brought it in: the code itself, or a region name
   * @param tested whether that rule decided a case matched by this code
   */
  public record Place(String rule, String code, String via, boolean tested) {
    public Place {
      Objects.requireNonNull(rule, "rule");
      Objects.requireNonNull(code, "code");
      Objects.requireNonNull(via, "via");
    }
  }

  /**
   * A region and its members no case tested through any rule that names the region.
   *
   * @param members every member, regions expanded
   * @param untested the members never tested, in the region's order
   */
  public record Region(String name, List<String> members, List<String> untested) {
    public Region {
      Objects.requireNonNull(name, "name");
      members = List.copyOf(members);
      untested = List.copyOf(untested);
    }
  }

  public PolicyCoverage {
    rules = List.copyOf(rules);
    tiers = List.copyOf(tiers);
    places = List.copyOf(places);
    regions = List.copyOf(regions);
  }

  /** The coverage of {@code report}, a run of tests against {@code policy}. */
  public static PolicyCoverage of(Policy policy, PolicyTestSuite.Report report) {
    Objects.requireNonNull(policy, "policy");
    Objects.requireNonNull(report, "report");
    PolicyModel model = policy.model();
    List<Decision> decisions =
        report.results().stream().map(PolicyTestSuite.Result::decision).toList();
    Set<String> matched = new HashSet<>();
    for (Decision d : decisions) {
      if (d.reason() == Decision.Reason.RULE && d.matched().isPresent()) {
        matched.add(d.ruleName() + "\n" + d.matched().get());
      }
    }

    List<Count> rules = new ArrayList<>();
    for (String name : policy.ruleNames()) {
      rules.add(count(decisions, Decision.Reason.RULE, name));
    }
    rules.add(count(decisions, Decision.Reason.UNKNOWN, model.unknown().name()));
    model
        .anonymous()
        .ifPresent(a -> rules.add(count(decisions, Decision.Reason.ANONYMOUS, a.name())));
    List<Count> tiers = new ArrayList<>();
    for (String tier : policy.tierNames()) {
      tiers.add(
          new Count(
              tier,
              decisions.stream().filter(d -> d.requestedTier().equals(Optional.of(tier))).count()));
    }

    List<Place> places = new ArrayList<>();
    Map<String, Set<String>> testedInRegion = new HashMap<>();
    for (RuleDef rule : model.rules()) {
      Set<String> codes = new LinkedHashSet<>(rule.where().countries());
      codes.addAll(rule.where().subdivisions());
      for (String code : codes) {
        boolean tested = matched.contains(rule.name() + "\n" + code);
        var entry = rule.where().via().get(code);
        String via = entry == null ? code : entry.text().strip();
        places.add(new Place(rule.name(), code, via, tested));
        if (tested) {
          for (String region : rule.where().regions()) {
            testedInRegion.computeIfAbsent(region, r -> new HashSet<>()).add(code);
          }
        }
      }
    }
    List<Region> regions = new ArrayList<>();
    model
        .regions()
        .forEach(
            (name, members) -> {
              Set<String> tested = testedInRegion.getOrDefault(name, Set.of());
              regions.add(
                  new Region(
                      name, members, members.stream().filter(m -> !tested.contains(m)).toList()));
            });
    return new PolicyCoverage(rules, tiers, places, regions);
  }

  private static Count count(List<Decision> decisions, Decision.Reason reason, String rule) {
    return new Count(
        rule,
        decisions.stream().filter(d -> d.reason() == reason && d.ruleName().equals(rule)).count());
  }

  /** The rules and sections no case reached. */
  public List<String> rulesNeverMatched() {
    return rules.stream().filter(c -> !c.covered()).map(Count::name).toList();
  }

  /** The tiers no case asked for. */
  public List<String> tiersNeverRequested() {
    return tiers.stream().filter(c -> !c.covered()).map(Count::name).toList();
  }

  /**
   * The share of rules, tiers and (rule, place) pairs that the tests reached, from 0 to 100; 100
   * for a policy with nothing to reach.
   */
  public double percent() {
    long total = rules.size() + tiers.size() + places.size();
    if (total == 0) {
      return 100;
    }
    long covered =
        rules.stream().filter(Count::covered).count()
            + tiers.stream().filter(Count::covered).count()
            + places.stream().filter(Place::tested).count();
    return 100.0 * covered / total;
  }
}
