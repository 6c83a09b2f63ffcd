package org.mcpfront.oauth.grants;

import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.DisplayName;
import org.mcpfront.storage.MemoryStore;
import org.mcpfront.storage.Store;

/** Grants on one instance's memory store. */
@DisplayName("Grants in memory")
class GrantsTest extends GrantsContract {

    private MemoryStore store;

    @BeforeEach
    void setUp() {
        store = new MemoryStore(vertx, 16 * 1024 * 1024);
    }

    @Override
    protected Store newStore() {
        return store;
    }
}
