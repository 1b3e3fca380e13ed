package dev.geofence.policy;

import dev.geofence.policy.internal.YamlNode;
import dev.geofence.policy.internal.YamlNode.Mapping;
import dev.geofence.policy.internal.YamlNode.Scalar;
import dev.geofence.policy.internal.YamlNode.Sequence;
import dev.geofence.policy.internal.YamlReader;
import java.time.LocalDate;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.EnumSet;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.regex.Pattern;

/**
 * Turns a YAML tree into a {@link Policy}, collecting every error rather than stopping at the
 * first. One instance per file; not thread-safe.
 */
final class PolicyCompiler {

  static final List<String> TOP_KEYS =
      List.of(
          "policy",
          "version",
          "country-source",
          "tiers",
          "unlisted-models",
          "model-id-pattern",
          "substitutes",
          "regions",
          "rules",
          "unknown",
          "anonymous");
  static final List<String> RULE_KEYS =
      List.of(
          "name",
          "where",
          "action",
          "allow",
          "over-limit",
          "basis",
          "effective-from",
          "effective-until",
          "monitor");
  static final List<String> SECTION_KEYS =
      List.of("action", "allow", "over-limit", "basis", "monitor");
  static final List<String> MONITOR_KEYS =
      List.of("usage-limit", "over-usage", "alert-countries", "alert-window", "audit");

  /** Names the decision uses for the sections and for "no rule", so no rule may take them. */
  static final Set<String> RESERVED_RULE_NAMES =
      Set.of(
          "anonymous", "unknown", "no-rule", Policy.UNRESOLVABLE_RULE, Policy.MODEL_INVALID_RULE);

  private static final Pattern NAME = Pattern.compile("[A-Za-z0-9][A-Za-z0-9._-]*");
  private static final int MAX_NAME = 100;

  private final String file;
  private final Diagnostics diagnostics;
  private final Values values;

  private final List<Tier> tiers = new ArrayList<>();
  private final Map<String, Integer> tierRanks = new LinkedHashMap<>();
  private boolean tiersUsable;
  private final Map<String, Region> regions = new LinkedHashMap<>();
  private final Map<String, Expansion> expansions = new HashMap<>();
  private Optional<ModelIdPattern> modelIdPattern = Optional.empty();
  private String[] substituteByRank = new String[0];

  private PolicyCompiler(String file) {
    this.file = file;
    this.diagnostics = new Diagnostics(file);
    this.values = new Values(diagnostics);
  }

  /**
   * The result of compiling: every diagnostic in file order, and the policy if there was no error.
   */
  record Result(List<Diagnostic> diagnostics, Optional<Policy> policy) {}

  static Result compile(YamlReader.Result yaml, byte[] content, String file) {
    PolicyCompiler compiler = new PolicyCompiler(file);
    yaml.errors().forEach(compiler.diagnostics::add);
    Optional<Policy> policy = yaml.root().flatMap(root -> compiler.policy(root, content));
    return new Result(compiler.diagnostics.sorted(), policy);
  }

  private Optional<Policy> policy(YamlNode root, byte[] content) {
    if (!(root instanceof Mapping top)) {
      diagnostics.error(
          root,
          "a policy file must be a YAML mapping with the keys policy, version, tiers and rules; found "
              + root.describe());
      return Optional.empty();
    }
    diagnostics.checkKeys(top, TOP_KEYS, "");
    String id =
        requiredText(top, "policy", "the policy id recorded in every audit record").orElse("");
    checkFreeText(top.get("policy"), "policy id");
    String version =
        requiredText(top, "version", "free text recorded in every audit record").orElse("");
    List<CountrySource> sources = countrySources(top.get("country-source"));
    required(top, "tiers", "model tiers, highest first").ifPresent(this::tiers);
    int unlisted = top.get("unlisted-models").flatMap(n -> tierRef(n, "unlisted-models")).orElse(0);
    modelIdPattern = top.get("model-id-pattern").flatMap(this::modelIdPattern);
    String[] substitutes =
        top.get("substitutes").map(n -> substitutes(n, unlisted)).orElse(new String[tiers.size()]);
    substituteByRank = substitutes;
    top.get("regions").ifPresent(this::regions);
    Optional<YamlNode> rulesNode = required(top, "rules", "a list of rules, first match wins");
    List<RuleDef> rules = rulesNode.map(this::rules).orElse(List.of());
    RuleDef unknown =
        top.get("unknown")
            .flatMap(n -> section(n, "unknown"))
            .orElse(section("unknown", Limit.BLOCK));
    Optional<RuleDef> anonymous = top.get("anonymous").flatMap(n -> section(n, "anonymous"));

    if (diagnostics.hasErrors()) {
      return Optional.empty();
    }
    PolicyModel model =
        new PolicyModel(
            file,
            id,
            version,
            sources,
            tiers,
            unlisted,
            Arrays.stream(substitutes).map(Optional::ofNullable).toList(),
            rules,
            unknown,
            anonymous,
            modelIdPattern,
            regionMembers());
    new PolicyLint(model, diagnostics, regionKeys(), top.entry("rules").get().key()).run();
    return Optional.of(new Policy(model, content, diagnostics.sorted()));
  }

