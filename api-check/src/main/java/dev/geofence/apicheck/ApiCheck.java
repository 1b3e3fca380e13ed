package dev.geofence.apicheck;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Objects;

/**
 * Compares the public API of a compiled module with its committed listing, and fails when they
 * differ; or, asked to update, rewrites the committed listing.
 *
 * <p>The build runs it in the {@code verify} phase of each library module, with the module's
 * classes and compile class path on the class loader it is started in:
 *
 * <pre>{@code
 * ApiCheck --name geofence-filter --classes target/classes
 *     --listing api/geofence-filter.api --output target/api/geofence-filter.api
 *     [--update true] [--root ..]
 * }</pre>
 *
 * <p>The listing just built is always written to {@code --output}, so it can be compared or copied
 * by hand.
 */
public final class ApiCheck {

  /** The command that accepts a change of the API, named in every failure. */
  static final String UPDATE_COMMAND = "mvn verify -Dgeofence.api.update";

  /** How many changed lines a failure shows before it says how many more there are. */
  static final int MAX_SHOWN = 40;

  private static final List<String> OPTIONS =
      List.of("name", "classes", "listing", "output", "update", "root");

  private final String name;
  private final Path classes;
  private final Path listing;
  private final Path output;
  private final boolean update;
  private final Path root;

  private ApiCheck(
      String name, Path classes, Path listing, Path output, boolean update, Path root) {
    this.name = Objects.requireNonNull(name, "name");
    this.classes = Objects.requireNonNull(classes, "classes");
    this.listing = Objects.requireNonNull(listing, "listing");
    this.output = Objects.requireNonNull(output, "output");
    this.update = update;
    this.root = root;
  }

  /**
   * Runs the check with the arguments shown in the class comment, reading the classes through the
   * context class loader.
   *
   * @throws ApiChangedException if the API differs from the listing and {@code --update} is not
   *     {@code true}
   */
  public static void main(String[] args) throws IOException, ApiChangedException {
    ApiCheck check = fromArguments(args);
    ClassLoader loader = Thread.currentThread().getContextClassLoader();
    String message = check.run(loader != null ? loader : ApiCheck.class.getClassLoader());
    if (!message.isEmpty()) {
      // A build tool's one line of output, on the console where Maven logs.
      System.out.println(message);
    }
  }

  static ApiCheck fromArguments(String[] args) {
    Map<String, String> options = new HashMap<>();
    for (int i = 0; i < args.length; i++) {
      String arg = args[i];
      if (!arg.startsWith("--")) {
        throw new IllegalArgumentException("unexpected argument '" + arg + "'; options start --");
      }
      int eq = arg.indexOf('=');
      if (eq > 0) {
        options.put(arg.substring(2, eq), arg.substring(eq + 1));
      } else if (i + 1 < args.length) {
        options.put(arg.substring(2), args[++i]);
      } else {
        throw new IllegalArgumentException("option " + arg + " has no value");
      }
    }
    for (String key : options.keySet()) {
      if (!OPTIONS.contains(key)) {
        throw new IllegalArgumentException(
            "unknown option --"
                + key
                + "; expected --name, --classes, --listing, --output,"
                + " --update or --root");
      }
    }
    String update = options.getOrDefault("update", "false").strip();
    if (!update.equals("true") && !update.equals("false") && !update.isEmpty()) {
      throw new IllegalArgumentException("--update is '" + update + "'; expected true or false");
    }
    return new ApiCheck(
        required(options, "name"),
        Path.of(required(options, "classes")),
        Path.of(required(options, "listing")),
        Path.of(required(options, "output")),
        // -Dgeofence.api.update with no value is "true"; an empty value means it too.
        !update.equals("false"),
        options.containsKey("root") ? Path.of(options.get("root")) : null);
  }

  /** Whether this check rewrites the listing instead of failing. */
  boolean updates() {
    return update;
  }

  private static String required(Map<String, String> options, String key) {
    String value = options.getOrDefault(key, "").strip();
    if (value.isEmpty()) {
      throw new IllegalArgumentException("option --" + key + " is missing");
    }
    return value;
  }

  /**
   * Lists the API, writes the listing to the output file, and compares it with the committed one
   * or, when updating, rewrites the committed one.
   *
   * @return what was done worth saying (the listing was rewritten), or the empty string
   * @throws ApiChangedException if the API differs from the committed listing and this check does
   *     not update it
   */
  String run(ClassLoader loader) throws IOException, ApiChangedException {
    String built = ApiListing.of(classes, loader);
    write(output, built);
    boolean exists = Files.isRegularFile(listing);
    String committed =
        exists ? Files.readString(listing, StandardCharsets.UTF_8).replace("\r\n", "\n") : "";
    if (committed.equals(built)) {
      return "";
    }
    ListingDiff diff = ListingDiff.between(lines(committed), lines(built));
    if (update) {
      write(listing, built);
      if (!exists) {
        return name + ": wrote the API listing " + shown(listing) + ". Commit it.";
      }
      return name
          + ": the API changed ("
          + diff.summary()
          + "); wrote "
          + shown(listing)
          + ". Commit it with the change.";
    }
    throw new ApiChangedException(failure(exists, diff));
  }

  private String failure(boolean exists, ListingDiff diff) {
    if (!exists) {
      return name
          + ": there is no API listing at "
          + shown(listing)
          + ". Create it with: "
          + UPDATE_COMMAND
          + " (the listing just built is "
          + shown(output)
          + "), then commit it.";
    }
    return name
        + ": the public API differs from "
        + shown(listing)
        + " ("
        + diff.summary()
        + "):\n"
        + diff.excerpt(MAX_SHOWN)
        + "If the change is intended, accept it with: "
        + UPDATE_COMMAND
        + " (add -DskipTests to skip the tests).\n"
        + "That rewrites "
        + shown(listing)
        + "; commit it with the change. Otherwise undo the change to the API.\n"
        + "The listing just built is "
        + shown(output)
        + ".";
  }

  /** A path as the reader would type it: from the project root where it is known. */
  private String shown(Path path) {
    Path absolute = path.toAbsolutePath().normalize();
    if (root != null) {
      Path base = root.toAbsolutePath().normalize();
      if (absolute.startsWith(base)) {
        return base.relativize(absolute).toString().replace('\\', '/');
      }
    }
    return absolute.toString();
  }

  private static List<String> lines(String text) {
    return text.isEmpty() ? List.of() : List.of(text.split("\n", -1));
  }

  private static void write(Path file, String text) throws IOException {
    Path parent = file.toAbsolutePath().getParent();
    if (parent != null) {
      Files.createDirectories(parent);
    }
    Files.writeString(file, text, StandardCharsets.UTF_8);
  }
}
