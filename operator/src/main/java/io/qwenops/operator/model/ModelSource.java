package io.qwenops.operator.model;

import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * Where an inference pod finds its checkpoint: a Hugging Face repo, a path on a PVC, or a path
 * baked into the image. Parsed once so the reconciler and the status messages agree on it.
 */
public sealed interface ModelSource {

  record HuggingFace(String repo, String revision) implements ModelSource {
    @Override
    public String defaultServedName() {
      return repo;
    }
  }

  record Pvc(String claim, String path) implements ModelSource {
    @Override
    public String defaultServedName() {
      return lastSegment(path, claim);
    }
  }

  record ImagePath(String path) implements ModelSource {
    @Override
    public String defaultServedName() {
      return lastSegment(path, "model");
    }
  }

  /** The name clients use when the spec gives none (vLLM's habit: the repo id or the directory). */
  String defaultServedName();

  private static String lastSegment(String path, String fallback) {
    String trimmed = path.replaceAll("/+$", "");
    String last = trimmed.substring(trimmed.lastIndexOf('/') + 1);
    return last.isEmpty() ? fallback : last;
  }

  Pattern HF = Pattern.compile("hf://([\\w.-]+/[\\w.-]+)(?:@([\\w./-]+))?");
  Pattern PVC = Pattern.compile("pvc://([a-z0-9]([-a-z0-9]*[a-z0-9])?)(/.*)?");

  /**
   * @throws IllegalArgumentException with a message a human can act on
   */
  static ModelSource parse(String source) {
    if (source == null || source.isBlank()) {
      throw new IllegalArgumentException("model.source is empty");
    }
    Matcher hf = HF.matcher(source);
    if (hf.matches()) {
      return new HuggingFace(hf.group(1), hf.group(2) == null ? "main" : hf.group(2));
    }
    Matcher pvc = PVC.matcher(source);
    if (pvc.matches()) {
      String path = pvc.group(3) == null ? "/" : pvc.group(3);
      return new Pvc(pvc.group(1), path);
    }
    if (source.startsWith("/")) {
      return new ImagePath(source);
    }
    throw new IllegalArgumentException(
        "model.source '"
            + source
            + "' is not understood: use hf://ORG/NAME[@REVISION], pvc://CLAIM/PATH or an absolute"
            + " path inside the image");
  }
}
