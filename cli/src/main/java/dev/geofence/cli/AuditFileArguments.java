package dev.geofence.cli;

import dev.geofence.filter.audit.AuditKeys;
import java.io.IOException;
import java.io.PrintWriter;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.PublicKey;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;

/** Checks the files and keys the audit commands are given, saying which one is wrong. */
final class AuditFileArguments {

  private AuditFileArguments() {}

  static boolean readable(List<Path> files, PrintWriter err) {
    for (Path file : files) {
      if (!Files.isRegularFile(file) || !Files.isReadable(file)) {
        err.println(
            "geofence: cannot read the audit file "
                + file
                + "; expected an existing, readable file");
        return false;
      }
    }
    return true;
  }

  static Optional<List<PublicKey>> publicKeys(List<Path> files, PrintWriter err) {
    List<PublicKey> keys = new ArrayList<>();
    for (Path file : files) {
      try {
        keys.add(AuditKeys.readPublicKey(file));
      } catch (IOException | IllegalArgumentException e) {
        err.println("geofence: cannot read the public key " + file + ": " + e.getMessage());
        return Optional.empty();
      }
    }
    return Optional.of(keys);
  }
}
