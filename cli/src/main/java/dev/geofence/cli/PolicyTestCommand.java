package dev.geofence.cli;

import dev.geofence.policy.Policy;
import dev.geofence.policy.PolicyException;
import dev.geofence.policy.PolicyTestSuite;
import dev.geofence.policy.ValidationReport;
import java.io.PrintWriter;
import java.nio.file.Path;
import java.time.Instant;
import java.util.concurrent.Callable;
import picocli.CommandLine.Command;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Option;
import picocli.CommandLine.Parameters;
import picocli.CommandLine.Spec;

/** {@code geofence policy test POLICY TESTS}. */
@Command(
    name = "test",
    mixinStandardHelpOptions = true,
    description = {
      "Run policy test cases against a policy; print each failing case with what happened instead,"
          + " then 'N passed, N failed'.",
      "Exit 0 when every case passes, 1 when a case fails or either file is invalid."
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

  @Override
  public Integer call() {
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
    PolicyTestSuite.Report result =
        suite.run(report.policy().get(), at == null ? Instant.now() : at);
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
    return result.failed() == 0 ? 0 : Main.FINDING;
  }
}
