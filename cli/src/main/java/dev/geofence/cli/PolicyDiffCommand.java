package dev.geofence.cli;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.SerializationFeature;
import dev.geofence.policy.Policy;
import dev.geofence.policy.PolicyDiff;
import java.io.PrintWriter;
import java.nio.file.Path;
import java.time.Instant;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.Callable;
import picocli.CommandLine.Command;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Option;
import picocli.CommandLine.Parameters;
import picocli.CommandLine.Spec;

/** {@code geofence policy diff OLD NEW}. */
@Command(
    name = "diff",
    mixinStandardHelpOptions = true,
    description = {
      "Show whose access changes between two policies: for every country and subdivision either file"
          + " names, * for every other country, unknown and anonymous, and every tier, the outcome"
          + " under OLD and NEW; only changes are printed, as CODE  TIER  OLD -> NEW.",
      "Exit 0 (also when there are changes, unless --exit-code), 1 when a file is invalid"
          + " or with --exit-code when there are changes."
    })
final class PolicyDiffCommand implements Callable<Integer> {

  @Spec CommandSpec spec;

  @Parameters(index = "0", paramLabel = "OLD", description = "The policy in force.")
  Path oldFile;

  @Parameters(index = "1", paramLabel = "NEW", description = "The proposed policy.")
  Path newFile;

  @Option(
      names = "--at",
      paramLabel = "DATE",
      converter = PolicyCommand.InstantConverter.class,
      description =
          "Evaluate both policies as of this UTC date (its start) or instant. Default: now.")
  Instant at;

  @Option(names = "--json", description = "Print the changes as JSON.")
  boolean json;

  @Option(
      names = "--exit-code",
      description = "Exit 1 when there are changes, like 'git diff --exit-code'.")
  boolean exitCode;

  @Override
  public Integer call() throws JsonProcessingException {
    PrintWriter out = spec.commandLine().getOut();
    Optional<Policy> before = PolicyCommand.load(out, oldFile, "nothing compared");
    Optional<Policy> after = PolicyCommand.load(out, newFile, "nothing compared");
    if (before.isEmpty() || after.isEmpty()) {
      return Main.FINDING;
    }
    PolicyDiff diff =
        PolicyDiff.between(before.get(), after.get(), at == null ? Instant.now() : at);
    if (json) {
      out.println(toJson(diff, before.get(), after.get()));
    } else {
      printText(out, diff, before.get(), after.get());
    }
    return exitCode && !diff.isEmpty() ? Main.FINDING : 0;
  }

  private void printText(PrintWriter out, PolicyDiff diff, Policy before, Policy after) {
    out.println("--- " + oldFile + " (" + PolicyCommand.describe(before) + ")");
    out.println("+++ " + newFile + " (" + PolicyCommand.describe(after) + ")");
    out.println("as of " + diff.at());
    diff.settingChanges().forEach(out::println);
    int codeWidth = diff.changes().stream().mapToInt(c -> c.code().length()).max().orElse(0);
    int tierWidth = diff.changes().stream().mapToInt(c -> c.tier().length()).max().orElse(0);
    String previous = null;
    for (PolicyDiff.Change c : diff.changes()) {
      if (previous != null && !previous.equals(c.code())) {
        out.println();
      }
      previous = c.code();
      out.println(
          String.format(
              "%-" + codeWidth + "s  %-" + tierWidth + "s  %s -> %s%s",
              c.code(),
              c.tier(),
              c.before(),
              c.after(),
              c.monitoringChanged() ? "  (" + c.monitoringChange() + ")" : ""));
    }
    long codes =
        new LinkedHashSet<>(diff.changes().stream().map(PolicyDiff.Change::code).toList()).size();
    out.println(
        diff.isEmpty()
            ? "no changes"
            : PolicyCommand.plural(diff.changes().size(), "change")
                + " for "
                + PolicyCommand.plural(codes, "code")
                + (diff.settingChanges().isEmpty()
                    ? ""
                    : ", " + PolicyCommand.plural(diff.settingChanges().size(), "setting change")));
  }

  private String toJson(PolicyDiff diff, Policy before, Policy after)
      throws JsonProcessingException {
    Map<String, Object> root = new LinkedHashMap<>();
    root.put("old", describe(oldFile, before));
    root.put("new", describe(newFile, after));
    root.put("at", diff.at().toString());
    root.put("settings", diff.settingChanges());
    List<Map<String, String>> changes = new ArrayList<>();
    for (PolicyDiff.Change c : diff.changes()) {
      Map<String, String> row = new LinkedHashMap<>();
      row.put("code", c.code());
      row.put("tier", c.tier());
      row.put("old", c.before());
      row.put("new", c.after());
      row.put("oldRule", c.ruleBefore());
      row.put("newRule", c.ruleAfter());
      row.put("oldMonitor", c.monitoringBefore().summary());
      row.put("newMonitor", c.monitoringAfter().summary());
      changes.add(row);
    }
    root.put("changes", changes);
    return new ObjectMapper().enable(SerializationFeature.INDENT_OUTPUT).writeValueAsString(root);
  }

  private static Map<String, String> describe(Path file, Policy policy) {
    Map<String, String> m = new LinkedHashMap<>();
    m.put("file", file.toString());
    m.put("policy", policy.id());
    m.put("version", policy.version());
    m.put("sha256", policy.sha256());
    return m;
  }
}
