package io.qwenops.inference.model;

import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.HashMap;
import java.util.Map;

/**
 * A deliberately naive float64 Qwen2 forward pass written from transformers' modeling_qwen2.py,
 * with no caching, batching or fusion: the independent implementation our logits are checked
 * against. Reads the safetensors bytes itself (BF16/F16/F32 to double), row by row from the mapped
 * files, so a 7B-wide checkpoint needs no heap for its weights.
 */
public final class Float64Reference {

  private final ModelConfig c;
  private final Map<String, Tensor> w = new HashMap<>();

  /** One mapped tensor, decoded to floats a row at a time. */
  private record Tensor(ByteBuffer bytes, String dtype) {
    float[] row(int r, int cols) {
      float[] v = new float[cols];
      int width = dtype.equals("F32") ? 4 : 2;
      long base = (long) r * cols * width;
      for (int i = 0; i < cols; i++) {
        int at = Math.toIntExact(base + (long) i * width);
        v[i] =
            switch (dtype) {
              case "F32" -> bytes.getFloat(at);
              case "F16" -> Float.float16ToFloat(bytes.getShort(at));
              default -> Float.intBitsToFloat((bytes.getShort(at) & 0xFFFF) << 16);
            };
      }
      return v;
    }

    float[] all() {
      return row(0, Math.toIntExact(bytes.capacity() / (dtype.equals("F32") ? 4 : 2)));
    }
  }

  public Float64Reference(Path dir) throws IOException {
    this.c = ModelConfig.load(dir);
    Path single = dir.resolve("model.safetensors");
    if (Files.exists(single)) {
      read(single);
    } else {
      try (var files = Files.list(dir)) {
        for (Path p : files.filter(f -> f.toString().endsWith(".safetensors")).toList()) {
          read(p);
        }
      }
    }
  }

  private void read(Path file) throws IOException {
    try (SafetensorsFile f = SafetensorsFile.open(file)) {
      for (SafetensorsFile.TensorInfo t : f.tensors().values()) {
        // A mapping stays valid after its channel closes.
        ByteBuffer b = f.map(t, 0, Math.toIntExact(t.end() - t.start()));
        w.put(t.name(), new Tensor(b.order(java.nio.ByteOrder.LITTLE_ENDIAN), t.dtype()));
      }
    }
  }

  /** Logits [position][vocab] for every position of {@code tokens}. */
  public double[][] logits(int[] tokens) {
    return logits(tokens, 0);
  }

