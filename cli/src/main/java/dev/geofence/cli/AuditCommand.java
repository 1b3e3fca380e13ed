package dev.geofence.cli;

import picocli.CommandLine.Command;

// Placeholder registered so the command tree compiles; replaced by its implementation.
@Command(name = "audit", mixinStandardHelpOptions = true, description = "Not yet available.")
final class AuditCommand implements Runnable {
  @Override
  public void run() {
    throw new UnsupportedOperationException("'geofence audit' is not available yet.");
  }
}
