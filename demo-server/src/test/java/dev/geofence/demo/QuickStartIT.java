package dev.geofence.demo;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import dev.geofence.filter.audit.AuditChainVerifier;
import java.io.IOException;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;
import java.util.stream.Stream;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The README's quick start as a newcomer runs it: {@code bin/demo} in a clean copy of the
 * repository, as a background process, one request, SIGTERM, then the audit trail must be complete.
 * Runs after {@code package} (failsafe), reusing the packaged jar so that the copy does not
 * rebuild.
 */
class QuickStartIT {

  private static final Duration START_TIMEOUT = Duration.ofSeconds(40);

  @TempDir Path temp;

  private Process demo;

  @AfterEach
  void killLeftover() {
    if (demo != null && demo.isAlive()) {
      demo.destroyForcibly();
    }
  }

  @Test
  void binDemoInACleanCopy_servesARequest_andLeavesACompleteAuditTrailAfterSigterm()
      throws Exception {
    // given a clean copy of the repository with the already-built jar
    Path repository = Path.of("").toAbsolutePath().getParent();
    Path copy = temp.resolve("geofence");
    copyRepository(repository, copy);
    Path jar = repository.resolve("demo-server/target/geofence-demo.jar");
    assertThat(jar).as("the packaged demo jar (run through mvn verify)").isRegularFile();
    Files.createDirectories(copy.resolve("demo-server/target"));
    Files.copy(jar, copy.resolve("demo-server/target/geofence-demo.jar"));
    assertThat(copy.resolve("bin/demo")).isExecutable();

    // when bin/demo starts in the background
    int port = DemoProcess.freePort();
    Path audit = temp.resolve("audit");
    Path output = temp.resolve("demo.out");
    demo =
        new ProcessBuilder(
                copy.resolve("bin/demo").toString(),
                "--port",
                String.valueOf(port),
                "--audit",
                audit.toString())
            .directory(temp.toFile())
            .redirectErrorStream(true)
            .redirectOutput(output.toFile())
            .start();
    DemoProcess.awaitListening("bin/demo", demo, port, output, START_TIMEOUT);

    // and a caller from Brazil asks for a frontier model
    HttpResponse<String> response =
        HttpClient.newHttpClient()
            .send(
                HttpRequest.newBuilder(URI.create("http://127.0.0.1:" + port + "/v1/messages"))
                    .header("X-Forwarded-For", "152.240.0.1")
                    .header("Content-Type", "application/json")
                    .POST(HttpRequest.BodyPublishers.ofString(Banner.messageBody("claude-opus-4")))
                    .timeout(Duration.ofSeconds(20))
                    .build(),
                HttpResponse.BodyHandlers.ofString());

    // and the server is sent SIGTERM
    demo.destroy();
    boolean exited = demo.waitFor(30, TimeUnit.SECONDS);

    // then
    String log = Files.readString(output);
    assertThat(exited).as("bin/demo exits on SIGTERM; its output:%n%s", log).isTrue();
    assertThat(log).contains("geofence demo listening on http://127.0.0.1:" + port, "curl ");
    assertThat(response.statusCode()).as(response.body()).isEqualTo(200);
    assertThat(new ObjectMapper().readTree(response.body()).path("model").asText())
        .isEqualTo("claude-sonnet-4");

    List<Path> files = Trails.files(audit);
    AuditChainVerifier.Result chain = AuditChainVerifier.verify(files);
    assertThat(chain.intact()).as("chain break: %s", chain.firstBreak()).isTrue();
    assertThat(chain.truncatedTail()).isEmpty();
    assertThat(chain.records()).isEqualTo(1);
    List<String> lines = new ArrayList<>();
    for (Path file : files) {
      lines.addAll(Files.readAllLines(file, StandardCharsets.UTF_8));
    }
    assertThat(lines).hasSize(1);
    JsonNode record = new ObjectMapper().readTree(lines.get(0));
    assertThat(record.path("event").path("action").asText()).isEqualTo("substitute");
    assertThat(record.path("source").path("geo").path("country_iso_code").asText()).isEqualTo("BR");
  }

  /**
   * The files git would check out (tracked, plus new files not ignored), or everything but build
   * output.
   */
  private static void copyRepository(Path from, Path to) throws IOException, InterruptedException {
    List<String> files = gitFiles(from);
    if (files.isEmpty()) {
      try (Stream<Path> walk = Files.walk(from)) {
        files =
            walk.filter(Files::isRegularFile)
                .map(p -> from.relativize(p).toString().replace('\\', '/'))
                .filter(p -> !p.startsWith(".git/") && !p.contains("target/"))
                .toList();
      }
    }
    for (String name : files) {
      Path source = from.resolve(name);
      if (!Files.isRegularFile(source)) {
        continue; // deleted in the working tree but still in the index
      }
      Path target = to.resolve(name);
      Files.createDirectories(target.getParent());
      Files.copy(source, target, StandardCopyOption.COPY_ATTRIBUTES);
    }
  }

  private static List<String> gitFiles(Path repository) throws IOException, InterruptedException {
    Process git;
    try {
      git =
          new ProcessBuilder("git", "ls-files", "-z", "--cached", "--others", "--exclude-standard")
              .directory(repository.toFile())
              .redirectError(ProcessBuilder.Redirect.DISCARD)
              .start();
    } catch (IOException noGit) {
      return List.of();
    }
    String listing = new String(git.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
    if (git.waitFor() != 0) {
      return List.of();
    }
    return Stream.of(listing.split("\0")).filter(s -> !s.isEmpty()).toList();
  }
}
