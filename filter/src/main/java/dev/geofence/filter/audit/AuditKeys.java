package dev.geofence.filter.audit;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.FileAlreadyExistsException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.nio.file.attribute.PosixFilePermissions;
import java.security.GeneralSecurityException;
import java.security.KeyFactory;
import java.security.KeyPair;
import java.security.KeyPairGenerator;
import java.security.PrivateKey;
import java.security.PublicKey;
import java.security.SecureRandom;
import java.security.interfaces.EdECPrivateKey;
import java.security.spec.PKCS8EncodedKeySpec;
import java.security.spec.X509EncodedKeySpec;
import java.util.Arrays;
import java.util.Base64;
import java.util.HexFormat;
import java.util.Objects;

/**
 * Ed25519 keys for signed audit checkpoints, with the JDK's own {@code Ed25519} provider: the
 * private key as a PKCS#8 PEM file ({@code -----BEGIN PRIVATE KEY-----}, as {@code openssl genpkey
 * -algorithm ed25519} writes it), the public key as an X.509 SubjectPublicKeyInfo PEM file ({@code
 * -----BEGIN PUBLIC KEY-----}). A key id is the first 16 hex digits of the SHA-256 of the public
 * key's encoding, so a checkpoint names the key that signed it without carrying the key. Stateless
 * and thread-safe.
 */
public final class AuditKeys {

  static final String ALGORITHM = "Ed25519";
  private static final String PRIVATE = "PRIVATE KEY";
  private static final String PUBLIC = "PUBLIC KEY";

  private AuditKeys() {}

  /** A new key pair from the JDK's strong random source. */
  public static KeyPair generate() {
    try {
      return KeyPairGenerator.getInstance(ALGORITHM).generateKeyPair();
    } catch (GeneralSecurityException e) {
      throw new IllegalStateException("this Java runtime has no Ed25519 (Java 15 and later do)", e);
    }
  }

  /**
   * Writes a key pair: the private key readable and writable by the owner only (where the file
   * system has POSIX permissions), the public key readable by all. Refuses to overwrite either
   * file.
   *
   * @throws IOException when a file exists or cannot be written
   */
  public static void write(KeyPair pair, Path privateKeyFile, Path publicKeyFile)
      throws IOException {
    Objects.requireNonNull(pair, "pair");
    for (Path file : new Path[] {privateKeyFile, publicKeyFile}) {
      if (Files.exists(Objects.requireNonNull(file, "file"))) {
        throw new FileAlreadyExistsException(
            file.toString(), null, "refusing to overwrite an existing key file");
      }
    }
    byte[] privatePem = pem(PRIVATE, pair.getPrivate().getEncoded());
    try {
      Files.createFile(
          privateKeyFile,
          PosixFilePermissions.asFileAttribute(PosixFilePermissions.fromString("rw-------")));
    } catch (UnsupportedOperationException notPosix) {
      Files.createFile(privateKeyFile);
    }
    Files.write(privateKeyFile, privatePem, StandardOpenOption.TRUNCATE_EXISTING);
    Files.write(
        publicKeyFile, pem(PUBLIC, pair.getPublic().getEncoded()), StandardOpenOption.CREATE_NEW);
  }

  /**
   * Reads a PKCS#8 PEM Ed25519 private key.
   *
   * @throws IllegalArgumentException naming the file when it is not one
   */
  public static PrivateKey readPrivateKey(Path file) throws IOException {
    byte[] der = der(file, PRIVATE);
    try {
      return KeyFactory.getInstance(ALGORITHM).generatePrivate(new PKCS8EncodedKeySpec(der));
    } catch (GeneralSecurityException e) {
      throw new IllegalArgumentException(
          file + ": not an Ed25519 private key in PKCS#8 (" + e.getMessage() + ")", e);
    }
  }

  /**
   * Reads an X.509 SubjectPublicKeyInfo PEM Ed25519 public key.
   *
   * @throws IllegalArgumentException naming the file when it is not one
   */
  public static PublicKey readPublicKey(Path file) throws IOException {
    byte[] der = der(file, PUBLIC);
    try {
      return KeyFactory.getInstance(ALGORITHM).generatePublic(new X509EncodedKeySpec(der));
    } catch (GeneralSecurityException e) {
      throw new IllegalArgumentException(
          file + ": not an Ed25519 public key (" + e.getMessage() + ")", e);
    }
  }

  /**
   * The public key of a private key. PKCS#8 files usually hold only the 32-byte seed; the JDK
   * derives the public key when it generates a pair, so the pair is generated again from that seed.
   */
  public static PublicKey publicKeyOf(PrivateKey privateKey) {
    Objects.requireNonNull(privateKey, "privateKey");
    if (!(privateKey instanceof EdECPrivateKey ed) || ed.getBytes().isEmpty()) {
      throw new IllegalArgumentException(
          "not an Ed25519 private key: " + privateKey.getAlgorithm());
    }
    byte[] seed = ed.getBytes().get();
    try {
      KeyPairGenerator generator = KeyPairGenerator.getInstance(ALGORITHM);
      generator.initialize(255, new SeedRandom(seed));
      KeyPair pair = generator.generateKeyPair();
      if (!Arrays.equals(pair.getPrivate().getEncoded(), privateKey.getEncoded())) {
        throw new IllegalStateException("the Ed25519 key could not be derived again from its seed");
      }
      return pair.getPublic();
    } catch (GeneralSecurityException e) {
      throw new IllegalStateException("this Java runtime has no Ed25519 (Java 15 and later do)", e);
    }
  }

  /** The key id: the first 16 hex digits of the SHA-256 of the public key's X.509 encoding. */
  public static String keyId(PublicKey publicKey) {
    byte[] hash = AuditFiles.sha256().digest(publicKey.getEncoded());
    return HexFormat.of().formatHex(hash, 0, 8);
  }

  private static byte[] pem(String type, byte[] der) {
    String body = Base64.getMimeEncoder(64, new byte[] {'\n'}).encodeToString(der);
    return ("-----BEGIN " + type + "-----\n" + body + "\n-----END " + type + "-----\n")
        .getBytes(StandardCharsets.US_ASCII);
  }

  private static byte[] der(Path file, String type) throws IOException {
    String text = Files.readString(file, StandardCharsets.US_ASCII);
    String begin = "-----BEGIN " + type + "-----";
    String end = "-----END " + type + "-----";
    int from = text.indexOf(begin);
    int to = text.indexOf(end);
    if (from < 0 || to < from) {
      throw new IllegalArgumentException(
          file
              + ": no '"
              + begin
              + "' block; expected a PEM file as 'geofence audit keygen' writes");
    }
    try {
      return Base64.getMimeDecoder().decode(text.substring(from + begin.length(), to));
    } catch (IllegalArgumentException e) {
      throw new IllegalArgumentException(file + ": the " + type + " block is not base64", e);
    }
  }

  /** Hands out the given seed once: lets the JDK's generator rebuild a known key pair. */
  private static final class SeedRandom extends SecureRandom {
    private static final long serialVersionUID = 1L;
    private final transient byte[] seed;

    SeedRandom(byte[] seed) {
      this.seed = seed.clone();
    }

    @Override
    public void nextBytes(byte[] bytes) {
      if (bytes.length != seed.length) {
        throw new IllegalStateException("expected a request for " + seed.length + " bytes");
      }
      System.arraycopy(seed, 0, bytes, 0, seed.length);
    }
  }
}