  /** Logits for positions from {@code firstWanted} on (earlier rows are null). */
  public double[][] logits(int[] tokens, int firstWanted) {
    int h = c.hiddenSize();
    int nh = c.numAttentionHeads();
    int kvh = c.numKeyValueHeads();
    int hd = c.headDim();
    int n = tokens.length;
    double[][] x = new double[n][];
    for (int t = 0; t < n; t++) {
      x[t] = row(w.get("model.embed_tokens.weight"), tokens[t], h);
    }
    for (int l = 0; l < c.numHiddenLayers(); l++) {
      String p = "model.layers." + l + ".";
      double[][] q = new double[n][];
      double[][] k = new double[n][];
      double[][] v = new double[n][];
      for (int t = 0; t < n; t++) {
        double[] hs = rmsNorm(x[t], w.get(p + "input_layernorm.weight"));
        q[t] =
            rope(
                add(
                    matVec(w.get(p + "self_attn.q_proj.weight"), hs, nh * hd),
                    w.get(p + "self_attn.q_proj.bias")),
                t,
                nh,
                hd);
        k[t] =
            rope(
                add(
                    matVec(w.get(p + "self_attn.k_proj.weight"), hs, kvh * hd),
                    w.get(p + "self_attn.k_proj.bias")),
                t,
                kvh,
                hd);
        v[t] =
            add(
                matVec(w.get(p + "self_attn.v_proj.weight"), hs, kvh * hd),
                w.get(p + "self_attn.v_proj.bias"));
      }
      for (int t = 0; t < n; t++) {
        double[] attn = new double[nh * hd];
        for (int head = 0; head < nh; head++) {
          int kvHead = head / (nh / kvh);
          double[] scores = new double[t + 1];
          double max = Double.NEGATIVE_INFINITY;
          for (int s = 0; s <= t; s++) {
            double dot = 0;
            for (int d = 0; d < hd; d++) {
              dot += q[t][head * hd + d] * k[s][kvHead * hd + d];
            }
            scores[s] = dot / Math.sqrt(hd);
            max = Math.max(max, scores[s]);
          }
          double sum = 0;
          for (int s = 0; s <= t; s++) {
            scores[s] = Math.exp(scores[s] - max);
            sum += scores[s];
          }
          for (int s = 0; s <= t; s++) {
            for (int d = 0; d < hd; d++) {
              attn[head * hd + d] += scores[s] / sum * v[s][kvHead * hd + d];
            }
          }
        }
        double[] o = matVec(w.get(p + "self_attn.o_proj.weight"), attn, h);
        x[t] = add(x[t], o);
        double[] hs = rmsNorm(x[t], w.get(p + "post_attention_layernorm.weight"));
        int inter = c.intermediateSize();
        double[] gate = matVec(w.get(p + "mlp.gate_proj.weight"), hs, inter);
        double[] up = matVec(w.get(p + "mlp.up_proj.weight"), hs, inter);
        double[] act = new double[inter];
        for (int i = 0; i < inter; i++) {
          act[i] = gate[i] / (1 + Math.exp(-gate[i])) * up[i];
        }
        x[t] = add(x[t], matVec(w.get(p + "mlp.down_proj.weight"), act, h));
      }
    }
    Tensor head =
        c.tieWordEmbeddings() ? w.get("model.embed_tokens.weight") : w.get("lm_head.weight");
    double[][] logits = new double[n][];
    for (int t = firstWanted; t < n; t++) {
      logits[t] = matVec(head, rmsNorm(x[t], w.get("model.norm.weight")), c.vocabSize());
    }
    return logits;
  }

  private double[] rope(double[] x, int pos, int heads, int hd) {
    double[] out = new double[x.length];
    int half = hd / 2;
    for (int head = 0; head < heads; head++) {
      for (int i = 0; i < hd; i++) {
        int pair = i < half ? i : i - half;
        double angle = pos * Math.pow(c.ropeTheta(), -2.0 * pair / hd);
        double rotated = i < half ? -x[head * hd + i + half] : x[head * hd + i - half];
        out[head * hd + i] = x[head * hd + i] * Math.cos(angle) + rotated * Math.sin(angle);
      }
    }
    return out;
  }

  private double[] rmsNorm(double[] x, Tensor tensor) {
    float[] weight = tensor.all();
    double ms = 0;
    for (double v : x) {
      ms += v * v;
    }
    ms /= x.length;
    double r = 1 / Math.sqrt(ms + c.rmsNormEps());
    double[] out = new double[x.length];
    for (int i = 0; i < x.length; i++) {
      out[i] = weight[i] * x[i] * r;
    }
    return out;
  }

  private static double[] matVec(Tensor m, double[] x, int rows) {
    int cols = x.length;
    double[] out = new double[rows];
    for (int r = 0; r < rows; r++) {
      double s = 0;
      float[] row = m.row(r, cols);
      for (int i = 0; i < cols; i++) {
        s += row[i] * x[i];
      }
      out[r] = s;
    }
    return out;
  }

  private static double[] add(double[] a, Tensor tensor) {
    float[] b = tensor.all();
    double[] out = new double[a.length];
    for (int i = 0; i < a.length; i++) {
      out[i] = a[i] + b[i];
    }
    return out;
  }

  private static double[] add(double[] a, double[] b) {
    double[] out = new double[a.length];
    for (int i = 0; i < a.length; i++) {
      out[i] = a[i] + b[i];
    }
    return out;
  }

  private static double[] row(Tensor m, int r, int cols) {
    float[] v = m.row(r, cols);
    double[] out = new double[cols];
    for (int i = 0; i < cols; i++) {
      out[i] = v[i];
    }
    return out;
  }

  public static int argmax(double[] v) {
    int best = 0;
    for (int i = 1; i < v.length; i++) {
      if (v[i] > v[best]) {
        best = i;
      }
    }
    return best;
  }
}
