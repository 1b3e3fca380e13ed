package dev.geofence.apicheck;

import java.io.ByteArrayInputStream;
import java.io.DataInputStream;
import java.io.IOException;
import java.util.Map;
import java.util.TreeMap;

/**
 * Reads the compile-time constants of a class from its class file: the fields that carry a {@code
 * ConstantValue} attribute, as Java literals.
 *
 * <p>These are the values a compiler copies into every class that uses them, so changing one
 * changes what already-compiled callers see only when they are recompiled: they belong in the API.
 * Reflection could read them only by initialising the class, which runs its static initialisers;
 * reading the class file runs nothing. A {@code static final} field whose value is computed at run
 * time has no such attribute and no listed value.
 */
final class ConstantValues {

  private static final int UTF8 = 1;
  private static final int INTEGER = 3;
  private static final int FLOAT = 4;
  private static final int LONG = 5;
  private static final int DOUBLE = 6;
  private static final int STRING = 8;

  private ConstantValues() {}

  /**
   * The constant fields of the class file {@code bytes}, by field name, as literals: {@code 42},
   * {@code 42L}, {@code 1.5f}, {@code true}, {@code 'a'}, {@code "text"}.
   *
   * @throws IOException if {@code bytes} is not a well-formed class file
   */
  static Map<String, String> read(byte[] bytes) throws IOException {
    DataInputStream in = new DataInputStream(new ByteArrayInputStream(bytes));
    if (in.readInt() != 0xCAFEBABE) {
      throw new IOException("not a class file: it does not start with 0xCAFEBABE");
    }
    in.readUnsignedShort(); // minor version
    in.readUnsignedShort(); // major version
    Object[] pool = readPool(in);
    in.readUnsignedShort(); // access flags
    in.readUnsignedShort(); // this class
    in.readUnsignedShort(); // super class
    in.skipNBytes(2L * in.readUnsignedShort()); // interfaces
    Map<String, String> constants = new TreeMap<>();
    int fields = in.readUnsignedShort();
    for (int f = 0; f < fields; f++) {
      in.readUnsignedShort(); // access flags
      String name = (String) pool[in.readUnsignedShort()];
      String descriptor = (String) pool[in.readUnsignedShort()];
      int attributes = in.readUnsignedShort();
      for (int a = 0; a < attributes; a++) {
        String attribute = (String) pool[in.readUnsignedShort()];
        int length = in.readInt();
        if (attribute.equals("ConstantValue")) {
          constants.put(name, literal(descriptor, pool[in.readUnsignedShort()]));
        } else {
          in.skipNBytes(length);
        }
      }
    }
    return constants;
  }

  /** The constant pool; entries other than text and numbers are left null. */
  private static Object[] readPool(DataInputStream in) throws IOException {
    Object[] pool = new Object[in.readUnsignedShort()];
    for (int i = 1; i < pool.length; i++) {
      int tag = in.readUnsignedByte();
      switch (tag) {
        case UTF8 -> pool[i] = in.readUTF();
        case INTEGER -> pool[i] = in.readInt();
        case FLOAT -> pool[i] = in.readFloat();
        case LONG -> pool[i++] = in.readLong(); // takes two entries
        case DOUBLE -> pool[i++] = in.readDouble(); // takes two entries
        case STRING -> pool[i] = new StringRef(in.readUnsignedShort());
        case 7, 16, 19, 20 -> in.skipNBytes(2); // class, method type, module, package
        case 15 -> in.skipNBytes(3); // method handle
        case 9, 10, 11, 12, 17, 18 -> in.skipNBytes(4); // references, name and type, dynamic
        default -> throw new IOException("unknown constant pool tag " + tag + " at entry " + i);
      }
    }
    for (int i = 1; i < pool.length; i++) {
      if (pool[i] instanceof StringRef ref) {
        pool[i] = new StringConstant((String) pool[ref.utf8()]);
      }
    }
    return pool;
  }

  private static String literal(String descriptor, Object value) {
    return switch (descriptor) {
      case "Z" -> ((Integer) value) != 0 ? "true" : "false";
      case "C" -> "'" + escape(String.valueOf((char) (int) (Integer) value), '\'') + "'";
      case "B", "S", "I" -> String.valueOf(value);
      case "J" -> value + "L";
      case "F" -> floatLiteral((Float) value);
      case "D" -> doubleLiteral((Double) value);
      case "Ljava/lang/String;" -> "\"" + escape(((StringConstant) value).text(), '"') + "\"";
      default -> throw new IllegalArgumentException("no constant of type " + descriptor);
    };
  }

  private static String floatLiteral(float f) {
    if (Float.isNaN(f)) {
      return "0.0f / 0.0f";
    }
    if (Float.isInfinite(f)) {
      return f > 0 ? "1.0f / 0.0f" : "-1.0f / 0.0f";
    }
    return f + "f";
  }

  private static String doubleLiteral(double d) {
    if (Double.isNaN(d)) {
      return "0.0 / 0.0";
    }
    if (Double.isInfinite(d)) {
      return d > 0 ? "1.0 / 0.0" : "-1.0 / 0.0";
    }
    return String.valueOf(d);
  }

  /** Java escapes for quotes, backslashes and anything outside printable ASCII. */
  static String escape(String text, char quote) {
    StringBuilder out = new StringBuilder(text.length());
    for (int i = 0; i < text.length(); i++) {
      char c = text.charAt(i);
      switch (c) {
        case '\\' -> out.append("\\\\");
        case '\n' -> out.append("\\n");
        case '\r' -> out.append("\\r");
        case '\t' -> out.append("\\t");
        case '\b' -> out.append("\\b");
        case '\f' -> out.append("\\f");
        default -> {
          if (c == quote) {
            out.append('\\').append(c);
          } else if (c < 0x20 || c > 0x7e) {
            out.append(String.format("\\u%04x", (int) c));
          } else {
            out.append(c);
          }
        }
      }
    }
    return out.toString();
  }

  private record StringRef(int utf8) {}

  private record StringConstant(String text) {}
}
