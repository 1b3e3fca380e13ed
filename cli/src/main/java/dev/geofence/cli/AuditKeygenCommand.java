package dev.geofence.cli;

import dev.geofence.filter.audit.AuditKeys;
import java.io.IOException;
import java.nio.file.FileAlreadyExistsException;
import java.nio.file.Path;
import java.security.KeyPair;
import java.util.concurrent.Callable;
import picocli.CommandLine;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;

/** {@code geofence audit keygen}: a new Ed25519 key pair for signed audit checkpoints. */
@Command(
    name = "keygen",
    mixinStandardHelpOptions = true,
    description = {
      "Write a new Ed25519 key pair for signing audit checkpoints: the private key as PKCS#8 PEM,"
          + " readable by its owner only, and the public key as PEM, for 'audit verify' and"
          + " 'audit verify-proof'. Existing files are never overwritten."
    })
final class AuditKeygenCommand implements Callable<Integer> {

  @CommandLine.Spec CommandLine.Model.CommandSpec spec;

  @Option(
      names = "--private-key",
      required = true,
      paramLabel = "FILE",
      description = "Where to write the private key (setting audit-signing-key).")
  Path privateKey;

  @Option(
      names = "--public-key",
      required = true,
      paramLabel = "FILE",
      description = "Where to write the public key.")
  Path publicKey;

  @Override
  public Integer call() {
    KeyPair pair = AuditKeys.generate();
    try {
      AuditKeys.write(pair, privateKey, publicKey);
    } catch (FileAlreadyExistsException e) {
      spec.commandLine()
          .getErr()
          .println("geofence: " + e.getFile() + " exists; choose a new file for each new key");
      return Main.FINDING;
    } catch (IOException e) {
      spec.commandLine().getErr().println("geofence: cannot write the key pair: " + e.getMessage());
      return Main.FINDING;
    }
    spec.commandLine()
        .getOut()
        .println(
            "Wrote key "
                + AuditKeys.keyId(pair.getPublic())
                + ": private key "
                + privateKey
                + " (owner only), public key "
                + publicKey);
    return 0;
  }
}
