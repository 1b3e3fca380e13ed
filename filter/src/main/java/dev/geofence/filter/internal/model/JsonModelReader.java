package dev.geofence.filter.internal.model;

import com.fasterxml.jackson.core.JsonFactory;
import com.fasterxml.jackson.core.JsonParser;
import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.core.JsonToken;
import com.fasterxml.jackson.core.StreamReadConstraints;
import com.fasterxml.jackson.core.StreamReadFeature;
import dev.geofence.filter.internal.response.Checked;
import dev.geofence.filter.internal.response.RefusalReason;
import java.io.IOException;
import java.util.ArrayList;
import java.util.List;
import java.util.Objects;
import java.util.Optional;

/**
 * Finds one top-level string field (the model) in a JSON body with Jackson's streaming parser,
 * strictly enough that every JSON reader the application might use agrees on the answer. Immutable
 * and thread-safe; build with {@link #builder()}.
 *
 * <p>The whole body is checked in one linear pass, and values other than the model are skipped
 * without being turned into strings. Answers:
 *
 * <ul>
 *   <li>empty body: no model (the next source is tried);
 *   <li>the field holds a string: that string, unescaped, with the byte span of its token;
 *   <li>the field is absent (nested fields of the same name do not count): no model;
 *   <li>400 {@code malformed_json}: not a single JSON object (array, scalar, trailing content,
 *       comments, single quotes, trailing commas...), invalid UTF-8 or a raw control byte, nesting
 *       deeper than the limit. A UTF-8 byte-order mark is skipped, as RFC 8259 allows;
 *   <li>400 {@code ambiguous_model}: the field appears twice, however its name is escaped ({@code
 *       "mod\u0065l"} is {@code model}), or a top-level name differs from it only by case ({@code
 *       "Model"}), which case-insensitive readers would take for it;
 *   <li>400 {@code model_invalid}: the field is a number, boolean, null, array or object.
 * </ul>
 */
public final class JsonModelReader {
  /** The default nesting limit; request bodies with tool schemas stay far below it. */
  public static final int DEFAULT_MAX_NESTING_DEPTH = 128;

  private static final String REQUESTS = "requests";
  private static final String CUSTOM_ID = "custom_id";
  private static final String PARAMS = "params";

  private final JsonFactory factory;
  private final int maxNestingDepth;

  private JsonModelReader(int maxNestingDepth) {
    this.maxNestingDepth = maxNestingDepth;
    // Jackson's read defaults are already strict JSON: no comments, single quotes, unquoted names,
    // trailing commas, NaN or leading zeros. Duplicate keys are checked here only for the model
    // field, which is all that matters and avoids a hash set per object.
    this.factory =
        JsonFactory.builder()
            .streamReadConstraints(
                StreamReadConstraints.builder().maxNestingDepth(maxNestingDepth).build())
            .disable(StreamReadFeature.INCLUDE_SOURCE_IN_LOCATION)
            .build();
  }

  /** A reader with the default limits. */
  public static JsonModelReader defaults() {
    return builder().build();
  }

  /** A new builder. */
  public static Builder builder() {
    return new Builder();
  }

  /** The nesting limit. */
  public int maxNestingDepth() {
    return maxNestingDepth;
  }

  /**
   * Finds top-level field {@code field} in {@code body[0, length)}.
   *
   * @return the model if present, empty if absent or the body is empty, or a 400 rejection
   */
  public Checked<Optional<FoundModel>> read(byte[] body, int length, String field) {
    Objects.requireNonNull(body, "body");
    Objects.requireNonNull(field, "field");
    Objects.checkFromIndexSize(0, length, body.length);
    if (length == 0) {
      return Checked.ok(Optional.empty());
    }
    int bad = Utf8.firstInvalid(body, length);
    if (bad >= 0) {
      return malformed(
          String.format(
              "it has invalid UTF-8 or a raw control character (byte 0x%02X at offset %d)",
              body[bad] & 0xFF, bad));
    }
    try (JsonParser parser = factory.createParser(body, 0, length)) {
      JsonToken first = parser.nextToken();
      if (first != JsonToken.START_OBJECT) {
        return malformed("the top-level value is " + describe(first) + ", not an object");
      }
      Checked<Optional<FoundModel>> found =
          modelIn(parser, field, "The JSON body", "The JSON field \"" + field + "\"");
      if (found.isRefused()) {
        return found;
      }
      JsonToken after = parser.nextToken();
      if (after != null) {
        return malformed("there is content after the top-level object");
      }
      return found;
    } catch (JsonProcessingException e) {
      return malformed(e);
    } catch (IOException e) {
      return malformed(e.getClass().getSimpleName());
    }
  }

