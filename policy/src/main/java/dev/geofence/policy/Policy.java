package dev.geofence.policy;

import dev.geofence.policy.internal.YamlReader;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.time.Instant;
import java.time.LocalDate;
import java.util.ArrayList;
import java.util.HexFormat;
import java.util.List;
import java.util.Objects;
import java.util.Optional;
import java.util.TreeSet;
import java.util.stream.Collectors;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * A loaded and validated region policy: which countries and subdivisions may use which model tiers.
 * Immutable and thread-safe; share one instance across all request threads and replace it whole
 * (for example through an {@code AtomicReference}) to reload.
 *
 * <p>Decision tables are built at load, so {@link #evaluate} does a binary search over the policy's
 * date boundaries, one hash look-up per country tested and one glob match per tier pattern; it
 * allocates only the returned {@link Decision} and an {@link Optional} for the requested model
 * (plus one for the matched code when a catch-all matched a country the policy does not name).
 *
 * <pre>{@code
 * Policy policy = Policy.load(Path.of("policy.yaml"));
 * Decision d = policy.evaluate(Origin.country("BR"), "claude-opus-4-1", Instant.now());
 * }</pre>
 */
public final class Policy {

  private static final Logger LOG = LoggerFactory.getLogger(Policy.class);
  static final String NO_RULE = "no-rule";

  private final PolicyModel model;
  private final String sha256;
  private final List<Diagnostic> warnings;
  private final List<String> tierNames;
  private final List<Optional<String>> tierOptionals;
  private final CountrySource[] sources;
  private final List<Optional<CountrySource>> sourceOptionals;
  private final Outcomes.Outcome[][] ruleOutcomes;
  private final Outcomes.Outcome[] unknownOutcomes;
  private final Outcomes.Outcome[]
      anonymousOutcomes; // null when the policy has no 'anonymous' section
  private final Outcomes.Outcome[] noRuleOutcomes;
  private final DecisionTable table;
  // By tier rank: the tier of that tier's substitute, pre-built for overUsage; empty without one.
  private final List<Optional<String>> substituteTiers;

  Policy(PolicyModel model, byte[] content, List<Diagnostic> diagnostics) {
    this.model = model;
    this.sha256 = sha256(content);
    this.warnings = diagnostics.stream().filter(d -> !d.isError()).toList();
    this.tierNames = model.tiers().stream().map(Tier::name).toList();
    this.tierOptionals = tierNames.stream().map(Optional::of).toList();
    this.sources = model.sources().toArray(new CountrySource[0]);
    List<Optional<CountrySource>> sourceOpts = new ArrayList<>();
    for (CountrySource s : sources) {
      sourceOpts.add(Optional.of(s));
    }
    this.sourceOptionals = List.copyOf(sourceOpts);
    this.ruleOutcomes = new Outcomes.Outcome[model.rules().size()][];
    for (int i = 0; i < ruleOutcomes.length; i++) {
      ruleOutcomes[i] =
          Outcomes.of(model, model.rules().get(i), Decision.Reason.RULE, tierOptionals);
    }
    this.unknownOutcomes =
        Outcomes.of(model, model.unknown(), Decision.Reason.UNKNOWN, tierOptionals);
    this.anonymousOutcomes =
        model
            .anonymous()
            .map(a -> Outcomes.of(model, a, Decision.Reason.ANONYMOUS, tierOptionals))
            .orElse(null);
    RuleDef noRule =
        new RuleDef(
            NO_RULE,
            Where.NOWHERE,
            Limit.BLOCK,
            Optional.empty(),
            Optional.empty(),
            Optional.empty(),
            Monitoring.OFF,
            1,
            1);
    this.noRuleOutcomes =
        Outcomes.of(model, noRule, Decision.Reason.NO_RULE_MATCHED, tierOptionals);
    this.table = new DecisionTable(model.rules());
    this.substituteTiers =
        model.substitutes().stream()
            .map(sub -> sub.flatMap(id -> tierOptionals.get(model.tierOf(id))))
            .toList();
  }

  /**
   * Loads and validates a policy file; fails with every error found.
   *
   * @throws PolicyException when the file cannot be read or has any error
   */
  public static Policy load(Path file) throws PolicyException {
    Objects.requireNonNull(file, "file");
    return orThrow(validate(file));
  }

  /**
   * Parses and validates policy text; {@code sourceName} names it in diagnostics. The {@link
   * #sha256()} is of the text's UTF-8 bytes.
   *
   * @throws PolicyException when the text has any error
   */
  public static Policy parse(String yaml, String sourceName) throws PolicyException {
    Objects.requireNonNull(yaml, "yaml");
    Objects.requireNonNull(sourceName, "sourceName");
    return orThrow(validate(yaml, sourceName));
  }

  /**
   * Validates a policy file: every error and warning, and the policy when there is no error. Never
   * throws for bad content.
   */
  public static ValidationReport validate(Path file) {
    Objects.requireNonNull(file, "file");
    String name = file.toString();
    YamlReader.Result yaml = YamlReader.readFile(file, name);
    return report(PolicyCompiler.compile(yaml, yaml.content(), name));
  }

  /** Validates policy text, as {@link #validate(Path)}. */
  public static ValidationReport validate(String yaml, String sourceName) {
    Objects.requireNonNull(yaml, "yaml");
    Objects.requireNonNull(sourceName, "sourceName");
    return report(
        PolicyCompiler.compile(
            YamlReader.read(yaml, sourceName), yaml.getBytes(StandardCharsets.UTF_8), sourceName));
  }

  private static ValidationReport report(PolicyCompiler.Result result) {
    return new ValidationReport(result.diagnostics(), result.policy());
  }

  private static Policy orThrow(ValidationReport report) throws PolicyException {
    if (report.policy().isEmpty()) {
      throw new PolicyException(report.diagnostics());
    }
    Policy policy = report.policy().get();
    if (!policy.warnings.isEmpty() && LOG.isWarnEnabled()) {
      LOG.warn(
          "Policy {} version {} loaded with {} warning(s):\n{}",
          policy.id(),
          policy.version(),
          policy.warnings.size(),
          policy.warnings.stream().map(Diagnostic::toString).collect(Collectors.joining("\n")));
    }
    return policy;
  }

  /** The policy id ({@code policy:} key), recorded in every audit record. */
  public String id() {
    return model.id();
  }

  /** The policy version ({@code version:} key), free text recorded in every audit record. */
  public String version() {
    return model.version();
  }

  /** Hex SHA-256 of the file's bytes, so an audit record names exactly the file that decided. */
  public String sha256() {
    return sha256;
  }

  /** The file name the policy was loaded from, as used in diagnostics. */
  public String source() {
    return model.file();
  }

  /** The warnings found at load, in file order. */
  public List<Diagnostic> warnings() {
    return warnings;
  }

  /** Tier names, highest first. */
  public List<String> tierNames() {
    return tierNames;
  }

  /** The tier of a model no pattern matches ({@code unlisted-models}). */
  public String unlistedTier() {
    return tierNames.get(model.unlistedTier());
  }

  /** Which countries of a look-up the rules test. */
  public List<CountrySource> countrySources() {
    return model.sources();
  }

  /** Rule names in order. */
  public List<String> ruleNames() {
    return model.rules().stream().map(RuleDef::name).toList();
  }

  /**
   * Why {@code id} is not a model id this policy accepts, as one sentence; empty when it is one.
   * The {@link ModelIds} grammar first, then the policy's {@code model-id-pattern}, if it has one.
   * The filter refuses a request whose model fails this (400 {@code model_invalid}) before any tier
   * pattern is tried. Allocates nothing for a valid id when the policy has no pattern.
   */
  public Optional<String> checkModelId(String id) {
    Optional<String> problem = ModelIds.problem(id);
    if (problem.isPresent() || model.modelIdPattern().isEmpty()) {
      return problem;
    }
    return model.modelIdPattern().get().problem(id);
  }

  /** The policy's {@code model-id-pattern}, as written, if it has one. */
  public Optional<String> modelIdPattern() {
    return model.modelIdPattern().map(ModelIdPattern::text);
  }

  /**
   * The tier of a model id: the first tier with a matching pattern (case-insensitive, on the
   * trimmed id), else the {@code unlisted-models} tier. Allocates nothing.
   */
  public String tierOf(String model) {
    Objects.requireNonNull(model, "model");
    return tierNames.get(this.model.tierOf(model));
  }

  /**
   * Decides a request. A model id that {@link #checkModelId} refuses is blocked before any tier
   * pattern or rule ({@link Decision.Reason#MODEL_INVALID}), so no spelling of a model can reach a
   * rule as another model.
   *
   * @param origin where the request comes from
   * @param model the requested model id, or {@code null} when the request names none (such as
   *     listing models): block outcomes still block it, every other outcome allows it
   * @param at the instant to decide for; rules outside their effective dates (UTC) are skipped
   */
  public Decision evaluate(Origin origin, String model, Instant at) {
    Objects.requireNonNull(origin, "origin");
    Objects.requireNonNull(at, "at");
    int slot;
    Optional<String> requestedModel;
    Optional<String> requestedTier;
    if (model == null) {
      slot = tierNames.size();
      requestedModel = Optional.empty();
      requestedTier = Optional.empty();
    } else {
      if (!isAcceptedModelId(model)) {
        return refuseInvalidModel(model);
      }
      slot = this.model.tierOf(model);
      requestedModel = Optional.of(model);
      requestedTier = tierOptionals.get(slot);
    }
    return decide(origin, slot, requestedModel, requestedTier, at);
  }

  private boolean isAcceptedModelId(String model) {
    return ModelIds.isValid(model)
        && (this.model.modelIdPattern().isEmpty()
            || this.model.modelIdPattern().get().problem(model).isEmpty());
  }

  /** A request for a model id outside the grammar: blocked before any tier pattern or rule. */
  static Decision refuseInvalidModel(String model) {
    return refusedBeforeAnyRule(
        Decision.Reason.MODEL_INVALID, MODEL_INVALID_RULE, model, Optional.empty());
  }

  /**
   * Decides a request for a model of {@code tier} that cannot be read or replaced, such as an
   * endpoint whose model is inside a multipart upload or a batch file. Decided as {@link #evaluate}
   * decides a model of that tier, except that where the policy would substitute, the request is
   * blocked: there is no model value to replace. The decision names no requested model; its
   * requested tier is {@code tier}, and so is its effective tier when allowed. Allocates only the
   * returned {@link Decision}.
   *
   * <pre>{@code
   * Decision d = policy.evaluateTier(origin, policy.highestTier(), Instant.now());
   * }</pre>
   *
   * @param tier one of {@link #tierNames()}, exactly
   * @throws IllegalArgumentException if the policy has no such tier
   */
  public Decision evaluateTier(Origin origin, String tier, Instant at) {
    Objects.requireNonNull(origin, "origin");
    Objects.requireNonNull(tier, "tier");
    Objects.requireNonNull(at, "at");
    int slot = tierNames.indexOf(tier);
    if (slot < 0) {
      throw new IllegalArgumentException(
          "Unknown tier '" + tier + "'; expected one of " + String.join(", ", tierNames) + ".");
    }
    Decision d = evaluateSlot(origin, slot, at);
    if (d.action() != Action.SUBSTITUTE) {
      return d;
    }
    Optional<String> none = Optional.empty();
    return new Decision(
        Action.BLOCK,
        d.reason(),
        d.ruleName(),
        d.basis(),
        d.monitoring(),
        none,
        d.requestedTier(),
        none,
        none,
        d.matched(),
        d.matchedSource());
  }

  /**
   * The decision to apply instead of {@code d} when the principal is over the usage limit of the
   * rule that made {@code d} ({@link Decision#monitoring()}), by the rule's {@code over-usage}:
   *
   * <ul>
   *   <li>{@code block}: a {@link Action#BLOCK} decision, reason {@link
   *       Decision.Reason#OVER_USAGE}, the same rule, request and matched code;
   *   <li>{@code substitute}: {@link Action#SUBSTITUTE} to the substitute ({@code substitutes:}) of
   *       the tier {@code d} serves (the requested tier when allowed, the substitute's tier when
   *       already substituted), reason {@link Decision.Reason#OVER_USAGE}; blocked as above when
   *       that tier has no substitute or the request names no model (validation ensures the rule's
   *       highest tier has one);
   *   <li>{@code flag}: {@code d} itself: served, and the caller records an alert.
   * </ul>
   *
   * <p>{@code d} itself also when it has no limit or is already a block. Allocates only the
   * returned decision.
   *
   * <pre>{@code
   * Decision d = policy.evaluate(origin, model, now);
   * if (d.monitoring().hasLimit() && overLimit(principal, d)) d = policy.overUsage(d);
   * }</pre>
   *
   * @param d a decision of this policy
   */
  public Decision overUsage(Decision d) {
    Objects.requireNonNull(d, "d");
    Monitoring m = d.monitoring();
    if (!m.hasLimit() || d.action() == Action.BLOCK || m.overUsage() == OverUsage.FLAG) {
      return d;
    }
    if (m.overUsage() == OverUsage.SUBSTITUTE && d.effectiveTier().isPresent()) {
      int tier = tierNames.indexOf(d.effectiveTier().get());
      if (tier >= 0 && model.substitutes().get(tier).isPresent()) {
        return new Decision(
            Action.SUBSTITUTE,
            Decision.Reason.OVER_USAGE,
            d.ruleName(),
            d.basis(),
            m,
            d.requestedModel(),
            d.requestedTier(),
            model.substitutes().get(tier),
            substituteTiers.get(tier),
            d.matched(),
            d.matchedSource());
      }
    }
    return overUsageBlock(d);
  }

  /**
   * The over-usage refusal of {@code d}, whatever its rule's {@code over-usage} says: what a
   * request that is never rewritten for usage (an entry of a Message Batches request) gets over its
   * limit. The same rule, basis, monitoring and request as {@code d}, action {@link Action#BLOCK},
   * reason {@link Decision.Reason#OVER_USAGE}, no effective model; {@code d} itself when it is
   * already a block. Allocates only the returned decision.
   *
   * @param d a decision of this policy
   */
  public Decision overUsageBlock(Decision d) {
    Objects.requireNonNull(d, "d");
    if (d.action() == Action.BLOCK) {
      return d;
    }
    Optional<String> none = Optional.empty();
    return new Decision(
        Action.BLOCK,
        Decision.Reason.OVER_USAGE,
        d.ruleName(),
        d.basis(),
        d.monitoring(),
        d.requestedModel(),
        d.requestedTier(),
        none,
        none,
        d.matched(),
        d.matchedSource());
  }

  /** The rule name of a {@link Decision.Reason#UNRESOLVABLE} decision. */
  public static final String UNRESOLVABLE_RULE = "unresolvable";

  /** The rule name of a {@link Decision.Reason#MODEL_INVALID} decision. */
  public static final String MODEL_INVALID_RULE = "model-invalid";

  /**
   * The decision for a request whose caller cannot be told: blocked, before and whatever any rule
   * says. A caller that makes its own address unreadable must never be served as a caller of
   * unknown country, which the policy's {@code unknown} section may allow; no key of the policy can
   * open this.
   *
   * @param model the requested model id, or {@code null} when the request names none
   */
  public Decision refuseUnresolvable(String model) {
    return refusedBeforeAnyRule(
        Decision.Reason.UNRESOLVABLE,
        UNRESOLVABLE_RULE,
        model,
        model == null ? Optional.empty() : tierOptionals.get(this.model.tierOf(model)));
  }

  private static Decision refusedBeforeAnyRule(
      Decision.Reason reason, String rule, String model, Optional<String> tier) {
    Optional<String> none = Optional.empty();
    return new Decision(
        Action.BLOCK,
        reason,
        rule,
        none,
        Monitoring.OFF,
        Optional.ofNullable(model),
        tier,
        none,
        none,
        none,
        Optional.empty());
  }

  /**
   * The first second (epoch seconds, UTC) of the stretch of time around {@code at} in which no rule
   * of this policy starts or ends, so every decision is the same throughout; {@link Long#MIN_VALUE}
   * when that stretch has no beginning. With {@link #unchangedUntil}, for callers that keep
   * decisions.
   */
  public long unchangedFrom(Instant at) {
    return table.spanStart(Objects.requireNonNull(at, "at").getEpochSecond());
  }

  /**
   * The first second (epoch seconds, UTC) after that stretch; {@link Long#MAX_VALUE} when no rule
   * starts or ends after {@code at}. See {@link #unchangedFrom}.
   */
  public long unchangedUntil(Instant at) {
    return table.spanEnd(Objects.requireNonNull(at, "at").getEpochSecond());
  }

  /**
   * Decides a request for a model of {@code tier} whose model value can be replaced: as {@link
   * #evaluate} decides every model id of that tier, substitutes included (where {@link
   * #evaluateTier} blocks). The decision names no requested model. For tools that show a policy
   * tier by tier, such as the policy map.
   *
   * @param tier one of {@link #tierNames()}, exactly
   * @throws IllegalArgumentException if the policy has no such tier
   */
  public Decision evaluateModelOfTier(Origin origin, String tier, Instant at) {
    Objects.requireNonNull(origin, "origin");
    Objects.requireNonNull(tier, "tier");
    Objects.requireNonNull(at, "at");
    int slot = tierNames.indexOf(tier);
    if (slot < 0) {
      throw new IllegalArgumentException(
          "Unknown tier '" + tier + "'; expected one of " + String.join(", ", tierNames) + ".");
    }
    return evaluateSlot(origin, slot, at);
  }

  /**
   * The country and subdivision codes the rules name, regions expanded, sorted. A country not in
   * this list is decided as every other country the policy does not name (by a {@code "*"} rule,
   * else blocked as matching no rule). Computed on each call.
   */
  public List<String> namedCodes() {
    TreeSet<String> codes = new TreeSet<>();
    for (RuleDef rule : model.rules()) {
      codes.addAll(rule.where().countries());
      codes.addAll(rule.where().subdivisions());
    }
    return List.copyOf(codes);
  }

  /** The highest tier's name: the first of {@link #tierNames()}. */
  public String highestTier() {
    return tierNames.get(0);
  }

  /** Decides for a tier rather than a model: the decision names no requested model. */
  Decision evaluateSlot(Origin origin, int slot, Instant at) {
    return decide(origin, slot, Optional.empty(), tierOptional(slot), at);
  }

  private Decision decide(
      Origin origin,
      int slot,
      Optional<String> requestedModel,
      Optional<String> requestedTier,
      Instant at) {
    if (origin.anonymous() && anonymousOutcomes != null) {
      return anonymousOutcomes[slot].decide(
          requestedModel, requestedTier, Optional.empty(), Optional.empty());
    }
    DecisionTable.Span span = table.at(at.getEpochSecond());
    int best = DecisionTable.NONE;
    Optional<String> bestCode = null;
    String bestCountry = null;
    int bestSource = -1;
    boolean anyCountry = false;
    List<String> subdivisions = origin.subdivisions();
    for (int i = 0; i < sources.length; i++) {
      String country = sources[i].of(origin);
      if (country == null) {
        continue;
      }
      anyCountry = true;
      DecisionTable.Match match = span.countries.get(country);
      int rule = match == null ? span.otherCountries : match.rule();
      Optional<String> code = match == null ? null : match.code();
      if (sources[i] == CountrySource.LOCATION) {
        for (int s = 0; s < subdivisions.size(); s++) {
          DecisionTable.Match sub = span.subdivisions.get(subdivisions.get(s));
          if (sub != null && sub.rule() < rule) {
            rule = sub.rule();
            code = sub.code();
          }
        }
      }
      if (rule < best) {
        best = rule;
        bestCode = code;
        bestCountry = country;
        bestSource = i;
      }
    }
    if (!anyCountry) {
      return unknownOutcomes[slot].decide(
          requestedModel, requestedTier, Optional.empty(), Optional.empty());
    }
    if (best == DecisionTable.NONE) {
      return noRuleOutcomes[slot].decide(
          requestedModel, requestedTier, Optional.empty(), Optional.empty());
    }
    return ruleOutcomes[best][slot].decide(
        requestedModel,
        requestedTier,
        bestCode != null ? bestCode : Optional.of(bestCountry),
        sourceOptionals.get(bestSource));
  }

  /**
   * Decides a request as {@link #evaluate} does, step by step: each rule tried, whether it matched
   * and why, then the decision. For people and tools; slower than {@code evaluate}.
   */
  public Explanation explain(Origin origin, String model, Instant at) {
    Objects.requireNonNull(origin, "origin");
    Objects.requireNonNull(at, "at");
    return new Explainer(this, origin, model, at).explain();
  }

  // ---- for Explainer and PolicyDiff ----

  PolicyModel model() {
    return model;
  }

  int slotOf(String model) {
    return model == null ? tierNames.size() : this.model.tierOf(model);
  }

  Optional<String> tierOptional(int slot) {
    return slot < tierNames.size() ? tierOptionals.get(slot) : Optional.empty();
  }

  Outcomes.Outcome ruleOutcome(int rule, int slot) {
    return ruleOutcomes[rule][slot];
  }

  Outcomes.Outcome unknownOutcome(int slot) {
    return unknownOutcomes[slot];
  }

  Optional<Outcomes.Outcome> anonymousOutcome(int slot) {
    return anonymousOutcomes == null ? Optional.empty() : Optional.of(anonymousOutcomes[slot]);
  }

  Outcomes.Outcome noRuleOutcome(int slot) {
    return noRuleOutcomes[slot];
  }

  static String describeDates(Optional<LocalDate> from, Optional<LocalDate> until) {
    if (from.isPresent() && until.isPresent()) {
      return "in force from " + from.get() + " until the end of " + until.get() + " (UTC)";
    }
    return from.map(d -> "in force from " + d + " (UTC)")
        .orElseGet(() -> "in force until the end of " + until.orElseThrow() + " (UTC)");
  }

  private static String sha256(byte[] content) {
    try {
      return HexFormat.of().formatHex(MessageDigest.getInstance("SHA-256").digest(content));
    } catch (NoSuchAlgorithmException e) {
      throw new IllegalStateException("SHA-256 is required of every Java platform", e);
    }
  }

  @Override
  public String toString() {
    return "Policy["
        + model.id()
        + " "
        + model.version()
        + ", "
        + model.rules().size()
        + " rules, sha256 "
        + sha256.substring(0, 12)
        + "]";
  }
}
