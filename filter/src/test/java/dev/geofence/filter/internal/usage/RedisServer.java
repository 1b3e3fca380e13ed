package dev.geofence.filter.internal.usage;

import java.io.BufferedInputStream;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.io.UncheckedIOException;
import java.net.InetAddress;
import java.net.ServerSocket;
import java.net.Socket;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import java.util.concurrent.TimeUnit;
import java.util.stream.Stream;

/**
 * A real {@code redis-server} on a free loopback port, for tests and benchmarks: no persistence, no
 * other clients. It can be stopped and started again on the same port mid-test, to play a Redis
 * that goes away and comes back. Its own few commands ({@link #command}) go over a plain socket, so
 * a test can look at what a store wrote without trusting the store's client.
 *
 * <p>JUnit tests use it through {@link RedisServerExtension}; other code (a JMH setup) creates it
 * with {@link #start()} and closes it. Not thread-safe: one test drives it.
 */
public final class RedisServer implements AutoCloseable {

  /** Why a test that needs Redis cannot run here, and how to make it run. */
  public static final String NOT_INSTALLED =
      "redis-server is not installed; the usage-store tests need a real Redis: install the"
          + " redis-server package (apt-get install redis-server; .ci/run does this) or put"
          + " redis-server on the PATH";

  private static final Duration STARTUP = Duration.ofSeconds(20);

  private final Path executable;
  private final int port;
  private final Path log;
  private Process process;

  private RedisServer(Path executable, int port, Path log) {
    this.executable = executable;
    this.port = port;
    this.log = log;
  }

  /**
   * Starts a server on a free loopback port and returns once it answers PING.
   *
   * @throws IllegalStateException when redis-server is not installed, saying how to install it
   */
  public static RedisServer start() {
    Path executable = find().orElseThrow(() -> new IllegalStateException(NOT_INSTALLED));
    try {
      RedisServer server =
          new RedisServer(executable, freePort(), Files.createTempFile("geofence-redis", ".log"));
      server.restart();
      return server;
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
  }

  /** Whether redis-server can be found, for callers that skip rather than fail without it. */
  public static boolean installed() {
    return find().isPresent();
  }

  private static Optional<Path> find() {
    String path = System.getenv().getOrDefault("PATH", "");
    return Stream.concat(
            Stream.of(path.split(java.io.File.pathSeparator)).filter(dir -> !dir.isEmpty()),
            Stream.of("/usr/sbin", "/usr/bin", "/usr/local/bin"))
        .map(dir -> Path.of(dir, "redis-server"))
        .filter(Files::isExecutable)
        .findFirst();
  }

  private static int freePort() throws IOException {
    try (ServerSocket socket = new ServerSocket(0, 1, InetAddress.getLoopbackAddress())) {
      return socket.getLocalPort();
    }
  }

  public int port() {
    return port;
  }

  /** The {@code usage-store} value that points at this server. */
  public String uri() {
    return "redis://127.0.0.1:" + port;
  }

  public boolean running() {
    return process != null && process.isAlive();
  }

  /** Starts the server again on the same port (empty: nothing is saved) once it answers PING. */
  public void restart() {
    if (running()) {
      throw new IllegalStateException("redis-server on port " + port + " is already running");
    }
    try {
      process =
          new ProcessBuilder(
                  executable.toString(),
                  "--bind",
                  "127.0.0.1",
                  "--port",
                  Integer.toString(port),
                  "--save",
                  "",
                  "--appendonly",
                  "no",
                  "--daemonize",
                  "no")
              .redirectErrorStream(true)
              .redirectOutput(ProcessBuilder.Redirect.appendTo(log.toFile()))
              .start();
    } catch (IOException e) {
      throw new UncheckedIOException("cannot start " + executable, e);
    }
    long deadline = System.nanoTime() + STARTUP.toNanos();
    while (true) {
      try {
        if ("PONG".equals(command("PING"))) {
          return;
        }
      } catch (UncheckedIOException notYet) {
        // Not listening yet.
      }
      if (!process.isAlive() || System.nanoTime() > deadline) {
        String output = readLog();
        process.destroyForcibly();
        throw new IllegalStateException(
            "redis-server did not answer PING on port "
                + port
                + " within "
                + STARTUP
                + ": "
                + output);
      }
      try {
        // Between two PINGs, wait for the process to end: a server that dies is seen at once.
        process.waitFor(20, TimeUnit.MILLISECONDS);
      } catch (InterruptedException e) {
        Thread.currentThread().interrupt();
        throw new IllegalStateException("interrupted while starting redis-server", e);
      }
    }
  }

  /** Stops the server the hard way (SIGKILL), as a crash or a lost host would. */
  public void stop() {
    if (process == null) {
      return;
    }
    process.destroyForcibly();
    try {
      if (!process.waitFor(10, TimeUnit.SECONDS)) {
        throw new IllegalStateException("redis-server on port " + port + " did not stop");
      }
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
    }
  }

  /**
   * Sends one command and answers the reply: a String for a status or bulk reply, a Long for an
   * integer, a List for an array, null for a nil.
   *
   * @throws IllegalStateException for an error reply
   * @throws UncheckedIOException when the server cannot be reached
   */
  public Object command(String... words) {
    try (Socket socket = new Socket(InetAddress.getLoopbackAddress(), port)) {
      socket.setSoTimeout(5_000);
      OutputStream out = socket.getOutputStream();
      StringBuilder request = new StringBuilder("*").append(words.length).append("\r\n");
      for (String word : words) {
        byte[] bytes = word.getBytes(StandardCharsets.UTF_8);
        request.append('$').append(bytes.length).append("\r\n").append(word).append("\r\n");
      }
      out.write(request.toString().getBytes(StandardCharsets.UTF_8));
      out.flush();
      return reply(new BufferedInputStream(socket.getInputStream()));
    } catch (IOException e) {
      throw new UncheckedIOException("redis-server on port " + port + " is unreachable", e);
    }
  }

  private static Object reply(InputStream in) throws IOException {
    int type = in.read();
    String line = line(in);
    switch (type) {
      case '+':
        return line;
      case '-':
        throw new IllegalStateException("redis-server answered an error: " + line);
      case ':':
        return Long.parseLong(line);
      case '$':
        {
          int length = Integer.parseInt(line);
          if (length < 0) {
            return null;
          }
          byte[] bytes = in.readNBytes(length);
          line(in);
          return new String(bytes, StandardCharsets.UTF_8);
        }
      case '*':
        {
          int count = Integer.parseInt(line);
          if (count < 0) {
            return null;
          }
          List<Object> items = new ArrayList<>(count);
          for (int i = 0; i < count; i++) {
            items.add(reply(in));
          }
          return items;
        }
      default:
        throw new IOException("unexpected reply type " + type + " from redis-server");
    }
  }

  private static String line(InputStream in) throws IOException {
    StringBuilder line = new StringBuilder();
    int c;
    while ((c = in.read()) != '\r') {
      if (c < 0) {
        throw new IOException("redis-server closed the connection");
      }
      line.append((char) c);
    }
    in.read(); // '\n'
    return line.toString();
  }

  private String readLog() {
    try {
      return Files.readString(log).strip();
    } catch (IOException e) {
      return "(no log: " + e.getMessage() + ")";
    }
  }

  /** Stops the server and removes its log. */
  @Override
  public void close() {
    stop();
    try {
      Files.deleteIfExists(log);
    } catch (IOException e) {
      // A temporary file left behind is harmless.
    }
  }
}
