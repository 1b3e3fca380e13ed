package dev.geofence.cli;

import dev.geofence.policy.Policy;
import dev.geofence.policy.PolicyCoverage;
import dev.geofence.policy.PolicyException;
import dev.geofence.policy.PolicyTestSuite;
import dev.geofence.policy.ValidationReport;
import java.io.PrintWriter;
import java.nio.file.Path;
import java.time.Instant;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.concurrent.Callable;
import picocli.CommandLine.Command;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Option;
import picocli.CommandLine.ParameterException;
import picocli.CommandLine.Parameters;
import picocli.CommandLine.Spec;

/** {@code geofence policy test POLICY TESTS}. */
@Command(
    name = "test",
    mixinStandardHelpOptions = true,
    description = {
      "Run policy test cases against a policy; print each failing case with what happened instead,"
          + " then 'N passed, N failed'.",
      "With --coverage, also print which rules, tiers, regions and places the cases reach.",
      "Exit 0 when every case passes, 1 when a case fails, coverage is below --min-coverage or"
          + " either file is invalid."
    })
final class PolicyTestCommand implements Callable<Integer> {

  @Spec CommandSpec spec;

  @Parameters(index = "0", paramLabel = "POLICY", description = "The policy file.")
  Path policyFile;

  @Parameters(
      index = "1",
      paramLabel = "TESTS",
      description = "The test-case file (see docs/policy.md).")
  Path testsFile;

  @Option(
      names = "--at",
      paramLabel = "DATE",
      converter = PolicyCommand.InstantConverter.class,
      description =
          "Evaluate cases that give no 'at' of their own (and the file no default) as of this UTC date or instant. Default: now.")
  Instant at;

  @Option(
      names = {"-v", "--verbose"},
      description = "Also print the cases that pass.")
  boolean verbose;

  @Option(
      names = "--coverage",
      description =
          "Also print the coverage: the rules never matched, the tiers never requested, and the"
              + " region members and places never tested, by name.")
  boolean coverage;

  @Option(
      names = "--min-coverage",
      paramLabel = "PCT",
      description =
          "Exit 1 when the coverage (rules, tiers and places reached, in percent) is below PCT;"
              + " implies --coverage.")
  Double minCoverage;

  @Override
  public Integer call() {
    if (minCoverage != null && (minCoverage.isNaN() || minCoverage < 0 || minCoverage > 100)) {
      throw new ParameterException(
          spec.commandLine(),
          "--min-coverage: " + minCoverage + " is not a percentage; expected 0 to 100");
    }
    PrintWriter out = spec.commandLine().getOut();
    ValidationReport report = Policy.validate(policyFile);
    PolicyCommand.print(out, report.diagnostics());
    if (!report.isValid()) {
      out.println(
          policyFile
              + ": invalid, "
              + PolicyCommand.plural(report.errors().size(), "error")
              + "; no test was run");
      return Main.FINDING;
    }
    PolicyTestSuite suite;
    try {
      suite = PolicyTestSuite.load(testsFile);
    } catch (PolicyException e) {
      PolicyCommand.print(out, e.diagnostics());
      out.println(
          testsFile
              + ": invalid, "
              + PolicyCommand.plural(e.errors().size(), "error")
              + "; no test was run");
      return Main.FINDING;
    }
    Policy policy = report.policy().get();
    PolicyTestSuite.Report result = suite.run(policy, at == null ? Instant.now() : at);
    for (PolicyTestSuite.Result r : result.results()) {
      PolicyTestSuite.Case c = r.testCase();
      if (!r.passed()) {
        out.println(
            "FAIL "
                + c.location()
                + ": "
                + c.name()
                + ": expected "
                + c.expected()
                + ", got "
                + r.actual());
      } else if (verbose) {
        out.println("pass " + c.location() + ": " + c.name() + ": " + r.actual());
      }
    }
    out.println(result.passed() + " passed, " + result.failed() + " failed");
    boolean enough = true;
    if (coverage || minCoverage != null) {
      PolicyCoverage covered = PolicyCoverage.of(policy, result);
      printCoverage(out, covered);
      if (minCoverage != null && covered.percent() < minCoverage) {
        out.println(
            "coverage "
                + percent(covered.percent())
                + " is below the minimum of "
                + percent(minCoverage));
        enough = false;
      }
    }
    return result.failed() == 0 && enough ? 0 : Main.FINDING;
  }

  private static void printCoverage(PrintWriter out, PolicyCoverage c) {
    long rules = c.rules().stream().filter(PolicyCoverage.Count::covered).count();
    long tiers = c.tiers().stream().filter(PolicyCoverage.Count::covered).count();
    long places = c.places().stream().filter(PolicyCoverage.Place::tested).count();
    out.println(
        "coverage "
            + percent(c.percent())
            + ": "
            + rules
            + " of "
            + c.rules().size()
            + " rules, "
            + tiers
            + " of "
            + c.tiers().size()
            + " tiers, "
            + places
            + " of "
            + c.places().size()
            + " places");
    for (String rule : c.rulesNeverMatched()) {
      out.println("  rule never matched: " + rule);
    }
    for (String tier : c.tiersNeverRequested()) {
      out.println("  tier never requested: " + tier);
    }
    for (PolicyCoverage.Region r : c.regions()) {
      if (!r.untested().isEmpty()) {
        out.println(
            "  region "
                + r.name()
                + ": "
                + (r.members().size() - r.untested().size())
                + " of "
                + r.members().size()
                + " members tested; never tested: "
                + String.join(", ", r.untested()));
      }
    }
    // Places a rule names directly; those named through a region are listed with the region.
    Map<String, List<String>> direct = new LinkedHashMap<>();
    for (PolicyCoverage.Place p : c.places()) {
      if (!p.tested() && p.via().equals(p.code())) {
        direct.computeIfAbsent(p.rule(), r -> new ArrayList<>()).add(p.code());
      }
    }
    direct.forEach(
        (rule, codes) ->
            out.println("  rule " + rule + ": places never tested: " + String.join(", ", codes)));
  }

  private static String percent(double value) {
    return String.format(Locale.ROOT, "%.1f%%", value);
  }
}
