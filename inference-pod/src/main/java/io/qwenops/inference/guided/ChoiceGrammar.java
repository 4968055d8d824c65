package io.qwenops.inference.guided;

import io.qwenops.inference.engine.TokenConstraint;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;

/**
 * The output is exactly one of a list of strings (vLLM's {@code guided_choice}): tokens follow the
 * choices' byte trie; EOS is allowed once the text is a whole choice, and generation stops by
 * itself when no longer choice goes on from there.
 */
public final class ChoiceGrammar implements TokenConstraint {

  private final TokenTable table;
  private final NameTrie choices;
  private int node;

  public ChoiceGrammar(TokenTable table, List<String> choices) {
    this.table = table;
    List<byte[]> bytes = new ArrayList<>();
    for (String c : choices) {
      bytes.add(c.getBytes(StandardCharsets.UTF_8));
    }
    this.choices = new NameTrie(bytes);
  }

  @Override
  public int forcedToken() {
    return -1;
  }

  @Override
  public boolean allows(int tokenId) {
    return table.isText(tokenId) && after(tokenId) >= 0;
  }

  private int after(int tokenId) {
    int at = node;
    for (byte b : table.bytes(tokenId)) {
      at = choices.next(at, b);
      if (at < 0) {
        return -1;
      }
    }
    return at;
  }

  @Override
  public boolean mayEnd() {
    return choices.isName(node);
  }

  @Override
  public boolean accept(int tokenId) {
    int next = table.isText(tokenId) ? after(tokenId) : -1;
    if (next < 0) {
      throw new IllegalStateException("token " + tokenId + " is not on the way to a choice");
    }
    node = next;
    return choices.isLeaf(node);
  }
}
