package dev.geofence.apicheck;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Map;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class ApiListingTest {

  /** A module with one exported package, one that is not, and most kinds of declaration. */
  static final Map<String, String> SAMPLE =
      Map.ofEntries(
          Map.entry(
              "module-info.java",
              """
              module sample {
                requires transitive java.sql;
                requires java.logging;
                exports sample.api;
                exports sample.friends to java.base;
              }
              """),
          Map.entry(
              "sample/api/Limits.java",
              """
              package sample.api;

              import java.io.IOException;
              import java.util.Collection;
              import java.util.List;

              public final class Limits {
                public static final int MAX = 64;
                public static final long BIG = 1L << 40;
                public static final double RATIO = 0.5;
                public static final float SMALL = 1.5f;
                public static final boolean STRICT = true;
                public static final char SEPARATOR = '\\'';
                public static final String GREETING = "tab\\there \\"q\\" \\u00e9";
                public static final String COMPUTED = String.valueOf(MAX);
                public static final List<String> NAMES = List.of();
                public int count;
                static final int PACKAGE_PRIVATE = 1;
                private static final int PRIVATE = 2;

                private Limits() {}

                public static <T extends Comparable<? super T>> List<T> sorted(
                    Collection<? extends T> items) {
                  return List.of();
                }

                public static String join(String first, String... more) throws IOException {
                  return first;
                }

                @Deprecated
                public static void old() {}

                static void packagePrivate() {}

                private static void hidden() {}
              }
              """),
          Map.entry(
              "sample/api/Shape.java",
              """
              package sample.api;

              public sealed interface Shape permits Circle, Square {
                double area();

                default String label() {
                  return "shape";
                }

                static Shape unit() {
                  return new Circle(1);
                }
              }
              """),
          Map.entry(
              "sample/api/Circle.java",
              """
              package sample.api;

              public record Circle(double radius) implements Shape {
                public double area() {
                  return Math.PI * radius * radius;
                }
              }
              """),
          Map.entry(
              "sample/api/Square.java",
              """
              package sample.api;

              public non-sealed class Square extends Base implements Shape {
                protected final double side;

                public Square(double side) {
                  this.side = side;
                }

                public double area() {
                  return side * side;
                }

                protected void resize(double factor) {}
              }
              """),
          Map.entry(
              "sample/api/Base.java",
              """
              package sample.api;

              abstract class Base {
                public static final String KIND = "base";

                public String name() {
                  return "base";
                }

                public double area() {
                  return 0;
                }
              }
              """),
          Map.entry(
              "sample/api/Color.java",
              """
              package sample.api;

              public enum Color {
                RED,
                GREEN;

                public Color next() {
                  return values()[(ordinal() + 1) % values().length];
                }
              }
              """),
          Map.entry(
              "sample/api/Outer.java",
              """
              package sample.api;

              import java.util.Map;
              import java.util.function.Function;

              public abstract class Outer<K, V extends Number> implements Function<K, V> {
                protected abstract Map.Entry<K, V> entry();

                public static class Nested {}

                public class Inner {
                  public Inner(String name) {}
                }

                protected interface Callback<T> {
                  void call(T value) throws Exception;
                }

                class PackagePrivate {
                  public void notListed() {}
                }

                private static class Private {
                  public void notListed() {}
                }
              }
              """),
          Map.entry(
              "sample/api/Helper.java",
              """
              package sample.api;

              class Helper {
                public static class NotListedEither {}
              }
              """),
          Map.entry(
              "sample/internal/Engine.java",
              """
              package sample.internal;

              public class Engine {
                public void run() {}
              }
              """),
          Map.entry(
              "sample/friends/Friend.java",
              """
              package sample.friends;

              public class Friend {}
              """));

  static final String SAMPLE_LISTING =
      """
      # The public API of module sample, read from its compiled classes. Generated: do not edit.
      # See docs/api.md for how it is checked and how to accept a change.

      module sample
        exports sample.api
        requires transitive java.sql

      public record sample.api.Circle implements sample.api.Shape
        public Circle(double)
        public double area()
        public boolean equals(java.lang.Object)
        public int hashCode()
        public double radius()
        public java.lang.String toString()

      public enum sample.api.Color
        public static final sample.api.Color GREEN
        public static final sample.api.Color RED
        public sample.api.Color next()
        public static sample.api.Color valueOf(java.lang.String)
        public static sample.api.Color[] values()

      public final class sample.api.Limits
        public static final long BIG = 1099511627776L
        public static final java.lang.String COMPUTED
        public static final java.lang.String GREETING = "tab\\there \\"q\\" \\u00e9"
        public static final int MAX = 64
        public static final java.util.List<java.lang.String> NAMES
        public static final double RATIO = 0.5
        public static final char SEPARATOR = '\\''
        public static final float SMALL = 1.5f
        public static final boolean STRICT = true
        public int count
        public static java.lang.String join(java.lang.String, java.lang.String...) throws java.io.IOException
        @Deprecated public static void old()
        public static <T extends java.lang.Comparable<? super T>> java.util.List<T> sorted(java.util.Collection<? extends T>)

      public abstract class sample.api.Outer<K, V extends java.lang.Number> implements java.util.function.Function<K, V>
        public Outer()
        protected abstract java.util.Map.Entry<K, V> entry()

      protected interface sample.api.Outer.Callback<T>
        public abstract void call(T) throws java.lang.Exception

      public class sample.api.Outer.Inner
        public Inner(java.lang.String)

      public static class sample.api.Outer.Nested
        public Nested()

      public sealed interface sample.api.Shape permits sample.api.Circle, sample.api.Square
        public abstract double area()
        public default java.lang.String label()
        public static sample.api.Shape unit()

      public non-sealed class sample.api.Square extends sample.api.Base implements sample.api.Shape
        public static final java.lang.String KIND = "base"
        protected final double side
        public Square(double)
        public double area()
        public java.lang.String name()
        protected void resize(double)
      """;

  /** The sample, compiled once: javac is the slow part of these tests. */
  @TempDir static Path sampleDir;

  static Path sample;

  @TempDir Path dir;

  @BeforeAll
  static void compileSample() throws IOException {
    sample = Fixture.compile(sampleDir, SAMPLE);
  }

  @Test
  void listsEveryPublicAndProtectedDeclarationOfTheExportedPackages() throws IOException {
    assertThat(Fixture.listing(sample)).isEqualTo(SAMPLE_LISTING);
  }

  @Test
  void isTheSameTextEveryTime() throws IOException {
    String first = Fixture.listing(sample);
    String second = Fixture.listing(sample);

    assertThat(second).isEqualTo(first);
  }

  @Test
  void leavesOutWhatTheDescriptorDoesNotExportToEveryone() throws IOException {
    String listing = Fixture.listing(sample);

    assertThat(listing)
        .doesNotContain("sample.internal")
        .doesNotContain("Engine")
        .doesNotContain("sample.friends")
        .doesNotContain("java.logging");
  }

  @Test
  void leavesOutTypesAndMembersThatCallersCannotReach() throws IOException {
    String listing = Fixture.listing(sample);

    assertThat(listing)
        .doesNotContain("class sample.api.Base")
        .doesNotContain("Helper")
        .doesNotContain("PackagePrivate")
        .doesNotContain("Private")
        .doesNotContain("notListed")
        .doesNotContain("PRIVATE")
        .doesNotContain("hidden")
        .doesNotContain("packagePrivate");
  }

  @Test
  void needsAModuleDescriptor() throws IOException {
    Path classes =
        Fixture.compile(dir, Map.of("plain/Plain.java", "package plain; public class Plain {}"));

    assertThatThrownBy(() -> Fixture.listing(classes))
        .isInstanceOf(IOException.class)
        .hasMessageContaining("no module-info.class in " + classes);
  }

  @Test
  void namesTheClassWhoseSignatureUsesAMissingType() throws IOException {
    Path classes =
        Fixture.compile(
            dir,
            Map.of(
                "module-info.java", "module gone { exports gone.api; }",
                "gone/api/Uses.java",
                    "package gone.api; public class Uses { public gone.dep.Dep dep() { return null; } }",
                "gone/dep/Dep.java", "package gone.dep; public class Dep {}"));
    Files.delete(classes.resolve("gone/dep/Dep.class"));

    assertThatThrownBy(() -> Fixture.listing(classes))
        .isInstanceOf(IllegalStateException.class)
        .hasMessageContaining("cannot read the API of gone.api.Uses")
        .hasMessageContaining("gone/dep/Dep");
  }
}