  /** Each region's members, regions expanded, in file order. */
  private Map<String, List<String>> regionMembers() {
    Map<String, List<String>> members = new LinkedHashMap<>();
    for (String name : regions.keySet()) {
      Expansion e = expansions.getOrDefault(name, new Expansion());
      List<String> codes = new ArrayList<>(e.countries);
      codes.addAll(e.subdivisions);
      members.put(name, List.copyOf(codes));
    }
    return members;
  }

  private Map<String, Scalar> regionKeys() {
    Map<String, Scalar> keys = new LinkedHashMap<>();
    regions.forEach((name, region) -> keys.put(name, region.key));
    return keys;
  }

  // ---- top-level values ----

  private Optional<YamlNode> required(Mapping m, String key, String purpose) {
    Optional<YamlNode> node = m.get(key);
    if (node.isEmpty()) {
      diagnostics.error(m, "missing key '" + key + "' (" + purpose + ")");
    }
    return node;
  }

  private Optional<String> requiredText(Mapping m, String key, String purpose) {
    return required(m, key, purpose)
        .flatMap(n -> values.text(n, "'" + key + "'"))
        .map(Scalar::text);
  }

  private void checkFreeText(Optional<YamlNode> node, String what) {
    node.filter(n -> n instanceof Scalar s && s.text().strip().length() > MAX_NAME)
        .ifPresent(
            n ->
                diagnostics.error(
                    n, "the " + what + " is longer than " + MAX_NAME + " characters"));
  }

  private List<CountrySource> countrySources(Optional<YamlNode> node) {
    if (node.isEmpty()) {
      return List.of(CountrySource.LOCATION);
    }
    Set<CountrySource> sources = EnumSet.noneOf(CountrySource.class);
    List<String> labels = List.of("location", "registered", "represented");
    List<Scalar> entries = values.textList(node.get(), "'country-source'");
    for (Scalar s : entries) {
      String v = s.text().strip();
      int i = labels.indexOf(v);
      if (i < 0) {
        diagnostics.error(
            s,
            "unknown country-source '"
                + v
                + "'"
                + Suggestions.didYouMean(v, labels)
                + "; expected location, registered or represented");
      } else {
        sources.add(CountrySource.values()[i]);
      }
    }
    if (entries.isEmpty() && node.get() instanceof Sequence) {
      diagnostics.error(
          node.get(),
          "'country-source' is empty; list at least one of location, registered, represented");
    }
    return sources.isEmpty() ? List.of(CountrySource.LOCATION) : List.copyOf(sources);
  }

  private void tiers(YamlNode node) {
    Optional<Mapping> m =
        values.mapping(node, "'tiers'", "a mapping of tier name to model patterns, highest first");
    if (m.isEmpty()) {
      return;
    }
    if (m.get().entries().isEmpty()) {
      diagnostics.error(node, "'tiers' defines no tier; define at least one, highest first");
      return;
    }
    for (YamlNode.Entry e : m.get().entries()) {
      String name = e.key().text();
      checkName(e.key(), "tier");
      List<Glob> patterns = new ArrayList<>();
      for (Scalar p : values.textList(e.value(), "the patterns of tier '" + name + "'")) {
        Glob glob = new Glob(p.text());
        earlierPattern(glob)
            .ifPresent(
                earlier ->
                    diagnostics.warning(
                        p,
                        "pattern '"
                            + glob
                            + "' of tier '"
                            + name
                            + "' never applies: pattern '"
                            + earlier
                            + "' of an earlier tier already matches every model it matches"));
        patterns.add(glob);
      }
      tierRanks.put(name, tiers.size());
      tiers.add(new Tier(name, tiers.size(), patterns));
    }
    tiersUsable = true;
  }

