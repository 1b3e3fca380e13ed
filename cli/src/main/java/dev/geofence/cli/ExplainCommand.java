package dev.geofence.cli;

import picocli.CommandLine.Command;

// Placeholder registered so the command tree compiles; replaced by its implementation.
@Command(name = "explain", mixinStandardHelpOptions = true, description = "Not yet available.")
final class ExplainCommand implements Runnable {
  @Override
  public void run() {
    throw new UnsupportedOperationException("'geofence explain' is not available yet.");
  }
}
