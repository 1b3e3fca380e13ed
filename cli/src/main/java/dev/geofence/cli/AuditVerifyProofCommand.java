package dev.geofence.cli;

import dev.geofence.filter.audit.AuditProof;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.PublicKey;
import java.util.List;
import java.util.Optional;
import java.util.concurrent.Callable;
import picocli.CommandLine;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;
import picocli.CommandLine.Parameters;

/** {@code geofence audit verify-proof PROOF --public-key FILE}: exit 0 valid, 1 not. */
@Command(
    name = "verify-proof",
    mixinStandardHelpOptions = true,
    description = {
      "Check a proof written by 'audit prove' without the rest of the trail: the checkpoint's"
          + " signature, and that the record and its path lead to the signed root.",
      "Exit 0 when the proof holds, 1 saying why not."
    })
final class AuditVerifyProofCommand implements Callable<Integer> {

  @CommandLine.Spec CommandLine.Model.CommandSpec spec;

  @Parameters(index = "0", paramLabel = "PROOF", description = "The proof file.")
  Path proof;

  @Option(
      names = "--public-key",
      required = true,
      paramLabel = "FILE",
      description = "A public key the checkpoint may be signed with; repeat it for several.")
  List<Path> publicKeys;

  @Override
  public Integer call() {
    Optional<List<PublicKey>> keys =
        AuditFileArguments.publicKeys(publicKeys, spec.commandLine().getErr());
    if (keys.isEmpty()) {
      return Main.FINDING;
    }
    String text;
    try {
      text = Files.readString(proof, StandardCharsets.UTF_8);
    } catch (IOException e) {
      spec.commandLine()
          .getErr()
          .println("geofence: cannot read the proof " + proof + ": " + e.getMessage());
      return Main.FINDING;
    }
    AuditProof.Result result = AuditProof.verify(text, keys.get());
    spec.commandLine().getOut().println((result.valid() ? "VALID " : "INVALID ") + result.detail());
    return result.valid() ? 0 : Main.FINDING;
  }
}