  // A later pattern is dead when an earlier one is the same, or is a prefix pattern ("claude-*")
  // whose prefix starts the later one. Other overlaps are too costly to prove and are not reported.
  private Optional<Glob> earlierPattern(Glob later) {
    for (Tier t : tiers) {
      for (Glob g : t.patterns()) {
        String p = g.pattern();
        boolean prefixOnly =
            p.endsWith("*") && p.indexOf('*') == p.length() - 1 && p.indexOf('?') < 0;
        if (p.equals(later.pattern())
            || (prefixOnly && later.pattern().startsWith(p.substring(0, p.length() - 1)))) {
          return Optional.of(g);
        }
      }
    }
    return Optional.empty();
  }

  private Optional<Integer> tierRef(YamlNode node, String where) {
    Optional<Scalar> s = values.text(node, "'" + where + "'");
    if (s.isEmpty() || !tiersUsable) {
      return Optional.empty();
    }
    String name = s.get().text().strip();
    Integer rank = tierRanks.get(name);
    if (rank == null) {
      diagnostics.error(
          s.get(),
          "unknown tier '"
              + name
              + "' in "
              + where
              + Suggestions.didYouMean(name, tierRanks.keySet())
              + "; expected one of "
              + String.join(", ", tierRanks.keySet()));
      return Optional.empty();
    }
    return Optional.of(rank);
  }

  private String[] substitutes(YamlNode node, int unlisted) {
    String[] byRank = new String[tiers.size()];
    Optional<Mapping> m =
        values.mapping(
            node, "'substitutes'", "a mapping of tier name to the model that replaces it");
    if (m.isEmpty()) {
      return byRank;
    }
    for (YamlNode.Entry e : m.get().entries()) {
      Optional<Integer> rank = tierRef(e.key(), "substitutes");
      Optional<Scalar> model =
          values.text(e.value(), "the substitute for tier '" + e.key().text() + "'");
      if (rank.isEmpty() || model.isEmpty()) {
        continue;
      }
      String id = model.get().text().strip();
      if (id.indexOf('*') >= 0 || id.indexOf('?') >= 0) {
        diagnostics.error(
            model.get(), "substitute '" + id + "' is a pattern; a substitute is one model id");
        continue;
      }
      Optional<String> invalid = checkModelId(id);
      if (invalid.isPresent()) {
        diagnostics.error(
            model.get(),
            "substitute '"
                + ModelIds.printable(id)
                + "' for tier '"
                + e.key().text()
                + "' is not a model id the filter accepts: "
                + invalid.get());
        continue;
      }
      int substituteRank = Tier.rankOf(tiers, id, unlisted);
      if (substituteRank <= rank.get()) {
        diagnostics.error(
            model.get(),
            "substitute '"
                + id
                + "' for tier '"
                + e.key().text()
                + "' is of tier '"
                + tiers.get(substituteRank).name()
                + "'; a substitute must be of a lower tier than the one it replaces");
        continue;
      }
      byRank[rank.get()] = id;
    }
    return byRank;
  }

  private Optional<ModelIdPattern> modelIdPattern(YamlNode node) {
    Optional<Scalar> text = values.text(node, "'model-id-pattern'");
    if (text.isEmpty()) {
      return Optional.empty();
    }
    try {
      return Optional.of(ModelIdPattern.compile(text.get().text()));
    } catch (IllegalArgumentException e) {
      diagnostics.error(text.get(), e.getMessage());
      return Optional.empty();
    }
  }

  /** The grammar, then the policy's own pattern once it is read (it comes before substitutes). */
  private Optional<String> checkModelId(String id) {
    Optional<String> problem = ModelIds.problem(id);
    if (problem.isPresent() || modelIdPattern.isEmpty()) {
      return problem;
    }
    return modelIdPattern.get().problem(id);
  }

  // ---- regions ----

  /** A region as written: its entries, resolved once every region name is known. */
  private static final class Region {
    final Scalar key;
    final List<Scalar> entries;
    final List<Ref> refs = new ArrayList<>();

    Region(Scalar key, List<Scalar> entries) {
      this.key = key;
      this.entries = entries;
    }
  }

  /** A resolved {@code where} or region entry. */
  record Ref(Ref.Kind kind, String code, Scalar at) {
    enum Kind {
      ANY,
      COUNTRY,
      SUBDIVISION,
      REGION
    }
  }

  /**
   * A region with its references followed: every country and subdivision, and the regions included.
   */
  static final class Expansion {
    final Set<String> countries = new LinkedHashSet<>();
    final Set<String> subdivisions = new LinkedHashSet<>();
    final Set<String> regions = new LinkedHashSet<>();
  }

