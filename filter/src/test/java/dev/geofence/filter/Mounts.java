package dev.geofence.filter;

import static org.junit.jupiter.api.Assumptions.assumeTrue;

import java.io.IOException;
import java.io.OutputStream;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;

/**
 * Real mounts for disk-fault tests (a small tmpfs, a read-only bind mount). A mount this machine
 * does not allow (not root, no mount namespace) skips the test through a JUnit assumption. Call
 * {@link #unmountAll()} from {@code @AfterEach}.
 */
public final class Mounts {
  private final List<Path> mounted = new ArrayList<>();

  /** Runs {@code mount ARGS… target}, skipping the test if the machine refuses. */
  public void mount(Path target, String... args) {
    List<String> command = new ArrayList<>(List.of("mount"));
    command.addAll(List.of(args));
    command.add(target.toString());
    assumeTrue(
        run(command.toArray(String[]::new)),
        "this machine does not let the test mount: " + String.join(" ", command));
    mounted.add(target);
  }

  /** Unmounts the last mount made on {@code target}; true when it worked. */
  public boolean unmount(Path target) {
    boolean done = run("umount", target.toString());
    if (done) {
      mounted.remove(mounted.lastIndexOf(target));
    }
    return done;
  }

  /** Innermost first; lazy, so a file a failed test left open cannot keep a mount. */
  public void unmountAll() {
    for (int i = mounted.size() - 1; i >= 0; i--) {
      run("umount", "-l", mounted.get(i).toString());
    }
    mounted.clear();
  }

  /** Runs a command; true when it exits 0 within ten seconds. */
  public static boolean run(String... command) {
    try {
      Process p = new ProcessBuilder(command).redirectErrorStream(true).start();
      p.getInputStream().transferTo(OutputStream.nullOutputStream());
      return p.waitFor(10, TimeUnit.SECONDS) && p.exitValue() == 0;
    } catch (IOException e) {
      return false;
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      return false;
    }
  }
}
