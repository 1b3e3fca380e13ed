package dev.geofence.policy;

import dev.geofence.policy.internal.YamlNode;
import dev.geofence.policy.internal.YamlNode.Mapping;
import dev.geofence.policy.internal.YamlNode.Scalar;
import dev.geofence.policy.internal.YamlNode.Sequence;
import dev.geofence.policy.internal.YamlReader;
import java.nio.file.Path;
import java.time.Instant;
import java.time.LocalDate;
import java.time.ZoneOffset;
import java.time.format.DateTimeParseException;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.Objects;
import java.util.Optional;

/**
 * Policy unit tests, written by compliance beside the policy: each case gives where a request comes
 * from, the model it names (or none) and the expected outcome. Load with {@link #load}, then {@link
 * #run} against a policy. Immutable.
 *
 * <pre>{@code
 * at: 2027-06-01                 # optional: the date of every case without its own 'at'
 * cases:
 *   - name: allies get frontier models
 *     country: US
 *     model: claude-opus-4-1
 *     expect: allow
 * }</pre>
 */
public final class PolicyTestSuite {

  static final List<String> TOP_KEYS = List.of("at", "cases");
  static final List<String> CASE_KEYS =
      List.of(
          "name",
          "country",
          "subdivision",
          "registered-country",
          "represented-country",
          "unknown",
          "anonymous",
          "model",
          "at",
          "expect",
          "expect-model",
          "expect-rule");

  /**
   * One test case.
   *
   * @param name the case's name, or {@code case N} when it has none
   * @param location {@code FILE:LINE:COL} of the case in its file
   * @param origin where the request comes from
   * @param model the model named, or empty for a request naming none
   * @param at the instant to evaluate at, or empty for "the run's instant"
   * @param expect the expected action
   * @param expectModel the expected effective model (required for substitute)
   * @param expectRule the expected deciding rule, if given
   */
  public record Case(
      String name,
      String location,
      Origin origin,
      Optional<String> model,
      Optional<Instant> at,
      Action expect,
      Optional<String> expectModel,
      Optional<String> expectRule) {
    public Case {
      Objects.requireNonNull(name, "name");
      Objects.requireNonNull(location, "location");
      Objects.requireNonNull(origin, "origin");
      Objects.requireNonNull(model, "model");
      Objects.requireNonNull(at, "at");
      Objects.requireNonNull(expect, "expect");
      Objects.requireNonNull(expectModel, "expectModel");
      Objects.requireNonNull(expectRule, "expectRule");
    }

    /** The expectation in the form of {@link Decision#outcome()}, plus the rule if given. */
    public String expected() {
      String outcome =
          expect == Action.SUBSTITUTE
              ? "substitute(" + expectModel.orElse("") + ")"
              : expect.label();
      if (expect == Action.ALLOW && expectModel.isPresent()) {
        outcome += " with " + expectModel.get();
      }
      return outcome + expectRule.map(r -> " by rule '" + r + "'").orElse("");
    }
  }

  /** The decision for one case, and whether it was the expected one. */
  public record Result(Case testCase, Decision decision, boolean passed) {
    public Result {
      Objects.requireNonNull(testCase, "testCase");
      Objects.requireNonNull(decision, "decision");
    }

    /** What happened, as {@link Case#expected()} states it. */
    public String actual() {
      String outcome = decision.outcome();
      if (decision.action() == Action.ALLOW && testCase.expectModel().isPresent()) {
        outcome += " with " + decision.effectiveModel().orElse("no model");
      }
      return outcome
          + " by rule '"
          + decision.ruleName()
          + "'"
          + decision.matched().map(m -> " (matched " + m + ")").orElse("");
    }
  }

  /** All results of a run. */
  public record Report(List<Result> results) {
    public Report {
      results = List.copyOf(results);
    }

    public long passed() {
      return results.stream().filter(Result::passed).count();
    }

    public long failed() {
      return results.size() - passed();
    }

    public List<Result> failures() {
      return results.stream().filter(r -> !r.passed()).toList();
    }
  }

  private final String source;
  private final List<Case> cases;

  private PolicyTestSuite(String source, List<Case> cases) {
    this.source = source;
    this.cases = List.copyOf(cases);
  }

  /**
   * Loads a test file.
   *
   * @throws PolicyException when the file cannot be read or has any error
   */
  public static PolicyTestSuite load(Path file) throws PolicyException {
    Objects.requireNonNull(file, "file");
    return compile(YamlReader.readFile(file, file.toString()), file.toString());
  }

