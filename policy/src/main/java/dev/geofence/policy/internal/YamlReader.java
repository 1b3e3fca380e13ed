package dev.geofence.policy.internal;

import com.fasterxml.jackson.core.JacksonException;
import com.fasterxml.jackson.core.JsonLocation;
import com.fasterxml.jackson.core.JsonToken;
import com.fasterxml.jackson.core.StreamReadConstraints;
import com.fasterxml.jackson.dataformat.yaml.YAMLFactory;
import com.fasterxml.jackson.dataformat.yaml.YAMLParser;
import com.fasterxml.jackson.dataformat.yaml.snakeyaml.error.MarkedYAMLException;
import dev.geofence.policy.Diagnostic;
import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.CharBuffer;
import java.nio.charset.CharsetDecoder;
import java.nio.charset.CoderResult;
import java.nio.charset.CodingErrorAction;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.Optional;

/**
 * Reads one YAML document into a {@link YamlNode} tree with line and column on every node, turning
 * every problem (size, encoding, syntax, duplicate keys, aliases, nesting) into a {@link
 * Diagnostic} instead of an exception. Stateless and thread-safe.
 *
 * <p>Limits keep a hostile or broken file cheap to reject: at most {@link #MAX_BYTES} bytes, at
 * most {@link #MAX_DEPTH} levels of nesting, and no aliases at all, so an alias bomb ("billion
 * laughs") is refused rather than expanded. (Jackson does not expand aliases either; refusing them
 * also keeps every value visible where it is used, which reviewers of a policy want.)
 */
public final class YamlReader {

  /** Largest file accepted: 1 MiB, far above any real policy. */
  public static final int MAX_BYTES = 1 << 20;

  /** Deepest nesting accepted; a policy needs four levels. */
  public static final int MAX_DEPTH = 20;

  private static final YAMLFactory FACTORY =
      YAMLFactory.builder()
          .streamReadConstraints(
              StreamReadConstraints.builder()
                  .maxNestingDepth(MAX_DEPTH + 2)
                  .maxStringLength(MAX_BYTES)
                  .maxDocumentLength(MAX_BYTES * 4L)
                  .build())
          .build();

  /**
   * The tree, when the file could be read, the errors found while reading it, and the bytes read
   * (empty when the file could not be read or was too large).
   */
  public record Result(Optional<YamlNode> root, List<Diagnostic> errors, byte[] content) {
    public Result {
      Objects.requireNonNull(root, "root");
      errors = List.copyOf(errors);
      Objects.requireNonNull(content, "content");
    }

    Result withContent(byte[] bytes) {
      return new Result(root, errors, bytes);
    }
  }

  private YamlReader() {}

  /** Reads a file, refusing it unread if it is larger than {@link #MAX_BYTES}. */
  public static Result readFile(Path path, String file) {
    Objects.requireNonNull(path, "path");
    Objects.requireNonNull(file, "file");
    try {
      long size = Files.size(path);
      if (size > MAX_BYTES) {
        return failure(file, 1, 1, tooLarge(size));
      }
      byte[] bytes = Files.readAllBytes(path);
      return read(bytes, file);
    } catch (IOException | RuntimeException e) {
      return failure(file, 1, 1, "cannot read the file: " + describe(e));
    }
  }

  /** Reads UTF-8 bytes (a leading byte-order mark is ignored). */
  public static Result read(byte[] bytes, String file) {
    Objects.requireNonNull(bytes, "bytes");
    Objects.requireNonNull(file, "file");
    if (bytes.length > MAX_BYTES) {
      return failure(file, 1, 1, tooLarge(bytes.length));
    }
    CharsetDecoder decoder =
        StandardCharsets.UTF_8
            .newDecoder()
            .onMalformedInput(CodingErrorAction.REPORT)
            .onUnmappableCharacter(CodingErrorAction.REPORT);
    ByteBuffer in = ByteBuffer.wrap(bytes);
    CharBuffer out = CharBuffer.allocate(bytes.length + 1);
    CoderResult result = decoder.decode(in, out, true);
    if (result.isError()) {
      out.flip();
      int[] at = lineAndColumnAfter(out);
      return failure(
          file,
          at[0],
          at[1],
          String.format(
              "the file is not UTF-8 text (byte 0x%02X at offset %d); a policy file is UTF-8 YAML",
              bytes[in.position()] & 0xFF, in.position()));
    }
    decoder.flush(out);
    out.flip();
    return read(out.toString(), file).withContent(bytes);
  }

