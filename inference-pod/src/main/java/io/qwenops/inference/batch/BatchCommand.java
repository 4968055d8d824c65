package io.qwenops.inference.batch;

import io.qwenops.inference.engine.EngineOptions;
import io.qwenops.inference.engine.LoadedModel;
import io.qwenops.inference.engine.QwenEngines;
import io.qwenops.inference.progress.ProgressTicker;
import io.qwenops.inference.server.ChatTemplates;
import io.qwenops.inference.server.ModelLocation;
import io.qwenops.inference.server.QwenModelLoader;
import io.qwenops.inference.server.ServerOptions;
import io.qwenops.inference.server.UsageException;
import java.io.PrintStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;

/**
 * {@code java -jar inference-pod.jar batch --model DIR|hf://... --input in.jsonl --output out.jsonl
 * [engine options]}: offline inference over a JSONL file, like vLLM's {@code LLM.generate}. The
 * engine options are the server's (--device, --dtype, --max-model-len, --max-num-seqs,
 * --kv-cache-memory, ...).
 */
public final class BatchCommand {

  static final String USAGE =
      """
      Usage: java -jar inference-pod.jar batch --model DIR|hf://owner/name[@rev] \\
                 --input in.jsonl --output out.jsonl [server engine options]

      Runs every line of in.jsonl through the engine (continuous batching, no server) and
      appends one JSON result per finished line to out.jsonl. A line is an OpenAI request
      body: {"messages": [...]} (chat, rendered with the model's template) or
      {"prompt": "..."} (plain text), with OpenAI sampling fields (max_tokens, temperature,
      top_p, seed, stop, ...) and an optional "id" or "custom_id". A result holds line, id,
      text, finish_reason, prompt_tokens, completion_tokens, ttft_s and total_s.
      Bad lines are reported with their numbers and skipped. Rerunning with the same output
      skips the lines it already holds results for.
      Engine options: --device, --dtype, --max-model-len, --max-num-seqs,
      --max-num-batched-tokens, --kv-cache-memory, --gpu-memory-utilization (see --help
      of the server).
      """;

  private BatchCommand() {}

  /** Runs the command; returns the process exit code (0 ok, 1 failed, 2 usage). */
  public static int run(String[] args, Map<String, String> env, PrintStream log) {
    Path input = null;
    Path output = null;
    List<String> engineArgs = new ArrayList<>();
    try {
      for (int i = 0; i < args.length; i++) {
        String arg = args[i];
        if (arg.equals("--help") || arg.equals("-h")) {
          log.print(USAGE);
          return 0;
        }
        if (arg.equals("--input") || arg.equals("--output")) {
          if (i + 1 >= args.length) {
            throw new UsageException(arg + " needs a file");
          }
          Path file = Path.of(args[++i]);
          if (arg.equals("--input")) {
            input = file;
          } else {
            output = file;
          }
        } else {
          engineArgs.add(arg);
        }
      }
      if (input == null || output == null) {
        throw new UsageException("batch needs --input FILE and --output FILE");
      }
      if (!Files.isRegularFile(input)) {
        throw new UsageException("--input " + input + " does not exist");
      }
      ServerOptions options = ServerOptions.parse(engineArgs.toArray(String[]::new), env);
      BatchSummary summary = run(options, input, output, env, log);
      log.println(summary.text());
      return summary.failed() == 0 ? 0 : 1;
    } catch (UsageException e) {
      log.println("error: " + e.getMessage());
      log.print(USAGE);
      return 2;
    } catch (Exception e) {
      log.println("error: " + (e.getMessage() == null ? e.toString() : e.getMessage()));
      return 1;
    }
  }

  static BatchSummary run(
      ServerOptions options, Path input, Path output, Map<String, String> env, PrintStream log)
      throws Exception {
    EngineOptions engineOptions = QwenModelLoader.engineOptions(options);
    Path dir = ModelLocation.resolve(options.model(), env);
    try (LoadedModel model = QwenEngines.load(dir, engineOptions)) {
      BatchLineParser parser =
          new BatchLineParser(
              model.tokenizer(),
              ChatTemplates.forModel(dir),
              model.config().vocabSize(),
              model.engine().maxModelLen());
      // Twice the running batch in flight keeps the scheduler fed without queueing the file.
      int inFlight =
          Math.max(1, Math.min(engineOptions.maxNumSeqs() * 2, engineOptions.maxWaiting()));
      return new BatchRunner(model.engine(), parser, inFlight, log)
          .run(input, output, ProgressTicker.isTerminal());
    }
  }
}