  private void regions(YamlNode node) {
    Optional<Mapping> m =
        values.mapping(
            node, "'regions'", "a mapping of region name to country and subdivision codes");
    if (m.isEmpty()) {
      return;
    }
    for (YamlNode.Entry e : m.get().entries()) {
      String name = e.key().text();
      if (checkName(e.key(), "region")) {
        if (Countries.isCountry(name)) {
          diagnostics.error(
              e.key(),
              "region name '"
                  + name
                  + "' is an ISO 3166-1 country code; choose a name that is not one");
        } else if (Countries.looksLikeSubdivision(name)) {
          diagnostics.error(
              e.key(),
              "region name '"
                  + name
                  + "' has the form of an ISO 3166-2 subdivision code; choose another name");
        }
      }
      regions.put(name, new Region(e.key(), values.textList(e.value(), "region '" + name + "'")));
    }
    for (Map.Entry<String, Region> r : regions.entrySet()) {
      for (Scalar entry : r.getValue().entries) {
        resolve(entry, "region '" + r.getKey() + "'", false).ifPresent(r.getValue().refs::add);
      }
    }
    List<String> path = new ArrayList<>();
    for (String name : regions.keySet()) {
      expand(name, path);
    }
  }

  private Expansion expand(String name, List<String> path) {
    Expansion done = expansions.get(name);
    if (done != null) {
      return done;
    }
    Expansion expansion = new Expansion();
    path.add(name);
    for (Ref ref : regions.get(name).refs) {
      switch (ref.kind()) {
        case COUNTRY:
          expansion.countries.add(ref.code());
          break;
        case SUBDIVISION:
          expansion.subdivisions.add(ref.code());
          break;
        case REGION:
          int start = path.indexOf(ref.code());
          if (start >= 0) {
            List<String> cycle = new ArrayList<>(path.subList(start, path.size()));
            cycle.add(ref.code());
            diagnostics.error(
                ref.at(),
                "region cycle: "
                    + String.join(" -> ", cycle)
                    + "; a region may not include itself");
          } else {
            Expansion inner = expand(ref.code(), path);
            expansion.regions.add(ref.code());
            expansion.regions.addAll(inner.regions);
            expansion.countries.addAll(inner.countries);
            expansion.subdivisions.addAll(inner.subdivisions);
          }
          break;
        default:
          break;
      }
    }
    path.remove(path.size() - 1);
    expansions.put(name, expansion);
    return expansion;
  }

  private Optional<Ref> resolve(Scalar entry, String owner, boolean anyAllowed) {
    String text = entry.text().strip();
    if (text.equals("*")) {
      if (anyAllowed) {
        return Optional.of(new Ref(Ref.Kind.ANY, text, entry));
      }
      diagnostics.error(
          entry, "'*' is not allowed in " + owner + "; use where: \"*\" in a rule instead");
      return Optional.empty();
    }
    if (regions.containsKey(text)) {
      return Optional.of(new Ref(Ref.Kind.REGION, text, entry));
    }
    if (Countries.looksLikeCountry(text)) {
      if (Countries.isCountry(text)) {
        return Optional.of(new Ref(Ref.Kind.COUNTRY, text, entry));
      }
      String hint = text.equals("UK") ? " (the United Kingdom is 'GB')" : "";
      diagnostics.error(
          entry,
          "unknown country code '"
              + text
              + "' in "
              + owner
              + hint
              + "; expected an ISO 3166-1 alpha-2 code or a region name");
      return Optional.empty();
    }
    if (Countries.looksLikeSubdivision(text)) {
      String country = Countries.countryOf(text);
      if (Countries.isCountry(country)) {
        return Optional.of(new Ref(Ref.Kind.SUBDIVISION, text, entry));
      }
      diagnostics.error(
          entry,
          "unknown country code '" + country + "' in subdivision code '" + text + "' in " + owner);
      return Optional.empty();
    }
    if (Countries.resemblesSubdivision(text)) {
      diagnostics.error(
          entry,
          "malformed subdivision code '"
              + text
              + "' in "
              + owner
              + "; expected an ISO 3166-2 code: a country code, '-' and 1 to 3 letters or digits, like UA-43");
      return Optional.empty();
    }
    String upper = text.toUpperCase(java.util.Locale.ROOT);
    if (Countries.isCountry(upper)
        || (Countries.looksLikeSubdivision(upper)
            && Countries.isCountry(Countries.countryOf(upper)))) {
      diagnostics.error(
          entry,
          "undefined region '"
              + text
              + "' in "
              + owner
              + " (did you mean the code '"
              + upper
              + "'? codes are upper-case)");
      return Optional.empty();
    }
    diagnostics.error(
        entry,
        "undefined region '"
            + text
            + "' in "
            + owner
            + Suggestions.didYouMean(text, regions.keySet())
            + (regions.isEmpty()
                ? "; no region is defined"
                : "; defined regions are " + String.join(", ", regions.keySet())));
    return Optional.empty();
  }

