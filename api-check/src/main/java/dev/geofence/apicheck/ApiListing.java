package dev.geofence.apicheck;

import java.io.IOException;
import java.io.InputStream;
import java.lang.module.ModuleDescriptor;
import java.lang.reflect.AnnotatedElement;
import java.lang.reflect.Constructor;
import java.lang.reflect.Field;
import java.lang.reflect.Member;
import java.lang.reflect.Method;
import java.lang.reflect.Modifier;
import java.lang.reflect.Type;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.Comparator;
import java.util.HashMap;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeSet;
import java.util.stream.Collectors;
import java.util.stream.Stream;

/**
 * The public API of one compiled module as text: the module's exports, then every public or
 * protected type in an exported package with its public and protected constructors, methods and
 * fields.
 *
 * <p>The exported packages come from the compiled {@code module-info.class}, so the listing cannot
 * disagree with the descriptor. Types are loaded without being initialised and read by reflection;
 * constant values are read from the class files. Everything is sorted, so the same classes always
 * give the same text and a change to the API shows as a change of a few lines.
 *
 * <p>A public type is listed only when it and every type enclosing it is public or protected.
 * Public members that a listed type inherits from a type of the same module that is not listed
 * (package-private, or in a package that is not exported) are listed as its own: callers reach them
 * through it.
 */
final class ApiListing {

  private static final int ACCESSIBLE = Modifier.PUBLIC | Modifier.PROTECTED;

  private final Path classes;
  private final ClassLoader loader;
  private final ModuleDescriptor module;
  private final List<String> exported;
  private final Map<Class<?>, Map<String, String>> constants = new HashMap<>();

  private ApiListing(Path classes, ClassLoader loader, ModuleDescriptor module) {
    this.classes = classes;
    this.loader = loader;
    this.module = module;
    this.exported =
        module.exports().stream()
            .filter(e -> !e.isQualified())
            .map(ModuleDescriptor.Exports::source)
            .sorted()
            .toList();
  }

  /**
   * The listing of the module compiled into {@code classes}.
   *
   * @param classes a directory of compiled classes with a {@code module-info.class} at its root
   * @param loader a class loader that loads those classes and every type their signatures use
   * @throws IOException if the descriptor or a class file cannot be read
   * @throws IllegalStateException if a class cannot be loaded or a type it uses is missing
   */
  static String of(Path classes, ClassLoader loader) throws IOException {
    return new ApiListing(classes, loader, descriptor(classes)).write();
  }

  private String write() throws IOException {
    StringBuilder out = new StringBuilder();
    out.append("# The public API of module ")
        .append(module.name())
        .append(", read from its compiled classes. Generated: do not edit.\n");
    out.append("# See docs/api.md for how it is checked and how to accept a change.\n\n");
    out.append("module ").append(module.name()).append('\n');
    for (String pkg : exported) {
      out.append("  exports ").append(pkg).append('\n');
    }
    module.requires().stream()
        .filter(r -> r.modifiers().contains(ModuleDescriptor.Requires.Modifier.TRANSITIVE))
        .map(r -> "  requires transitive " + r.name() + '\n')
        .sorted()
        .forEach(out::append);

    List<Class<?>> types = new ArrayList<>();
    for (String pkg : exported) {
      for (String name : classNames(pkg)) {
        Class<?> type = load(name);
        if (isListed(type)) {
          types.add(type);
        }
      }
    }
    types.sort(Comparator.comparing(TypeNames::classNameOf));
    for (Class<?> type : types) {
      out.append('\n');
      try {
        writeType(type, out);
      } catch (LinkageError e) {
        throw new IllegalStateException(
            "cannot read the API of "
                + type.getName()
                + ": a type it uses is not on the class path ("
                + e
                + ")",
            e);
      }
    }
    return out.toString();
  }

  private static ModuleDescriptor descriptor(Path classes) throws IOException {
    Path file = classes.resolve("module-info.class");
    if (!Files.isRegularFile(file)) {
      throw new IOException(
          "no module-info.class in "
              + classes
              + ": the API is what a module descriptor exports, and this module has none");
    }
    try (InputStream in = Files.newInputStream(file)) {
      return ModuleDescriptor.read(in);
    }
  }

  /** The binary names of the classes compiled into {@code pkg}, not its sub-packages. */
  private List<String> classNames(String pkg) throws IOException {
    Path dir = classes.resolve(pkg.replace('.', '/'));
    if (!Files.isDirectory(dir)) {
      return List.of();
    }
    try (Stream<Path> files = Files.list(dir)) {
      return files
          .map(f -> f.getFileName().toString())
          .filter(f -> f.endsWith(".class") && !f.equals("package-info.class"))
          .map(f -> pkg + "." + f.substring(0, f.length() - ".class".length()))
          .sorted()
          .toList();
    }
  }

  private Class<?> load(String name) {
    try {
      // Not initialised: listing a class must not run its static initialisers.
      return Class.forName(name, false, loader);
    } catch (ClassNotFoundException | LinkageError e) {
      throw new IllegalStateException("cannot load " + name + " to list its API: " + e, e);
    }
  }

