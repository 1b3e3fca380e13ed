package dev.geofence.demo;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import dev.geofence.cli.Main;
import java.io.IOException;
import java.io.PrintWriter;
import java.io.StringWriter;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.stream.Stream;

/** The demo's audit trail as the tests read it, and the geofence command run on it in-process. */
final class Trails {

  private static final ObjectMapper JSON = new ObjectMapper();

  private Trails() {}

  /** The trail's files, oldest first. */
  static List<Path> files(Path dir) throws IOException {
    try (Stream<Path> files = Files.list(dir)) {
      return files.filter(f -> f.getFileName().toString().endsWith(".jsonl")).sorted().toList();
    }
  }

  /** Every line of the files, parsed, in order. */
  static List<JsonNode> lines(List<Path> files) throws IOException {
    List<JsonNode> lines = new ArrayList<>();
    for (Path file : files) {
      for (String line : Files.readAllLines(file, StandardCharsets.UTF_8)) {
        lines.add(JSON.readTree(line));
      }
    }
    return lines;
  }

  /** Runs the geofence command in-process; its output, once it exits 0. */
  static String geofence(String... args) {
    StringWriter out = new StringWriter();
    StringWriter err = new StringWriter();
    int code = Main.run(args, new PrintWriter(out), new PrintWriter(err));
    assertThat(code).as(err.toString()).isZero();
    return out.toString();
  }
}
