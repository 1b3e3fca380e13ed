package dev.geofence.filter;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.File;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.concurrent.TimeUnit;
import java.util.stream.Collectors;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * A filter whose audit records would be discarded without a word refuses to start: the SLF4J sink
 * with no SLF4J provider bound, or with the logger {@code geofence.audit} off at INFO. Each case
 * runs in a JVM of its own, with the class path and logging configuration the case needs.
 */
class AuditTrailAtStartTest {

  @TempDir Path dir;
  private Fixtures.Files3 files;

  @BeforeEach
  void files() {
    files = Fixtures.files(dir);
  }

  @Test
  void withNoSlf4jProviderTheSlf4jSinkRefusesToStartNamingAuditDirectory() throws Exception {
    String out = start(withoutSlf4jProvider(), List.of(), "slf4j");

    assertThat(out)
        .startsWith("REFUSED ")
        .contains("audit-directory: no SLF4J provider is bound")
        .contains("Set audit-directory to write the trail to files")
        .contains("audit-enabled=false");
  }

  @Test
  void withTheAuditLoggerOffAtInfoTheSlf4jSinkRefusesToStart() throws Exception {
    String out =
        start(classPath(), List.of("-Dorg.slf4j.simpleLogger.log.geofence.audit=warn"), "slf4j");

    assertThat(out)
        .startsWith("REFUSED ")
        .contains("audit-directory: the logger geofence.audit is not enabled at INFO");
  }

  @Test
  void aFileTrailNeedsNoSlf4jProvider() throws Exception {
    String out = start(withoutSlf4jProvider(), List.of(), "dir=" + dir.resolve("audit"));

    assertThat(out).isEqualTo("STARTED");
    assertThat(dir.resolve("audit")).isDirectory();
  }

  @Test
  void saidExplicitlyNoAuditTrailStartsWithoutOne() throws Exception {
    String out = start(withoutSlf4jProvider(), List.of(), "off");

    assertThat(out).isEqualTo("STARTED");
  }

  @Test
  void aBoundProviderAtInfoStartsTheSlf4jSink() throws Exception {
    assertThat(start(classPath(), List.of(), "slf4j")).isEqualTo("STARTED");
  }

  private static String classPath() {
    return System.getProperty("java.class.path");
  }

  private static String withoutSlf4jProvider() {
    return Arrays.stream(classPath().split(File.pathSeparator))
        .filter(entry -> !entry.contains("slf4j-simple") && !entry.contains("logback"))
        .collect(Collectors.joining(File.pathSeparator));
  }

  private String start(String classPath, List<String> jvmOptions, String audit)
      throws IOException, InterruptedException {
    List<String> command = new ArrayList<>();
    command.add(Path.of(System.getProperty("java.home"), "bin", "java").toString());
    command.addAll(jvmOptions);
    command.addAll(
        List.of(
            "-cp",
            classPath,
            StartFilterMain.class.getName(),
            files.policy().toString(),
            files.country().toString(),
            audit));
    Process process = new ProcessBuilder(command).redirectErrorStream(false).start();
    process.getErrorStream().transferTo(java.io.OutputStream.nullOutputStream());
    String out = new String(process.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
    assertThat(process.waitFor(60, TimeUnit.SECONDS)).isTrue();
    return out.strip();
  }
}