  // ---- rules ----

  private List<RuleDef> rules(YamlNode node) {
    if (!(node instanceof Sequence seq)) {
      diagnostics.error(
          node,
          "'rules' must be a list of rules (each starting with '- name:'); found "
              + node.describe());
      return List.of();
    }
    List<RuleDef> rules = new ArrayList<>();
    Map<String, Scalar> names = new HashMap<>();
    for (YamlNode item : seq.items()) {
      if (!(item instanceof Mapping m)) {
        diagnostics.error(
            item,
            "each rule must be a mapping with name, where and action or allow; found "
                + item.describe());
        continue;
      }
      Optional<Scalar> nameNode = m.get("name").flatMap(n -> values.text(n, "the rule name"));
      String name = nameNode.map(s -> s.text().strip()).orElse("#" + (rules.size() + 1));
      String owner = "rule '" + name + "'";
      diagnostics.checkKeys(m, RULE_KEYS, " in " + owner);
      if (m.get("name").isEmpty()) {
        diagnostics.error(
            m,
            "rule "
                + (seq.items().indexOf(item) + 1)
                + " has no 'name'; every rule needs a unique name for the audit trail");
      }
      nameNode.ifPresent(
          n -> {
            Scalar first = names.putIfAbsent(name, n);
            if (first != null) {
              diagnostics.error(
                  n,
                  "duplicate rule name '"
                      + name
                      + "'; the rule at line "
                      + first.line()
                      + " already uses it");
            } else if (RESERVED_RULE_NAMES.contains(name)) {
              diagnostics.error(
                  n,
                  "rule name '"
                      + name
                      + "' is reserved; the names anonymous, unknown and no-rule are used by decisions");
            } else if (name.length() > MAX_NAME) {
              diagnostics.error(n, "rule name is longer than " + MAX_NAME + " characters");
            }
          });
      Where where =
          m.get("where")
              .map(n -> where(n, owner))
              .orElseGet(
                  () -> {
                    diagnostics.error(
                        m,
                        owner + " has no 'where'; name a region, a code, \"*\" or a list of them");
                    return Where.NOWHERE;
                  });
      Optional<Limit> limit = limit(m, owner);
      Optional<String> basis =
          m.get("basis")
              .flatMap(n -> values.text(n, "'basis' of " + owner))
              .map(s -> s.text().strip());
      Optional<LocalDate> from =
          m.get("effective-from").flatMap(n -> values.date(n, "effective-from"));
      Optional<LocalDate> until =
          m.get("effective-until").flatMap(n -> values.date(n, "effective-until"));
      if (from.isPresent() && until.isPresent() && until.get().isBefore(from.get())) {
        diagnostics.error(
            m.get("effective-until").get(),
            "effective-until "
                + until.get()
                + " is before effective-from "
                + from.get()
                + " in "
                + owner);
      }
      Monitoring monitoring = monitoring(m, owner, limit);
      limit.ifPresent(
          l ->
              rules.add(
                  new RuleDef(
                      name, where, l, basis, from, until, monitoring, m.line(), m.column())));
    }
    return rules;
  }

  private Where where(YamlNode node, String owner) {
    List<Scalar> entries = values.textList(node, "'where' of " + owner);
    if (entries.isEmpty() && node instanceof Sequence) {
      diagnostics.error(
          node,
          "'where' of " + owner + " is empty; name a region, a code, \"*\" or a list of them");
    }
    boolean any = false;
    Set<String> countries = new LinkedHashSet<>();
    Set<String> subdivisions = new LinkedHashSet<>();
    Map<String, Scalar> via = new LinkedHashMap<>();
    Set<String> regionNames = new LinkedHashSet<>();
    for (Scalar entry : entries) {
      Optional<Ref> ref = resolve(entry, owner, true);
      if (ref.isEmpty()) {
        continue;
      }
      switch (ref.get().kind()) {
        case ANY:
          any = true;
          break;
        case COUNTRY:
          countries.add(ref.get().code());
          via.putIfAbsent(ref.get().code(), entry);
          break;
        case SUBDIVISION:
          subdivisions.add(ref.get().code());
          via.putIfAbsent(ref.get().code(), entry);
          break;
        default:
          Expansion e = expansions.getOrDefault(ref.get().code(), new Expansion());
          regionNames.add(ref.get().code());
          regionNames.addAll(e.regions);
          for (String c : e.countries) {
            countries.add(c);
            via.putIfAbsent(c, entry);
          }
          for (String s : e.subdivisions) {
            subdivisions.add(s);
            via.putIfAbsent(s, entry);
          }
      }
    }
    return new Where(any, countries, subdivisions, regionNames, via);
  }

