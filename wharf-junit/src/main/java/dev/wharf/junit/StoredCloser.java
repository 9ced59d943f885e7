package dev.wharf.junit;

import org.junit.jupiter.api.extension.ExtensionContext;

/**
 * Something for a JUnit store to close when its scope ends. Both interfaces, so that every
 * JUnit 5 closes it exactly once: before 5.13 the store closes only a {@code CloseableResource},
 * from 5.13 on it prefers {@code AutoCloseable} (and warns about a bare {@code CloseableResource}).
 * Immutable; JUnit closes it on the thread that ends the scope.
 */
@SuppressWarnings("deprecation")
final class StoredCloser implements ExtensionContext.Store.CloseableResource, AutoCloseable {
    /** What to close. */
    interface Action {
        void close() throws Exception;
    }

    private final Action action;

    private StoredCloser(Action action) {
        this.action = action;
    }

    /** Puts {@code action} into {@code store} under a key of its own. */
    static void register(ExtensionContext.Store store, Action action) {
        store.put(new Object(), new StoredCloser(action));
    }

    @Override
    public void close() throws Exception {
        action.close();
    }
}