  private static boolean isListed(Class<?> type) {
    if (type.isSynthetic() || type.isAnonymousClass() || type.isLocalClass()) {
      return false;
    }
    for (Class<?> t = type; t != null; t = t.getDeclaringClass()) {
      if ((t.getModifiers() & ACCESSIBLE) == 0) {
        return false;
      }
    }
    return true;
  }

  private boolean inThisModule(Class<?> type) {
    return type.getClassLoader() == loader
        && Files.isRegularFile(classes.resolve(type.getName().replace('.', '/') + ".class"));
  }

  /** Whether callers reach the members of {@code type} only through a listed subtype. */
  private boolean isHidden(Class<?> type) {
    return inThisModule(type) && !(exported.contains(type.getPackageName()) && isListed(type));
  }

  private void writeType(Class<?> type, StringBuilder out) throws IOException {
    out.append(header(type)).append('\n');
    List<MemberLine> lines = new ArrayList<>();
    Set<String> seen = new TreeSet<>();
    addMembers(type, type, lines, seen);
    for (Class<?> hidden : hiddenSupertypes(type)) {
      addMembers(type, hidden, lines, seen);
    }
    lines.stream()
        .sorted(
            Comparator.comparingInt(MemberLine::group)
                .thenComparing(MemberLine::name)
                .thenComparing(MemberLine::text))
        .forEach(line -> out.append("  ").append(line.text()).append('\n'));
  }

  private void addMembers(
      Class<?> listed, Class<?> declaring, List<MemberLine> lines, Set<String> seen)
      throws IOException {
    boolean inherited = listed != declaring;
    for (Field field : declaring.getDeclaredFields()) {
      if (isAccessible(field) && seen.add("field " + field.getName())) {
        lines.add(new MemberLine(0, field.getName(), field(field)));
      }
    }
    if (!inherited) {
      for (Constructor<?> constructor : declaring.getDeclaredConstructors()) {
        if (isAccessible(constructor)) {
          lines.add(new MemberLine(1, "", constructor(constructor)));
        }
      }
    }
    for (Method method : declaring.getDeclaredMethods()) {
      if (!isAccessible(method) || method.isBridge()) {
        continue;
      }
      // Static methods of an interface are not inherited.
      if (inherited && declaring.isInterface() && Modifier.isStatic(method.getModifiers())) {
        continue;
      }
      String key =
          "method "
              + method.getName()
              + Arrays.stream(method.getParameterTypes())
                  .map(Class::getName)
                  .collect(Collectors.joining(",", "(", ")"));
      if (seen.add(key)) {
        lines.add(new MemberLine(2, method.getName(), method(method, listed)));
      }
    }
  }

  private static boolean isAccessible(Member member) {
    return (member.getModifiers() & ACCESSIBLE) != 0 && !member.isSynthetic();
  }

  /** The supertypes of {@code type} whose members are reachable only through it, nearest first. */
  private List<Class<?>> hiddenSupertypes(Class<?> type) {
    Set<Class<?>> found = new LinkedHashSet<>();
    List<Class<?>> next = new ArrayList<>();
    directSupertypes(type, next);
    while (!next.isEmpty()) {
      Class<?> s = next.remove(0);
      if (isHidden(s) && found.add(s)) {
        directSupertypes(s, next);
      }
    }
    return List.copyOf(found);
  }

  private static void directSupertypes(Class<?> type, List<Class<?>> into) {
    if (type.getSuperclass() != null) {
      into.add(type.getSuperclass());
    }
    into.addAll(Arrays.asList(type.getInterfaces()));
  }

  private static String header(Class<?> type) {
    StringBuilder h = new StringBuilder(annotations(type));
    int m = type.getModifiers();
    h.append(Modifier.isPublic(m) ? "public " : "protected ");
    String kind = kind(type);
    if (kind.equals("class")) {
      if (Modifier.isAbstract(m)) {
        h.append("abstract ");
      }
      if (Modifier.isStatic(m)) {
        h.append("static ");
      }
      if (Modifier.isFinal(m)) {
        h.append("final ");
      }
    }
    if (type.isSealed()) {
      h.append("sealed ");
    } else if (isNonSealed(type)) {
      h.append("non-sealed ");
    }
    h.append(kind).append(' ').append(TypeNames.classNameOf(type));
    String parameters = TypeNames.parameters(type.getTypeParameters());
    if (!parameters.isEmpty()) {
      h.append(parameters.strip());
    }
    Type superclass = type.getGenericSuperclass();
    if (superclass != null
        && superclass != Object.class
        && !type.isEnum()
        && !type.isRecord()
        && !kind.equals("@interface")) {
      h.append(" extends ").append(TypeNames.of(superclass));
    }
    Type[] interfaces =
        kind.equals("@interface") ? new Type[0] : type.getGenericInterfaces(); // Annotation
    if (interfaces.length > 0) {
      h.append(type.isInterface() ? " extends " : " implements ")
          .append(TypeNames.list(interfaces));
    }
    if (type.isSealed()) {
      h.append(" permits ")
          .append(
              Arrays.stream(type.getPermittedSubclasses())
                  .map(TypeNames::classNameOf)
                  .sorted()
                  .collect(Collectors.joining(", ")));
    }
    return h.toString();
  }

