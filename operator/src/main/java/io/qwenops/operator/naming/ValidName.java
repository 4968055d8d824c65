package io.qwenops.operator.naming;

import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.util.HexFormat;
import java.util.Locale;
import java.util.regex.Pattern;

/**
 * Kubernetes' name rules, and names derived to obey them. A derived name is the input itself when
 * that is already valid (so existing objects keep their names); otherwise it is sanitised,
 * shortened, and given {@code -<8 hex of SHA-256(input)>}, so two inputs that sanitise to the same
 * text still get different names. Deterministic: the same input always gives the same name.
 */
public final class ValidName {

  /** Service names, and what every owned object is named: a letter first, no dots. */
  public static final Pattern DNS_1035_LABEL = Pattern.compile("[a-z]([-a-z0-9]*[a-z0-9])?");

  public static final Pattern DNS_1123_LABEL = Pattern.compile("[a-z0-9]([-a-z0-9]*[a-z0-9])?");

  /** Most resource names (QwenDeployment, Secret, Deployment, PVC, Event). */
  public static final Pattern DNS_1123_SUBDOMAIN =
      Pattern.compile("[a-z0-9]([-a-z0-9]*[a-z0-9])?(\\.[a-z0-9]([-a-z0-9]*[a-z0-9])?)*");

  public static final Pattern LABEL_VALUE =
      Pattern.compile("(([A-Za-z0-9][-A-Za-z0-9_.]*)?[A-Za-z0-9])?");

  public static final int LABEL_MAX = 63;
  public static final int SUBDOMAIN_MAX = 253;

  static final int HASH_CHARS = 8;

  /** Put in front of a name that does not start with a letter: DNS-1035 requires one. */
  static final String LETTER_PREFIX = "qd-";

  private ValidName() {}

  public static boolean isDns1035Label(String s) {
    return s != null && s.length() <= LABEL_MAX && DNS_1035_LABEL.matcher(s).matches();
  }

  public static boolean isDns1123Subdomain(String s) {
    return s != null && s.length() <= SUBDOMAIN_MAX && DNS_1123_SUBDOMAIN.matcher(s).matches();
  }

  public static boolean isLabelValue(String s) {
    return s != null && s.length() <= LABEL_MAX && LABEL_VALUE.matcher(s).matches();
  }

  /**
   * {@code name + suffix} when that is a DNS-1035 label; else the name lower-cased, every run of
   * other characters (dots) turned into one {@code -}, {@value #LETTER_PREFIX} put first unless it
   * starts with a letter, cut to fit, then {@code -<hash>} and the suffix.
   *
   * @param suffix a fixed DNS-1035 tail such as {@code -model-cache}, or empty
   */
  public static String dns1035Label(String name, String suffix) {
    if (isDns1035Label(name + suffix)) {
      return name + suffix;
    }
    String base = name.toLowerCase(Locale.ROOT).replaceAll("[^a-z0-9]+", "-");
    if (base.isEmpty() || base.charAt(0) < 'a' || base.charAt(0) > 'z') {
      base = LETTER_PREFIX + base;
    }
    int room = LABEL_MAX - suffix.length() - 1 - HASH_CHARS;
    return trimEnd(cut(base, room)) + "-" + hash(name) + suffix;
  }

  /** The name when it is a valid label value (at most 63 characters); else cut, plus a hash. */
  public static String labelValue(String name) {
    if (isLabelValue(name)) {
      return name;
    }
    String base = name.replaceAll("[^-A-Za-z0-9_.]+", "-");
    return trimEnd(cut(base, LABEL_MAX - 1 - HASH_CHARS)) + "-" + hash(name);
  }

  /** {@code name + suffix}, the name cut so the whole stays within 253 characters. */
  public static String subdomainWithSuffix(String name, String suffix) {
    return trimEnd(cut(name, SUBDOMAIN_MAX - suffix.length())) + suffix;
  }

  /** The first {@value #HASH_CHARS} hex digits of the SHA-256 of the full name. */
  static String hash(String name) {
    try {
      byte[] digest =
          MessageDigest.getInstance("SHA-256").digest(name.getBytes(StandardCharsets.UTF_8));
      return HexFormat.of().formatHex(digest).substring(0, HASH_CHARS);
    } catch (NoSuchAlgorithmException e) {
      throw new IllegalStateException("every JDK has SHA-256", e);
    }
  }

  private static String cut(String s, int max) {
    return s.length() <= max ? s : s.substring(0, max);
  }

  /** A name may not end in a separator; the cut may leave one. */
  private static String trimEnd(String s) {
    return s.replaceAll("[-_.]+$", "");
  }
}