  /** Parses test-file text; {@code sourceName} names it in diagnostics. */
  public static PolicyTestSuite parse(String yaml, String sourceName) throws PolicyException {
    Objects.requireNonNull(yaml, "yaml");
    Objects.requireNonNull(sourceName, "sourceName");
    return compile(YamlReader.read(yaml, sourceName), sourceName);
  }

  public String source() {
    return source;
  }

  public List<Case> cases() {
    return cases;
  }

  /**
   * Runs every case against {@code policy}; cases with no date of their own are evaluated at {@code
   * now}.
   */
  public Report run(Policy policy, Instant now) {
    Objects.requireNonNull(policy, "policy");
    Objects.requireNonNull(now, "now");
    List<Result> results = new ArrayList<>();
    for (Case c : cases) {
      Decision d = policy.evaluate(c.origin(), c.model().orElse(null), c.at().orElse(now));
      boolean passed =
          d.action() == c.expect()
              && c.expectModel()
                  .map(m -> d.effectiveModel().map(m::equals).orElse(false))
                  .orElse(true)
              && c.expectRule().map(d.ruleName()::equals).orElse(true);
      results.add(new Result(c, d, passed));
    }
    return new Report(results);
  }

  private static PolicyTestSuite compile(YamlReader.Result yaml, String file)
      throws PolicyException {
    Diagnostics diagnostics = new Diagnostics(file);
    yaml.errors().forEach(diagnostics::add);
    List<Case> cases = new ArrayList<>();
    yaml.root().ifPresent(root -> new CaseReader(file, diagnostics).read(root, cases));
    if (diagnostics.hasErrors()) {
      throw new PolicyException(diagnostics.sorted());
    }
    return new PolicyTestSuite(file, cases);
  }

  /** Reads the cases of one file. */
  private static final class CaseReader {
    private final String file;
    private final Diagnostics diagnostics;
    private final Values values;

    CaseReader(String file, Diagnostics diagnostics) {
      this.file = file;
      this.diagnostics = diagnostics;
      this.values = new Values(diagnostics);
    }

    void read(YamlNode root, List<Case> cases) {
      Optional<Mapping> top =
          values.mapping(
              root, "a policy test file", "a mapping with 'cases' (and optionally 'at')");
      if (top.isEmpty()) {
        return;
      }
      diagnostics.checkKeys(top.get(), TOP_KEYS, " in a policy test file");
      Optional<Instant> defaultAt = top.get().get("at").flatMap(this::instant);
      Optional<YamlNode> list = top.get().get("cases");
      if (list.isEmpty()) {
        diagnostics.error(top.get(), "missing key 'cases' (the list of test cases)");
        return;
      }
      if (!(list.get() instanceof Sequence seq)) {
        diagnostics.error(
            list.get(), "'cases' must be a list of test cases; found " + list.get().describe());
        return;
      }
      for (YamlNode item : seq.items()) {
        int number = seq.items().indexOf(item) + 1;
        if (!(item instanceof Mapping m)) {
          diagnostics.error(
              item, "test case " + number + " must be a mapping; found " + item.describe());
          continue;
        }
        readCase(m, number, defaultAt).ifPresent(cases::add);
      }
    }

