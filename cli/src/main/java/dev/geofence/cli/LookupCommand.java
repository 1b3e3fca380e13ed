package dev.geofence.cli;

import picocli.CommandLine.Command;

// Placeholder registered so the command tree compiles; replaced by its implementation.
@Command(name = "lookup", mixinStandardHelpOptions = true, description = "Not yet available.")
final class LookupCommand implements Runnable {
  @Override
  public void run() {
    throw new UnsupportedOperationException("'geofence lookup' is not available yet.");
  }
}
