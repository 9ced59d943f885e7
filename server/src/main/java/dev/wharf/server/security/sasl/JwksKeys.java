package dev.wharf.server.security.sasl;

import com.nimbusds.jose.jwk.JWKSet;
import java.io.IOException;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.file.Files;
import java.nio.file.Path;
import java.text.ParseException;
import java.time.Clock;
import java.time.Duration;
import java.util.concurrent.atomic.AtomicBoolean;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The verification keys of {@code sasl.oauthbearer.jwks.endpoint.url}, kept fresh: reloaded once
 * {@code sasl.oauthbearer.jwks.endpoint.refresh.ms} has passed, and early (at most once per
 * {@code minRefetchMs}) when a token names a key id we do not have, which is how a provider's key
 * rotation shows up.
 *
 * <p>A {@code file://} set is read on the calling thread (a small local file; a missing or bad file
 * at construction is a configuration error). An {@code http(s)://} set is fetched once at
 * construction, then in the background, never blocking a caller: the keys in hand are used until
 * the new ones arrive. Thread-safe: the key set is published through a volatile field.
 */
final class JwksKeys {
    private static final Logger LOG = LoggerFactory.getLogger(JwksKeys.class);
    private static final Duration HTTP_TIMEOUT = Duration.ofSeconds(10);

    private final URI uri;
    private final long refreshMs;
    private final long minRefetchMs;
    private final Clock clock;
    private final HttpClient http;
    private final AtomicBoolean fetching = new AtomicBoolean();
    private volatile JWKSet keys = new JWKSet();
    private volatile long loadedAtMs;
    private volatile long lastAttemptMs;

    JwksKeys(URI uri, long refreshMs, long minRefetchMs, Clock clock) {
        this.uri = uri;
        this.refreshMs = refreshMs;
        this.minRefetchMs = minRefetchMs;
        this.clock = clock;
        String scheme = uri.getScheme() == null ? "" : uri.getScheme().toLowerCase(java.util.Locale.ROOT);
        switch (scheme) {
            case "file" -> {
                http = null;
                try {
                    loadFile();
                } catch (IOException | ParseException | IllegalArgumentException e) {
                    throw new IllegalArgumentException("Cannot read the JWKS at " + uri + ": " + e.getMessage(), e);
                }
            }
            case "https", "http" -> {
                http = HttpClient.newBuilder().connectTimeout(HTTP_TIMEOUT)
                        .followRedirects(HttpClient.Redirect.NORMAL).build();
                lastAttemptMs = clock.millis();
                try {
                    HttpResponse<String> response = http.send(request(), HttpResponse.BodyHandlers.ofString());
                    if (response.statusCode() / 100 != 2) {
                        throw new IOException("HTTP status " + response.statusCode());
                    }
                    install(JWKSet.parse(response.body()));
                } catch (IOException | ParseException e) {
                    LOG.warn("JWKS not loaded yet, will retry: url={} error={}", uri, e.toString());
                } catch (InterruptedException e) {
                    Thread.currentThread().interrupt();
                }
            }
            default -> throw new IllegalArgumentException("sasl.oauthbearer.jwks.endpoint.url must be an https:// "
                    + "or file:// URL, was " + uri);
        }
    }

    /** The keys, after a reload if the refresh interval has passed. */
    JWKSet current() {
        long now = clock.millis();
        if (now - loadedAtMs >= refreshMs && now - lastAttemptMs >= minRefetchMs) {
            reload();
        }
        return keys;
    }

    /** A key id was not found: reload now unless we did very recently. True if the keys may have changed. */
    boolean reloadForUnknownKey() {
        if (clock.millis() - lastAttemptMs < minRefetchMs) {
            return false;
        }
        reload();
        return http == null;
    }

    private void reload() {
        if (http == null) {
            try {
                loadFile();
            } catch (IOException | ParseException e) {
                lastAttemptMs = clock.millis();
                LOG.warn("JWKS reload failed, keeping the previous keys: url={} error={}", uri, e.toString());
            }
            return;
        }
        if (!fetching.compareAndSet(false, true)) {
            return;
        }
        lastAttemptMs = clock.millis();
        http.sendAsync(request(), HttpResponse.BodyHandlers.ofString()).whenComplete((response, error) -> {
            try {
                if (error != null) {
                    LOG.warn("JWKS fetch failed, keeping the previous keys: url={} error={}", uri, error.toString());
                } else if (response.statusCode() / 100 != 2) {
                    LOG.warn("JWKS fetch failed, keeping the previous keys: url={} status={}", uri,
                            response.statusCode());
                } else {
                    install(JWKSet.parse(response.body()));
                }
            } catch (ParseException e) {
                LOG.warn("JWKS fetch returned no key set, keeping the previous keys: url={} error={}", uri,
                        e.toString());
            } finally {
                fetching.set(false);
            }
        });
    }

    private void loadFile() throws IOException, ParseException {
        lastAttemptMs = clock.millis();
        install(JWKSet.parse(Files.readString(Path.of(uri))));
    }

    private void install(JWKSet loaded) {
        keys = loaded;
        loadedAtMs = clock.millis();
        LOG.debug("JWKS loaded: url={} keys={}", uri, loaded.getKeys().size());
    }

    private HttpRequest request() {
        return HttpRequest.newBuilder(uri).timeout(HTTP_TIMEOUT).header("Accept", "application/json").GET().build();
    }
}