  /** Reads text; the result's content is empty (callers that hash text encode it themselves). */
  public static Result read(String text, String file) {
    Objects.requireNonNull(text, "text");
    Objects.requireNonNull(file, "file");
    if (!text.isEmpty() && text.charAt(0) == '\uFEFF') {
      text = text.substring(1);
    }
    if (text.length() > MAX_BYTES) {
      return failure(file, 1, 1, tooLarge(text.length()));
    }
    Optional<Diagnostic> control = firstControlCharacter(text, file);
    if (control.isPresent()) {
      return new Result(Optional.empty(), List.of(control.get()), new byte[0]);
    }
    return new TreeBuilder(file).build(text);
  }

  private static String tooLarge(long size) {
    return "the file is "
        + size
        + " bytes; a policy file may be at most "
        + MAX_BYTES
        + " bytes (1 MiB)";
  }

  // SnakeYAML reports control characters at the start of the document; find the real place.
  private static Optional<Diagnostic> firstControlCharacter(String text, String file) {
    int line = 1;
    int column = 1;
    for (int i = 0; i < text.length(); i++) {
      char c = text.charAt(i);
      if (c == '\n') {
        line++;
        column = 1;
        continue;
      }
      boolean control =
          (c < 0x20 && c != '\t' && c != '\r') || c == 0x7F || c == '\uFFFE' || c == '\uFFFF';
      if (control) {
        return Optional.of(
            Diagnostic.error(
                file,
                line,
                column,
                String.format(
                    "control character U+%04X is not allowed; a policy file is UTF-8 YAML text",
                    (int) c)));
      }
      column++;
    }
    return Optional.empty();
  }

  private static int[] lineAndColumnAfter(CharSequence prefix) {
    int line = 1;
    int column = 1;
    for (int i = 0; i < prefix.length(); i++) {
      if (prefix.charAt(i) == '\n') {
        line++;
        column = 1;
      } else {
        column++;
      }
    }
    return new int[] {line, column};
  }

  private static Result failure(String file, int line, int column, String message) {
    return new Result(
        Optional.empty(), List.of(Diagnostic.error(file, line, column, message)), new byte[0]);
  }

  private static String describe(Exception e) {
    String message = e.getMessage();
    String kind =
        e.getClass().getSimpleName().replace("Exception", "").replaceAll("([a-z])([A-Z])", "$1 $2");
    return message == null
        ? kind.toLowerCase(java.util.Locale.ROOT)
        : kind.toLowerCase(java.util.Locale.ROOT) + " (" + message + ")";
  }

  /** Thrown inside the builder to stop at the first fatal problem; never escapes. */
  private static final class Stop extends Exception {
    Stop() {
      super(null, null, false, false);
    }
  }

  private static final class TreeBuilder {
    private final String file;
    private final List<Diagnostic> errors = new ArrayList<>();
    private YAMLParser parser;

    TreeBuilder(String file) {
      this.file = file;
    }

    Result build(String text) {
      YamlNode root = null;
      try (YAMLParser p = FACTORY.createParser(text)) {
        parser = p;
        JsonToken first = p.nextToken();
        if (first == null) {
          errors.add(Diagnostic.error(file, 1, 1, "the file is empty; expected a YAML mapping"));
        } else {
          root = node(first, 1);
          if (p.nextToken() != null) {
            int[] at = tokenAt();
            errors.add(
                Diagnostic.error(
                    file,
                    at[0],
                    at[1],
                    "a second YAML document starts here; the file must hold exactly one"));
            root = null;
          }
        }
      } catch (Stop stop) {
        root = null;
      } catch (JacksonException e) {
        errors.add(syntaxError(e));
        root = null;
      } catch (IOException | RuntimeException e) {
        int[] at = tokenAt();
        errors.add(Diagnostic.error(file, at[0], at[1], "the YAML cannot be read: " + describe(e)));
        root = null;
      }
      return new Result(Optional.ofNullable(root), errors, new byte[0]);
    }

    private YamlNode node(JsonToken token, int depth) throws IOException, Stop {
      int[] at = tokenAt();
      if (depth > MAX_DEPTH) {
        errors.add(
            Diagnostic.error(
                file,
                at[0],
                at[1],
                "the YAML is nested more than "
                    + MAX_DEPTH
                    + " levels deep; a policy needs at most 5"));
        throw new Stop();
      }
      switch (token) {
        case START_OBJECT:
          return mapping(at, depth);
        case START_ARRAY:
          return sequence(at, depth);
        default:
          return scalar(token, at);
      }
    }

