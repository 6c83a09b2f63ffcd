package org.mcpfront.storage;

/**
 * A write that would grow memory storage past {@code oauth.limits.memory_storage}. What is stored
 * expires by itself, so the store takes writes again once old entries are gone.
 */
public final class StoreFullException extends RuntimeException {

    public StoreFullException(long limitBytes) {
        super(
                "memory storage is full (oauth.limits.memory_storage is " + limitBytes + " bytes); entries expire and "
                        + "free room by themselves",
                null,
                false,
                false);
    }
}