  /**
   * The string field {@code field} of the object whose {@code START_OBJECT} the parser has just
   * read, leaving the parser on its {@code END_OBJECT}: empty when absent; refused when it is there
   * twice, not a string, or when another name differs from it only by case. Values of other fields
   * are skipped without being turned into strings.
   *
   * @param where how messages name the object ("The JSON body", "requests[3].params")
   * @param what how messages name the field ("The JSON field "model"", "requests[3].params.model")
   */
  private static Checked<Optional<FoundModel>> modelIn(
      JsonParser parser, String field, String where, String what) throws IOException {
    FoundModel found = null;
    JsonToken token;
    while ((token = parser.nextToken()) == JsonToken.FIELD_NAME) {
      String name = parser.currentName();
      JsonToken value = parser.nextToken();
      if (name.equals(field)) {
        if (found != null) {
          return Checked.refused(
              RefusalReason.AMBIGUOUS_MODEL,
              where + " has the field \"" + field + "\" more than once.");
        }
        if (value != JsonToken.VALUE_STRING) {
          return Checked.refused(
              RefusalReason.MODEL_INVALID,
              what + " is " + describe(value) + "; expected a string.");
        }
        int start = (int) parser.currentTokenLocation().getByteOffset();
        String model = parser.getText();
        int end = (int) parser.currentLocation().getByteOffset();
        found = new FoundModel(model, new ModelLocation.Body(field, start, end));
      } else if (name.equalsIgnoreCase(field)) {
        return Checked.refused(
            RefusalReason.AMBIGUOUS_MODEL,
            where
                + " has a field \""
                + shorten(name)
                + "\" that differs from \""
                + field
                + "\" only by case.");
      } else {
        skip(parser, value);
      }
    }
    if (token != JsonToken.END_OBJECT) {
      return malformed("it ends inside an object");
    }
    return Checked.ok(Optional.ofNullable(found));
  }

  /** Skips a value without materialising strings; nesting depth is still enforced. */
  private static void skip(JsonParser parser, JsonToken value) throws IOException {
    if (value == JsonToken.START_OBJECT || value == JsonToken.START_ARRAY) {
      parser.skipChildren();
    }
  }

  /**
   * Every entry of a Message Batches body ({@code {"requests":[{"custom_id":...,"params":{"model":
   * ...}}, ...]}}), each with the rules of a single message body applied to {@code params}: the
   * same strict JSON, {@code model} exactly once, a string, no name differing only by case (nor for
   * {@code requests} and {@code params}, which case-insensitive readers would take for them).
   * Refused: not a JSON object, no {@code requests} array or an empty one (400 {@code
   * malformed_batch}), an entry that is not an object, has no string {@code custom_id} or no {@code
   * params} object (400 {@code malformed_batch}), an entry without a model (400 {@code
   * model_missing}), more than {@code maxEntries} entries (413 {@code batch_too_large}).
   *
   * @return the entries in order, never empty, or the refusal
   */
  public Checked<List<BatchEntry>> readBatch(byte[] body, int length, int maxEntries) {
    Objects.requireNonNull(body, "body");
    Objects.checkFromIndexSize(0, length, body.length);
    int bad = Utf8.firstInvalid(body, length);
    if (bad >= 0) {
      return malformed(
          String.format(
              "it has invalid UTF-8 or a raw control character (byte 0x%02X at offset %d)",
              body[bad] & 0xFF, bad));
    }
    try (JsonParser parser = factory.createParser(body, 0, length)) {
      JsonToken first = parser.nextToken();
      if (first != JsonToken.START_OBJECT) {
        return malformed("the top-level value is " + describe(first) + ", not an object");
      }
      List<BatchEntry> entries = null;
      JsonToken token;
      while ((token = parser.nextToken()) == JsonToken.FIELD_NAME) {
        String name = parser.currentName();
        JsonToken value = parser.nextToken();
        if (name.equals(REQUESTS)) {
          if (entries != null) {
            return Checked.refused(
                RefusalReason.AMBIGUOUS_MODEL,
                "The batch has the field \"" + REQUESTS + "\" more than once.");
          }
          if (value != JsonToken.START_ARRAY) {
            return batchMalformed("\"requests\" is " + describe(value) + "; expected an array");
          }
          entries = new ArrayList<>();
          JsonToken element;
          while ((element = parser.nextToken()) != JsonToken.END_ARRAY) {
            if (entries.size() == maxEntries) {
              return Checked.refused(
                  RefusalReason.BATCH_TOO_LARGE,
                  "The batch has more than "
                      + maxEntries
                      + " entries, the limit set by max-batch-entries.");
            }
            Checked<BatchEntry> entry = entry(parser, element, entries.size());
            if (entry.isRefused()) {
              return Checked.refused(entry.refusal());
            }
            entries.add(entry.value());
          }
        } else if (name.equalsIgnoreCase(REQUESTS)) {
          return Checked.refused(
              RefusalReason.AMBIGUOUS_MODEL,
              "The batch has a field \""
                  + shorten(name)
                  + "\" that differs from \""
                  + REQUESTS
                  + "\" only by case.");
        } else {
          skip(parser, value);
        }
      }
      if (token != JsonToken.END_OBJECT) {
        return malformed("it ends inside the top-level object");
      }
      if (parser.nextToken() != null) {
        return malformed("there is content after the top-level object");
      }
      if (entries == null || entries.isEmpty()) {
        return batchMalformed(
            entries == null ? "it has no \"requests\" array" : "\"requests\" is empty");
      }
      return Checked.ok(List.copyOf(entries));
    } catch (JsonProcessingException e) {
      return malformed(e);
    } catch (IOException e) {
      return malformed(e.getClass().getSimpleName());
    }
  }

