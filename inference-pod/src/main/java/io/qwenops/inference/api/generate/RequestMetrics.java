package io.qwenops.inference.api.generate;

import io.qwenops.inference.engine.FinishReason;
import io.qwenops.inference.engine.RequestTimings;

/**
 * Per-request observations the API can make and the engine's counters cannot: token gaps as the
 * client sees them and each request's end. Called on the engine's step thread; must not block.
 */
public interface RequestMetrics {

  RequestMetrics NONE =
      new RequestMetrics() {
        @Override
        public void interTokenGap(double seconds) {}

        @Override
        public void finished(FinishReason reason, RequestTimings timings) {}
      };

  void interTokenGap(double seconds);

  void finished(FinishReason reason, RequestTimings timings);
}
