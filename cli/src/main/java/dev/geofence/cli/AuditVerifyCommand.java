package dev.geofence.cli;

import dev.geofence.filter.audit.AuditChainVerifier;
import dev.geofence.filter.audit.AuditChainVerifier.Result;
import dev.geofence.filter.audit.AuditSignatureVerifier;
import java.io.IOException;
import java.io.PrintWriter;
import java.nio.file.Path;
import java.security.PublicKey;
import java.util.List;
import java.util.Optional;
import java.util.concurrent.Callable;
import picocli.CommandLine;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;
import picocli.CommandLine.Parameters;

/** {@code geofence audit verify FILE...}: exit 0 when the chain holds, 1 naming the first break. */
@Command(
    name = "verify",
    mixinStandardHelpOptions = true,
    description = {
      "Check the hash chain of audit files written by the file sink, given in order (a shell glob such as "
          + "audit-*.jsonl sorts them correctly).",
      "Exit 0 when the chain holds, 1 naming the first file and line that breaks it and how "
          + "(edited, missing, reordered, missing file, truncated tail, malformed, last hash mismatch).",
      "With --public-key, also check every signed checkpoint (signature, Merkle root, link to the"
          + " previous one); records after the last checkpoint are reported as an unsigned tail."
    })
final class AuditVerifyCommand implements Callable<Integer> {

  @CommandLine.Spec CommandLine.Model.CommandSpec spec;

  @Parameters(arity = "1..*", paramLabel = "FILE", description = "Audit files, oldest first.")
  List<Path> files;

  @Option(
      names = "--expect-last-hash",
      paramLabel = "HEX",
      description =
          "The SHA-256 the last line must have, as logged by the sink to geofence.audit-anchor "
              + "when the file was closed; catches lines removed from or rewritten at the end.")
  String expectLastHash;

  @Option(
      names = "--public-key",
      paramLabel = "FILE",
      description =
          "A public key the checkpoints may be signed with; repeat it for several (a key rotation); "
              + "without it, signatures are not checked.")
  List<Path> publicKeys = List.of();

  @Option(
      names = "--strict",
      description = "Treat a cut-short last line (a crash) as a failure too.")
  boolean strict;

  @Override
  public Integer call() {
    if (expectLastHash != null && !expectLastHash.matches("[0-9a-fA-F]{64}")) {
      throw new CommandLine.ParameterException(
          spec.commandLine(),
          "--expect-last-hash '"
              + expectLastHash
              + "' is not a SHA-256; expected 64 hexadecimal digits");
    }
    PrintWriter out = spec.commandLine().getOut();
    PrintWriter err = spec.commandLine().getErr();
    if (!AuditFileArguments.readable(files, err)) {
      return Main.FINDING;
    }
    Optional<List<PublicKey>> keys = AuditFileArguments.publicKeys(publicKeys, err);
    if (keys.isEmpty()) {
      return Main.FINDING;
    }
    Result result;
    try {
      result = AuditChainVerifier.verify(files, Optional.ofNullable(expectLastHash));
    } catch (IOException e) {
      err.println("geofence: cannot read the audit files: " + e.getMessage());
      return Main.FINDING;
    }
    if (result.firstBreak().isPresent()) {
      out.println("BROKEN " + result.firstBreak().get().describe());
      out.println(
          "Read "
              + result.records()
              + " records up to the break"
              + (result.records() == 0
                  ? "."
                  : " (seq " + result.firstSeq() + " to " + result.lastSeq() + ")."));
      return Main.FINDING;
    }
    out.println(
        "OK "
            + result.records()
            + " records in "
            + result.files()
            + (result.files() == 1 ? " file" : " files")
            + (result.records() == 0
                ? ""
                : ", seq " + result.firstSeq() + " to " + result.lastSeq())
            + (result.startsAtOrigin()
                ? ", from the start of the trail"
                : result.records() == 0
                    ? ""
                    : ", continuing an earlier part of the trail that was not given"));
    if (result.restarts() > 0) {
      out.println(
          "Recovered from "
              + result.restarts()
              + (result.restarts() == 1 ? " crash" : " crashes")
              + ": each cut-short line is accounted for by a chain_restart record.");
    }
    if (result.shortenedModels() > 0) {
      out.println(
          result.shortenedModels()
              + (result.shortenedModels() == 1 ? " record carries" : " records carry")
              + " a model id written shortened (refused requests with over-long or unprintable"
              + " ids): each has geofence.model.truncated and the SHA-256 of the whole id.");
    }
    out.println("last hash " + result.lastHash());
    int signatures = keys.get().isEmpty() ? 0 : signatures(keys.get(), out, err);
    if (keys.get().isEmpty()) {
      out.println("Signatures were not checked (no --public-key given).");
    }
    if (result.truncatedTail().isPresent()) {
      out.println("TRUNCATED TAIL " + result.truncatedTail().get().describe());
      return strict ? Main.FINDING : signatures;
    }
    return signatures;
  }

  /** Checks the signed checkpoints; prints what holds and every finding. */
  private int signatures(List<PublicKey> keys, PrintWriter out, PrintWriter err) {
    AuditSignatureVerifier.Result signed;
    try {
      signed = AuditSignatureVerifier.verify(files, keys);
    } catch (IOException e) {
      err.println("geofence: cannot read the audit files: " + e.getMessage());
      return Main.FINDING;
    }
    for (AuditChainVerifier.Break finding : signed.findings()) {
      out.println("BAD CHECKPOINT " + finding.describe());
    }
    if (!signed.valid()) {
      return Main.FINDING;
    }
    out.println(
        "SIGNED "
            + signed.checkpoints()
            + (signed.checkpoints() == 1 ? " checkpoint" : " checkpoints")
            + " verified"
            + (signed.checkpoints() == 0 ? "" : " up to seq " + signed.signedThrough())
            + (signed.keyIds().isEmpty() ? "" : ", by key " + String.join(", ", signed.keyIds())));
    signed
        .uncovered()
        .forEach(
            (file, lines) ->
                out.println(
                    "WARNING "
                        + lines
                        + " lines at the end of "
                        + file
                        + " are covered by no checkpoint (the sink did not close that file)"));
    if (signed.unsignedTail() > 0) {
      out.println(
          "WARNING unsigned tail: the last "
              + signed.unsignedTail()
              + " lines follow the last checkpoint; a later checkpoint or the anchor log will cover them");
    }
    return 0;
  }
}
