package dev.geofence.docs;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;

/**
 * Every relative link in the README and docs/ leads to a file that exists and, for a link with an
 * {@code #anchor} into Markdown, to a heading that exists: reference moved out of the README must
 * stay reachable from it.
 */
class DocLinksTest {

  private static final Path ROOT = Path.of("..").toAbsolutePath().normalize();

  @Test
  void everyRelativeLinkLeadsToAFileAndHeadingThatExist() throws IOException {
    List<String> broken = new ArrayList<>();
    for (Path file : markdownFiles()) {
      Markdown doc = Markdown.read(file);
      for (Markdown.Link link : doc.links()) {
        String target = link.target();
        if (target.matches("^[a-z]+:.*")) {
          continue; // http:, https:, mailto:
        }
        int hash = target.indexOf('#');
        String path = hash < 0 ? target : target.substring(0, hash);
        String anchor = hash < 0 ? null : target.substring(hash + 1);
        Path resolved = path.isEmpty() ? file : file.getParent().resolve(path).normalize();
        String where = ROOT.relativize(file) + ":" + link.line() + ": " + target;
        if (!Files.exists(resolved)) {
          broken.add(where + " (no such file)");
        } else if (anchor != null
            && resolved.toString().endsWith(".md")
            && !Markdown.read(resolved).anchors().contains(anchor)) {
          broken.add(where + " (no such heading)");
        }
      }
    }
    assertThat(broken).isEmpty();
  }

  @Test
  void theReadmeLinksEveryDocument() throws IOException {
    List<String> linked = new ArrayList<>();
    Markdown.read(ROOT.resolve("README.md"))
        .links()
        .forEach(l -> linked.add(l.target().replaceFirst("#.*", "")));
    try (Stream<Path> docs = Files.list(ROOT.resolve("docs"))) {
      List<String> documents =
          docs.filter(p -> p.toString().endsWith(".md"))
              .map(p -> "docs/" + p.getFileName())
              .toList();
      assertThat(linked).containsAll(documents);
    }
  }

  /** A front door, not a manual: reference belongs in docs/, linked from the README. */
  @Test
  void theReadmeStaysUnderFiveHundredLines() throws IOException {
    assertThat(Files.readAllLines(ROOT.resolve("README.md")))
        .as("README.md lines; move reference to docs/ and link it")
        .hasSizeLessThan(500);
  }

  private static List<Path> markdownFiles() throws IOException {
    List<Path> files = new ArrayList<>();
    files.add(ROOT.resolve("README.md"));
    try (Stream<Path> docs = Files.walk(ROOT.resolve("docs"))) {
      docs.filter(p -> p.toString().endsWith(".md")).sorted().forEach(files::add);
    }
    try (Stream<Path> examples = Files.walk(ROOT.resolve("examples"))) {
      examples
          .filter(p -> p.toString().endsWith(".md") && !p.toString().contains("/target/"))
          .sorted()
          .forEach(files::add);
    }
    return files;
  }
}
