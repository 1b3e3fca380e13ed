package dev.geofence.filter.audit;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Objects;

/** The instance name written as ECS {@code service.node.name}: checked, or the host's name. */
final class Instances {

  static final int MAX_LENGTH = 255;

  private Instances() {}

  /**
   * The host name as the kernel knows it, without a DNS look-up ({@code InetAddress.getLocalHost()}
   * resolves the name, which can hang at start on a broken resolver).
   */
  static String defaultName() {
    String env = System.getenv("HOSTNAME");
    if (env != null && isValid(env.trim())) {
      return env.trim();
    }
    for (String file : new String[] {"/proc/sys/kernel/hostname", "/etc/hostname"}) {
      try {
        String name = Files.readString(Path.of(file), StandardCharsets.US_ASCII).trim();
        if (isValid(name)) {
          return name;
        }
      } catch (IOException | RuntimeException e) {
        // not this platform; try the next source
      }
    }
    return "localhost";
  }

  /**
   * @throws IllegalArgumentException when the name is blank, too long or has control characters
   */
  static String check(String name) {
    Objects.requireNonNull(name, "name");
    if (!isValid(name)) {
      throw new IllegalArgumentException(
          "instance name '"
              + name.replaceAll("\\p{Cntrl}", "?")
              + "' is not accepted; expected 1 to "
              + MAX_LENGTH
              + " printable characters");
    }
    return name;
  }

  private static boolean isValid(String name) {
    return !name.isBlank()
        && name.length() <= MAX_LENGTH
        && name.chars().noneMatch(c -> Character.isISOControl(c) || c == 0x2028 || c == 0x2029);
  }
}
