package dev.geofence.apicheck;

/**
 * The public API of a module differs from its committed listing. The message names the module,
 * shows the lines added and removed, and gives the command that accepts the change.
 */
public final class ApiChangedException extends Exception {

  ApiChangedException(String message) {
    // The message is the whole report; a stack trace of the build tool would only bury it.
    super(message, null, false, false);
  }
}
