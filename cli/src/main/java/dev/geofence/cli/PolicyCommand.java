package dev.geofence.cli;

import picocli.CommandLine.Command;

// Placeholder registered so the command tree compiles; replaced by its implementation.
@Command(name = "policy", mixinStandardHelpOptions = true, description = "Not yet available.")
final class PolicyCommand implements Runnable {
  @Override
  public void run() {
    throw new UnsupportedOperationException("'geofence policy' is not available yet.");
  }
}