    private YamlNode.Mapping mapping(int[] at, int depth) throws IOException, Stop {
      List<YamlNode.Entry> entries = new ArrayList<>();
      Map<String, YamlNode.Scalar> seen = new HashMap<>();
      JsonToken token;
      while ((token = parser.nextToken()) != JsonToken.END_OBJECT) {
        if (token == null) {
          throw new Stop(); // unreachable: the parser reports an unclosed mapping first
        }
        int[] keyAt = tokenAt();
        YamlNode.Scalar key =
            new YamlNode.Scalar(parser.getText(), YamlNode.Kind.STRING, keyAt[0], keyAt[1]);
        YamlNode value = node(parser.nextToken(), depth + 1);
        YamlNode.Scalar first = seen.putIfAbsent(key.text(), key);
        if (first != null) {
          errors.add(
              Diagnostic.error(
                  file,
                  key.line(),
                  key.column(),
                  "duplicate key '"
                      + key.text()
                      + "'; it is already given at line "
                      + first.line()
                      + ", column "
                      + first.column()));
        } else {
          entries.add(new YamlNode.Entry(key, value));
        }
      }
      return new YamlNode.Mapping(entries, at[0], at[1]);
    }

    private YamlNode.Sequence sequence(int[] at, int depth) throws IOException, Stop {
      List<YamlNode> items = new ArrayList<>();
      JsonToken token;
      while ((token = parser.nextToken()) != JsonToken.END_ARRAY) {
        if (token == null) {
          throw new Stop();
        }
        items.add(node(token, depth + 1));
      }
      return new YamlNode.Sequence(items, at[0], at[1]);
    }

    private YamlNode.Scalar scalar(JsonToken token, int[] at) throws IOException {
      String text = parser.getText();
      if (parser.isCurrentAlias()) {
        errors.add(
            Diagnostic.error(
                file,
                at[0],
                at[1],
                "YAML aliases are not supported ('*" + text + "'); write the value out in full"));
        return new YamlNode.Scalar("", YamlNode.Kind.NULL, at[0], at[1]);
      }
      YamlNode.Kind kind;
      switch (token) {
        case VALUE_TRUE:
        case VALUE_FALSE:
          kind = YamlNode.Kind.BOOLEAN;
          break;
        case VALUE_NULL:
          kind = YamlNode.Kind.NULL;
          break;
        case VALUE_NUMBER_INT:
        case VALUE_NUMBER_FLOAT:
          kind = YamlNode.Kind.NUMBER;
          break;
        default:
          kind = YamlNode.Kind.STRING;
      }
      return new YamlNode.Scalar(text == null ? "" : text, kind, at[0], at[1]);
    }

    private int[] tokenAt() {
      if (parser == null) {
        return new int[] {1, 1};
      }
      JsonLocation location = parser.currentTokenLocation();
      return positionOf(location);
    }

    // Jackson 2 deprecates its wrapper of SnakeYAML's marked exception but offers no other way to
    // the problem's own text and position without depending on SnakeYAML directly.
    @SuppressWarnings("deprecation")
    private Diagnostic syntaxError(JacksonException e) {
      int[] at = positionOf(e.getLocation());
      String message;
      if (e instanceof MarkedYAMLException marked) {
        // The problem mark is where the scanner saw the problem; the parser location can lag
        // behind.
        if (marked.getProblemMark() != null) {
          at =
              new int[] {
                marked.getProblemMark().getLine() + 1, marked.getProblemMark().getColumn() + 1
              };
        }
        message = marked.getProblem();
        if (marked.getContext() != null) {
          message = message + " (" + marked.getContext() + ")";
        }
      } else {
        message = e.getOriginalMessage();
      }
      message =
          message == null ? "unreadable YAML" : message.strip().replaceAll("\\s*\\R\\s*", "; ");
      if (message.contains("scanning an alias")) {
        // The usual cause in a policy: where: * instead of where: "*".
        message = message + "; a bare * starts a YAML alias: write \"*\" in quotes for any country";
      }
      return Diagnostic.error(file, at[0], at[1], "YAML syntax error: " + message);
    }

    private static int[] positionOf(JsonLocation location) {
      if (location == null) {
        return new int[] {1, 1};
      }
      return new int[] {Math.max(1, location.getLineNr()), Math.max(1, location.getColumnNr())};
    }
  }
}
