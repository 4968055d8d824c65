package io.qwenops.operator.console.access;

import io.fabric8.kubernetes.api.model.authentication.TokenReview;
import io.fabric8.kubernetes.api.model.authentication.TokenReviewBuilder;
import io.fabric8.kubernetes.api.model.authentication.UserInfo;
import io.fabric8.kubernetes.api.model.authorization.v1.SubjectAccessReview;
import io.fabric8.kubernetes.api.model.authorization.v1.SubjectAccessReviewBuilder;
import io.fabric8.kubernetes.client.KubernetesClient;
import java.time.Duration;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.ConcurrentHashMap;
import java.util.function.LongSupplier;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Mode {@code kubernetes} (headlamp's model): the browser holds the user's own Kubernetes token. A
 * TokenReview says who it belongs to; a SubjectAccessReview per QwenDeployment says whether that
 * user may {@code get} it. Answers are cached briefly so a page of deployments refreshed every 2 s
 * does not become a stream of reviews; a revoked binding takes effect within {@link #DECISION_TTL}.
 */
public final class KubernetesAccess implements Authenticator {

  static final Duration IDENTITY_TTL = Duration.ofSeconds(60);
  static final Duration DECISION_TTL = Duration.ofSeconds(10);
  private static final int MAX_CACHED = 10_000;
  private static final Logger LOG = LoggerFactory.getLogger(KubernetesAccess.class);

  private final KubernetesClient client;
  private final LongSupplier nanoClock;
  private final Map<String, Timed<Optional<UserInfo>>> identities = new ConcurrentHashMap<>();
  private final Map<Decision, Timed<Boolean>> decisions = new ConcurrentHashMap<>();

  private record Timed<T>(T value, long atNanos) {}

  private record Decision(String token, String namespace, String name) {}

  public KubernetesAccess(KubernetesClient client) {
    this(client, System::nanoTime);
  }

  KubernetesAccess(KubernetesClient client, LongSupplier nanoClock) {
    this.client = client;
    this.nanoClock = nanoClock;
  }

  @Override
  public AccessMode mode() {
    return AccessMode.KUBERNETES;
  }

  @Override
  public Optional<Viewer> authenticate(String bearerToken) {
    if (bearerToken == null || bearerToken.isBlank()) {
      return Optional.empty();
    }
    return identity(bearerToken).map(user -> new ReviewedViewer(bearerToken, user));
  }

  private Optional<UserInfo> identity(String token) {
    Timed<Optional<UserInfo>> cached = identities.get(token);
    if (cached != null && fresh(cached, IDENTITY_TTL)) {
      return cached.value();
    }
    Optional<UserInfo> user = review(token);
    bound(identities).put(token, new Timed<>(user, nanoClock.getAsLong()));
    return user;
  }

  private Optional<UserInfo> review(String token) {
    TokenReview review =
        new TokenReviewBuilder()
            .withNewMetadata()
            .endMetadata()
            .withNewSpec()
            .withToken(token)
            .endSpec()
            .build();
    TokenReview answer = client.resource(review).create();
    if (answer == null
        || answer.getStatus() == null
        || !Boolean.TRUE.equals(answer.getStatus().getAuthenticated())) {
      return Optional.empty();
    }
    return Optional.ofNullable(answer.getStatus().getUser());
  }

  private boolean mayGet(String token, UserInfo user, String namespace, String name) {
    Decision key = new Decision(token, namespace, name);
    Timed<Boolean> cached = decisions.get(key);
    if (cached != null && fresh(cached, DECISION_TTL)) {
      return cached.value();
    }
    boolean allowed;
    try {
      allowed = accessReview(user, namespace, name);
    } catch (RuntimeException e) {
      // Fail closed: an API server that cannot answer grants nothing.
      LOG.warn("SubjectAccessReview for {}/{} failed: {}", namespace, name, e.getMessage());
      return false;
    }
    bound(decisions).put(key, new Timed<>(allowed, nanoClock.getAsLong()));
    return allowed;
  }

  private boolean accessReview(UserInfo user, String namespace, String name) {
    SubjectAccessReview review =
        new SubjectAccessReviewBuilder()
            .withNewMetadata()
            .endMetadata()
            .withNewSpec()
            .withUser(user.getUsername())
            .withUid(user.getUid())
            .withGroups(user.getGroups())
            .withExtra(user.getExtra())
            .withNewResourceAttributes()
            .withGroup("qwenops.io")
            .withResource("qwendeployments")
            .withVerb("get")
            .withNamespace(namespace)
            .withName(name)
            .endResourceAttributes()
            .endSpec()
            .build();
    SubjectAccessReview answer = client.resource(review).create();
    return answer != null
        && answer.getStatus() != null
        && Boolean.TRUE.equals(answer.getStatus().getAllowed());
  }

  private boolean fresh(Timed<?> timed, Duration ttl) {
    return nanoClock.getAsLong() - timed.atNanos() < ttl.toNanos();
  }

  private static <K, V> Map<K, V> bound(Map<K, V> cache) {
    if (cache.size() >= MAX_CACHED) {
      cache.clear();
    }
    return cache;
  }

  /** A user the API server vouched for. */
  private final class ReviewedViewer implements Viewer {
    private final String token;
    private final UserInfo user;

    ReviewedViewer(String token, UserInfo user) {
      this.token = token;
      this.user = user;
    }

    @Override
    public String user() {
      return user.getUsername();
    }

    @Override
    public boolean mayGet(String namespace, String name) {
      return KubernetesAccess.this.mayGet(token, user, namespace, name);
    }
  }
}