    private Optional<Case> readCase(Mapping m, int number, Optional<Instant> defaultAt) {
      String name =
          m.get("name")
              .flatMap(n -> values.text(n, "the case name"))
              .map(s -> s.text().strip())
              .orElse("case " + number);
      String owner = " in case '" + name + "'";
      diagnostics.checkKeys(m, CASE_KEYS, owner);
      boolean ok = true;
      Optional<String> country = code(m, "country", owner);
      Optional<String> registered = code(m, "registered-country", owner);
      Optional<String> represented = code(m, "represented-country", owner);
      List<String> subdivisions = new ArrayList<>();
      if (m.get("subdivision").isPresent()) {
        for (Scalar s : values.textList(m.get("subdivision").get(), "'subdivision'" + owner)) {
          String code = s.text().strip();
          if (!Countries.looksLikeSubdivision(code)
              || !Countries.isCountry(Countries.countryOf(code))) {
            diagnostics.error(
                s,
                "invalid subdivision code '"
                    + code
                    + "'"
                    + owner
                    + "; expected an ISO 3166-2 code like UA-43");
            ok = false;
          } else if (country.isPresent() && !Countries.countryOf(code).equals(country.get())) {
            diagnostics.error(
                s, "subdivision '" + code + "' is not in country '" + country.get() + "'" + owner);
            ok = false;
          } else {
            subdivisions.add(code);
          }
        }
      }
      boolean unknown = m.get("unknown").flatMap(n -> values.bool(n, "'unknown'")).orElse(false);
      boolean anonymous =
          m.get("anonymous").flatMap(n -> values.bool(n, "'anonymous'")).orElse(false);
      boolean anyPlace =
          m.get("country").isPresent()
              || m.get("subdivision").isPresent()
              || m.get("registered-country").isPresent()
              || m.get("represented-country").isPresent();
      if (unknown && anyPlace) {
        diagnostics.error(
            m.entry("unknown").get().key(),
            "'unknown: true'" + owner + " contradicts the country or subdivision given");
        ok = false;
      }
      if (!unknown && !anonymous && !anyPlace) {
        diagnostics.error(
            m,
            "case '"
                + name
                + "' says nothing about where the request comes from; give country, subdivision,"
                + " registered-country, represented-country, 'unknown: true' or 'anonymous: true'");
        ok = false;
      }
      Optional<String> model =
          m.get("model")
              .filter(n -> !(n instanceof Scalar s && s.isEmpty()))
              .flatMap(n -> values.text(n, "'model'" + owner))
              .map(s -> s.text());
      Optional<Instant> at = m.get("at").flatMap(this::instant);
      Optional<Action> expect = expect(m, name);
      Optional<String> expectModel =
          m.get("expect-model")
              .flatMap(n -> values.text(n, "'expect-model'" + owner))
              .map(s -> s.text().strip());
      Optional<String> expectRule =
          m.get("expect-rule")
              .flatMap(n -> values.text(n, "'expect-rule'" + owner))
              .map(s -> s.text().strip());
      if (expect.isPresent()
          && expect.get() == Action.SUBSTITUTE
          && m.get("expect-model").isEmpty()) {
        diagnostics.error(
            m.entry("expect").get().key(),
            "case '"
                + name
                + "' expects substitute but has no 'expect-model' naming the substitute");
        ok = false;
      }
      if (expect.isPresent() && expect.get() == Action.BLOCK && m.get("expect-model").isPresent()) {
        diagnostics.error(
            m.entry("expect-model").get().key(),
            "case '" + name + "' expects block, so 'expect-model' cannot apply");
        ok = false;
      }
      if (!ok || expect.isEmpty()) {
        return Optional.empty();
      }
      Origin origin =
          new Origin(
              country.orElse(null),
              registered.orElse(null),
              represented.orElse(null),
              subdivisions,
              anonymous);
      return Optional.of(
          new Case(
              name,
              file + ":" + m.line() + ":" + m.column(),
              origin,
              model,
              at.or(() -> defaultAt),
              expect.get(),
              expectModel,
              expectRule));
    }

    private Optional<String> code(Mapping m, String key, String owner) {
      Optional<Scalar> s = m.get(key).flatMap(n -> values.text(n, "'" + key + "'" + owner));
      if (s.isEmpty()) {
        return Optional.empty();
      }
      String code = s.get().text().strip();
      if (!Countries.isCountry(code)) {
        diagnostics.error(
            s.get(),
            "unknown country code '"
                + code
                + "' for '"
                + key
                + "'"
                + owner
                + "; expected an ISO 3166-1 alpha-2 code");
        return Optional.empty();
      }
      return Optional.of(code);
    }

    private Optional<Action> expect(Mapping m, String name) {
      Optional<YamlNode> node = m.get("expect");
      if (node.isEmpty()) {
        diagnostics.error(
            m, "case '" + name + "' has no 'expect'; expected allow, substitute or block");
        return Optional.empty();
      }
      Optional<Scalar> s = values.text(node.get(), "'expect'");
      if (s.isEmpty()) {
        return Optional.empty();
      }
      String v = s.get().text().strip();
      List<String> actions = List.of("allow", "substitute", "block");
      if (!actions.contains(v)) {
        diagnostics.error(
            s.get(),
            "unknown expect '"
                + v
                + "' in case '"
                + name
                + "'"
                + Suggestions.didYouMean(v, actions)
                + "; expected allow, substitute or block");
        return Optional.empty();
      }
      return Optional.of(Action.valueOf(v.toUpperCase(Locale.ROOT)));
    }

    /** A UTC date (start of that day) or an ISO-8601 instant. */
    private Optional<Instant> instant(YamlNode node) {
      Optional<Scalar> s = values.text(node, "'at'");
      if (s.isEmpty()) {
        return Optional.empty();
      }
      String v = s.get().text().strip();
      try {
        return Optional.of(
            v.length() == 10
                ? LocalDate.parse(v).atStartOfDay().toInstant(ZoneOffset.UTC)
                : Instant.parse(v));
      } catch (DateTimeParseException e) {
        diagnostics.error(
            s.get(),
            "invalid 'at' value '"
                + v
                + "'; expected a UTC date YYYY-MM-DD or an instant like 2027-01-15T12:00:00Z");
        return Optional.empty();
      }
    }
  }
}
