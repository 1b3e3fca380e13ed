package dev.geofence.apicheck;

import java.lang.reflect.GenericArrayType;
import java.lang.reflect.ParameterizedType;
import java.lang.reflect.Type;
import java.lang.reflect.TypeVariable;
import java.lang.reflect.WildcardType;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.stream.Collectors;

/**
 * Writes reflected types as Java source spells them, with fully qualified names ({@code
 * java.util.Map.Entry<K, V>}, {@code ? super T}, {@code int[]}).
 *
 * <p>The JDK's own {@code toString} and {@code getTypeName} are not used: their spelling has
 * changed between releases, and the listing must not change when the build moves to another JDK.
 */
final class TypeNames {

  private TypeNames() {}

  /** The name of {@code type} as it would be written in a declaration. */
  static String of(Type type) {
    if (type instanceof Class<?> c) {
      return classNameOf(c);
    }
    if (type instanceof ParameterizedType p) {
      return parameterized(p);
    }
    if (type instanceof GenericArrayType a) {
      return of(a.getGenericComponentType()) + "[]";
    }
    if (type instanceof TypeVariable<?> v) {
      return v.getName();
    }
    if (type instanceof WildcardType w) {
      return wildcard(w);
    }
    throw new IllegalArgumentException("unknown kind of type " + type.getClass().getName());
  }

  /** The names of {@code types} separated by commas. */
  static String list(Type[] types) {
    return Arrays.stream(types).map(TypeNames::of).collect(Collectors.joining(", "));
  }

  /**
   * The declaration of type parameters, {@code <K, V extends java.lang.Comparable<V>>} followed by
   * a space, or the empty string when there are none.
   */
  static String parameters(TypeVariable<?>[] variables) {
    if (variables.length == 0) {
      return "";
    }
    List<String> declared = new ArrayList<>();
    for (TypeVariable<?> v : variables) {
      Type[] bounds = v.getBounds();
      boolean onlyObject = bounds.length == 1 && bounds[0] == Object.class;
      declared.add(
          onlyObject
              ? v.getName()
              : v.getName()
                  + " extends "
                  + Arrays.stream(bounds).map(TypeNames::of).collect(Collectors.joining(" & ")));
    }
    return "<" + String.join(", ", declared) + "> ";
  }

  /** The source name of a class: canonical where it has one, binary otherwise. */
  static String classNameOf(Class<?> c) {
    if (c.isArray()) {
      return classNameOf(c.getComponentType()) + "[]";
    }
    String canonical = c.getCanonicalName();
    return canonical != null ? canonical : c.getName();
  }

  private static String parameterized(ParameterizedType p) {
    Class<?> raw = (Class<?>) p.getRawType();
    String name =
        p.getOwnerType() instanceof ParameterizedType owner
            ? parameterized(owner) + "." + raw.getSimpleName()
            : classNameOf(raw);
    return name + "<" + list(p.getActualTypeArguments()) + ">";
  }

  private static String wildcard(WildcardType w) {
    if (w.getLowerBounds().length > 0) {
      return "? super " + of(w.getLowerBounds()[0]);
    }
    Type[] upper = w.getUpperBounds();
    if (upper.length == 0 || upper[0] == Object.class) {
      return "?";
    }
    return "? extends " + of(upper[0]);
  }
}
