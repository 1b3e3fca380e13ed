package dev.geofence.policy;

import java.util.Optional;
import java.util.regex.Pattern;
import java.util.regex.PatternSyntaxException;

/**
 * A policy's {@code model-id-pattern}: a regular expression that every model id must match in full,
 * on top of the {@link ModelIds} grammar. It can only narrow what is accepted: it is tried after
 * the grammar, never instead of it.
 *
 * <p>Java's regular expressions backtrack, and a careless pattern such as {@code (a+)+b} takes
 * exponential time on some inputs. The id comes from the caller, so matching reads the id through a
 * counting view that gives up after {@value #MAX_STEPS} character reads and refuses the id: a
 * caller cannot make a request thread spin on the policy's pattern. Immutable and thread-safe.
 */
final class ModelIdPattern {

  /** The longest pattern accepted, in characters. */
  static final int MAX_PATTERN_LENGTH = 500;

  /** Character reads one match may take: far more than any sane pattern needs on 256 characters. */
  static final int MAX_STEPS = 100_000;

  private final Pattern pattern;

  private ModelIdPattern(Pattern pattern) {
    this.pattern = pattern;
  }

  /**
   * @throws IllegalArgumentException with a one-sentence message if {@code text} is not a usable
   *     pattern
   */
  static ModelIdPattern compile(String text) {
    if (text.isBlank()) {
      throw new IllegalArgumentException(
          "'model-id-pattern' is empty; expected a regular expression such as"
              + " '[a-z0-9][a-z0-9.:/@-]*', or no key at all");
    }
    if (text.length() > MAX_PATTERN_LENGTH) {
      throw new IllegalArgumentException(
          "'model-id-pattern' is "
              + text.length()
              + " characters long; expected at most "
              + MAX_PATTERN_LENGTH);
    }
    try {
      return new ModelIdPattern(Pattern.compile(text));
    } catch (PatternSyntaxException e) {
      throw new IllegalArgumentException(
          "'model-id-pattern' is not a regular expression: "
              + e.getDescription()
              + " near index "
              + e.getIndex()
              + "; expected Java regular expression syntax, such as '[a-z0-9][a-z0-9.:/@-]*'");
    }
  }

  /** Why {@code id} does not match, as one sentence; empty when it matches in full. */
  Optional<String> problem(String id) {
    try {
      if (pattern.matcher(new CountingView(id)).matches()) {
        return Optional.empty();
      }
    } catch (TooComplex e) {
      return Optional.of(
          "The model id '"
              + ModelIds.printable(id)
              + "' takes too long to check against the policy's model-id-pattern; expected an id"
              + " that matches it plainly.");
    }
    return Optional.of(
        "The model id '"
            + ModelIds.printable(id)
            + "' does not match the policy's model-id-pattern '"
            + pattern.pattern()
            + "'.");
  }

  /** The pattern as written. */
  String text() {
    return pattern.pattern();
  }

  @Override
  public String toString() {
    return pattern.pattern();
  }

  private static final class TooComplex extends RuntimeException {
    private static final long serialVersionUID = 1L;

    TooComplex() {
      super(null, null, false, false); // no stack trace: it is only a signal
    }
  }

  /** The id, read through a budget of character reads. Not thread-safe: one per match. */
  private static final class CountingView implements CharSequence {
    private final String text;
    private final int offset;
    private final int length;
    private final int[] steps;

    CountingView(String text) {
      this(text, 0, text.length(), new int[] {MAX_STEPS});
    }

    private CountingView(String text, int offset, int length, int[] steps) {
      this.text = text;
      this.offset = offset;
      this.length = length;
      this.steps = steps;
    }

    @Override
    public int length() {
      return length;
    }

    @Override
    public char charAt(int index) {
      if (--steps[0] < 0) {
        throw new TooComplex();
      }
      return text.charAt(offset + index);
    }

    @Override
    public CharSequence subSequence(int start, int end) {
      return new CountingView(text, offset + start, end - start, steps);
    }

    @Override
    public String toString() {
      return text.substring(offset, offset + length);
    }
  }
}
