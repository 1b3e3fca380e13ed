package dev.geofence.docs;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.fail;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Set;
import java.util.TreeSet;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;

/**
 * The README's drop-in code is the examples' code: in the README and docs/, a block after {@code
 * <!-- example: PATH -->} must be a run of lines of that file (indentation aside), and a block
 * after {@code <!-- dependencies: POM -->} must name artifacts that POM uses, at the versions the
 * build uses. The examples are built and tested over HTTP by their own modules, so a README that
 * passes here shows code that compiles and works.
 */
class ReadmeExamplesTest {

  private static final Path ROOT = Path.of("..").toAbsolutePath().normalize();
  private static final Markdown README = Markdown.read(ROOT.resolve("README.md"));

  /** A marked block and the document it is in. */
  private record Marked(String document, Markdown.Block block) {
    String where() {
      return document + ":" + block.line();
    }
  }

  /** The drop-in examples every user looks for in the README. */
  private static final Set<String> SHOWN =
      Set.of(
          "examples/jetty/src/main/java/example/jetty/JettyWithInitParams.java",
          "examples/jetty/src/main/java/example/jetty/JettyWithBuilder.java",
          "examples/tomcat/src/main/webapp/WEB-INF/web.xml",
          "examples/spring-boot/src/main/resources/application.properties");

  private static final Pattern DEPENDENCY =
      Pattern.compile("<dependency>(.*?)</dependency>", Pattern.DOTALL);

  @Test
  void everyExampleBlockIsARunOfLinesOfItsFile() throws IOException {
    List<Marked> blocks = marked("example:");
    assertThat(blocks).isNotEmpty();
    for (Marked marked : blocks) {
      Path file = ROOT.resolve(argument(marked.block()));
      assertThat(file).as("%s names a file", marked.where()).isRegularFile();
      List<String> shown = dedent(marked.block().lines());
      List<String> source = Files.readAllLines(file);
      if (!containsRun(source, shown)) {
        fail(
            "%s: the block is not in %s as shown; first line that differs from the closest run"
                + " of the file: %s",
            marked.where(), argument(marked.block()), firstDifference(source, shown));
      }
    }
  }

  @Test
  void theReadmeShowsEveryDropInExample() {
    Set<String> shown = new TreeSet<>();
    blocksMarked("example:").forEach(b -> shown.add(argument(b)));
    assertThat(shown).containsAll(SHOWN);
  }

  @Test
  void dependencyBlocksNameArtifactsTheExampleUsesAtTheBuildsVersions() throws IOException {
    List<Marked> blocks = marked("dependencies:");
    assertThat(blocks).isNotEmpty();
    for (Marked marked : blocks) {
      Markdown.Block block = marked.block();
      String pom = Files.readString(ROOT.resolve(argument(block)));
      Matcher m = DEPENDENCY.matcher(String.join("\n", block.lines()));
      int count = 0;
      while (m.find()) {
        count++;
        String groupId = element(m.group(1), "groupId");
        String artifactId = element(m.group(1), "artifactId");
        String where = marked.where() + ": " + groupId + ":" + artifactId;
        assertThat(pom)
            .as("%s is a dependency of %s", where, argument(block))
            .containsPattern(
                "<groupId>"
                    + Pattern.quote(groupId)
                    + "</groupId>\\s*<artifactId>"
                    + Pattern.quote(artifactId)
                    + "</artifactId>");
        String built = System.getProperty("version." + groupId);
        assertThat(built).as("%s: the build passes the version of %s", where, groupId).isNotNull();
        assertThat(element(m.group(1), "version")).as(where).isEqualTo(built);
      }
      assertThat(count).as("%s names dependencies", marked.where()).isPositive();
    }
  }

  private static List<Markdown.Block> blocksMarked(String kind) {
    return README.blocks().stream()
        .filter(b -> b.marker() != null && b.marker().startsWith(kind))
        .toList();
  }

  /** Marked blocks of the README and every document in docs/. */
  private static List<Marked> marked(String kind) throws IOException {
    List<Path> documents = new ArrayList<>();
    documents.add(ROOT.resolve("README.md"));
    try (Stream<Path> docs = Files.list(ROOT.resolve("docs"))) {
      docs.filter(p -> p.toString().endsWith(".md")).sorted().forEach(documents::add);
    }
    List<Marked> marked = new ArrayList<>();
    for (Path document : documents) {
      for (Markdown.Block block : Markdown.read(document).blocks()) {
        if (block.marker() != null && block.marker().startsWith(kind)) {
          marked.add(new Marked(ROOT.relativize(document).toString(), block));
        }
      }
    }
    return marked;
  }

  private static String argument(Markdown.Block block) {
    return block.marker().substring(block.marker().indexOf(':') + 1).strip();
  }

  private static String element(String xml, String name) {
    Matcher m = Pattern.compile("<" + name + ">\\s*(.*?)\\s*</" + name + ">").matcher(xml);
    return m.find() ? m.group(1) : "(none)";
  }

  static boolean containsRun(List<String> source, List<String> shown) {
    for (int i = 0; i + shown.size() <= source.size(); i++) {
      if (dedent(source.subList(i, i + shown.size())).equals(shown)) {
        return true;
      }
    }
    return false;
  }

  private static String firstDifference(List<String> source, List<String> shown) {
    int best = -1;
    String differs = shown.isEmpty() ? "(empty block)" : shown.get(0);
    for (int i = 0; i + shown.size() <= source.size(); i++) {
      List<String> run = dedent(source.subList(i, i + shown.size()));
      int same = 0;
      while (same < shown.size() && run.get(same).equals(shown.get(same))) {
        same++;
      }
      if (same > best) {
        best = same;
        differs = "'" + shown.get(same) + "' where the file has '" + run.get(same) + "'";
      }
    }
    return differs;
  }

  /** Lines without trailing space and without the indentation they all share. */
  static List<String> dedent(List<String> lines) {
    int indent = Integer.MAX_VALUE;
    for (String line : lines) {
      if (!line.isBlank()) {
        indent = Math.min(indent, line.length() - line.stripLeading().length());
      }
    }
    List<String> out = new ArrayList<>(lines.size());
    for (String line : lines) {
      out.add(line.isBlank() ? "" : line.substring(indent).stripTrailing());
    }
    return out;
  }
}