  private Optional<Limit> limit(Mapping m, String owner) {
    Optional<YamlNode.Entry> action = m.entry("action");
    Optional<YamlNode.Entry> allow = m.entry("allow");
    Optional<YamlNode.Entry> over = m.entry("over-limit");
    if (action.isPresent() && allow.isPresent()) {
      YamlNode.Entry later =
          action.get().key().line() > allow.get().key().line() ? action.get() : allow.get();
      diagnostics.error(
          later.key(),
          owner
              + " has both 'action' and 'allow'; give either 'action: allow|block' or an 'allow' tier limit");
      return Optional.empty();
    }
    if (action.isEmpty() && allow.isEmpty()) {
      // A misspelt 'alow' or 'acton' already has its own error that names the right key.
      boolean misspelt =
          m.entries().stream()
              .map(e -> e.key().text())
              .anyMatch(
                  k ->
                      !RULE_KEYS.contains(k)
                          && Suggestions.closest(k, List.of("action", "allow")).isPresent());
      if (!misspelt) {
        diagnostics.error(m, owner + " needs 'action: block', 'action: allow' or 'allow: TIER'");
      }
      return Optional.empty();
    }
    if (action.isPresent()) {
      if (over.isPresent()) {
        diagnostics.error(
            over.get().key(),
            "'over-limit' in "
                + owner
                + " applies only with an 'allow' tier limit, not with 'action'");
      }
      Optional<Scalar> value = values.text(action.get().value(), "'action' of " + owner);
      if (value.isEmpty()) {
        return Optional.empty();
      }
      switch (value.get().text().strip()) {
        case "block":
          return Optional.of(Limit.BLOCK);
        case "allow":
          return Optional.of(Limit.ALLOW);
        default:
          String v = value.get().text().strip();
          diagnostics.error(
              value.get(),
              "unknown action '"
                  + v
                  + "' in "
                  + owner
                  + Suggestions.didYouMean(v, List.of("allow", "block"))
                  + "; expected allow or block (to substitute, use 'allow: TIER' with 'over-limit: substitute')");
          return Optional.empty();
      }
    }
    boolean substitute = false;
    if (over.isPresent()) {
      Optional<Scalar> value = values.text(over.get().value(), "'over-limit' of " + owner);
      String v = value.map(s -> s.text().strip()).orElse("block");
      if (v.equals("substitute")) {
        substitute = true;
      } else if (!v.equals("block")) {
        diagnostics.error(
            value.get(),
            "unknown over-limit '"
                + v
                + "' in "
                + owner
                + Suggestions.didYouMean(v, List.of("substitute", "block"))
                + "; expected substitute or block");
      }
    }
    boolean sub = substitute;
    return tierRef(allow.get().value(), owner).map(rank -> Limit.upTo(rank, sub));
  }

  private Optional<RuleDef> section(YamlNode node, String name) {
    Optional<Mapping> m =
        values.mapping(node, "'" + name + "'", "a mapping with 'action' or 'allow'");
    if (m.isEmpty()) {
      return Optional.empty();
    }
    diagnostics.checkKeys(m.get(), SECTION_KEYS, " in '" + name + "'");
    Optional<Limit> limit = limit(m.get(), "'" + name + "'");
    Optional<String> basis =
        m.get()
            .get("basis")
            .flatMap(n -> values.text(n, "'basis' of '" + name + "'"))
            .map(s -> s.text().strip());
    Monitoring monitoring = monitoring(m.get(), "'" + name + "'", limit);
    return limit.map(
        l ->
            new RuleDef(
                name,
                Where.NOWHERE,
                l,
                basis,
                Optional.empty(),
                Optional.empty(),
                monitoring,
                node.line(),
                node.column()));
  }

