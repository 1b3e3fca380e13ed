package dev.geofence.docs;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** The docs tests are only as good as their reading of Markdown: checked on small documents. */
class MarkdownTest {

  @TempDir Path dir;

  @Test
  void anchorsAreGitHubsSlugsWithDuplicatesNumbered() throws IOException {
    Markdown doc =
        write(
            "# Region policy",
            "## `geofence audit verify FILE... [--strict]`",
            "### Tomcat 10.1+ / any container: `web.xml`",
            "## Examples",
            "## Examples",
            "```",
            "# not a heading",
            "```");

    assertThat(doc.anchors())
        .containsExactly(
            "region-policy",
            "geofence-audit-verify-file---strict",
            "tomcat-101--any-container-webxml",
            "examples",
            "examples-1");
  }

  @Test
  void aMarkedBlockCarriesItsMarkerAndLinksInCodeAreNotLinks() throws IOException {
    Markdown doc =
        write(
            "See [the policy](policy.md#the-file) and `[not](a-link.md)`.",
            "<!-- example: examples/policy.yaml -->",
            "```yaml",
            "rules:",
            "```",
            "```",
            "[inside](a-block.md)",
            "```");

    assertThat(doc.links()).containsExactly(new Markdown.Link(1, "policy.md#the-file"));
    assertThat(doc.blocks())
        .first()
        .isEqualTo(new Markdown.Block(3, "example: examples/policy.yaml", List.of("rules:")));
    assertThat(doc.blocks().get(1).marker()).isNull();
  }

  @Test
  void aBlockIsARunOfTheFileOnlyWhenEveryLineMatchesIndentationAside() {
    List<String> source =
        List.of("class A {", "  void f() {", "    int x = 1;", "    int y = 2;", "  }", "}");

    assertThat(ReadmeExamplesTest.containsRun(source, List.of("int x = 1;", "int y = 2;")))
        .isTrue();
    assertThat(ReadmeExamplesTest.containsRun(source, List.of("void f() {", "  int x = 1;")))
        .isTrue();
    assertThat(ReadmeExamplesTest.containsRun(source, List.of("int x = 1;", "int y = 3;")))
        .isFalse();
    assertThat(ReadmeExamplesTest.containsRun(source, List.of("int y = 2;", "int x = 1;")))
        .isFalse();
    assertThat(ReadmeExamplesTest.containsRun(source, List.of("void f() {", "int x = 1;")))
        .as("the indentation within the block must be the file's")
        .isFalse();
  }

  private Markdown write(String... lines) throws IOException {
    return Markdown.read(Files.write(dir.resolve("doc.md"), List.of(lines)));
  }
}
