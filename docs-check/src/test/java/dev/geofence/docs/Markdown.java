package dev.geofence.docs;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Set;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/** The parts of a Markdown file the docs tests read: fenced blocks, links and heading anchors. */
final class Markdown {

  /**
   * A fenced code block: the line of its opening fence (from 1), the HTML comment on the line
   * before it, if any, and the lines inside.
   */
  record Block(int line, String marker, List<String> lines) {}

  /** A link target as written, with the line it is on. */
  record Link(int line, String target) {}

  private static final Pattern MARKER = Pattern.compile("<!--\\s*(.*?)\\s*-->");
  private static final Pattern LINK = Pattern.compile("!?\\[[^\\]]*\\]\\(([^)\\s]+)\\)");
  private static final Pattern INLINE_CODE = Pattern.compile("`[^`]*`");

  final Path file;
  private final List<String> lines;

  private Markdown(Path file, List<String> lines) {
    this.file = file;
    this.lines = lines;
  }

  static Markdown read(Path file) {
    try {
      return new Markdown(file, Files.readAllLines(file));
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
  }

  List<Block> blocks() {
    List<Block> blocks = new ArrayList<>();
    for (int i = 0; i < lines.size(); i++) {
      if (!isFence(lines.get(i))) {
        continue;
      }
      String marker = null;
      if (i > 0) {
        Matcher m = MARKER.matcher(lines.get(i - 1).strip());
        if (m.matches()) {
          marker = m.group(1);
        }
      }
      int start = i + 1;
      int end = start;
      while (end < lines.size() && !isFence(lines.get(end))) {
        end++;
      }
      blocks.add(new Block(start, marker, List.copyOf(lines.subList(start, end))));
      i = end;
    }
    return blocks;
  }

  /** Links outside code blocks and inline code. */
  List<Link> links() {
    List<Link> links = new ArrayList<>();
    boolean inBlock = false;
    for (int i = 0; i < lines.size(); i++) {
      String line = lines.get(i);
      if (isFence(line)) {
        inBlock = !inBlock;
        continue;
      }
      if (inBlock) {
        continue;
      }
      Matcher m = LINK.matcher(INLINE_CODE.matcher(line).replaceAll("``"));
      while (m.find()) {
        links.add(new Link(i + 1, m.group(1)));
      }
    }
    return links;
  }

  /** The anchors GitHub gives this file's headings, duplicates numbered as it numbers them. */
  Set<String> anchors() {
    Set<String> anchors = new LinkedHashSet<>();
    Map<String, Integer> seen = new HashMap<>();
    boolean inBlock = false;
    for (String line : lines) {
      if (isFence(line)) {
        inBlock = !inBlock;
      }
      if (inBlock || !line.startsWith("#")) {
        continue;
      }
      String text = line.replaceFirst("^#+\\s*", "");
      String slug =
          text.toLowerCase(Locale.ROOT).replaceAll("[^\\p{L}\\p{N} _-]", "").replace(' ', '-');
      int n = seen.merge(slug, 1, Integer::sum);
      anchors.add(n == 1 ? slug : slug + "-" + (n - 1));
    }
    return anchors;
  }

  int lineCount() {
    return lines.size();
  }

  private static boolean isFence(String line) {
    return line.stripLeading().startsWith("```");
  }
}