  private static RuleDef section(String name, Limit limit) {
    return new RuleDef(
        name,
        Where.NOWHERE,
        limit,
        Optional.empty(),
        Optional.empty(),
        Optional.empty(),
        Monitoring.OFF,
        1,
        1);
  }

  // ---- monitor ----

  /**
   * {@code monitor: true|false} or a mapping; {@link Monitoring#OFF} when absent or wrong (the
   * error is reported).
   */
  private Monitoring monitoring(Mapping rule, String owner, Optional<Limit> limit) {
    Optional<YamlNode.Entry> entry = rule.entry("monitor");
    if (entry.isEmpty()) {
      return Monitoring.OFF;
    }
    YamlNode node = entry.get().value();
    if (node instanceof Scalar s && s.kind() == YamlNode.Kind.BOOLEAN) {
      return values.bool(node, "'monitor'").orElse(false) ? Monitoring.AUDIT : Monitoring.OFF;
    }
    if (!(node instanceof Mapping m)) {
      diagnostics.error(
          node,
          "'monitor' of "
              + owner
              + " must be true, false or a mapping of "
              + String.join(", ", MONITOR_KEYS)
              + "; found "
              + node.describe());
      return Monitoring.OFF;
    }
    if (limit.isPresent() && limit.get().kind() == Limit.Kind.BLOCK) {
      diagnostics.error(
          entry.get().key(),
          "a 'monitor' mapping in "
              + owner
              + " has nothing to count: the rule blocks every request; use monitor: true or false,"
              + " or limit an allowing rule");
      return Monitoring.OFF;
    }
    diagnostics.checkKeys(m, MONITOR_KEYS, " in 'monitor' of " + owner);
    if (m.entries().isEmpty()) {
      diagnostics.error(
          node,
          "'monitor' of "
              + owner
              + " is an empty mapping; give usage-limit, alert-countries or audit, or use monitor:"
              + " true or false");
      return Monitoring.OFF;
    }
    boolean ok = true;
    boolean audit = true;
    Optional<YamlNode.Entry> auditEntry = m.entry("audit");
    if (auditEntry.isPresent()) {
      Optional<Boolean> b =
          values.bool(auditEntry.get().value(), "'audit' in 'monitor' of " + owner);
      ok &= b.isPresent();
      audit = b.orElse(true);
    }
    Optional<UsageLimit> usageLimit = Optional.empty();
    Optional<YamlNode.Entry> limitEntry = m.entry("usage-limit");
    if (limitEntry.isPresent()) {
      Optional<Scalar> text =
          values.text(limitEntry.get().value(), "'usage-limit' in 'monitor' of " + owner);
      Optional<String> problem = text.flatMap(t -> UsageLimit.problem(t.text(), " in " + owner));
      if (text.isPresent() && problem.isEmpty()) {
        usageLimit = Optional.of(UsageLimit.parse(text.get().text()));
      } else {
        text.ifPresent(t -> diagnostics.error(t, problem.get()));
        ok = false;
      }
    }
    OverUsage overUsage = OverUsage.BLOCK;
    Optional<YamlNode.Entry> overEntry = m.entry("over-usage");
    if (overEntry.isPresent()) {
      Optional<OverUsage> parsed = overUsage(overEntry.get().value(), owner);
      ok &= parsed.isPresent();
      overUsage = parsed.orElse(OverUsage.BLOCK);
      if (limitEntry.isEmpty()) {
        diagnostics.error(
            overEntry.get().key(),
            "'over-usage' in 'monitor' of "
                + owner
                + " applies only with a 'usage-limit' to be over; add usage-limit: N/WINDOW such as"
                + " 5/1m");
        ok = false;
      } else if (parsed.orElse(null) == OverUsage.SUBSTITUTE && limit.isPresent()) {
        ok &= checkSubstitute(overEntry.get().value(), owner, limit.get());
      }
    }
    int alertCountries = 0;
    Optional<YamlNode.Entry> countriesEntry = m.entry("alert-countries");
    if (countriesEntry.isPresent()) {
      Optional<Integer> n = alertCountries(countriesEntry.get().value(), owner);
      ok &= n.isPresent();
      alertCountries = n.orElse(0);
    }
    Optional<java.time.Duration> alertWindow = Optional.empty();
    Optional<YamlNode.Entry> windowEntry = m.entry("alert-window");
    if (windowEntry.isPresent()) {
      alertWindow = alertWindow(windowEntry.get().value(), owner);
      ok &= alertWindow.isPresent();
      if (countriesEntry.isEmpty()) {
        diagnostics.error(
            windowEntry.get().key(),
            "'alert-window' in 'monitor' of "
                + owner
                + " applies only with 'alert-countries'; add alert-countries: N (at least 2)");
        ok = false;
      }
    } else if (countriesEntry.isPresent() && limitEntry.isEmpty()) {
      diagnostics.error(
          countriesEntry.get().key(),
          "'alert-countries' in 'monitor' of "
              + owner
              + " needs a window: add alert-window (such as 10m), or a usage-limit whose window it"
              + " takes");
      ok = false;
    }
    if (!ok) {
      return Monitoring.OFF;
    }
    return new Monitoring(audit, usageLimit, overUsage, alertCountries, alertWindow);
  }

