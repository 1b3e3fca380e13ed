package dev.geofence.demo;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.IOException;
import java.net.InetSocketAddress;
import java.net.ServerSocket;
import java.net.Socket;
import java.net.URI;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.concurrent.TimeUnit;
import org.awaitility.Awaitility;

/**
 * The packaged demo jar running as a child JVM on a free loopback port, its output in a file. For
 * integration tests that run after {@code package}; one test thread at a time.
 */
final class DemoProcess implements AutoCloseable {

  private static final Duration START_TIMEOUT = Duration.ofSeconds(20);

  private final Process process;
  private final int port;
  private final Path output;

  private DemoProcess(Process process, int port, Path output) {
    this.process = process;
    this.port = port;
    this.output = output;
  }

  /**
   * Starts {@code java -jar demo-server/target/geofence-demo.jar --port P --audit AUDIT} and waits
   * until it listens.
   *
   * @param output where the server's stdout and stderr go
   */
  static DemoProcess start(Path audit, Path output) throws Exception {
    Path jar = Path.of("target/geofence-demo.jar").toAbsolutePath();
    assertThat(jar).as("the packaged demo jar (run through mvn verify)").isRegularFile();
    int port = freePort();
    Path java = Path.of(System.getProperty("java.home"), "bin", "java");
    Process process =
        new ProcessBuilder(
                List.of(
                    java.toString(),
                    // The demo's temporary files go to the test's directory, removed after the
                    // test even when the demo is killed before it can delete them.
                    "-Djava.io.tmpdir=" + output.toAbsolutePath().getParent(),
                    "-jar",
                    jar.toString(),
                    "--host",
                    "127.0.0.1",
                    "--port",
                    String.valueOf(port),
                    "--audit",
                    audit.toString()))
            .redirectErrorStream(true)
            .redirectOutput(output.toFile())
            .start();
    DemoProcess demo = new DemoProcess(process, port, output);
    try {
      awaitListening("the demo", process, port, output, START_TIMEOUT);
    } catch (Exception | Error e) {
      process.destroyForcibly();
      throw e;
    }
    return demo;
  }

  URI uri(String path) {
    return URI.create("http://127.0.0.1:" + port + path);
  }

  /** SIGKILL on Linux: no shutdown hook runs, nothing is flushed. Waits for the exit. */
  void kill() throws Exception {
    process.destroyForcibly();
    assertThat(process.waitFor(10, TimeUnit.SECONDS)).as("the demo exits on SIGKILL").isTrue();
  }

  /**
   * SIGTERM: Jetty finishes requests in flight and the audit trail is closed. Waits for the exit.
   */
  void stop() throws Exception {
    process.destroy();
    assertThat(process.waitFor(20, TimeUnit.SECONDS))
        .as("the demo exits on SIGTERM; its output:%n%s", log())
        .isTrue();
  }

  String log() throws IOException {
    return Files.readString(output);
  }

  /** Kills the process if a test left it running. */
  @Override
  public void close() {
    if (process.isAlive()) {
      process.destroyForcibly();
    }
  }

  /** A free port on loopback, for a process the test starts. */
  static int freePort() throws IOException {
    try (ServerSocket socket = new ServerSocket(0, 1, java.net.InetAddress.getLoopbackAddress())) {
      return socket.getLocalPort();
    }
  }

  /**
   * Waits until {@code process} listens on the loopback {@code port}; fails at once if it exits,
   * and after {@code timeout} otherwise, either way with its output.
   *
   * @param name the process in messages ("the demo")
   */
  static void awaitListening(
      String name, Process process, int port, Path output, Duration timeout) {
    Awaitility.await(name + " listening on port " + port)
        .atMost(timeout)
        .pollDelay(Duration.ZERO)
        .pollInterval(Duration.ofMillis(50))
        .failFast(
            name + " exited",
            () ->
                assertThat(process.isAlive())
                    .as(() -> name + " exited with " + process.exitValue() + ":\n" + read(output))
                    .isTrue())
        .untilAsserted(
            () ->
                assertThat(listens(port))
                    .as(() -> name + " listens on port " + port + "; its output:\n" + read(output))
                    .isTrue());
  }

  private static boolean listens(int port) {
    try (Socket socket = new Socket()) {
      socket.connect(new InetSocketAddress("127.0.0.1", port), 200);
      return true;
    } catch (IOException notYet) {
      return false;
    }
  }

  private static String read(Path output) {
    try {
      return Files.readString(output);
    } catch (IOException e) {
      return "(unreadable: " + e + ")";
    }
  }
}