  private static String kind(Class<?> type) {
    if (type.isAnnotation()) {
      return "@interface";
    }
    if (type.isInterface()) {
      return "interface";
    }
    if (type.isEnum()) {
      return "enum";
    }
    if (type.isRecord()) {
      return "record";
    }
    return "class";
  }

  /** Neither sealed nor final, with a sealed direct supertype: declared {@code non-sealed}. */
  private static boolean isNonSealed(Class<?> type) {
    if (type.isSealed() || Modifier.isFinal(type.getModifiers())) {
      return false;
    }
    List<Class<?>> supertypes = new ArrayList<>();
    directSupertypes(type, supertypes);
    return supertypes.stream().anyMatch(Class::isSealed);
  }

  private String field(Field field) throws IOException {
    StringBuilder f = new StringBuilder(annotations(field));
    int m = field.getModifiers();
    f.append(Modifier.isPublic(m) ? "public " : "protected ");
    if (Modifier.isStatic(m)) {
      f.append("static ");
    }
    if (Modifier.isFinal(m)) {
      f.append("final ");
    }
    f.append(TypeNames.of(field.getGenericType())).append(' ').append(field.getName());
    if (Modifier.isStatic(m) && Modifier.isFinal(m)) {
      String value = constantsOf(field.getDeclaringClass()).get(field.getName());
      if (value != null) {
        f.append(" = ").append(value);
      }
    }
    return f.toString();
  }

  private Map<String, String> constantsOf(Class<?> type) throws IOException {
    Map<String, String> values = constants.get(type);
    if (values == null) {
      values =
          ConstantValues.read(
              Files.readAllBytes(classes.resolve(type.getName().replace('.', '/') + ".class")));
      constants.put(type, values);
    }
    return values;
  }

  private static String constructor(Constructor<?> constructor) {
    Class<?> type = constructor.getDeclaringClass();
    Type[] parameters = constructor.getGenericParameterTypes();
    // An inner class's constructor takes the enclosing instance first; its generic signature
    // leaves it out and its plain one does not. Leave it out either way, as the source does.
    if (type.isMemberClass()
        && !Modifier.isStatic(type.getModifiers())
        && parameters.length == constructor.getParameterCount()
        && parameters.length > 0
        && parameters[0] == type.getDeclaringClass()) {
      parameters = Arrays.copyOfRange(parameters, 1, parameters.length);
    }
    return annotations(constructor)
        + (Modifier.isPublic(constructor.getModifiers()) ? "public " : "protected ")
        + TypeNames.parameters(constructor.getTypeParameters())
        + type.getSimpleName()
        + parameters(parameters, constructor.isVarArgs())
        + exceptions(constructor.getGenericExceptionTypes());
  }

  private static String method(Method method, Class<?> listed) {
    StringBuilder s = new StringBuilder(annotations(method));
    int m = method.getModifiers();
    s.append(Modifier.isPublic(m) ? "public " : "protected ");
    if (Modifier.isAbstract(m)) {
      s.append("abstract ");
    }
    if (method.isDefault()) {
      s.append("default ");
    }
    if (Modifier.isStatic(m)) {
      s.append("static ");
    }
    // A method of a final class or record cannot be overridden whether or not it says so; javac
    // marks a record's generated equals, hashCode and toString final and a written one not.
    if (Modifier.isFinal(m) && !Modifier.isFinal(listed.getModifiers())) {
      s.append("final ");
    }
    s.append(TypeNames.parameters(method.getTypeParameters()))
        .append(TypeNames.of(method.getGenericReturnType()))
        .append(' ')
        .append(method.getName())
        .append(parameters(method.getGenericParameterTypes(), method.isVarArgs()))
        .append(exceptions(method.getGenericExceptionTypes()));
    return s.toString();
  }

  private static String parameters(Type[] types, boolean varArgs) {
    List<String> names = new ArrayList<>();
    for (Type t : types) {
      names.add(TypeNames.of(t));
    }
    if (varArgs && !names.isEmpty()) {
      String last = names.get(names.size() - 1);
      names.set(names.size() - 1, last.substring(0, last.length() - 2) + "...");
    }
    return "(" + String.join(", ", names) + ")";
  }

  private static String exceptions(Type[] types) {
    if (types.length == 0) {
      return "";
    }
    return " throws "
        + Arrays.stream(types).map(TypeNames::of).sorted().collect(Collectors.joining(", "));
  }

  /** {@code @Deprecated} is the one annotation that says something about the API's future. */
  private static String annotations(AnnotatedElement element) {
    Deprecated deprecated = element.getAnnotation(Deprecated.class);
    if (deprecated == null) {
      return "";
    }
    return deprecated.forRemoval() ? "@Deprecated(forRemoval = true) " : "@Deprecated ";
  }

  /** One member of a listed type: sorted fields first, then constructors, then methods. */
  private record MemberLine(int group, String name, String text) {}
}