  private Optional<OverUsage> overUsage(YamlNode node, String owner) {
    Optional<Scalar> value = values.text(node, "'over-usage' in 'monitor' of " + owner);
    if (value.isEmpty()) {
      return Optional.empty();
    }
    String v = value.get().text().strip();
    List<String> labels = Arrays.stream(OverUsage.values()).map(OverUsage::label).toList();
    int i = labels.indexOf(v);
    if (i < 0) {
      diagnostics.error(
          value.get(),
          "unknown over-usage '"
              + v
              + "' in "
              + owner
              + Suggestions.didYouMean(v, labels)
              + "; expected block, substitute or flag");
      return Optional.empty();
    }
    return Optional.of(OverUsage.values()[i]);
  }

  /** Whether some tier the rule serves has a substitute to step down to. */
  private boolean checkSubstitute(YamlNode at, String owner, Limit limit) {
    if (!tiersUsable) {
      return false;
    }
    int highest = limit.kind() == Limit.Kind.UP_TO ? limit.tier() : 0;
    for (int t = highest; t < substituteByRank.length; t++) {
      if (substituteByRank[t] != null) {
        return true;
      }
    }
    List<String> served = new ArrayList<>();
    for (int t = highest; t < tiers.size(); t++) {
      served.add(tiers.get(t).name());
    }
    diagnostics.error(
        at,
        "over-usage 'substitute' in "
            + owner
            + " has nothing to substitute: no tier it serves ("
            + String.join(", ", served)
            + ") has a model in 'substitutes'; add one or use block or flag");
    return false;
  }

  private Optional<Integer> alertCountries(YamlNode node, String owner) {
    String what = "'alert-countries' in 'monitor' of " + owner;
    Optional<Scalar> value = values.text(node, what);
    if (value.isEmpty()) {
      return Optional.empty();
    }
    String v = value.get().text().strip();
    if (value.get().kind() != YamlNode.Kind.NUMBER || !v.matches("[0-9]{1,9}")) {
      diagnostics.error(
          value.get(),
          what
              + " must be a whole number of countries from 2 to "
              + Monitoring.MAX_ALERT_COUNTRIES
              + "; found "
              + value.get().describe());
      return Optional.empty();
    }
    int n = Integer.parseInt(v);
    if (n < 2 || n > Monitoring.MAX_ALERT_COUNTRIES) {
      diagnostics.error(
          value.get(),
          "alert-countries "
              + n
              + " in "
              + owner
              + (n < 2
                  ? " would alert on every caller: one country is where any caller is; expected at"
                      + " least 2"
                  : " is more than there are countries; expected at most "
                      + Monitoring.MAX_ALERT_COUNTRIES));
      return Optional.empty();
    }
    return Optional.of(n);
  }

  private Optional<java.time.Duration> alertWindow(YamlNode node, String owner) {
    Optional<Scalar> value = values.text(node, "'alert-window' in 'monitor' of " + owner);
    if (value.isEmpty()) {
      return Optional.empty();
    }
    String v = value.get().text().strip();
    Optional<java.time.Duration> d = PolicyDurations.parse(v);
    if (d.isEmpty() || !PolicyDurations.inRange(d.get())) {
      diagnostics.error(
          value.get(),
          "invalid alert-window '"
              + v
              + "' in "
              + owner
              + "; expected a duration from 1s to 7d such as 30s, 10m, 1h or 1d");
      return Optional.empty();
    }
    return d;
  }

  // ---- typed values ----

  private boolean checkName(Scalar key, String kind) {
    String name = key.text();
    if (!NAME.matcher(name).matches() || name.length() > MAX_NAME) {
      diagnostics.error(
          key,
          "invalid "
              + kind
              + " name '"
              + name
              + "'; use letters, digits, '-', '_' and '.', starting with a letter or digit");
      return false;
    }
    return true;
  }
}