  /** One entry, whose first token the parser has just read; leaves the parser on its end. */
  private static Checked<BatchEntry> entry(JsonParser parser, JsonToken first, int index)
      throws IOException {
    String where = "requests[" + index + "]";
    if (first != JsonToken.START_OBJECT) {
      return batchMalformed(where + " is " + describe(first) + "; expected an object");
    }
    String customId = null;
    boolean customIdSeen = false;
    Optional<FoundModel> model = null; // null: no params yet
    JsonToken token;
    while ((token = parser.nextToken()) == JsonToken.FIELD_NAME) {
      String name = parser.currentName();
      JsonToken value = parser.nextToken();
      if (name.equals(CUSTOM_ID)) {
        if (customIdSeen) {
          return batchMalformed(where + " has \"custom_id\" more than once");
        }
        customIdSeen = true;
        if (value != JsonToken.VALUE_STRING) {
          return batchMalformed(where + ".custom_id is " + describe(value) + "; expected a string");
        }
        customId = parser.getText();
      } else if (name.equals(PARAMS)) {
        if (model != null) {
          return Checked.refused(
              RefusalReason.AMBIGUOUS_MODEL,
              where + " has the field \"" + PARAMS + "\" more than once.");
        }
        if (value != JsonToken.START_OBJECT) {
          return batchMalformed(where + ".params is " + describe(value) + "; expected an object");
        }
        Checked<Optional<FoundModel>> found =
            modelIn(parser, ModelSource.DEFAULT_FIELD, where + ".params", where + ".params.model");
        if (found.isRefused()) {
          return Checked.refused(found.refusal());
        }
        model = found.value();
      } else if (name.equalsIgnoreCase(PARAMS)) {
        return Checked.refused(
            RefusalReason.AMBIGUOUS_MODEL,
            where
                + " has a field \""
                + shorten(name)
                + "\" that differs from \""
                + PARAMS
                + "\" only by case.");
      } else {
        skip(parser, value);
      }
    }
    if (token != JsonToken.END_OBJECT) {
      return malformed("it ends inside " + where);
    }
    if (customId == null) {
      return batchMalformed(where + " has no \"custom_id\"");
    }
    if (model == null) {
      return batchMalformed(where + " has no \"params\" object");
    }
    if (model.isEmpty()) {
      return Checked.refused(
          RefusalReason.MODEL_MISSING,
          where + " names no model; expected it in " + where + ".params.model.");
    }
    return Checked.ok(new BatchEntry(index, customId, model.get()));
  }

  private static <T> Checked<T> batchMalformed(String why) {
    return Checked.refused(
        RefusalReason.MALFORMED_BATCH,
        "The request body is not a Message Batches request: " + why + ".");
  }

  private static String describe(JsonToken token) {
    if (token == null) {
      return "missing";
    }
    return switch (token) {
      case START_OBJECT -> "an object";
      case START_ARRAY -> "an array";
      case VALUE_STRING -> "a string";
      case VALUE_NUMBER_INT, VALUE_NUMBER_FLOAT -> "a number";
      case VALUE_TRUE, VALUE_FALSE -> "a boolean";
      case VALUE_NULL -> "null";
      default -> token.toString();
    };
  }

  private static String shorten(String s) {
    return s.length() > 120 ? s.substring(0, 120) + "..." : s;
  }

  private static <T> Checked<T> malformed(JsonProcessingException e) {
    String message =
        e.getOriginalMessage() == null ? e.getClass().getSimpleName() : e.getOriginalMessage();
    long offset = e.getLocation() == null ? -1 : e.getLocation().getByteOffset();
    return malformed(
        shorten(message.lines().findFirst().orElse(message))
            + (offset >= 0 ? " at byte " + offset : ""));
  }

  private static <T> Checked<T> malformed(String why) {
    return Checked.refused(
        RefusalReason.MALFORMED_JSON, "The request body is not a valid JSON object: " + why + ".");
  }

  @Override
  public String toString() {
    return "JsonModelReader[maxNestingDepth=" + maxNestingDepth + "]";
  }

  /** Builds a {@link JsonModelReader}; validates each option when set. Not thread-safe. */
  public static final class Builder {
    private int maxNestingDepth = DEFAULT_MAX_NESTING_DEPTH;

    private Builder() {}

    /**
     * The deepest nesting of objects and arrays accepted (default 128).
     *
     * @throws IllegalArgumentException if not between 1 and 1000
     */
    public Builder maxNestingDepth(int depth) {
      if (depth < 1 || depth > 1000) {
        throw new IllegalArgumentException(
            "JSON nesting limit " + depth + " is out of range; expected 1 to 1000.");
      }
      this.maxNestingDepth = depth;
      return this;
    }

    /** The reader. */
    public JsonModelReader build() {
      return new JsonModelReader(maxNestingDepth);
    }
  }
}
